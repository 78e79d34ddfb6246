/* irqscope conformance oracle: runs i386 code fragments natively and reports what they did.
 *
 * A freestanding static 32-bit Linux program (no libc: raw int 0x80 system calls), built by the Conformance
 * target with clang --target=i386-unknown-linux-gnu and ld.lld. It reads fixed-size `struct input` records on
 * standard input and writes one `struct output` record per case on standard output; the Swift side
 * (Sources/Conformance/NativeOracle.swift) holds the same layouts and addresses.
 *
 * Memory: the data area 0x200000-0x20FFFF (read/write; the 256-byte data window at 0x200100, the default case
 * stack below 0x20F000) and the code page at 0x210000 (read/write/execute), both mapped at fixed addresses so
 * that addresses the code computes (return addresses, pushed ESP) are the same in the emulator. Nothing else
 * near them is mapped: an access outside faults with #PF.
 *
 * A case: the code is copied to the code page and followed by `jmp rel32 case_exit`; the window is copied in;
 * EFLAGS and all eight general registers (ESP included) are loaded and the code runs at CPL 3 with the
 * process's own segments (CS 0x23, DS ES SS 0x2B, FS GS 0 on an x86-64 kernel). case_exit stores the registers,
 * EFLAGS and the six selectors through SS (the case may have loaded DS or ES with anything) and restores the
 * oracle's segments. A fault is caught by a SA_SIGINFO handler on an alternate stack: it records the signal and
 * the sigcontext's trapno (the exception vector), error code and EIP, puts the oracle's segments back into the
 * sigcontext and resumes at fault_exit. */
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;

#define DATA_AREA 0x200000u
#define DATA_AREA_SIZE 0x10000u
#define WINDOW_ADDRESS 0x200100u
#define WINDOW_SIZE 256u
#define CODE_ADDRESS 0x210000u
#define CODE_MAX 64u

struct input {
  u32 code_length;
  u8 code[CODE_MAX];
  u32 regs[8]; /* EAX ECX EDX EBX ESP EBP ESI EDI */
  u32 eflags;
  u8 window[WINDOW_SIZE];
};

struct output {
  u32 vector; /* 0xFFFFFFFF: ran to its end */
  u32 signal;
  u32 error_code;
  u32 fault_eip;
  u32 regs[8];
  u32 eflags;
  u32 segs[6]; /* ES CS SS DS FS GS */
  u8 window[WINDOW_SIZE];
};

u32 in_regs[8], in_eflags, out_regs[8], out_eflags, out_segs[6], saved_esp, code_entry;
u32 fault_vector, fault_signal, fault_error, fault_eip;
u32 oracle_ds, oracle_fs, oracle_gs, oracle_ss;
static u8 alt_stack[65536];

void *memcpy(void *d, const void *s, unsigned n) {
  u8 *dp = d;
  const u8 *sp = s;
  while (n--) *dp++ = *sp++;
  return d;
}
void *memset(void *d, int c, unsigned n) {
  u8 *dp = d;
  while (n--) *dp++ = (u8)c;
  return d;
}

static u32 sys3(u32 n, u32 a, u32 b, u32 c) {
  u32 r;
  __asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a), "c"(b), "d"(c) : "memory");
  return r;
}
static u32 sys6(u32 n, u32 a, u32 b, u32 c, u32 d, u32 e, u32 f) {
  u32 r;
  u32 args[7] = {a, b, c, d, e, f, n};
  /* mmap2 takes six arguments: ebx, ecx, edx, esi, edi, ebp. ebp cannot be named as an asm operand. */
  __asm__ volatile("push %%ebp\n\tmovl 20(%%eax), %%ebp\n\tmovl 16(%%eax), %%edi\n\tmovl 12(%%eax), %%esi\n\t"
                   "movl 8(%%eax), %%edx\n\tmovl 4(%%eax), %%ecx\n\tmovl 0(%%eax), %%ebx\n\t"
                   "movl 24(%%eax), %%eax\n\t"
                   "int $0x80\n\tpop %%ebp"
                   : "=a"(r)
                   : "a"(args)
                   : "ebx", "ecx", "edx", "esi", "edi", "memory");
  return r;
}

void run_case(void);
void case_exit(void);
void fault_exit(void);
void restorer(void);
void oracle_main(void);
__asm__(".text\n"
        ".globl run_case\nrun_case:\n"
        "  push %ebp\n  push %ebx\n  push %esi\n  push %edi\n"
        "  movl %esp, saved_esp\n"
        "  pushl in_eflags\n  popfl\n"
        "  movl in_regs+0, %eax\n  movl in_regs+4, %ecx\n  movl in_regs+8, %edx\n  movl in_regs+12, %ebx\n"
        "  movl in_regs+16, %esp\n  movl in_regs+20, %ebp\n  movl in_regs+24, %esi\n  movl in_regs+28, %edi\n"
        "  jmp *code_entry\n"
        /* Everything through SS: the case may have left DS/ES null or read-only, and ESP inside the window. */
        ".globl case_exit\ncase_exit:\n"
        "  movl %eax, %ss:out_regs+0\n  movl %ecx, %ss:out_regs+4\n  movl %edx, %ss:out_regs+8\n"
        "  movl %ebx, %ss:out_regs+12\n  movl %esp, %ss:out_regs+16\n  movl %ebp, %ss:out_regs+20\n"
        "  movl %esi, %ss:out_regs+24\n  movl %edi, %ss:out_regs+28\n"
        "  movl %ss:saved_esp, %esp\n  pushfl\n  popl %ss:out_eflags\n"
        "  movw %es, %ss:out_segs+0\n  movw %cs, %ss:out_segs+4\n  movw %ss, %ss:out_segs+8\n"
        "  movw %ds, %ss:out_segs+12\n  movw %fs, %ss:out_segs+16\n  movw %gs, %ss:out_segs+20\n"
        "  movl %ss:oracle_ds, %eax\n  movw %ax, %ds\n  movw %ax, %es\n"
        "  movl oracle_fs, %eax\n  movw %ax, %fs\n  movl oracle_gs, %eax\n  movw %ax, %gs\n  cld\n"
        "  pop %edi\n  pop %esi\n  pop %ebx\n  pop %ebp\n  ret\n"
        ".globl fault_exit\nfault_exit:\n"
        "  movl %ss:saved_esp, %esp\n  cld\n"
        "  pop %edi\n  pop %esi\n  pop %ebx\n  pop %ebp\n  ret\n"
        ".globl _start\n_start:\n  andl $-16, %esp\n  call oracle_main\n"
        ".globl restorer\nrestorer:\n  movl $173, %eax\n  int $0x80\n");

static void handler(int signal, void *info, void *context) {
  (void)info;
  u8 *sc = (u8 *)context + 20;
  /* ucontext: uc_flags, uc_link, uc_stack (12 bytes), then the ia32 sigcontext: gs fs es ds (16-bit, each padded to
     32), edi esi ebp esp ebx edx ecx eax, trapno (48), err (52), eip (56), cs (60), eflags (64), esp (68), ss (72). */
  fault_signal = (u32)signal;
  fault_vector = *(u32 *)(sc + 48);
  fault_error = *(u32 *)(sc + 52);
  fault_eip = *(u32 *)(sc + 56);
  *(u32 *)(sc + 0) = oracle_gs;
  *(u32 *)(sc + 4) = oracle_fs;
  *(u32 *)(sc + 8) = oracle_ds;
  *(u32 *)(sc + 12) = oracle_ds;
  *(u32 *)(sc + 72) = oracle_ss;
  *(u32 *)(sc + 56) = (u32)fault_exit;
}

struct kernel_sigaction {
  void *handler;
  u32 flags;
  void *restorer;
  u32 mask[2];
};

static void install(int signal) {
  /* SA_RESTORER | SA_ONSTACK | SA_SIGINFO | SA_NODEFER */
  u32 flags = 0x04000000u | 0x08000000u | 4u | 0x40000000u;
  struct kernel_sigaction action = {(void *)handler, flags, (void *)restorer, {0, 0}};
  sys6(174, (u32)signal, (u32)&action, 0, 8, 0, 0);
}

static u32 read_all(u8 *p, u32 n) {
  u32 got = 0;
  while (got < n) {
    int r = (int)sys3(3, 0, (u32)(p + got), n - got);
    if (r <= 0) return got;
    got += (u32)r;
  }
  return got;
}

static void write_all(const u8 *p, u32 n) {
  while (n > 0) {
    int r = (int)sys3(4, 1, (u32)p, n);
    if (r <= 0) return;
    p += r;
    n -= (u32)r;
  }
}

static void exit_with(u32 status) {
  sys3(1, status, 0, 0);
  for (;;) {
  }
}

void oracle_main(void) {
  /* mmap2 with MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED at the two fixed addresses. */
  if (sys6(192, DATA_AREA, DATA_AREA_SIZE, 3, 0x32, (u32)-1, 0) != DATA_AREA) exit_with(2);
  if (sys6(192, CODE_ADDRESS, 4096, 7, 0x32, (u32)-1, 0) != CODE_ADDRESS) exit_with(3);
  u8 *page = (u8 *)CODE_ADDRESS;
  u32 stack[3] = {(u32)alt_stack, 0, sizeof alt_stack};
  sys3(186, (u32)stack, 0, 0); /* sigaltstack */
  install(4);                  /* SIGILL */
  install(5);                  /* SIGTRAP */
  install(7);                  /* SIGBUS */
  install(8);                  /* SIGFPE */
  install(11);                 /* SIGSEGV */
  sys3(27, 600, 0, 0);         /* alarm: a case that never ends must not hang the caller */
  __asm__ volatile("movl %%ds, %0\n\tmovl %%fs, %1\n\tmovl %%gs, %2\n\tmovl %%ss, %3"
                   : "=r"(oracle_ds), "=r"(oracle_fs), "=r"(oracle_gs), "=r"(oracle_ss));
  code_entry = CODE_ADDRESS;
  static struct input in;
  static struct output out;
  while (read_all((u8 *)&in, sizeof in) == sizeof in) {
    u32 length = in.code_length > CODE_MAX ? CODE_MAX : in.code_length;
    for (u32 i = 0; i < length; i++) page[i] = in.code[i];
    /* jmp rel32 case_exit */
    u32 next = CODE_ADDRESS + length + 5;
    page[length] = 0xE9;
    *(volatile u32 *)(page + length + 1) = (u32)case_exit - next;
    u8 *window = (u8 *)WINDOW_ADDRESS;
    for (u32 i = 0; i < WINDOW_SIZE; i++) window[i] = in.window[i];
    for (u32 i = 0; i < 8; i++) in_regs[i] = in.regs[i];
    for (u32 i = 0; i < 6; i++) out_segs[i] = 0;
    in_eflags = in.eflags;
    fault_vector = 0xFFFFFFFFu;
    fault_signal = 0;
    fault_error = 0;
    fault_eip = 0;
    run_case();
    out.vector = fault_vector;
    out.signal = fault_signal;
    out.error_code = fault_error;
    out.fault_eip = fault_eip;
    for (u32 i = 0; i < 8; i++) out.regs[i] = out_regs[i];
    out.eflags = out_eflags;
    for (u32 i = 0; i < 6; i++) out.segs[i] = out_segs[i];
    for (u32 i = 0; i < WINDOW_SIZE; i++) out.window[i] = window[i];
    write_all((u8 *)&out, sizeof out);
  }
  exit_with(0);
}

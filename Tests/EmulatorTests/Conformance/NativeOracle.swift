import Foundation

/// Runs i386 code fragments natively, as the reference for the differential CPU tests.
///
/// The oracle is a freestanding 32-bit static Linux program (no libc: raw `int 0x80` system calls), built once
/// per test run from `source` with clang and ld.lld. It reads `Case` records on standard input and writes one
/// `Outcome` record per case on standard output. For each case it copies the code to an RWX page (mmap2), appends
/// `jmp *exit_target`, copies the data window to `windowAddress`, loads EFLAGS and all eight GPRs (ESP included:
/// cases run on a scratch stack below `caseStackTop`) and jumps to the code. The exit path stores the GPRs
/// without touching the stack, switches back to the oracle's stack and reads EFLAGS with PUSHFD.
/// SIGILL, SIGTRAP, SIGBUS, SIGFPE and SIGSEGV are caught (rt_sigaction with SA_SIGINFO and an sa_restorer that
/// calls rt_sigreturn, on an alternate stack); the handler records the signal and the trap number from the
/// sigcontext (the exception vector) and resumes at `fault_exit`.
struct NativeOracle: Sendable {
  /// Where the 64-byte data window lies, natively and in the emulator.
  static let windowAddress: UInt32 = 0x20_0100
  static let windowSize = 64
  /// Initial ESP of every case: inside the oracle's mapped scratch area 0x200000–0x21FFFF.
  static let caseStackTop: UInt32 = 0x20_F000
  static let maximumCodeLength = 60

  /// One test case: code (at most `maximumCodeLength` bytes), GPRs in ModRM order, EFLAGS, the data window.
  struct Case: Sendable {
    var code: [UInt8]
    var registers: [UInt32]
    var eflags: UInt32
    var window: [UInt8]
  }

  /// What the code did: `vector` is nil when it ran to its end, else the exception vector (the sigcontext's
  /// trapno) and `signal` the Linux signal. Registers, EFLAGS and window are meaningful only without a fault.
  struct Outcome: Sendable, Equatable {
    var vector: UInt32?
    var signal: UInt32
    var registers: [UInt32]
    var eflags: UInt32
    var window: [UInt8]
  }

  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  static let inputRecordSize = 4 + 60 + 32 + 4 + 64
  static let outputRecordSize = 4 + 4 + 32 + 4 + 64

  let executable: URL
  let directory: URL

  /// The oracle, built once; nil with a reason when the host cannot run it (not x86 Linux, no toolchain).
  static let shared: Result<NativeOracle, Failure> = build()

  static func build() -> Result<NativeOracle, Failure> {
    #if os(Linux) && (arch(x86_64) || arch(i386))
      do {
        let directory = FileManager.default.temporaryDirectory
          .appendingPathComponent("irqscope-oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let sourceFile = directory.appendingPathComponent("oracle.c")
        try source.write(to: sourceFile, atomically: true, encoding: .utf8)
        let object = directory.appendingPathComponent("oracle.o")
        let executable = directory.appendingPathComponent("oracle")
        try Toolchain.run(
          "clang",
          [
            "--target=i386-unknown-linux-gnu", "-ffreestanding", "-fno-pic", "-fno-stack-protector", "-nostdlib",
            "-mgeneral-regs-only", "-O1", "-Wall", "-c", sourceFile.path, "-o", object.path,
          ], in: directory)
        // Linked at 16 MiB so the image stays clear of the fixed window area at 2 MiB.
        try Toolchain.run(
          "ld.lld",
          ["-m", "elf_i386", "-static", "--image-base=0x1000000", "-e", "_start", "-o", executable.path, object.path],
          in: directory)
        let oracle = NativeOracle(executable: executable, directory: directory)
        // The host must really run it: an empty batch exits 0 with no output.
        _ = try oracle.run([])
        return .success(oracle)
      } catch {
        return .failure(Failure(description: "native oracle unavailable: \(error)"))
      }
    #else
      return .failure(Failure(description: "native oracle needs an x86 Linux host"))
    #endif
  }

  /// Runs a batch of cases in one oracle process.
  func run(_ cases: [Case]) throws -> [Outcome] {
    var input = [UInt8]()
    input.reserveCapacity(cases.count * Self.inputRecordSize)
    for c in cases {
      precondition(c.code.count <= Self.maximumCodeLength && c.registers.count == 8 && c.window.count == 64)
      input += Self.bytes(UInt32(c.code.count))
      input += c.code + [UInt8](repeating: 0, count: Self.maximumCodeLength - c.code.count)
      for r in c.registers { input += Self.bytes(r) }
      input += Self.bytes(c.eflags)
      input += c.window
    }
    let tag = UUID().uuidString
    let inputFile = directory.appendingPathComponent("in-\(tag)")
    let outputFile = directory.appendingPathComponent("out-\(tag)")
    try Data(input).write(to: inputFile)
    _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
    let stdin = try FileHandle(forReadingFrom: inputFile)
    let stdout = try FileHandle(forWritingTo: outputFile)
    let process = Process()
    process.executableURL = executable
    process.standardInput = stdin
    process.standardOutput = stdout
    try process.run()
    process.waitUntilExit()
    try stdin.close()
    try stdout.close()
    let output = [UInt8](try Data(contentsOf: outputFile))
    try? FileManager.default.removeItem(at: inputFile)
    try? FileManager.default.removeItem(at: outputFile)
    guard process.terminationReason == .exit, process.terminationStatus == 0,
      output.count == cases.count * Self.outputRecordSize
    else {
      throw Failure(
        description: "oracle ended with \(process.terminationReason) \(process.terminationStatus) after "
          + "\(output.count / Self.outputRecordSize) of \(cases.count) cases")
    }
    return (0..<cases.count).map { i in
      let base = i * Self.outputRecordSize
      func word(_ offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(output[base + offset + $1]) << (8 * $1) }
      }
      let vector = word(0)
      return Outcome(
        vector: vector == 0xFFFF_FFFF ? nil : vector, signal: word(4),
        registers: (0..<8).map { word(8 + 4 * $0) }, eflags: word(40),
        window: Array(output[(base + 44)..<(base + 108)]))
    }
  }

  static func bytes(_ value: UInt32) -> [UInt8] {
    [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8(value >> 24)]
  }

  /// The oracle program. Its constants must match `windowAddress` (WINDOW_AREA + 0x100), `caseStackTop` and
  /// the record layouts above.
  static let source = #"""
    /* irqscope conformance oracle: runs i386 code fragments natively. No libc: raw int 0x80 syscalls. */
    typedef unsigned int u32;
    typedef unsigned char u8;

    #define WINDOW_AREA 0x200000u
    #define WINDOW_AREA_SIZE 0x20000u
    #define CASE_ESP 0x20F000u

    struct input { u32 code_length; u8 code[60]; u32 regs[8]; u32 eflags; u8 window[64]; };
    struct output { u32 vector; u32 signal; u32 regs[8]; u32 eflags; u8 window[64]; };

    u32 in_regs[8], in_eflags, out_regs[8], out_eflags, saved_esp, code_entry, exit_target, fault_vector, fault_signal;
    u32 window_address = WINDOW_AREA + 0x100;
    static u8 alt_stack[65536];

    void *memcpy(void *d, const void *s, unsigned n) {
      u8 *dp = d; const u8 *sp = s;
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
      /* mmap2 takes six arguments: ebx, ecx, edx, esi, edi, ebp. ebp cannot be named as an asm operand, so swap it. */
      __asm__ volatile("push %%ebp\n\tmovl 20(%%eax), %%ebp\n\tmovl 16(%%eax), %%edi\n\tmovl 12(%%eax), %%esi\n\t"
                       "movl 8(%%eax), %%edx\n\tmovl 4(%%eax), %%ecx\n\tmovl 0(%%eax), %%ebx\n\t"
                       "movl 24(%%eax), %%eax\n\t"
                       "int $0x80\n\tpop %%ebp"
                       : "=a"(r) : "a"(args) : "ebx", "ecx", "edx", "esi", "edi", "memory");
      return r;
    }

    void run_case(void);
    void case_exit(void);
    void fault_exit(void);
    void restorer(void);
    void oracle_main(void);
    __asm__(
        ".text\n"
        ".globl run_case\nrun_case:\n"
        "  push %ebp\n  push %ebx\n  push %esi\n  push %edi\n"
        "  movl %esp, saved_esp\n"
        "  pushl in_eflags\n  popfl\n"
        "  movl in_regs+0, %eax\n  movl in_regs+4, %ecx\n  movl in_regs+8, %edx\n  movl in_regs+12, %ebx\n"
        "  movl in_regs+16, %esp\n  movl in_regs+20, %ebp\n  movl in_regs+24, %esi\n  movl in_regs+28, %edi\n"
        "  jmp *code_entry\n"
        ".globl case_exit\ncase_exit:\n"
        "  movl %eax, out_regs+0\n  movl %ecx, out_regs+4\n  movl %edx, out_regs+8\n  movl %ebx, out_regs+12\n"
        "  movl %esp, out_regs+16\n  movl %ebp, out_regs+20\n  movl %esi, out_regs+24\n  movl %edi, out_regs+28\n"
        "  movl saved_esp, %esp\n  pushfl\n  popl out_eflags\n  cld\n"
        "  pop %edi\n  pop %esi\n  pop %ebx\n  pop %ebp\n  ret\n"
        ".globl fault_exit\nfault_exit:\n"
        "  movl saved_esp, %esp\n  cld\n"
        "  pop %edi\n  pop %esi\n  pop %ebx\n  pop %ebp\n  ret\n"
        ".globl _start\n_start:\n  andl $-16, %esp\n  call oracle_main\n"
        ".globl restorer\nrestorer:\n  movl $173, %eax\n  int $0x80\n");

    static void handler(int signal, void *info, void *context) {
      (void)info;
      u8 *uc = (u8 *)context;
      /* ucontext: uc_flags, uc_link, uc_stack (12 bytes), then sigcontext: 8 segment words, edi esi ebp esp ebx edx
         ecx eax trapno err eip … so trapno is at 20 + 48 and eip at 20 + 56. */
      fault_signal = (u32)signal;
      fault_vector = *(u32 *)(uc + 20 + 48);
      *(u32 *)(uc + 20 + 56) = (u32)fault_exit;
    }

    struct kernel_sigaction { void *handler; u32 flags; void *restorer; u32 mask[2]; };

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

    static void exit_with(u32 status) { sys3(1, status, 0, 0); for (;;) {} }

    void oracle_main(void) {
      u32 area = sys6(192, WINDOW_AREA, WINDOW_AREA_SIZE, 3, 0x32, (u32)-1, 0);
      if (area != WINDOW_AREA) exit_with(2);
      u8 *page = (u8 *)sys6(192, 0, 4096, 7, 0x22, (u32)-1, 0);
      if ((u32)page > 0xFFFFF000u) exit_with(3);
      u32 stack[3] = {(u32)alt_stack, 0, sizeof alt_stack};
      sys3(186, (u32)stack, 0, 0);
      install(4); install(5); install(7); install(8); install(11);
      code_entry = (u32)page;
      exit_target = (u32)case_exit;
      struct input in;
      struct output out;
      while (read_all((u8 *)&in, sizeof in) == sizeof in) {
        u32 length = in.code_length > 60 ? 60 : in.code_length;
        for (u32 i = 0; i < length; i++) page[i] = in.code[i];
        /* jmp *exit_target */
        page[length] = 0xFF; page[length + 1] = 0x25;
        *(volatile u32 *)(page + length + 2) = (u32)&exit_target;
        u8 *window = (u8 *)window_address;
        for (u32 i = 0; i < 64; i++) window[i] = in.window[i];
        for (u32 i = 0; i < 8; i++) in_regs[i] = in.regs[i];
        in_eflags = in.eflags;
        fault_vector = 0xFFFFFFFFu;
        fault_signal = 0;
        run_case();
        out.vector = fault_vector;
        out.signal = fault_signal;
        for (u32 i = 0; i < 8; i++) out.regs[i] = out_regs[i];
        out.eflags = out_eflags;
        for (u32 i = 0; i < 64; i++) out.window[i] = window[i];
        write_all((u8 *)&out, sizeof out);
      }
      exit_with(0);
    }
    """#
}

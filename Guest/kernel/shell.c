/*
 * The shell: a ring-3 program that reaches the kernel only through `int 0x80`. Each command shows one side of the
 * interrupt machinery (`help` lists them).
 */
#include "user.h"

#define PROMPT "kernel$ "

static const char *const exception_names[20] = {
    "Division By Zero", "Debug", "Non Maskable Interrupt", "Breakpoint", "Into Detected Overflow",
    "Out of Bounds", "Invalid Opcode", "No Coprocessor", "Double Fault", "Coprocessor Segment Overrun",
    "Bad TSS", "Segment Not Present", "Stack Fault", "General Protection Fault", "Page Fault",
    "Unknown Interrupt", "Coprocessor Fault", "Alignment Check", "Machine Check", "Reserved",
};
/* The PC's usual IRQ assignments (the NIC's line is what PCI says: 11 on irqscope and QEMU). */
static const char *const irq_names[16] = {
    "timer (PIT)", "keyboard (8042)", "cascade", "COM2", "COM1", "LPT2", "floppy", "LPT1 / spurious",
    "RTC", "free", "free", "network (e1000)", "mouse", "FPU", "ATA 0", "ATA 1 / spurious",
};
static const char *const states[5] = {"free", "running", "ready", "blocked", "zombie"};
static const char *const waits[5] = {"", " on console", " on packet", " on events", " in sleep"};

static uint8_t packet[1518];
static uint32_t irq_counts[256];
static struct user_task task_table[8];

static uint32_t ticks(void) { return (uint32_t)syscall3(SYS_TICKS, 0, 0, 0); }

static int parse_number(const char *s, uint32_t *out) {
  uint32_t v = 0;
  if (!*s) return 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return 0;
    v = v * 10 + (uint32_t)(*s - '0');
  }
  *out = v;
  return 1;
}

static void read_line(char *line, int size) {
  int n = 0;
  for (;;) {
    char c;
    if (syscall3(SYS_READ, 0, (uint32_t)&c, 1) != 1) continue;
    if (c == '\n') {
      print("\n");
      break;
    }
    if (c == '\b') {
      if (n > 0) {
        n--;
        print("\b");
      }
      continue;
    }
    if (c == 3) { /* Ctrl-C: drop the line */
      print("^C\n");
      n = 0;
      break;
    }
    if (c < ' ' || c > '~' || n == size - 1) continue;
    line[n++] = c;
    char echo[2] = {c, 0};
    print(echo);
  }
  line[n] = 0;
}

/* ---- the packet commands ---- */
static void print_frame(int length) {
  print_dec((uint32_t)length);
  print(" bytes");
  /* IPv4 (0x0800) carrying UDP (protocol 17): print the datagram's payload as text. */
  if (length >= 42 && packet[12] == 0x08 && packet[13] == 0x00 && packet[23] == 17) {
    int udp_length = packet[38] << 8 | packet[39];
    int end = 34 + udp_length;
    if (end > length) end = length;
    print(", UDP payload \"");
    char text[2] = {0, 0};
    for (int i = 42; i < end; i++) {
      char c = (char)packet[i];
      text[0] = c >= ' ' && c <= '~' ? c : '.';
      print(text);
    }
    print("\"\n");
    return;
  }
  print(":");
  for (int i = 0; i < length && i < 16; i++) {
    print(" ");
    print_hex(packet[i], 2);
  }
  print("\n");
}

static void command_read(void) {
  print("read: blocked until a packet arrives\n");
  int n = syscall3(SYS_READ, 1, (uint32_t)packet, sizeof packet);
  if (n < 0) {
    print("read: no network card\n");
    return;
  }
  print("read: ");
  print_frame(n);
}

static void command_poll(void) {
  print("poll: asking in a loop (a packet or a key)\n");
  uint32_t start = ticks(), polls = 0;
  int ready;
  do {
    ready = syscall3(SYS_POLL, POLL_CONSOLE | POLL_PACKET, 0, 0);
    polls++;
  } while (!ready);
  print("poll: ready after ");
  print_dec(polls);
  print(" polls, ");
  print_dec((ticks() - start) * 10);
  print(" ms: ");
  if (ready & POLL_PACKET) {
    print_frame(syscall3(SYS_READ, 1, (uint32_t)packet, sizeof packet));
  } else {
    char c;
    syscall3(SYS_READ, 0, (uint32_t)&c, 1);
    print("a key\n");
  }
}

static void command_wait(void) {
  print("wait: one queue for keyboard, network and timer; a key ends it\n");
  for (;;) {
    struct user_event event;
    syscall3(SYS_WAIT, 1u << EV_KEY | 1u << EV_NIC | 1u << EV_TIMER, (uint32_t)&event, 0);
    print("event at tick ");
    print_dec(event.tick);
    print(": ");
    if (event.kind == EV_TIMER) {
      print("timer, ");
      print_dec(event.payload / 100);
      print(" s\n");
    } else if (event.kind == EV_NIC) {
      print("network, ");
      print_frame(syscall3(SYS_READ, 1, (uint32_t)packet, sizeof packet));
    } else {
      char text[2] = {(char)event.payload, 0};
      print("key '");
      print(event.payload >= ' ' && event.payload <= '~' ? text : "?");
      print("'\n");
      return;
    }
  }
}

/* ---- busy and idle: the same wait for a key, by spinning or by sleeping ---- */
static void cpu_ticks(uint32_t *shell, uint32_t *idle) {
  syscall3(SYS_TASKS, (uint32_t)task_table, 0, 0);
  *idle = task_table[0].ticks;
  *shell = 0;
  for (int i = 1; i < 8; i++)
    if (task_table[i].state == 1 && strcmp(task_table[i].name, "shell") == 0) *shell = task_table[i].ticks;
}

static void command_wait_key(int busy) {
  print(busy ? "busy: press a key (the kernel spins on the 8042 status port)\n"
             : "idle: press a key (the shell blocks; the idle task halts until IRQ 1)\n");
  uint32_t shell0, idle0, shell1, idle1, start = ticks();
  cpu_ticks(&shell0, &idle0);
  if (busy) {
    syscall3(SYS_DEMO, DEMO_BUSY, 0, 0);
  } else {
    struct user_event event;
    syscall3(SYS_WAIT, 1u << EV_KEY, (uint32_t)&event, 0);
  }
  cpu_ticks(&shell1, &idle1);
  print(busy ? "busy: " : "idle: ");
  print("waited ");
  print_dec((ticks() - start) * 10);
  print(" ms; CPU time: shell ");
  print_dec((shell1 - shell0) * 10);
  print(" ms, idle task ");
  print_dec((idle1 - idle0) * 10);
  print(" ms\n");
}

/* ---- the tables ---- */
static void command_irqs(void) {
  syscall3(SYS_IRQS, (uint32_t)irq_counts, 0, 0);
  print("vector      count  source\n");
  for (int v = 0; v < 256; v++) {
    if (!irq_counts[v]) continue;
    print("  0x");
    print_hex((uint32_t)v, 2);
    print_dec_width(irq_counts[v], 11);
    print("  ");
    if (v < 32) {
      print(exception_names[v < 19 ? v : 19]);
    } else if (v >= 0x20 && v < 0x30) {
      print("IRQ");
      print_dec((uint32_t)v - 0x20);
      print(" ");
      print(irq_names[v - 0x20]);
    } else if (v == 0x80) {
      print("system call");
    } else {
      print("stray");
    }
    print("\n");
  }
}

static void command_ps(void) {
  int n = syscall3(SYS_TASKS, (uint32_t)task_table, 0, 0);
  print(" id  name      ring  state               ticks\n");
  for (int i = 0; i < n; i++) {
    struct user_task *t = &task_table[i];
    if (t->state == 0) continue;
    print_dec_width((uint32_t)i, 3);
    print("  ");
    print(t->name);
    for (int pad = strlen(t->name); pad < 10; pad++) print(" ");
    print_dec(t->ring);
    print("     ");
    print(states[t->state < 5 ? t->state : 0]);
    print(t->state == 3 && t->blocked_on < 5 ? waits[t->blocked_on] : "");
    int width = strlen(states[t->state < 5 ? t->state : 0]) + (t->state == 3 ? strlen(waits[t->blocked_on]) : 0);
    for (; width < 18; width++) print(" ");
    print_dec_width(t->ticks, 7);
    print("\n");
  }
}

/* ---- send: one UDP datagram 10.0.2.15:7 → 10.0.2.2:5555, broadcast (the kernel writes the card's MAC) ---- */
static void command_send(void) {
  static const char text[] = "hello from the teaching kernel";
  int payload = sizeof text - 1, length = 42 + payload;
  memset(packet, 0, 60);
  memset(packet, 0xFF, 6); /* broadcast */
  packet[12] = 0x08;       /* IPv4 */
  uint8_t *ip = packet + 14;
  ip[0] = 0x45;
  ip[2] = (uint8_t)((20 + 8 + payload) >> 8);
  ip[3] = (uint8_t)(20 + 8 + payload);
  ip[8] = 64; /* TTL */
  ip[9] = 17; /* UDP */
  ip[12] = 10, ip[13] = 0, ip[14] = 2, ip[15] = 15;
  ip[16] = 10, ip[17] = 0, ip[18] = 2, ip[19] = 2;
  uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  ip[10] = (uint8_t)(~sum >> 8);
  ip[11] = (uint8_t)~sum;
  uint8_t *udp = ip + 20;
  udp[1] = 7;
  udp[2] = 5555 >> 8, udp[3] = 5555 & 0xFF;
  udp[4] = (uint8_t)((8 + payload) >> 8), udp[5] = (uint8_t)(8 + payload);
  memcpy(udp + 8, text, (uint32_t)payload);
  if (length < 60) length = 60;
  int sent = syscall3(SYS_SEND, (uint32_t)packet, (uint32_t)length, 0);
  if (sent < 0) {
    print("send: no network card, or its ring is full\n");
    return;
  }
  print("send: ");
  print_dec((uint32_t)sent);
  print("-byte frame queued: UDP 10.0.2.15:7 -> 10.0.2.2:5555 \"");
  print(text);
  print("\"\n");
}

static void command_help(void) {
  print("help     this list               irqs    interrupts per vector\n"
        "ps       tasks and their states  uptime  time since boot\n"
        "read     block until a packet    poll    ask in a loop until ready\n"
        "wait     one queue: key/net/timer send    transmit a UDP frame\n"
        "busy     wait for a key spinning idle    wait for a key halted\n"
        "spin     start a CPU-bound task  kill N  end task N\n"
        "div0 ud2 int3 gp pf df           raise that exception\n"
        "cli [ms] interrupts off a while  sti     show IF and the IMRs\n"
        "mask N   set IMR bit of IRQ N    unmask N  clear it\n"
        "noeoi    keyboard forgets one EOI\n");
}

static void run(char *line) {
  char *argument = line;
  while (*argument && *argument != ' ') argument++;
  if (*argument) *argument++ = 0;
  while (*argument == ' ') argument++;
  uint32_t n = 0;
  int has_number = parse_number(argument, &n);

  if (!*line) return;
  if (!strcmp(line, "help")) {
    command_help();
  } else if (!strcmp(line, "irqs")) {
    command_irqs();
  } else if (!strcmp(line, "ps")) {
    command_ps();
  } else if (!strcmp(line, "uptime")) {
    uint32_t t = ticks();
    print("up ");
    print_dec(t / 100);
    print(".");
    print_dec_width(t % 100 / 10, 1);
    print_dec(t % 10);
    print(" s (");
    print_dec(t);
    print(" ticks of 10 ms)\n");
  } else if (!strcmp(line, "read")) {
    command_read();
  } else if (!strcmp(line, "poll")) {
    command_poll();
  } else if (!strcmp(line, "wait")) {
    command_wait();
  } else if (!strcmp(line, "busy") || !strcmp(line, "idle")) {
    command_wait_key(line[0] == 'b');
  } else if (!strcmp(line, "spin")) {
    int id = syscall3(SYS_SPAWN, SPAWN_SPIN, 0, 0);
    if (id < 0) {
      print("spin: the task table is full\n");
      return;
    }
    print("spin: started task ");
    print_dec((uint32_t)id);
    print(" (ring 3, never blocks; the timer preempts it)\n");
  } else if (!strcmp(line, "kill") && has_number) {
    syscall3(SYS_KILL, n, 0, 0);
    print("kill: task ");
    print_dec(n);
    print("\n");
  } else if (!strcmp(line, "div0")) {
    __asm__ volatile("divl %%ecx" ::"a"(1), "d"(0), "c"(0)); /* EDX:EAX / 0 */
  } else if (!strcmp(line, "ud2")) {
    __asm__ volatile("ud2");
  } else if (!strcmp(line, "int3")) {
    __asm__ volatile("int3");
  } else if (!strcmp(line, "gp")) {
    __asm__ volatile("cli"); /* privileged at CPL 3 with IOPL 0 */
  } else if (!strcmp(line, "pf")) {
    *(volatile uint32_t *)0 = 1; /* page 0 is not mapped */
  } else if (!strcmp(line, "df")) {
    syscall3(SYS_DEMO, DEMO_DF, 0, 0);
  } else if (!strcmp(line, "cli")) {
    syscall3(SYS_DEMO, DEMO_CLI, has_number ? n : 2000, 0);
  } else if (!strcmp(line, "sti")) {
    uint32_t r = (uint32_t)syscall3(SYS_DEMO, DEMO_STI, 0, 0);
    print("sti: IF=");
    print_dec(r & 1);
    print(", IMR master 0x");
    print_hex(r >> 8 & 0xFF, 2);
    print(", slave 0x");
    print_hex(r >> 16 & 0xFF, 2);
    print("\n");
  } else if ((!strcmp(line, "mask") || !strcmp(line, "unmask")) && has_number && n < 16) {
    int masking = line[0] == 'm';
    syscall3(SYS_DEMO, masking ? DEMO_MASK : DEMO_UNMASK, n, 0);
    print(masking ? "IRQ " : "IRQ ");
    print_dec(n);
    print(masking ? " masked\n" : " unmasked\n");
  } else if (!strcmp(line, "noeoi")) {
    syscall3(SYS_DEMO, DEMO_NOEOI, 0, 0);
    print("noeoi: the next keyboard interrupt gets no EOI (IRQ 1 and lower priorities stop for 5 s)\n");
  } else if (!strcmp(line, "send")) {
    command_send();
  } else {
    print(line);
    print(": unknown command (try help)\n");
  }
}

void shell_main(void) {
  print("shell: ring 3, type help\n");
  char line[80];
  for (;;) {
    print(PROMPT);
    read_line(line, sizeof line);
    run(line);
  }
}

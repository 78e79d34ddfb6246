/*
 * System calls (int 0x80, a DPL-3 trap gate, so they run with interrupts enabled as the caller had them). Whatever
 * checks a condition and then blocks does so with interrupts off, so no wakeup slips between the two.
 * User pointers are checked against the user block before the kernel touches them.
 */
#include "kernel.h"
#include "syscall.h"

extern char __user_start[], __user_end[];

static int user_range(uint32_t address, uint32_t length) {
  uint32_t start = (uint32_t)__user_start, end = (uint32_t)__user_end;
  return address >= start && length <= end - start && address - start <= end - start - length;
}

static int sys_read(uint32_t fd, char *buffer, int length) {
  cli();
  for (;;) {
    int n = fd == 0 ? console_read(buffer, length) : nic_take_packet((uint8_t *)buffer, length);
    if (fd == 0 ? n > 0 : n >= 0) {
      sti();
      return n;
    }
    if (fd == 1 && !nic_present()) {
      sti();
      return -1;
    }
    block(fd == 0 ? WAIT_CONSOLE : WAIT_PACKET);
  }
}

static int sys_wait(uint32_t mask, struct user_event *out) {
  cli();
  /* What is already buffered counts as an event too (a key typed before the call, a frame not yet read). */
  if ((mask & 1u << EV_KEY) && console_available()) {
    char c;
    console_read(&c, 1);
    out->kind = EV_KEY;
    out->payload = (uint8_t)c;
    out->tick = ticks;
    sti();
    return 0;
  }
  current->wait_mask = mask;
  current->mailbox_full = 0;
  block(WAIT_EVENTS);
  out->kind = current->mailbox_kind;
  out->payload = current->mailbox_payload;
  out->tick = current->mailbox_tick;
  current->mailbox_full = 0;
  sti();
  return 0;
}

/* Interrupts off for `ms` milliseconds, timed by the PIT's counter (it keeps counting; only its IRQ waits). */
static void demo_cli(uint32_t ms) {
  kputs("cli: interrupts off for ");
  kput_dec(ms);
  kputs(" ms: type now, the keys wait in the 8042\n");
  cli();
  uint32_t wraps = 0, target = ms / 10;
  uint16_t last = pit_read_counter();
  while (wraps < target) {
    uint16_t now = pit_read_counter();
    if (now > last) wraps++; /* it counts down and reloads every 10 ms */
    last = now;
  }
  sti();
  kputs("sti: interrupts on again\n");
}

/* Wait for a key by reading the 8042's status port in a loop (IRQ 1 masked so its handler does not take it). */
static uint32_t demo_busy(void) {
  pic_set_mask(IRQ_KEYBOARD, 1);
  uint8_t code;
  for (;;) {
    while (!(inb(0x64) & 0x01)) {
    }
    code = inb(0x60);
    if (code != 0xE0 && !(code & 0x80)) break; /* a make code */
  }
  pic_set_mask(IRQ_KEYBOARD, 0);
  return code;
}

static void demo_df(void) {
  kputs("df: gate 0 marked not present, then a division by zero in the kernel\n");
  idt_set_present(0, 0);
  __asm__ volatile("divl %%ecx" ::"a"(1), "d"(0), "c"(0)); /* #DE → its gate is not present → #NP → #DF */
}

static uint32_t demo(uint32_t op, uint32_t argument) {
  switch (op) {
  case DEMO_CLI:
    demo_cli(argument);
    return 0;
  case DEMO_STI: {
    sti();
    return (read_eflags() >> 9 & 1) | (uint32_t)inb(0x21) << 8 | (uint32_t)inb(0xA1) << 16;
  }
  case DEMO_MASK:
  case DEMO_UNMASK:
    if (argument > 15) return (uint32_t)-1;
    pic_set_mask((int)argument, op == DEMO_MASK);
    return 0;
  case DEMO_NOEOI:
    keyboard_skip_eoi = 1;
    return 0;
  case DEMO_DF:
    demo_df();
    return 0;
  case DEMO_BUSY:
    return demo_busy();
  }
  return (uint32_t)-1;
}

void syscall(struct frame *f) {
  uint32_t a = f->ebx, b = f->ecx, c = f->edx;
  int32_t result = -1;
  switch (f->eax) {
  case SYS_WRITE:
    if (!user_range(a, b)) break;
    for (uint32_t i = 0; i < b; i++) kputc(((const char *)a)[i]);
    result = (int32_t)b;
    break;
  case SYS_READ:
    if ((a == 0 || a == 1) && user_range(b, c) && c > 0) result = sys_read(a, (char *)b, (int)c);
    break;
  case SYS_POLL: {
    uint32_t flags = irq_save();
    result = ((a & 1) && console_available() ? 1 : 0) | ((a & 2) && nic_packets_waiting() ? 2 : 0);
    irq_restore(flags);
    break;
  }
  case SYS_WAIT:
    if (user_range(b, sizeof(struct user_event))) result = sys_wait(a, (struct user_event *)b);
    break;
  case SYS_SLEEP:
    cli();
    current->wake_tick = ticks + a;
    block(WAIT_SLEEP);
    sti();
    result = 0;
    break;
  case SYS_TICKS:
    result = (int32_t)ticks;
    break;
  case SYS_SPAWN:
    if (a == SPAWN_SPIN) result = task_spawn_user("spin", spin_main);
    break;
  case SYS_KILL:
    task_kill((int)a);
    result = 0;
    break;
  case SYS_TASKS:
    if (!user_range(a, NTASK * sizeof(struct user_task))) break;
    for (int i = 0; i < NTASK; i++) {
      struct user_task *u = (struct user_task *)a + i;
      memcpy(u->name, tasks[i].name, 12);
      u->state = tasks[i].state;
      u->blocked_on = tasks[i].blocked_on;
      u->ring = tasks[i].ring;
      u->ticks = tasks[i].ticks;
    }
    result = NTASK;
    break;
  case SYS_IRQS:
    if (!user_range(a, 256 * 4)) break;
    for (int i = 0; i < 256; i++) ((uint32_t *)a)[i] = irq_counts[i];
    result = 256;
    break;
  case SYS_DEMO:
    result = (int32_t)demo(a, b);
    break;
  case SYS_SEND:
    if (user_range(a, b)) result = nic_send((const uint8_t *)a, (int)b);
    break;
  }
  f->eax = (uint32_t)result;
}

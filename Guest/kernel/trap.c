/*
 * Every interrupt, exception and system call arrives here from boot.S's stubs. The device handlers are top halves:
 * they read the device, push an event, send the EOI and return. The bottom half (events.c) then runs with interrupts
 * enabled, once, on the way out of the outermost interrupt that came from ring 3 or from the idle task — never on top
 * of a system call that is in progress — and the scheduler may switch tasks at the same place.
 */
#include "kernel.h"

volatile uint32_t irq_counts[256];
volatile uint32_t stray_count;
volatile uint32_t spurious_count;
volatile uint32_t ticks;
static volatile int in_bottom_half;
volatile int need_resched;

static void exception(struct frame *f) {
  uint32_t vector = f->vector;
  if (vector == 2) { /* NMI: nothing to acknowledge; say so and carry on */
    kputs("\nNMI: Non Maskable Interrupt received\n");
    return;
  }
  int from_user = (f->cs & 3) == 3;
  kputs("\n*** ");
  kputs(exception_names[vector]);
  kputs(" (vector ");
  kput_dec(vector);
  kputs(") in task ");
  kputs(current->name);
  kputs(" at eip 0x");
  kput_hex(f->eip, 8);
  if (vector == 8 || (vector >= 10 && vector <= 14) || vector == 17) {
    kputs(" error 0x");
    kput_hex(f->error, 4);
  }
  if (vector == 14) {
    uint32_t cr2;
    __asm__ volatile("movl %%cr2, %0" : "=r"(cr2));
    kputs(" cr2 0x");
    kput_hex(cr2, 8);
  }
  kputc('\n');
  if (vector == 8) {
    /* The `df` demo cleared gate 0's P bit: #DE could not be delivered (#NP, contributory on contributory). */
    idt_set_present(0, 1);
  }
  if (from_user || vector == 8) {
    task_exit(vector); /* the program ends; the bottom half restarts the shell */
  }
  panic("exception in the kernel");
}

/* The 8259A answers INTA with IR7 (IR15) when the request went away before the acknowledge: a spurious interrupt.
 * Its ISR bit is not set, so there is nothing to acknowledge (for IRQ 15, the master's IR2 still needs its EOI). */
static int spurious(int irq) {
  uint16_t port = irq < 8 ? 0x20 : 0xA0;
  outb(port, 0x0B);
  uint8_t isr = inb(port);
  outb(port, 0x0A);
  if (isr & 0x80) return 0;
  spurious_count++;
  if (irq == 15) outb(0x20, 0x20);
  return 1;
}

static void device_interrupt(int irq) {
  switch (irq) {
  case IRQ_TIMER:
    ticks++;
    current->ticks++;
    event_push(EV_TIMER, ticks);
    pic_eoi(irq);
    need_resched = 1; /* the 10 ms quantum is over */
    return;
  case IRQ_KEYBOARD:
    keyboard_top_half(); /* sends its own EOI, or (noeoi) withholds it */
    return;
  case IRQ_COM1:
    serial_top_half();
    pic_eoi(irq);
    return;
  case 7:
  case 15:
    if (spurious(irq)) return;
    pic_eoi(irq);
    return;
  default:
    if (irq == nic_irq()) {
      nic_top_half();
      pic_eoi(irq);
      return;
    }
    stray_count++;
    pic_eoi(irq);
  }
}

void trap(struct frame *f) {
  uint32_t vector = f->vector;
  irq_counts[vector]++;
  if (vector < 32) {
    exception(f);
  } else if (vector == SYSCALL_VECTOR) {
    syscall(f);
  } else if (vector >= IRQ_BASE && vector < IRQ_BASE + 16) {
    device_interrupt((int)(vector - IRQ_BASE));
  } else {
    stray_count++; /* an `int n` nobody handles: counted, ignored */
  }
  /* Leaving the kernel for ring 3, or interrupting the idle task: the place for deferred work and task switches. */
  int from_user = (f->cs & 3) == 3;
  if ((from_user || current_task == 0) && !in_bottom_half && vector != SYSCALL_VECTOR) {
    in_bottom_half = 1;
    bottom_half();
    in_bottom_half = 0;
    if (need_resched) schedule();
  }
}

void panic(const char *why) {
  cli();
  kputs("\nkernel panic: ");
  kputs(why);
  kputs("\n");
  for (;;) __asm__ volatile("cli; hlt");
}

/*
 * The teaching kernel: declarations shared by its C files.
 *
 * Two structures are read from outside by the irqscope dashboard (Sources/Emulator/Kernel/TeachingKernelView.swift)
 * through the ELF symbol table, so their layout is part of the kernel's interface. Every field is a little-endian
 * uint32 unless said otherwise; the offsets below are checked at compile time (the _Static_asserts in events.c and
 * task.c).
 *
 * ---- the event queue: symbol `event_queue` (struct event_queue, 784 bytes) ----
 *   +0   head      index of the next event the bottom half will take (free-running: slot = head % 64)
 *   +4   tail      index of the next free slot the top halves write (free-running: slot = tail % 64)
 *   +8   dropped   events lost because the ring was full (tail - head == 64)
 *   +12  capacity  64
 *   +16  ring[64]  struct event, 12 bytes each:
 *          +0 kind    (enum event_kind below)
 *          +4 payload (per kind, below)
 *          +8 tick    `ticks` when the top half pushed it
 *   Pending events are indices head ..< tail; the slots before head still hold the last events taken (history).
 *
 *   enum event_kind: 0 EV_NONE (a slot never written)
 *                    1 EV_TIMER   payload = ticks (at most one pending: the timer coalesces)
 *                    2 EV_KEY     payload = the set-1 scancode from port 0x60
 *                    3 EV_SERIAL  payload = the byte from COM1's RBR
 *                    4 EV_NIC     payload = ICR as the top half read it (reading it cleared it)
 *                    5 EV_EXIT    payload = task id | vector << 8 (vector 0xFF: the task was killed, not faulted)
 *
 * ---- the task table: symbol `tasks` (struct task[8], 64 bytes each), and `current_task` (uint32 index) ----
 *   +0   name[12]    NUL-terminated ASCII
 *   +12  state       0 TASK_FREE, 1 TASK_RUNNING, 2 TASK_READY, 3 TASK_BLOCKED, 4 TASK_ZOMBIE (ended, not reaped)
 *   +16  blocked_on  when BLOCKED: 0 WAIT_NONE, 1 WAIT_CONSOLE (console input), 2 WAIT_PACKET (a received frame),
 *                    3 WAIT_EVENTS (its event subscription, mask at +40), 4 WAIT_SLEEP (until tick +36)
 *   +20  ring        privilege level it runs at: 0 or 3
 *   +24  ticks       timer ticks (10 ms each) it was running when the timer fired: its CPU time
 *   +28  id          its index in the table
 *   +32  kernel_esp  saved kernel stack pointer while not running
 *   +36  wake_tick   WAIT_SLEEP: the tick it wakes at
 *   +40  wait_mask   WAIT_EVENTS: bit n set = subscribed to event kind n (EV_TIMER, EV_KEY, EV_NIC)
 *   +44  switches    times the scheduler switched to it
 *   +48  mailbox_kind, +52 mailbox_payload, +56 mailbox_tick, +60 mailbox_full: the one event delivered to a
 *        WAIT_EVENTS waiter (kind EV_KEY carries the ASCII character; EV_NIC the frame length; EV_TIMER ticks)
 *
 * Other symbols: `ticks` (uint32, timer interrupts since boot), `irq_counts` (uint32[256], interrupts and exceptions
 * taken per vector), `stray_count` (uint32, vectors with no handler), `kernel_ready` (1 once start-up is done and the shell task exists).
 */
#ifndef KERNEL_H
#define KERNEL_H
#include <stdint.h>

#define NULL ((void *)0)

/* ---- selectors (GDT: null, kernel code, kernel data, user code, user data, TSS) ---- */
enum { KERNEL_CS = 0x08, KERNEL_DS = 0x10, USER_CS = 0x1B, USER_DS = 0x23, TSS_SELECTOR = 0x28 };

/* ---- vectors ---- */
enum { IRQ_BASE = 0x20, SLAVE_BASE = 0x28, SYSCALL_VECTOR = 0x80 };
enum { IRQ_TIMER = 0, IRQ_KEYBOARD = 1, IRQ_CASCADE = 2, IRQ_COM1 = 4 };
#define HZ 100

/* The registers as the entry stubs in boot.S leave them on the kernel stack: `trap(struct frame *)` sees this. */
struct frame {
  uint32_t gs, fs, es, ds;
  uint32_t edi, esi, ebp, esp_at_pushad, ebx, edx, ecx, eax;
  uint32_t vector, error;
  uint32_t eip, cs, eflags;
  uint32_t user_esp, user_ss; /* only when the interrupt came from ring 3 */
};

/* ---- the event queue ---- */
enum event_kind { EV_NONE, EV_TIMER, EV_KEY, EV_SERIAL, EV_NIC, EV_EXIT };
#define EVENT_SLOTS 64
struct event {
  uint32_t kind, payload, tick;
};
struct event_queue {
  volatile uint32_t head, tail, dropped, capacity;
  struct event ring[EVENT_SLOTS];
};
extern struct event_queue event_queue;
void event_push(uint32_t kind, uint32_t payload); /* top halves, interrupts off */
void bottom_half(void);                           /* the deferred work: drains the queue with interrupts on */
extern volatile int need_resched;

/* ---- tasks ---- */
enum task_state { TASK_FREE, TASK_RUNNING, TASK_READY, TASK_BLOCKED, TASK_ZOMBIE };
enum wait_reason { WAIT_NONE, WAIT_CONSOLE, WAIT_PACKET, WAIT_EVENTS, WAIT_SLEEP };
#define NTASK 8
struct task {
  char name[12];
  uint32_t state, blocked_on, ring, ticks, id, kernel_esp, wake_tick, wait_mask, switches;
  uint32_t mailbox_kind, mailbox_payload, mailbox_tick, mailbox_full;
};
extern struct task tasks[NTASK];
extern volatile uint32_t current_task;
extern volatile uint32_t ticks;
#define current (&tasks[current_task])
void tasks_init(void);
int task_spawn_user(const char *name, void (*entry)(void));
void task_exit(uint32_t vector); /* the current task ends; never returns */
void task_kill(int id);
void block(uint32_t reason);     /* interrupts off; returns when woken */
void wake(struct task *t);
void wake_all(uint32_t reason);
void schedule(void);             /* interrupts off */
void idle_loop(void) __attribute__((noreturn));
void reap_zombies(void);

/* ---- CPU tables ---- */
void gdt_init(void);
void idt_init(void);
void idt_set_present(int vector, int present);
void tss_set_kernel_stack(uint32_t esp0);
extern const char *const exception_names[32];
extern volatile uint32_t irq_counts[256];
extern volatile uint32_t stray_count;
void paging_init(void);
void map_mmio(uint32_t physical, uint32_t bytes);

/* ---- the PIC and the PIT ---- */
void pic_init(void);
void pic_eoi(int irq);
void pic_set_mask(int irq, int masked);
uint8_t pic_master_isr(void);
void pit_init(void);
uint16_t pit_read_counter(void);

/* ---- console: VGA text and COM1 ---- */
void console_init(void);
void kputc(char c);
void kputs(const char *s);
void kput_dec(uint32_t v);
void kput_hex(uint32_t v, int digits);
void console_input(char c);     /* a character from the keyboard or COM1 (bottom half) */
int console_read(char *buffer, int length); /* what is buffered, without waiting */
int console_available(void);
void serial_init(void);
void serial_top_half(void);
void serial_putc(char c);
void keyboard_init(void);
void keyboard_top_half(void);
int keyboard_translate(uint8_t scancode); /* bottom half: -1 when no character */
extern volatile int keyboard_skip_eoi;
extern volatile uint32_t noeoi_since; /* tick the keyboard's EOI was withheld, 0 = none */

/* ---- the network card ---- */
void nic_init(void);
void nic_top_half(void);
void nic_bottom_half(uint32_t icr);
int nic_present(void);
int nic_irq(void);
int nic_packets_waiting(void);
int nic_take_packet(uint8_t *buffer, int length); /* the next received frame, or -1 */
int nic_send(const uint8_t *frame, int length);

/* ---- system calls ---- */
void syscall(struct frame *f);

/* ---- small helpers ---- */
static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) {
  uint8_t v;
  __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
static inline uint32_t inl(uint16_t port) {
  uint32_t v;
  __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}
static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline uint32_t read_eflags(void) {
  uint32_t f;
  __asm__ volatile("pushfl; popl %0" : "=r"(f));
  return f;
}
static inline uint32_t irq_save(void) {
  uint32_t f = read_eflags();
  cli();
  return f;
}
static inline void irq_restore(uint32_t f) {
  if (f & 0x200) sti();
}
void *memcpy(void *d, const void *s, uint32_t n);
void *memset(void *d, int c, uint32_t n);
int strcmp(const char *a, const char *b);
void panic(const char *why) __attribute__((noreturn));

/* Ring-3 entry points (shell.c, user.c) the kernel starts tasks at. */
void shell_main(void);
void spin_main(void);

#endif

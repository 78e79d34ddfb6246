/*
 * The event queue between the top halves (interrupt handlers) and the bottom half (the deferred work), and the
 * bottom half itself: it takes each event with interrupts enabled, does the slow part of the work (translating a
 * scancode, copying a frame out of the ring and handing the descriptor back, waking sleepers) and wakes whoever
 * waits. Layout of `event_queue`: kernel.h.
 */
#include "kernel.h"

struct event_queue event_queue = {.capacity = EVENT_SLOTS};
_Static_assert(sizeof(struct event) == 12, "event: 12 bytes");
_Static_assert(__builtin_offsetof(struct event_queue, ring) == 16, "event_queue.ring at +16");
_Static_assert(sizeof(struct event_queue) == 16 + 12 * EVENT_SLOTS, "event_queue: 784 bytes");

static volatile int timer_pending; /* coalesce: at most one EV_TIMER waits in the queue */
volatile uint32_t noeoi_since;

/* Called by top halves with interrupts off. */
void event_push(uint32_t kind, uint32_t payload) {
  if (kind == EV_TIMER) {
    if (timer_pending) return;
    timer_pending = 1;
  }
  uint32_t tail = event_queue.tail;
  if (tail - event_queue.head == EVENT_SLOTS) {
    event_queue.dropped++;
    return;
  }
  struct event *e = &event_queue.ring[tail % EVENT_SLOTS];
  e->kind = kind;
  e->payload = payload;
  e->tick = ticks;
  event_queue.tail = tail + 1;
}

/* A subscriber of `wait`: the one task blocked in SYS_WAIT whose mask has the kind gets the event in its mailbox. */
static int deliver_to_waiter(uint32_t kind, uint32_t payload, uint32_t tick) {
  for (int i = 0; i < NTASK; i++) {
    struct task *t = &tasks[i];
    if (t->state != TASK_BLOCKED || t->blocked_on != WAIT_EVENTS || !(t->wait_mask & (1u << kind))) continue;
    t->mailbox_kind = kind;
    t->mailbox_payload = payload;
    t->mailbox_tick = tick;
    t->mailbox_full = 1;
    wake(t);
    return 1;
  }
  return 0;
}

static void character(char c, uint32_t tick) {
  if (deliver_to_waiter(EV_KEY, (uint8_t)c, tick)) return; /* a `wait` takes it instead of the console */
  console_input(c);
  wake_all(WAIT_CONSOLE);
}

static void timer_work(uint32_t tick) {
  for (int i = 0; i < NTASK; i++) {
    struct task *t = &tasks[i];
    if (t->state == TASK_BLOCKED && t->blocked_on == WAIT_SLEEP && (int32_t)(tick - t->wake_tick) >= 0) wake(t);
  }
  if (tick % HZ == 0) deliver_to_waiter(EV_TIMER, tick, tick);
  /* `noeoi`: the keyboard's ISR bit has been set for 5 s. Clear it with a specific EOI and say so. */
  if (noeoi_since && tick - noeoi_since >= 5 * HZ) {
    noeoi_since = 0;
    if (pic_master_isr() & (1 << IRQ_KEYBOARD)) {
      outb(0x20, 0x60 | IRQ_KEYBOARD); /* OCW2: specific EOI for IR1 */
      kputs("\nnoeoi: IRQ1 was in service for 5 s with no EOI; the timer sent a specific EOI (0x61)\n");
    }
  }
}

static void handle(struct event *e) {
  switch (e->kind) {
  case EV_TIMER:
    timer_pending = 0;
    timer_work(e->payload);
    break;
  case EV_KEY: {
    int c = keyboard_translate((uint8_t)e->payload);
    if (c >= 0) character((char)c, e->tick);
    break;
  }
  case EV_SERIAL: {
    char c = (char)e->payload;
    if (c == '\r') c = '\n';
    if (c == 0x7F) c = '\b';
    character(c, e->tick);
    break;
  }
  case EV_NIC: {
    int before = nic_packets_waiting();
    nic_bottom_half(e->payload);
    if (nic_packets_waiting() > before) {
      wake_all(WAIT_PACKET);
      deliver_to_waiter(EV_NIC, (uint32_t)nic_packets_waiting(), e->tick);
    }
    break;
  }
  case EV_EXIT:
    reap_zombies();
    break;
  }
}

void bottom_half(void) {
  sti();
  while (event_queue.head != event_queue.tail) {
    struct event *e = &event_queue.ring[event_queue.head % EVENT_SLOTS];
    handle(e);
    event_queue.head = event_queue.head + 1;
  }
  cli();
}

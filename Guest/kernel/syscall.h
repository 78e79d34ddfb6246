/*
 * System calls: `int 0x80` from ring 3 with the number in EAX and arguments in EBX, ECX, EDX; the result comes back
 * in EAX (negative = error). Shared by the kernel (syscall.c) and the ring-3 programs (user.c, shell.c).
 */
#ifndef SYSCALL_H
#define SYSCALL_H
#include <stdint.h>

enum {
  SYS_WRITE = 1, /* (text, length): to the console (VGA and COM1) */
  SYS_READ,      /* (fd, buffer, length): fd 0 console, blocks until a character; fd 1 the NIC, until a frame */
  SYS_POLL,      /* (mask): which of POLL_CONSOLE | POLL_PACKET are ready now, without waiting */
  SYS_WAIT,      /* (mask of 1 << EV_*, struct user_event *): blocks until one subscribed source has an event */
  SYS_SLEEP,     /* (ticks) */
  SYS_TICKS,     /* (): timer ticks since boot (100 per second) */
  SYS_SPAWN,     /* (program): SPAWN_SPIN; returns the task id */
  SYS_KILL,      /* (task id) */
  SYS_TASKS,     /* (struct user_task[8]): copies the task table; returns how many slots */
  SYS_IRQS,      /* (uint32_t[256]): copies the per-vector interrupt counts */
  SYS_DEMO,      /* (DEMO_*, argument): the kernel-side demonstrations */
  SYS_SEND,      /* (frame, length): transmit an Ethernet frame */
};
enum { POLL_CONSOLE = 1, POLL_PACKET = 2 };
enum { SPAWN_SPIN = 1 };
enum {
  DEMO_CLI = 1, /* (ms): interrupts off in the kernel for that long */
  DEMO_STI,     /* (): returns IF in bit 0, the master IMR in bits 8-15 and the slave IMR in bits 16-23 */
  DEMO_MASK,    /* (irq) */
  DEMO_UNMASK,  /* (irq) */
  DEMO_NOEOI,   /* (): the keyboard's next top half withholds its EOI */
  DEMO_DF,      /* (): a double fault in the kernel */
  DEMO_BUSY,    /* (): wait for a key by polling the 8042's status port; returns the scancode */
};

struct user_event {
  uint32_t kind, payload, tick;
};
struct user_task {
  char name[12];
  uint32_t state, blocked_on, ring, ticks;
};
#endif

/*
 * The task table and the scheduler: round robin among the ready tasks, switched by the timer (every tick, 10 ms) and
 * whenever a task blocks. Task 0 is the idle task (ring 0, `sti; hlt`), chosen only when nothing else is ready.
 * Each task has its own kernel stack; a ring-3 task also has a user stack in the user block. Layout of `tasks`:
 * kernel.h.
 */
#include "kernel.h"
#include "syscall.h"

struct task tasks[NTASK];
volatile uint32_t current_task;
_Static_assert(sizeof(struct task) == 64, "task: 64 bytes");
_Static_assert(__builtin_offsetof(struct task, state) == 12, "task.state at +12");
_Static_assert(__builtin_offsetof(struct task, ticks) == 24, "task.ticks at +24");
_Static_assert(__builtin_offsetof(struct task, mailbox_full) == 60, "task.mailbox_full at +60");

#define KERNEL_STACK 4096
static uint8_t kernel_stacks[NTASK][KERNEL_STACK] __attribute__((aligned(16)));
extern uint8_t user_stacks[NTASK][4096]; /* user.c: in the user-accessible block */
extern void trap_return(void);
void switch_stacks(uint32_t *save, uint32_t next);

static void set_name(struct task *t, const char *name) {
  int i = 0;
  for (; name[i] && i < 11; i++) t->name[i] = name[i];
  for (; i < 12; i++) t->name[i] = 0;
}

void tasks_init(void) {
  struct task *idle = &tasks[0];
  set_name(idle, "idle");
  idle->state = TASK_RUNNING;
  idle->ring = 0;
  idle->id = 0;
  current_task = 0;
}

static uint32_t kernel_stack_top(int id) { return (uint32_t)&kernel_stacks[id][KERNEL_STACK]; }

/* A new ring-3 task: its kernel stack holds a trap frame that `iret`s to `entry` at CPL 3, under the four registers
 * and the return address switch_stacks pops, so the first switch to it "returns" into trap_return. */
static void start_user(struct task *t, void (*entry)(void)) {
  uint32_t *sp = (uint32_t *)kernel_stack_top((int)t->id);
  *--sp = USER_DS;                                    /* ss */
  *--sp = (uint32_t)&user_stacks[t->id][4096];        /* esp */
  *--sp = 0x202;                                      /* eflags: IF */
  *--sp = USER_CS;                                    /* cs */
  *--sp = (uint32_t)entry;                            /* eip */
  *--sp = 0;                                          /* error */
  *--sp = 0;                                          /* vector */
  for (int i = 0; i < 8; i++) *--sp = 0;              /* pushad */
  for (int i = 0; i < 4; i++) *--sp = USER_DS;        /* ds, es, fs, gs */
  *--sp = (uint32_t)trap_return;
  for (int i = 0; i < 4; i++) *--sp = 0;              /* ebp, ebx, esi, edi */
  t->kernel_esp = (uint32_t)sp;
  t->ticks = 0;
  t->switches = 0;
  t->blocked_on = WAIT_NONE;
  t->mailbox_full = 0;
  t->ring = 3;
  t->state = TASK_READY;
}

int task_spawn_user(const char *name, void (*entry)(void)) {
  uint32_t flags = irq_save();
  for (int id = 1; id < NTASK; id++) {
    if (tasks[id].state != TASK_FREE) continue;
    tasks[id].id = (uint32_t)id;
    set_name(&tasks[id], name);
    start_user(&tasks[id], entry);
    irq_restore(flags);
    return id;
  }
  irq_restore(flags);
  return -1;
}

void wake(struct task *t) {
  if (t->state != TASK_BLOCKED) return;
  t->state = TASK_READY;
  t->blocked_on = WAIT_NONE;
  need_resched = 1;
}

void wake_all(uint32_t reason) {
  for (int i = 0; i < NTASK; i++)
    if (tasks[i].state == TASK_BLOCKED && tasks[i].blocked_on == reason) wake(&tasks[i]);
}

void block(uint32_t reason) {
  current->state = TASK_BLOCKED;
  current->blocked_on = reason;
  schedule();
}

/* Round robin from the task after the current one; the idle task only when no other is ready. */
void schedule(void) {
  need_resched = 0;
  struct task *previous = current;
  int next = 0;
  for (int step = 1; step <= NTASK; step++) {
    int id = (int)(current_task + (uint32_t)step) % NTASK;
    if (id == 0) continue;
    if (tasks[id].state == TASK_READY || (id == (int)current_task && tasks[id].state == TASK_RUNNING)) {
      next = id;
      break;
    }
  }
  if (previous->state == TASK_RUNNING) previous->state = TASK_READY;
  struct task *t = &tasks[next];
  t->state = TASK_RUNNING;
  if (t == previous) return;
  t->switches++;
  current_task = (uint32_t)next;
  if (next != 0) tss_set_kernel_stack(kernel_stack_top(next));
  switch_stacks(&previous->kernel_esp, t->kernel_esp);
}

/* The current task ends (a fault, or killed): it becomes a zombie and never runs again; the bottom half reaps it
 * (on another stack) and restarts the shell if it was the shell. */
void task_exit(uint32_t vector) {
  cli();
  current->state = TASK_ZOMBIE;
  event_push(EV_EXIT, current_task | vector << 8);
  schedule();
  panic("a zombie ran");
}

void task_kill(int id) {
  if (id <= 0 || id >= NTASK || tasks[id].state == TASK_FREE || tasks[id].state == TASK_ZOMBIE) return;
  if ((uint32_t)id == current_task) task_exit(0xFF);
  uint32_t flags = irq_save();
  tasks[id].state = TASK_ZOMBIE;
  event_push(EV_EXIT, (uint32_t)id | 0xFFu << 8);
  irq_restore(flags);
}

void reap_zombies(void) {
  for (int id = 1; id < NTASK; id++) {
    if (tasks[id].state != TASK_ZOMBIE) continue;
    int was_shell = strcmp(tasks[id].name, "shell") == 0;
    tasks[id].state = TASK_FREE;
    if (was_shell) {
      kputs("restarting the shell\n");
      tasks[id].id = (uint32_t)id;
      start_user(&tasks[id], shell_main);
      need_resched = 1;
    }
  }
}

void idle_loop(void) {
  for (;;) {
    cli();
    if (need_resched) schedule();
    __asm__ volatile("sti; hlt" ::: "memory"); /* the interrupt's bottom half and switch run inside trap() */
  }
}

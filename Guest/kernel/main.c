/*
 * The teaching kernel's start: a Multiboot v1 kernel that boots under irqscope and under `qemu-system-i386 -kernel`.
 * It sets up the processor's tables, the interrupt controllers, the timer and the drivers, turns paging on, starts
 * the shell in ring 3 and becomes the idle task.
 */
#include "kernel.h"

volatile uint32_t kernel_ready;

void kernel_main(uint32_t magic, uint32_t info) {
  (void)info;
  console_init();
  pic_init(); /* first: every driver unmasks its own line */
  serial_init();
  kputs("irqscope teaching kernel\n");
  if (magic != 0x2BADB002) kputs("warning: not started by a Multiboot loader\n");
  gdt_init();
  kputs("gdt: kernel code 0x08, data 0x10, user code 0x1b, data 0x23, tss 0x28\n");
  idt_init();
  kputs("idt: 256 gates; 0-31 exceptions, 0x20-0x2f IRQs, 0x80 system calls (DPL 3 trap gate)\n");
  kputs("pic: remapped to 0x20/0x28\n");
  pit_init();
  pic_set_mask(IRQ_TIMER, 0);
  kputs("pit: channel 0 at 100 Hz\n");
  paging_init();
  kputs("paging: on, low 8 MiB identity-mapped, user block only for ring 3\n");
  keyboard_init();
  nic_init();
  tasks_init();
  task_spawn_user("shell", shell_main);
  kernel_ready = 1;
  idle_loop();
}

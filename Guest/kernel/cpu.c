/*
 * The processor's tables: the GDT with its TSS, the IDT's 256 gates, paging. And the two timers' and interrupt
 * controllers' set-up: the 8259A pair remapped to 0x20/0x28 and the 8254 at 100 Hz.
 */
#include "kernel.h"

/* ---- GDT and TSS ---- */
struct tss {
  uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
  uint32_t es, cs, ss, ds, fs, gs, ldt;
  uint16_t trap, iomap_base;
};
static struct tss tss;
static uint64_t gdt[6];
static struct {
  uint16_t limit;
  uint32_t base;
} __attribute__((packed)) gdtr, idtr;

/* A flat 4 GiB segment: base 0, limit 0xFFFFF in 4 KiB units, 32-bit. `access`: P, DPL, S, type. */
static uint64_t flat_segment(uint8_t access) {
  return 0x0000FFFFull | (uint64_t)access << 40 | 0xFull << 48 | 0xCull << 52;
}

void gdt_init(void) {
  gdt[0] = 0;
  gdt[1] = flat_segment(0x9A); /* 0x08 kernel code: P, DPL 0, code, readable */
  gdt[2] = flat_segment(0x92); /* 0x10 kernel data: P, DPL 0, data, writable */
  gdt[3] = flat_segment(0xFA); /* 0x18 user code: P, DPL 3 */
  gdt[4] = flat_segment(0xF2); /* 0x20 user data: P, DPL 3 */
  uint32_t base = (uint32_t)&tss, limit = sizeof tss - 1;
  /* 0x28: a 32-bit available TSS (type 9), DPL 0, byte granular. */
  gdt[5] = (limit & 0xFFFF) | (uint64_t)(base & 0xFFFFFF) << 16 | 0x89ull << 40 |
           (uint64_t)((limit >> 16) & 0xF) << 48 | (uint64_t)(base >> 24) << 56;
  tss.ss0 = KERNEL_DS;
  tss.iomap_base = sizeof tss; /* no I/O permission bitmap: ring 3 may touch no port */
  gdtr.limit = sizeof gdt - 1;
  gdtr.base = (uint32_t)gdt;
  __asm__ volatile("lgdt %0\n"
                   "ljmp $0x08, $1f\n"
                   "1: movw $0x10, %%ax\n"
                   "movw %%ax, %%ds\n movw %%ax, %%es\n movw %%ax, %%fs\n movw %%ax, %%gs\n movw %%ax, %%ss\n"
                   "movw $0x28, %%ax\n ltr %%ax" ::"m"(gdtr)
                   : "eax", "memory");
}

void tss_set_kernel_stack(uint32_t esp0) { tss.esp0 = esp0; }

/* ---- IDT ---- */
struct gate {
  uint16_t offset_low, selector;
  uint8_t zero, flags; /* P, DPL, type: 0xE 32-bit interrupt gate (clears IF), 0xF 32-bit trap gate (keeps IF) */
  uint16_t offset_high;
} __attribute__((packed));
struct gate idt[256];
extern char isr_stubs[];

const char *const exception_names[32] = {
    "Division By Zero", "Debug", "Non Maskable Interrupt", "Breakpoint", "Into Detected Overflow",
    "Out of Bounds", "Invalid Opcode", "No Coprocessor", "Double Fault", "Coprocessor Segment Overrun",
    "Bad TSS", "Segment Not Present", "Stack Fault", "General Protection Fault", "Page Fault",
    "Unknown Interrupt", "Coprocessor Fault", "Alignment Check", "Machine Check", "Reserved", "Reserved",
    "Reserved", "Reserved", "Reserved", "Reserved", "Reserved", "Reserved", "Reserved", "Reserved", "Reserved",
    "Reserved", "Reserved",
};

static void set_gate(int vector, uint8_t flags) {
  uint32_t handler = (uint32_t)(isr_stubs + 16 * vector);
  idt[vector].offset_low = handler & 0xFFFF;
  idt[vector].offset_high = handler >> 16;
  idt[vector].selector = KERNEL_CS;
  idt[vector].zero = 0;
  idt[vector].flags = flags;
}

void idt_init(void) {
  for (int v = 0; v < 256; v++) set_gate(v, 0x8E); /* present, DPL 0, interrupt gate */
  set_gate(3, 0xEE);                               /* int3 and into may be used from ring 3: DPL 3 */
  set_gate(4, 0xEE);
  set_gate(SYSCALL_VECTOR, 0xEF); /* system calls: DPL 3 trap gate */
  idtr.limit = sizeof idt - 1;
  idtr.base = (uint32_t)idt;
  __asm__ volatile("lidt %0" ::"m"(idtr));
}

void idt_set_present(int vector, int present) {
  if (present)
    idt[vector].flags |= 0x80;
  else
    idt[vector].flags &= 0x7F;
}

/* ---- paging: identity-mapped low memory, user access only to the ring-3 block ---- */
enum { PTE_P = 1, PTE_W = 2, PTE_U = 4, PTE_PCD = 0x10 };
static uint32_t page_directory[1024] __attribute__((aligned(4096)));
static uint32_t page_tables[4][1024] __attribute__((aligned(4096))); /* the first 8 MiB, and two for MMIO */
static int tables_used = 2;
extern char __user_start[], __user_end[];

#define IDENTITY_BYTES (8u << 20)

void paging_init(void) {
  uint32_t user_start = (uint32_t)__user_start, user_end = (uint32_t)__user_end;
  for (uint32_t address = 0; address < IDENTITY_BYTES; address += 4096) {
    uint32_t flags = PTE_P | PTE_W;
    if (address >= user_start && address < user_end) flags |= PTE_U;
    /* Page 0 stays unmapped, so a null pointer faults (the `pf` command). */
    page_tables[address >> 22][(address >> 12) & 1023] = address == 0 ? 0 : address | flags;
  }
  /* The directory entries allow user access; the page table entries decide. */
  page_directory[0] = (uint32_t)page_tables[0] | PTE_P | PTE_W | PTE_U;
  page_directory[1] = (uint32_t)page_tables[1] | PTE_P | PTE_W | PTE_U;
  __asm__ volatile("movl %0, %%cr3\n"
                   "movl %%cr0, %%eax\n"
                   "orl $0x80010000, %%eax\n" /* PG, and WP: the kernel honours read-only pages too */
                   "movl %%eax, %%cr0" ::"r"(page_directory)
                   : "eax", "memory");
}

/* Device registers: identity-mapped, kernel only, uncached. */
void map_mmio(uint32_t physical, uint32_t bytes) {
  for (uint32_t address = physical & ~0xFFFu; address < physical + bytes; address += 4096) {
    uint32_t *pde = &page_directory[address >> 22];
    if (!(*pde & PTE_P)) {
      if (tables_used == 4) panic("map_mmio: out of page tables");
      *pde = (uint32_t)page_tables[tables_used++] | PTE_P | PTE_W;
    }
    uint32_t *table = (uint32_t *)(*pde & ~0xFFFu);
    table[(address >> 12) & 1023] = address | PTE_P | PTE_W | PTE_PCD;
    __asm__ volatile("invlpg (%0)" ::"r"(address) : "memory");
  }
}

/* ---- the 8259A pair ---- */
void pic_init(void) {
  outb(0x20, 0x11);          /* ICW1: edge, cascade, ICW4 follows */
  outb(0xA0, 0x11);
  outb(0x21, IRQ_BASE);      /* ICW2: IRQ 0-7 at 0x20 */
  outb(0xA1, SLAVE_BASE);    /*       IRQ 8-15 at 0x28 */
  outb(0x21, 1 << IRQ_CASCADE); /* ICW3: the slave on IR2 */
  outb(0xA1, IRQ_CASCADE);
  outb(0x21, 0x01);          /* ICW4: 8086 mode, normal EOI */
  outb(0xA1, 0x01);
  outb(0x21, 0xFF);          /* all masked until their drivers are ready */
  outb(0xA1, 0xFF);
  pic_set_mask(IRQ_CASCADE, 0);
}

void pic_eoi(int irq) {
  if (irq >= 8) outb(0xA0, 0x20); /* non-specific EOI to the slave, then the master (its IR2) */
  outb(0x20, 0x20);
}

void pic_set_mask(int irq, int masked) {
  uint16_t port = irq < 8 ? 0x21 : 0xA1;
  uint8_t bit = 1 << (irq & 7);
  uint8_t imr = inb(port);
  outb(port, masked ? imr | bit : imr & ~bit);
}

uint8_t pic_master_isr(void) {
  outb(0x20, 0x0B); /* OCW3: read ISR */
  uint8_t isr = inb(0x20);
  outb(0x20, 0x0A); /* back to IRR */
  return isr;
}

/* ---- the 8254: channel 0, mode 2 (rate generator), 1193182 Hz / 11932 = 100 Hz ---- */
#define PIT_DIVISOR 11932
void pit_init(void) {
  outb(0x43, 0x34); /* channel 0, lobyte/hibyte, mode 2, binary */
  outb(0x40, PIT_DIVISOR & 0xFF);
  outb(0x40, PIT_DIVISOR >> 8);
}

uint16_t pit_read_counter(void) {
  outb(0x43, 0x00); /* counter latch, channel 0 */
  uint8_t low = inb(0x40);
  return (uint16_t)(low | inb(0x40) << 8);
}

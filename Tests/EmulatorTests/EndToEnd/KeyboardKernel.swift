/// A small Multiboot kernel of our own for the end-to-end tests: it builds an IDT, remaps the PICs to 0x20/0x28
/// (unless told not to), unmasks IRQ1 only and waits in `sti; hlt`. Its IRQ1 handler reads port 0x60, records the
/// byte in `scancodes`, shows the letter 'a' on the VGA screen when it sees the make code 0x1E, and sends the EOI.
enum KeyboardKernel {
  static let boot = """
    .intel_syntax noprefix
    .section .multiboot, "a"
    .align 4
    .long 0x1BADB002
    .long 0
    .long -(0x1BADB002)

    .text
    .globl _start
    _start:
      mov esp, offset stack_top
      call kmain
    1: hlt
      jmp 1b

    .globl irq1_stub
    irq1_stub:
      pushad
      call keyboard_irq
      popad
      iretd

    .globl ignore_stub
    ignore_stub:
      iretd

    .bss
    .align 16
    .space 8192
    stack_top:
    """

  /// `remap` false keeps the BIOS's vector base 0x08: the keyboard then arrives on vector 9.
  static func main(remap: Bool) -> String {
    """
    #include <stdint.h>
    static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
    static inline uint8_t inb(uint16_t port) {
      uint8_t v;
      __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
      return v;
    }
    struct gate { uint16_t offset_low, selector; uint8_t zero, flags; uint16_t offset_high; } __attribute__((packed));
    struct pointer { uint16_t limit; uint32_t base; } __attribute__((packed));
    static struct gate idt[256];
    volatile uint8_t scancodes[64];
    volatile uint32_t scancode_count;
    extern void irq1_stub(void);
    extern void ignore_stub(void);

    static void set_gate(int vector, void (*handler)(void)) {
      uint32_t address = (uint32_t)handler;
      idt[vector].offset_low = address & 0xFFFF;
      idt[vector].selector = 0x08;
      idt[vector].zero = 0;
      idt[vector].flags = 0x8E;
      idt[vector].offset_high = address >> 16;
    }

    void keyboard_irq(void) {
      uint8_t code = inb(0x60);
      if (scancode_count < 64) scancodes[scancode_count] = code;
      scancode_count++;
      if (code == 0x1E) *(volatile uint16_t *)0xB8000 = 0x0700 | 'a';
      outb(0x20, 0x20);
    }

    void kmain(void) {
      for (int v = 0; v < 256; v++) set_gate(v, ignore_stub);
      set_gate(\(remap ? "0x21" : "0x09"), irq1_stub);
      struct pointer p = { sizeof(idt) - 1, (uint32_t)idt };
      __asm__ volatile("lidt %0" : : "m"(p));
      \(remap ? """
      outb(0x20, 0x11); outb(0xA0, 0x11);
      outb(0x21, 0x20); outb(0xA1, 0x28);
      outb(0x21, 0x04); outb(0xA1, 0x02);
      outb(0x21, 0x01); outb(0xA1, 0x01);
      outb(0x21, 0xFD); outb(0xA1, 0xFF);
      """ : "outb(0x21, 0xFD);")
      for (;;) __asm__ volatile("sti; hlt");
    }
    """
  }

  static func build(remap: Bool = true) throws -> Toolchain.Kernel {
    try Toolchain.build(sources: ["boot.S": boot, "main.c": main(remap: remap)])
  }
}

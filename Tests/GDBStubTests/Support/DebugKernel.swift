import Conformance
import Foundation

/// A small Multiboot kernel with symbols for the gdb tests: it builds an IDT, remaps the PICs to 0x20/0x28,
/// unmasks IRQ0 (the PIT, left at the BIOS's 18.2 Hz) and IRQ1, and waits in `sti; hlt`. The timer handler
/// counts `ticks`; `keyboard_handler` reads port 0x60 into `last_scancode`, counts `keys`, shows 'k' on the screen
/// and sends the EOI.
enum DebugKernel {
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

    .globl irq0_stub
    irq0_stub:
      pushad
      call timer_handler
      popad
      iretd

    .globl irq1_stub
    irq1_stub:
      pushad
      call keyboard_handler
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

  static let main = """
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
    volatile uint32_t ticks;
    volatile uint32_t keys;
    volatile uint8_t last_scancode;
    extern void irq0_stub(void);
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

    void timer_handler(void) {
      ticks++;
      outb(0x20, 0x20);
    }

    void keyboard_handler(void) {
      uint8_t code = inb(0x60);
      last_scancode = code;
      keys++;
      *(volatile uint16_t *)0xB8000 = 0x0700 | 'k';
      outb(0x20, 0x20);
    }

    void kmain(void) {
      for (int v = 0; v < 256; v++) set_gate(v, ignore_stub);
      set_gate(0x20, irq0_stub);
      set_gate(0x21, irq1_stub);
      struct pointer p = { sizeof(idt) - 1, (uint32_t)idt };
      __asm__ volatile("lidt %0" : : "m"(p));
      outb(0x20, 0x11); outb(0xA0, 0x11);
      outb(0x21, 0x20); outb(0xA1, 0x28);
      outb(0x21, 0x04); outb(0xA1, 0x02);
      outb(0x21, 0x01); outb(0xA1, 0x01);
      outb(0x21, 0xFC); outb(0xA1, 0xFF);
      for (;;) __asm__ volatile("sti; hlt");
    }
    """

  /// The linked kernel: the ELF's path and bytes, and its symbols as llvm-nm reports them.
  struct Built {
    let path: URL
    let elf: [UInt8]
    let symbols: [String: UInt32]
  }

  /// Compiles and links the kernel with the toolchain's clang and ld.lld into a fresh scratch directory.
  static func build() throws -> Built {
    let directory = try ToolLocator.makeScratchDirectory(prefix: "irqscope-gdb-kernel")
    let sources = ["boot.S": boot, "main.c": main]
    var objects: [String] = []
    for (name, text) in sources.sorted(by: { $0.key < $1.key }) {
      let source = directory.appendingPathComponent(name)
      try text.write(to: source, atomically: true, encoding: .utf8)
      let object = source.path + ".o"
      var arguments = ["--target=i386-unknown-none-elf", "-march=i686", "-c", source.path, "-o", object]
      if name.hasSuffix(".c") {
        // -g: gdb knows the counters' types (`watch ticks`, `print keys`) and the handlers' lines.
        arguments += ["-ffreestanding", "-fno-pic", "-fno-stack-protector", "-nostdlib", "-O1", "-Wall", "-g"]
      }
      try ToolLocator.run("clang", arguments, in: directory)
      objects.append(object)
    }
    let script = directory.appendingPathComponent("kernel.ld")
    try """
    ENTRY(_start)
    SECTIONS {
      . = 1M;
      .text : { KEEP(*(.multiboot)) *(.text*) }
      .rodata : { *(.rodata*) }
      .data : { *(.data*) }
      .bss : { *(COMMON) *(.bss*) }
    }
    """.write(to: script, atomically: true, encoding: .utf8)
    let output = directory.appendingPathComponent("kernel.elf")
    try ToolLocator.run(
      "ld.lld", ["-T", script.path, "-o", output.path, "--no-pie", "-static"] + objects, in: directory)
    let listing = try ToolLocator.run("llvm-nm", ["--defined-only", output.path], in: directory)
    var symbols: [String: UInt32] = [:]
    for line in listing.split(separator: "\n") {
      let fields = line.split(separator: " ")
      guard fields.count == 3, let address = UInt32(fields[0], radix: 16) else { continue }
      symbols[String(fields[2])] = address
    }
    return Built(path: output, elf: [UInt8](try Data(contentsOf: output)), symbols: symbols)
  }
}

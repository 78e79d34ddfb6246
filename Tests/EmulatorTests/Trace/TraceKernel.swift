import Foundation

@testable import Emulator

/// Small Multiboot kernels for the trace tests: a common prelude (an IDT in .bss, `setgate`, `picinit`, `pitoneshot`
/// and `exit` macros) around a test's own assembly, built with the toolchain's clang and ld.lld.
///
/// The loader leaves CS = 0x08 and DS = ES = SS = 0x10 flat (Multiboot), and every instruction costs one cycle of
/// virtual time (each REP iteration one cycle), which is what the hand-worked cycle figures in the tests rely on.
enum TraceKernel {
  static let prelude = """
    .macro setgate vec, handler, type=0x8E00
      movl $\\handler, %eax
      movw %ax, idt + \\vec * 8
      movw $0x08, idt + \\vec * 8 + 2
      movw $\\type, idt + \\vec * 8 + 4
      shrl $16, %eax
      movw %ax, idt + \\vec * 8 + 6
    .endm
    /* ICW1 (edge, cascade, ICW4), ICW2 base, ICW3, ICW4 on both chips; ICW1 leaves IMR clear. */
    .macro picinit micw4=0x01, sicw4=0x01, mbase=0x20, sbase=0x28
      movb $0x11, %al
      outb %al, $0x20
      movb $\\mbase, %al
      outb %al, $0x21
      movb $0x04, %al
      outb %al, $0x21
      movb $\\micw4, %al
      outb %al, $0x21
      movb $0x11, %al
      outb %al, $0xA0
      movb $\\sbase, %al
      outb %al, $0xA1
      movb $0x02, %al
      outb %al, $0xA1
      movb $\\sicw4, %al
      outb %al, $0xA1
    .endm
    .macro masks master, slave
      movb $\\master, %al
      outb %al, $0x21
      movb $\\slave, %al
      outb %al, $0xA1
    .endm
    /* PIT channel 0, mode 0 (interrupt on terminal count), binary, LSB then MSB. */
    .macro pitoneshot count
      movb $0x30, %al
      outb %al, $0x43
      movb $(\\count & 0xFF), %al
      outb %al, $0x40
      movb $(\\count >> 8), %al
      outb %al, $0x40
    .endm
    .macro exit status=0
      movb $\\status, %al
      outb %al, $0xF4
    .endm

    .section .multiboot, "a"
    .align 4
    .long 0x1BADB002, 0, -0x1BADB002
    .data
    idt_descriptor:
      .word 256 * 8 - 1
      .long idt
    .bss
    .align 8
    idt:
      .space 256 * 8
    .text
    .globl _start
    _start:
      cli
      lidt idt_descriptor

    """

  /// Builds the prelude followed by `body` (which must end the kernel itself: `exit`, or a halt loop).
  static func build(_ body: String) throws -> Toolchain.Kernel {
    try Toolchain.build(sources: ["boot.S": prelude + body + "\n"])
  }
}

/// A booted machine whose finished trace records are collected as `onEvent` hands them over.
final class TracedRun {
  let machine: Machine
  let symbols: [String: UInt32]
  var events: [TraceEvent] = []

  init(_ kernel: Toolchain.Kernel, machine: Machine = Machine()) throws {
    self.machine = machine
    symbols = try kernel.nm()
    try machine.boot(kernel: kernel.elf, fileName: "trace-test.elf")
    machine.tracer.onEvent = { [unowned self] in events.append($0) }
  }

  /// Runs until the guest writes port 0xF4 (or `limit` cycles pass); does not flush the tracer.
  func runToExit(limit: UInt64 = 200_000_000) {
    machine.run(until: machine.cpu.cycles &+ limit)
  }

  func word(_ symbol: String) -> UInt32 {
    guard let address = symbols[symbol] else { return 0xDEAD_BEEF }
    return machine.memory.read32(address)
  }

  var interrupts: [TraceEvent] { events.filter { $0.kind == .irq } }
}

import Testing

@testable import Emulator

/// One keystroke, end to end: host key → PS/2 keyboard → 8042 (XLAT) → IRQ1 → master 8259A → INTR → INTA →
/// IDT gate → the kernel's handler (in al, 0x60; EOI) → VGA memory. Built from C with the toolchain's clang.
@Suite(.serialized)
struct KeyboardEndToEndTests {

  func boot(remap: Bool = true) throws -> (Machine, [String: UInt32], TraceLog) {
    let kernel = try KeyboardKernel.build(remap: remap)
    let machine = Machine()
    try machine.boot(kernel: kernel.elf, fileName: "keyboard-kernel.elf")
    let log = TraceLog()
    machine.tracer.onEvent = { log.events.append($0) }
    machine.run(cycles: Scheduler.cycles(nanoseconds: 10_000_000))  // 10 ms: the kernel reaches `sti; hlt`
    return (machine, try kernel.nm(), log)
  }

  final class TraceLog { var events: [TraceEvent] = [] }

  @Test func typingAReachesTheHandlerAsMakeThenBreakAndShowsOnScreen() throws {
    let (machine, symbols, log) = try boot()
    #expect(machine.keyboard.type("a") == 0)
    machine.run(cycles: Scheduler.cycles(nanoseconds: 20_000_000))
    let count = machine.memory.read32(try #require(symbols["scancode_count"]))
    let codes = machine.memory.read(try #require(symbols["scancodes"]), count: 2)
    #expect(count == 2)
    #expect(codes == [0x1E, 0x9E])  // set 2 "1C" and "F0 1C", translated by the 8042 to set 1
    #expect(machine.memory.read16(0xB8000) == 0x0700 | 0x61)

    let irqs = log.events.filter { $0.kind == .irq && $0.irq == 1 }
    #expect(irqs.count == 2)
    for event in irqs {
      #expect(event.vector == 0x21)
      #expect(event.source == "keyboard")
      // INTA moves the request from IRR to ISR; the handler's EOI clears ISR later.
      #expect(try #require(event.picBefore).masterIRR & 0x02 == 0x02)
      #expect(try #require(event.picBefore).masterISR & 0x02 == 0)
      #expect(try #require(event.picAfter).masterIRR & 0x02 == 0)
      #expect(try #require(event.picAfter).masterISR & 0x02 == 0x02)
      #expect(event.eoiCycle != nil)
      #expect(try #require(event.eoiCycle) > event.cycle)
      #expect(event.handler == symbols["irq1_stub"])
      #expect(event.handlerSymbol == "irq1_stub")
      #expect(event.latencyCycles != nil)
    }
    #expect(machine.pics.state.master.isr == 0)
  }

  @Test func kernelThatNeverRemapsThePICTakesTheKeyboardOnVectorNine() throws {
    let (machine, symbols, log) = try boot(remap: false)
    #expect(machine.keyboard.type("a") == 0)
    machine.run(cycles: Scheduler.cycles(nanoseconds: 20_000_000))
    #expect(machine.memory.read32(try #require(symbols["scancode_count"])) == 2)
    #expect(log.events.filter { $0.kind == .irq && $0.irq == 1 }.allSatisfy { $0.vector == 9 })
  }

  @Test func maskedKeyboardLineHoldsTheRequestInIRR() throws {
    let (machine, symbols, _) = try boot()
    machine.setMask(irq: 1, masked: true)
    #expect(machine.keyboard.type("a") == 0)
    machine.run(cycles: Scheduler.cycles(nanoseconds: 5_000_000))
    #expect(machine.memory.read32(try #require(symbols["scancode_count"])) == 0)
    #expect(machine.pics.state.master.irr & 0x02 == 0x02)
    machine.setMask(irq: 1, masked: false)
    machine.run(cycles: Scheduler.cycles(nanoseconds: 20_000_000))
    #expect(machine.memory.read32(try #require(symbols["scancode_count"])) == 2)
  }
}

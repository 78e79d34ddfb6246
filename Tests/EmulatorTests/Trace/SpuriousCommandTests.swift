import Testing

@testable import Emulator

/// `spurious 7` / `spurious 15` script lines: a request raised and withdrawn between INTR and INTA. The 8259A then
/// answers INTA with its IR7 vector and sets no ISR bit of its own; for the slave, the master has already served
/// its IR2, so the master's ISR bit 2 is set and the guest must EOI the master only (the classic spurious-IRQ15
/// handling: read the slave's ISR, find bit 7 clear, EOI the master). Before, the script had no such command and
/// the board could not produce a spurious vector in a real run at all.
@Suite struct SpuriousCommandTests {
  static let kernel = Result {
    try TraceKernel.build(
      """
        picinit
        masks 0x7B, 0x7F
        setgate 0x27, spurious7
        setgate 0x2F, spurious15
        sti
      1:
        hlt
        jmp 1b
      spurious7:
        pushl %eax
        movb $0x0B, %al
        outb %al, $0x20
        inb $0x20, %al
        testb $0x80, %al
        jnz 2f
        incl count7
        popl %eax
        iret
      2:
        movb $0x20, %al
        outb %al, $0x20
        popl %eax
        iret
      spurious15:
        pushl %eax
        movb $0x0B, %al
        outb %al, $0xA0
        inb $0xA0, %al
        testb $0x80, %al
        jnz 3f
        incl count15
        movb $0x20, %al
        outb %al, $0x20
        popl %eax
        iret
      3:
        movb $0x20, %al
        outb %al, $0xA0
        outb %al, $0x20
        popl %eax
        iret
      .data
      count7: .long 0
      count15: .long 0
      """)
  }

  @Test func spuriousLinesGiveTheGuestThePICsSpuriousVectors() throws {
    let run = try TracedRun(try Self.kernel.get())
    let session = HeadlessSession(machine: run.machine)
    session.print = { _ in }
    let script = try Script(
      text: "wait 1ms\nspurious 7\nwait 1ms\nspurious 15\nwait 1ms\n", fileName: "spurious.irqs",
      isKeyName: { Key(name: $0) != nil })
    let outcome = session.run(script: script, limits: .init())
    #expect(outcome.status == 0, "\(outcome.summary)")
    #expect(run.word("count7") == 1 && run.word("count15") == 1, "each handler found its ISR bit 7 clear")
    #expect(run.machine.pics.master.isr == 0 && run.machine.pics.slave.isr == 0, "the guest's EOI cleared IR2")
    let spurious = run.events.filter { $0.kind == .spurious }
    #expect(spurious.count == 2)
    guard spurious.count == 2 else { return }
    #expect(spurious[0].vector == 0x27 && spurious[0].irq == nil)
    #expect(spurious[0].handler == run.symbols["spurious7"])
    #expect(spurious[0].picAfter?.masterISR == 0, "no ISR bit for a spurious IR7")
    #expect(spurious[1].vector == 0x2F && spurious[1].irq == nil)
    #expect(spurious[1].handler == run.symbols["spurious15"])
    #expect(spurious[1].picAfter?.masterISR == 0x04 && spurious[1].picAfter?.slaveISR == 0, "the master served IR2")
    #expect(run.interrupts.isEmpty, "nothing was traced as a served IRQ")
  }

  /// On a masked line the glitch never reaches INTR: nothing is delivered and a `dropped` record says why.
  @Test func spuriousOnAMaskedLineDoesNothingAndIsTracedAsDropped() throws {
    let run = try TracedRun(try Self.kernel.get())
    let session = HeadlessSession(machine: run.machine)
    session.print = { _ in }
    let script = try Script(
      text: "wait 1ms\nmask 7\nspurious 7\nwait 1ms\nmask 2\nspurious 15\nwait 1ms\n", fileName: "masked.irqs",
      isKeyName: { Key(name: $0) != nil })
    let outcome = session.run(script: script, limits: .init())
    #expect(outcome.status == 0, "\(outcome.summary)")
    #expect(run.word("count7") == 0 && run.word("count15") == 0)
    #expect(run.events.allSatisfy { $0.kind != .spurious })
    let dropped = run.events.filter { $0.kind == .dropped }
    #expect(dropped.count == 2)
    #expect(dropped.first?.detail?.contains("IRQ 7 is masked") == true)
    #expect(dropped.last?.detail?.contains("IRQ 15 is masked") == true)
  }
}

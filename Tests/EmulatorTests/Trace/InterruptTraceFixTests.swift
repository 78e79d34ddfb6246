import Testing

@testable import Emulator

/// The interrupt trace's fixes from issue 9, each against a small guest whose expected trace is worked out by hand
/// from the 8259A datasheet and the SDM. "Before" below means the tracer and Machine hooks as of bb5bdd1 (the last
/// commit before the trace became a ring of records), whose behaviour each comment names.
@Suite struct InterruptTraceFixTests {
  /// Both chips programmed with base 0x20 (a kernel that never uses the slave may do this) and the master in
  /// automatic-EOI mode. The PIT's IRQ0 is served as vector 0x20 with no ISR bit set (AEOI). Before, the IRQ was
  /// guessed by diffing ISR: nothing new in service, so it fell back to matching the vector against the bases,
  /// slave first, and traced IRQ 8 ("rtc"). The served IRQ must come from the acknowledge itself.
  @Test func servedIRQComesFromTheAcknowledgeNotFromTheVector() throws {
    let run = try TracedRun(
      TraceKernel.build(
        """
          picinit 0x03, 0x03, 0x20, 0x20
          masks 0xFE, 0xFF
          setgate 0x20, timer
          pitoneshot 100
          sti
        1:
          cmpl $0, ticks
          je 1b
          exit
        timer:
          incl ticks
          iret
        .data
        ticks: .long 0
        """))
    run.runToExit()
    #expect(run.machine.exitStatus == 1)
    let irqs = run.interrupts
    #expect(irqs.count == 1)
    let irq = try #require(irqs.first)
    #expect(irq.irq == 0, "IR0 of the master was acknowledged")
    #expect(irq.source == "pit")
    #expect(irq.vector == 0x20)
    #expect(irq.handler == run.symbols["timer"])
    #expect(irq.picAfter?.masterISR == 0, "AEOI: nothing stays in service (datasheet, ICW4 AEOI)")
    #expect(run.machine.tracer.interruptsPerIRQ[0] == 1 && run.machine.tracer.interruptsPerIRQ[8] == 0)
  }

  /// Master in AEOI, slave in normal EOI mode. The card's IRQ 11 (raised through ICS) is in service on the slave
  /// while the PIT's IRQ0 is taken inside its handler. IRQ0 was auto-EOI'd at its INTA, so its record is complete at
  /// once — no eoiCycle — and comes before IRQ 11's, which closes at the slave's EOI. Before, the record stayed open
  /// because *some* ISR bit (the slave's bit 3) was set at delivery, and only `flush()` ever wrote it (after
  /// IRQ 11's, without an EOI time): the open list grew by one per AEOI interrupt for the whole run.
  @Test func autoEOIInterruptIsFinishedAtOnceWhileAnotherIsInService() throws {
    let run = try TracedRun(
      TraceKernel.build(
        """
          picinit 0x03, 0x01, 0x20, 0x28
          masks 0xFA, 0xF7
          setgate 0x20, timer
          setgate 0x2B, nic
          movl $0x04, 0xFEBC00D0
          movl $0x04, 0xFEBC00C8
          sti
        1:
          cmpl $0, done
          je 1b
          exit
        nic:
          movl 0xFEBC00C0, %eax
          pitoneshot 10
          sti
        2:
          cmpl $0, ticks
          je 2b
          cli
          movb $0x20, %al
          outb %al, $0xA0
          movl $1, done
          iret
        timer:
          incl ticks
          iret
        .data
        ticks: .long 0
        done: .long 0
        """))
    run.runToExit()
    #expect(run.machine.exitStatus == 1)
    let timer = try #require(run.interrupts.first { $0.irq == 0 }, "IRQ 0's record is handed over before any flush")
    let card = try #require(run.interrupts.first { $0.irq == 11 })
    #expect(timer.eoiCycle == nil, "an AEOI interrupt gets no EOI")
    #expect(timer.picAfter?.masterISR == 0 && timer.picAfter?.slaveISR == 0x08, "IRQ 11 still in service")
    #expect(timer.sequence < card.sequence, "IRQ 0 finished at its delivery, before IRQ 11's EOI")
    #expect(card.eoiCycle != nil && card.eoiCycle! > timer.cycle)
    let handedOver = run.events.count
    run.machine.tracer.flush()
    #expect(run.events.count == handedOver, "nothing was left open for flush() to finish")
  }

  /// Polled mode (datasheet, OCW3 P = 1): with IF clear the driver polls; the read that returns 0x80 | 0 is IRQ0's
  /// acknowledge, and the EOI five instructions later (test, jz, store, mov, out: one cycle each) ends it. Before,
  /// port reads were not watched at all: a polled interrupt left no record, and its EOI matched nothing.
  @Test func pollReadIsTracedAsAPolledInterruptAndItsEOIClosesIt() throws {
    let run = try TracedRun(
      TraceKernel.build(
        """
          picinit
          masks 0xFE, 0xFF
          pitoneshot 50
        1:
          movb $0x0C, %al
          outb %al, $0x20
          inb $0x20, %al
          testb $0x80, %al
          jz 1b
          movb %al, polled
          movb $0x20, %al
          outb %al, $0x20
          exit
        .data
        polled: .long 0
        """))
    run.runToExit()
    #expect(run.machine.exitStatus == 1)
    #expect(run.word("polled") == 0x80, "poll byte: I = 1, level 0")
    let irqs = run.interrupts
    #expect(irqs.count == 1)
    let irq = try #require(irqs.first)
    #expect(irq.polled == true)
    #expect(irq.irq == 0 && irq.vector == 0x20)
    #expect(irq.handler == nil, "no gate, no handler")
    #expect(irq.picBefore?.masterIRR == 0x01 && irq.picAfter?.masterISR == 0x01, "the poll acted as INTA")
    // The poll read, then five instructions to the EOI's OUT; the read itself takes an ISA bus cycle (1 µs).
    #expect(irq.eoiCycle == irq.cycle + 5 + run.machine.cpu.portAccessCycles)
  }

  /// The BIOS-programmed PIT raises IRQ0 while IF is clear; the guest sees the edge in IRR, then initialises the
  /// PIC again (ICW1 forgets latched edges, datasheet) and starts a one-shot. Halted, the CPU takes the one-shot's
  /// request in the cycle it latches: latency 0. Before, the latency clock started at the first rising edge on the
  /// line and was only reset by an acknowledge, so it ran from the stale boot edge (millions of cycles).
  @Test func latencyDoesNotCountAnEdgeThatICW1Forgot() throws {
    let run = try TracedRun(
      TraceKernel.build(
        """
          movb $0x0A, %al
          outb %al, $0x20
        1:
          inb $0x20, %al
          testb $0x01, %al
          jz 1b
          picinit
          masks 0xFE, 0xFF
          setgate 0x20, timer
          pitoneshot 1000
          sti
        2:
          hlt
          cmpl $0, ticks
          je 2b
          exit
        timer:
          incl ticks
          movb $0x20, %al
          outb %al, $0x20
          iret
        .data
        ticks: .long 0
        """))
    run.runToExit()
    #expect(run.machine.exitStatus == 1)
    let irq = try #require(run.interrupts.first)
    #expect(run.interrupts.count == 1)
    #expect(irq.latencyCycles == 0, "halted: delivered in the cycle the one-shot's request latched")
  }

  /// IRQ0's edge latches in IRR while IMR masks it; the guest, with IF set, unmasks it with an OUT at cycle u and
  /// the CPU takes it at the next instruction boundary, u + 1: latency 1. Before, the clock ran from the masked
  /// edge, thousands of cycles earlier.
  @Test func latencyOfARequestLatchedWhileMaskedRunsFromTheUnmask() throws {
    let run = try TracedRun(
      TraceKernel.build(
        """
          picinit
          masks 0xFF, 0xFF
          setgate 0x20, timer
          pitoneshot 10
          movl $5000, %ecx
        1:
          decl %ecx
          jnz 1b
          sti
          movb $0xFE, %al
          outb %al, $0x21
          exit 3
        timer:
          incl ticks
          movb $0x20, %al
          outb %al, $0x20
          iret
        .data
        ticks: .long 0
        """))
    run.runToExit()
    #expect(run.machine.exitStatus == 7)
    let irq = try #require(run.interrupts.first)
    #expect(irq.picBefore?.masterIRR == 0x01, "the edge was latched before the unmask")
    // The unmasking OUT takes its ISA bus cycle (1 µs), then the next instruction boundary takes the request.
    #expect(irq.latencyCycles == 1 + run.machine.cpu.portAccessCycles)
  }

  /// IRQ0's gate (vector 0x20) is a 32-bit interrupt gate with P = 0: the delivery raises #NP with error code
  /// vector × 8 + 2 (IDT) + 1 (EXT: an external event) = 0x103 (SDM vol. 3 §6.13). The trace shows one chain: the
  /// IRQ record, saying its delivery faulted, then the #NP whose `causedBy` is the IRQ's sequence. Before, the #NP
  /// was written on its own and the IRQ's record stayed "acknowledged" until the next external delivery took it
  /// (with that delivery's handler) or `flush()` wrote it last.
  @Test func faultingDeliveryIsOneChainFromTheIRQToItsException() throws {
    let run = try TracedRun(
      TraceKernel.build(
        """
          picinit
          masks 0xFE, 0xFF
          setgate 0x20, never, 0x0E00
          setgate 11, notpresent
          pitoneshot 10
          sti
        1:
          hlt
          jmp 1b
        notpresent:
          popl %eax
          movl %eax, error
          exit
        never:
          exit 9
        .data
        error: .long 0
        """))
    run.runToExit()
    #expect(run.machine.exitStatus == 1)
    #expect(run.word("error") == 0x103, "#NP error code: IDT index 0x20, IDT bit, EXT")
    let index = try #require(run.events.firstIndex { $0.kind == .irq })
    let irq = run.events[index]
    #expect(irq.irq == 0 && irq.vector == 0x20)
    #expect(irq.handler == nil, "the handler never ran")
    #expect(irq.detail?.contains("faulted") == true)
    #expect(index + 1 < run.events.count)
    let fault = run.events[min(index + 1, run.events.count - 1)]
    #expect(fault.kind == .exception && fault.vector == 11)
    #expect(fault.errorCode == 0x103)
    #expect(fault.causedBy == irq.sequence)
    #expect(fault.sequence == irq.sequence + 1)
    #expect(fault.handler == run.symbols["notpresent"])
  }

  /// REP STOSD over 100 000 doublewords with a PIT one-shot due in the middle. The count's MSB is written at cycle
  /// w = r + 3 (r read by RDTSC); the PIT input clock k happens at cycle ceil(k × 10^8 / 1 193 182), the write falls
  /// in clock t = floor(w × 1 193 182 / 10^8), mode 0 loads the count on clock t + 1 and raises OUT N clocks later
  /// (datasheet: N + 1 clocks after the write). The REP starts at r + 8 and does one iteration per cycle, so the
  /// handler must see ECX = 100 000 − (T − (r + 8)). Before, the REP ran in chunks of 4096 iterations whatever the
  /// next event, so the interrupt came at the next multiple of 4096 iterations, up to 4095 cycles late.
  @Test func deviceEventDueInsideALongRepStosRunsOnTime() throws {
    let count: UInt64 = 200
    let run = try TracedRun(
      TraceKernel.build(
        """
          picinit
          masks 0xFE, 0xFF
          setgate 0x20, timer
          movb $0x30, %al
          outb %al, $0x43
          movb $\(count & 0xFF), %al
          outb %al, $0x40
          movb $\(count >> 8), %bl
          rdtsc
          movl %eax, tsc
          movb %bl, %al
          outb %al, $0x40
          sti
          movl $100000, %ecx
          movl $buffer, %edi
          xorl %eax, %eax
          rep stosl
          exit
        timer:
          movl %ecx, ecx_seen
          pushl %eax
          movb $0x20, %al
          outb %al, $0x20
          popl %eax
          iret
        .data
        tsc: .long 0
        ecx_seen: .long 0
        .bss
        buffer: .space 400000
        """))
    run.runToExit()
    #expect(run.machine.exitStatus == 1)
    let r = UInt64(run.word("tsc"))
    let write = r + 3
    let clock = write * 1_193_182 / 100_000_000
    let rise = clock + 1 + count
    let riseCycle = (rise * 100_000_000 + 1_193_182 - 1) / 1_193_182
    // Eight instructions from RDTSC to REP STOS, one of them the OUT that loads the count (1 µs of ISA bus time).
    let repStart = r + 8 + run.machine.cpu.portAccessCycles
    #expect(riseCycle > repStart + 4096, "the event falls after the first 4096-iteration chunk")
    #expect(UInt64(run.word("ecx_seen")) == 100_000 - (riseCycle - repStart))
    let irq = try #require(run.interrupts.first)
    #expect(irq.cycle == riseCycle, "acknowledged in the cycle OUT rose")
    #expect(irq.latencyCycles == 0)
  }
}

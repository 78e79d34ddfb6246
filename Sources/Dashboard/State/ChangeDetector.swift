import Emulator

/// Compares a snapshot with the previous one and marks what changed in the highlight history. A pulse may start and
/// end between two snapshots, so the IRQ lines in the new trace records, and the PIC bits their before/after
/// registers show moving, light up too.
enum ChangeDetector {
  static func mark(_ snapshot: MachineSnapshot, previous: MachineSnapshot?, into history: inout HighlightHistory) {
    markPIC(snapshot, previous: previous, into: &history)
    markTrace(snapshot.trace, into: &history)
    guard let previous else { return }
    markProcessor(snapshot.processor, previous: previous.processor, into: &history)
    markRings(snapshot.nic, previous: previous.nic, into: &history)
    markKernel(snapshot.kernel, previous: previous.kernel, into: &history)
    for (vector, old) in zip(snapshot.vectors, previous.vectors) where vector.deliveries != old.deliveries {
      history.mark(.vector(vector.number))
    }
  }

  /// The three registers of both chips as 16-bit words, IRQ n at bit n.
  static func words(_ pic: PICPairState) -> [(HighlightHistory.PICRegister, UInt16)] {
    [
      (.irr, UInt16(pic.slave.irr) << 8 | UInt16(pic.master.irr)),
      (.isr, UInt16(pic.slave.isr) << 8 | UInt16(pic.master.isr)),
      (.imr, UInt16(pic.slave.imr) << 8 | UInt16(pic.master.imr)),
    ]
  }

  static func words(_ registers: TraceEvent.PICRegisters) -> [(HighlightHistory.PICRegister, UInt16)] {
    [
      (.irr, UInt16(registers.slaveIRR) << 8 | UInt16(registers.masterIRR)),
      (.isr, UInt16(registers.slaveISR) << 8 | UInt16(registers.masterISR)),
      (.imr, UInt16(registers.slaveIMR) << 8 | UInt16(registers.masterIMR)),
    ]
  }

  static func markBits(_ register: HighlightHistory.PICRegister, _ bits: UInt16, into history: inout HighlightHistory) {
    guard bits != 0 else { return }
    for irq in 0..<16 where bits & (1 << irq) != 0 { history.mark(.pic(register, irq: irq)) }
  }

  static func markPIC(_ snapshot: MachineSnapshot, previous: MachineSnapshot?, into history: inout HighlightHistory) {
    guard let previous else { return }
    for ((register, now), (_, before)) in zip(words(snapshot.pic), words(previous.pic)) {
      markBits(register, now ^ before, into: &history)
    }
  }

  static func markTrace(_ trace: [TraceEvent], into history: inout HighlightHistory) {
    for event in trace {
      if let irq = event.irq, (0..<16).contains(irq), event.kind == .irq || event.kind == .spurious {
        // The request was raised and served in this interval: IRR went up, ISR went up (then down at the EOI).
        history.mark(.pic(.irr, irq: irq))
        if event.kind == .irq { history.mark(.pic(.isr, irq: irq)) }
      }
      if let before = event.picBefore, let after = event.picAfter {
        for ((register, a), (_, b)) in zip(words(before), words(after)) { markBits(register, a ^ b, into: &history) }
      }
    }
  }

  static func markProcessor(
    _ now: MachineSnapshot.Processor, previous: MachineSnapshot.Processor, into history: inout HighlightHistory
  ) {
    for index in 0..<min(now.registers.count, previous.registers.count)
    where now.registers[index] != previous.registers[index] {
      history.mark(.register(index))
    }
    if now.eip != previous.eip { history.mark(.register(8)) }
    if now.eflags != previous.eflags { history.mark(.register(9)) }
    for index in 0..<min(now.segments.count, previous.segments.count)
    where now.segments[index].selector != previous.segments[index].selector {
      history.mark(.register(10 + index))
    }
  }

  static func markRings(_ now: E1000State, previous: E1000State, into history: inout HighlightHistory) {
    for (slot, old) in zip(now.rxRing, previous.rxRing) where slot != old {
      history.mark(.descriptor(DescriptorRef(.rx, slot.index)))
    }
    for (slot, old) in zip(now.txRing, previous.txRing) where slot != old {
      history.mark(.descriptor(DescriptorRef(.tx, slot.index)))
    }
  }
}

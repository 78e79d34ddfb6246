/// Follows every interrupt through the board and writes the trace: the device's edge on its IRQ line (IRR),
/// the CPU's acknowledge (INTA: IRR → ISR, the vector), the IDT gate the CPU took (the handler), and the driver's
/// EOI (ISR cleared). Exceptions, software interrupts, NMIs, dropped inputs and resets are traced as they happen.
///
/// An interrupt's trace line is written when its EOI arrives (or, for AEOI and spurious vectors, at once), so that
/// it carries the EOI time; lines still open at the end of a run are flushed by `flush()`.
public final class InterruptTracer {
  /// Receives each finished event (the JSONL writer, the dashboard's log).
  public var onEvent: ((TraceEvent) -> Void)?
  /// The most recent events, for the dashboard and the dump.
  public private(set) var recent: [TraceEvent] = []
  public static let recentCapacity = 512
  /// Totals by kind, and per IRQ line.
  public private(set) var counts: [TraceEvent.Kind: Int] = [:]
  public private(set) var interruptsPerIRQ = [Int](repeating: 0, count: 16)

  /// The device wired to each IRQ line, named in the trace.
  public var sources: [Int: String] = [0: "pit", 1: "keyboard", 2: "cascade", 4: "com1", 11: "nic", 12: "mouse"]
  /// Resolves a handler address to `symbol+0x..` when the kernel has a symbol table.
  public var symbolizer: ((UInt32) -> String?)?

  private var raisedAt = [UInt64?](repeating: nil, count: 16)
  private var lineLevel = [Bool](repeating: false, count: 16)
  /// Acknowledged interrupts waiting for their EOI, oldest first.
  private var open: [TraceEvent] = []
  /// The interrupt just acknowledged, waiting for the CPU to tell where its handler is.
  private var acknowledged: TraceEvent?

  public init() {}

  /// A device drove IRQ line `irq`; rising edges start the latency clock.
  func lineChanged(_ irq: Int, level: Bool, at cycle: UInt64) {
    guard (0..<16).contains(irq) else { return }
    if level && !lineLevel[irq] && raisedAt[irq] == nil { raisedAt[irq] = cycle }
    lineLevel[irq] = level
  }

  /// Around the PIC's INTA cycle: the vector, the IRQ it served, and the registers before and after.
  func acknowledged(
    vector: UInt8, irq: Int?, spurious: Bool, before: TraceEvent.PICRegisters, after: TraceEvent.PICRegisters,
    at cycle: UInt64
  ) {
    var event = TraceEvent(
      kind: spurious ? .spurious : .irq, cycle: cycle, source: irq.map { sources[$0] ?? "irq\($0)" } ?? "pic")
    event.irq = irq
    event.vector = Int(vector)
    event.picBefore = before
    event.picAfter = after
    if let irq, !spurious, let raised = raisedAt[irq] {
      event.latencyCycles = cycle &- raised
      raisedAt[irq] = nil
    }
    acknowledged = event
  }

  /// The CPU delivered an interrupt or exception through the IDT.
  func delivered(_ record: DeliveryRecord, inService: Bool) {
    if record.kind == .external, var event = acknowledged {
      acknowledged = nil
      event.handler = record.handlerEIP
      event.handlerSymbol = symbolizer?(record.handlerEIP)
      event.returnAddress = record.returnEIP
      event.fromCPL = record.fromCPL
      event.toCPL = record.toCPL
      if let latency = event.latencyCycles { event.latencyCycles = latency &+ (record.cycle &- event.cycle) }
      // Spurious vectors and AEOI leave nothing in service: there will be no EOI to wait for.
      if event.kind == .irq && inService { open.append(event) } else { emit(event) }
      return
    }
    let kind: TraceEvent.Kind =
      switch record.kind {
      case .external: .irq
      case .nmi: .nmi
      case .exception: .exception
      case .software: .software
      }
    var event = TraceEvent(kind: kind, cycle: record.cycle, source: record.kind == .nmi ? "nmi" : "cpu")
    event.vector = Int(record.vector)
    event.vectorName = Vector.name(record.vector)
    event.errorCode = record.errorCode
    event.handler = record.handlerEIP
    event.handlerSymbol = symbolizer?(record.handlerEIP)
    event.returnAddress = record.returnEIP
    event.fromCPL = record.fromCPL
    event.toCPL = record.toCPL
    emit(event)
  }

  /// In-service bits the guest cleared (an EOI) on IRQs 0–15.
  func endOfInterrupt(irqs: [Int], at cycle: UInt64) {
    for irq in irqs {
      guard let index = open.lastIndex(where: { $0.irq == irq }) else { continue }
      var event = open.remove(at: index)
      event.eoiCycle = cycle
      emit(event)
    }
  }

  func dropped(source: String, detail: String, at cycle: UInt64) {
    var event = TraceEvent(kind: .dropped, cycle: cycle, source: source)
    event.detail = detail
    emit(event)
  }

  /// A frame the card received into its ring (`slot`, `descriptors`) or sent (`slot` nil).
  func packet(
    _ kind: TraceEvent.Kind, length: Int, slot: Int?, descriptors: Int?, detail: String, at cycle: UInt64
  ) {
    var event = TraceEvent(kind: kind, cycle: cycle, source: "nic")
    event.frameLength = length
    event.ringSlot = slot
    event.descriptors = descriptors
    event.detail = detail
    emit(event)
  }

  func reset(reason: String, at cycle: UInt64) {
    flush()
    var event = TraceEvent(kind: .reset, cycle: cycle, source: "cpu")
    event.detail = reason
    emit(event)
    raisedAt = [UInt64?](repeating: nil, count: 16)
  }

  /// Writes the interrupts still waiting for an EOI (their `eoiCycle` stays empty).
  public func flush() {
    for event in open { emit(event) }
    open.removeAll()
    if let event = acknowledged {
      emit(event)
      acknowledged = nil
    }
  }

  private func emit(_ event: TraceEvent) {
    counts[event.kind, default: 0] += 1
    if event.kind == .irq, let irq = event.irq { interruptsPerIRQ[irq] += 1 }
    if recent.count == Self.recentCapacity { recent.removeFirst(Self.recentCapacity / 4) }
    recent.append(event)
    onEvent?(event)
  }
}

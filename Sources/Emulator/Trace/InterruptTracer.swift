/// Follows every interrupt through the board and keeps the trace: the request latching in IRR, the CPU's
/// acknowledge (INTA, or an OCW3 poll: IRR → ISR, the vector), the IDT gate the CPU took (the handler), and the
/// driver's EOI (ISR cleared). Exceptions, software interrupts, NMIs, dropped inputs, resets and frames are traced
/// as they happen.
///
/// Records go into a fixed ring of plain values with a running sequence number (`TraceRing`); readers — the
/// JSONL writer through `onEvent`, the snapshot through `events(after:limit:)` — turn them into `TraceEvent`s,
/// looking names up only then. An interrupt's record is finished when its EOI arrives (so it carries the EOI time)
/// or at once when nothing stays in service (AEOI, spurious vectors); `flush()` finishes those still open.
public final class InterruptTracer {
  /// Receives each finished event, in order, when the machine finishes a run (`deliver()`), or earlier when the
  /// ring would otherwise overwrite records not yet handed over. The JSONL writer and tests use it.
  public var onEvent: ((TraceEvent) -> Void)? {
    didSet { delivered = ring.next }
  }
  /// Totals by kind, and device interrupts acknowledged per IRQ line.
  public var counts: [TraceEvent.Kind: Int] {
    var result: [TraceEvent.Kind: Int] = [:]
    for kind in TraceEvent.Kind.allCases where kindCounts[kind.index] > 0 { result[kind] = kindCounts[kind.index] }
    return result
  }
  public private(set) var interruptsPerIRQ = [Int](repeating: 0, count: 16)

  /// The device wired to each IRQ line, named in the trace.
  public var sources: [Int: String] = InterruptTracer.defaultSources {
    didSet { sourceNames = Self.names(sources) }
  }
  /// Resolves a handler address to `symbol+0x..` when the kernel has a symbol table.
  public var symbolizer: ((UInt32) -> String?)? {
    didSet { symbolCache = Self.emptySymbolCache }
  }

  public static let capacity = 16_384
  private var ring = TraceRing(capacity: InterruptTracer.capacity)
  /// Notes for the records that have one (drops, resets, frames), in the ring's slot of their record (no hashing
  /// on the recording path; a slot's note goes when its record is overwritten).
  private var notes: [(source: String?, text: String)?] = []
  /// `sources` as an array by IRQ line, and the handler names looked up lately: reading a window of records
  /// (a snapshot's 1024) then costs no hashing and one symbol lookup per distinct handler.
  private var sourceNames: [String?] = InterruptTracer.names(InterruptTracer.defaultSources)
  private var symbolCache = InterruptTracer.emptySymbolCache
  private static let symbolCacheSize = 64
  private static let emptySymbolCache = [(address: UInt32, name: String?)?](repeating: nil, count: symbolCacheSize)
  private static let defaultSources: [Int: String] = [
    0: "pit", 1: "keyboard", 2: "cascade", 4: "com1", 8: "rtc", 11: "nic", 12: "mouse",
  ]
  private var kindCounts = [Int](repeating: 0, count: TraceEvent.Kind.allCases.count)
  /// The sequence of the first record `onEvent` has not seen.
  private var delivered: UInt64 = 0

  /// When each line's request became deliverable: latched in IRR with its IMR bit clear (nil: no such request).
  private var requestedAt = [UInt64](repeating: TraceRecord.none64, count: 16)
  private var deliverable: UInt16 = 0
  /// Acknowledged interrupts waiting for their EOI, one per IRQ line (an ISR bit is one per line).
  private var open = [TraceRecord?](repeating: nil, count: 16)
  /// The interrupt just acknowledged, waiting for the CPU to tell where its handler is.
  private var acknowledged: TraceRecord?
  private var acknowledgedAutoEOI = false
  /// The interrupt whose delivery is under way: an exception raised before its handler starts is linked to it.
  private var deliveringSequence = TraceRecord.none64

  public init() {}

  /// The sequence number the next record will get.
  public var nextSequence: UInt64 { ring.next }

  // MARK: Recording (the machine's thread)

  /// The PICs' requests after any change: a request that became deliverable (latched in IRR, IMR bit clear)
  /// starts its latency clock now; one that went away (acknowledged, withdrawn, re-initialised) stops it.
  func requestsChanged(irr: UInt16, imr: UInt16, at cycle: UInt64) {
    let now = irr & ~imr
    guard now != deliverable else { return }  // most calls (a line falling, an EOI) change nothing here
    var rising = now & ~deliverable
    var falling = deliverable & ~now
    deliverable = now
    while rising != 0 {
      requestedAt[rising.trailingZeroBitCount] = cycle
      rising &= rising &- 1
    }
    while falling != 0 {
      requestedAt[falling.trailingZeroBitCount] = TraceRecord.none64
      falling &= falling &- 1
    }
  }

  /// Around the PIC's INTA cycle (or a poll read, `polled`): what it served and the registers before and after
  /// (`PICPair.packedRegisters`).
  func acknowledged(
    _ ack: PICPair.Acknowledge, polled: Bool, before: UInt64, after: UInt64, at cycle: UInt64
  ) {
    var record = TraceRecord(
      kind: ack.spurious ? .spurious : .irq, source: ack.spurious ? .pic : .irqLine, cycle: cycle)
    record.irq = Int8(ack.irq ?? -1)
    record.vector = Int16(ack.vector)
    record.hasPIC = true
    record.picBefore = before
    record.picAfter = after
    record.polled = polled
    if let irq = ack.irq, requestedAt[irq] != TraceRecord.none64 {
      record.latencyCycles = cycle &- requestedAt[irq]
    }
    if polled {
      // No gate, no handler: the driver reads the poll byte and handles the line itself.
      if ack.spurious || ack.autoEOI { finish(record) } else { keepOpen(record) }
      return
    }
    if let stale = acknowledged { finish(stale) }
    acknowledged = record
    acknowledgedAutoEOI = ack.autoEOI
  }

  /// The CPU delivered an interrupt or exception through the IDT.
  func delivered(_ delivery: DeliveryRecord) {
    if delivery.kind == .external, var record = acknowledged {
      acknowledged = nil
      record.hasHandler = true
      record.handler = delivery.handlerEIP
      record.returnAddress = delivery.returnEIP
      record.fromCPL = Int8(delivery.fromCPL)
      record.toCPL = Int8(delivery.toCPL)
      if record.latencyCycles != TraceRecord.none64 {
        record.latencyCycles &+= delivery.cycle &- record.cycle
      }
      if record.kind == .irq && !acknowledgedAutoEOI { keepOpen(record) } else { finish(record) }
      return
    }
    let kind: TraceEvent.Kind =
      switch delivery.kind {
      case .external: .irq
      case .nmi: .nmi
      case .exception: .exception
      case .software: .software
      }
    var record = TraceRecord(kind: kind, source: delivery.kind == .nmi ? .nmi : .cpu, cycle: delivery.cycle)
    record.vector = Int16(delivery.vector)
    if let code = delivery.errorCode {
      record.hasErrorCode = true
      record.errorCode = code
    }
    record.hasHandler = true
    record.handler = delivery.handlerEIP
    record.returnAddress = delivery.returnEIP
    record.fromCPL = Int8(delivery.fromCPL)
    record.toCPL = Int8(delivery.toCPL)
    if delivery.kind == .exception, var irq = acknowledged {
      // The acknowledged interrupt's own delivery faulted (a bad or absent gate): it never reached a handler.
      // Finish it now and link the exception to it, so the trace shows one chain.
      acknowledged = nil
      irq.hasDetail = true
      let irqSequence = finish(
        irq, detail: "delivery through the IDT faulted: \(Vector.name(delivery.vector) ?? "vector \(delivery.vector)")")
      record.causedBy = irqSequence
    }
    finish(record)
  }

  /// In-service bits the guest cleared (an EOI) on IRQs 0–15.
  func endOfInterrupt(cleared: UInt16, at cycle: UInt64) {
    var bits = cleared
    while bits != 0 {
      let irq = bits.trailingZeroBitCount
      bits &= bits &- 1
      guard var record = open[irq] else { continue }
      open[irq] = nil
      record.eoiCycle = cycle
      finish(record)
    }
  }

  func dropped(source: String, detail: String, at cycle: UInt64) {
    var record = TraceRecord(kind: .dropped, source: .host, cycle: cycle)
    record.hasDetail = true
    finish(record, detail: detail, source: source)
  }

  /// A frame the card received into its ring (`slot`, `descriptors`) or sent (`slot` nil).
  func packet(
    _ kind: TraceEvent.Kind, length: Int, slot: Int?, descriptors: Int?, detail: String, at cycle: UInt64
  ) {
    var record = TraceRecord(kind: kind, source: .nic, cycle: cycle)
    record.frameLength = Int32(clamping: length)
    record.ringSlot = Int32(clamping: slot ?? -1)
    record.descriptors = Int32(clamping: descriptors ?? -1)
    record.hasDetail = true
    finish(record, detail: detail)
  }

  func reset(reason: String, at cycle: UInt64) {
    flush()
    var record = TraceRecord(kind: .reset, source: .cpu, cycle: cycle)
    record.hasDetail = true
    finish(record, detail: reason)
    requestedAt = [UInt64](repeating: TraceRecord.none64, count: 16)
    deliverable = 0
  }

  /// Finishes the interrupts still waiting for an EOI (their `eoiCycle` stays empty), oldest first.
  public func flush() {
    let waiting = open.compactMap { $0 }.sorted { $0.cycle < $1.cycle }
    open = [TraceRecord?](repeating: nil, count: 16)
    for record in waiting { finish(record) }
    if let record = acknowledged {
      acknowledged = nil
      finish(record)
    }
    deliver()
  }

  private func keepOpen(_ record: TraceRecord) {
    let irq = Int(record.irq)
    if let stale = open[irq] { finish(stale) }  // its EOI never came before the line was served again
    open[irq] = record
  }

  @discardableResult
  private func finish(_ record: TraceRecord, detail: String? = nil, source: String? = nil) -> UInt64 {
    if onEvent != nil && ring.next &- delivered >= UInt64(ring.capacity) { deliver() }
    let sequence = ring.append(record)
    let slot = Int(sequence % UInt64(ring.capacity))
    if let detail {
      if notes.isEmpty { notes = .init(repeating: nil, count: ring.capacity) }
      notes[slot] = (source, detail)
    } else if !notes.isEmpty && notes[slot] != nil {
      notes[slot] = nil
    }
    kindCounts[record.kind.index] &+= 1
    if record.kind == .irq && record.irq >= 0 { interruptsPerIRQ[Int(record.irq)] &+= 1 }
    return sequence
  }

  // MARK: Reading

  /// Hands every record `onEvent` has not seen yet to it, in order.
  public func deliver() {
    guard let onEvent else {
      delivered = ring.next
      return
    }
    var sequence = max(delivered, ring.oldest)
    while sequence < ring.next {
      if let record = ring.record(sequence) {
        var event = TraceEvent(kind: .irq, cycle: 0, source: "")
        fill(&event, from: record)
        onEvent(event)
      }
      sequence &+= 1
    }
    delivered = ring.next
  }

  /// The finished records with sequence numbers from `first` on (at most `limit`, the newest), as events, and how
  /// many in that range were skipped (over the limit, or already overwritten in the ring).
  public func events(from first: UInt64, limit: Int) -> (events: [TraceEvent], skipped: UInt64) {
    let next = ring.next
    guard first < next else { return ([], 0) }
    let limit = UInt64(max(0, limit))
    let newest = next > limit ? next - limit : 0  // the first of the newest `limit` records
    let start = max(first, ring.oldest, newest)
    var events: [TraceEvent] = []
    events.reserveCapacity(Int(next &- start))
    var sequence = start
    while sequence < next {
      if let record = ring.record(sequence) {
        // Built in place in the array: a TraceEvent is large, and copying it costs more than filling it.
        events.append(TraceEvent(kind: .irq, cycle: 0, source: ""))
        fill(&events[events.count - 1], from: record)
      }
      sequence &+= 1
    }
    return (events, start &- first)
  }

  /// The newest `count` finished events.
  public func recent(_ count: Int) -> [TraceEvent] {
    events(from: ring.next - UInt64(min(max(0, count), ring.count)), limit: count).events
  }

  private func fill(_ event: inout TraceEvent, from record: TraceRecord) {
    let note = record.hasDetail && !notes.isEmpty ? notes[Int(record.sequence % UInt64(ring.capacity))] : nil
    let source: String =
      switch record.source {
      case .irqLine: record.irq >= 0 ? sourceNames[Int(record.irq)] ?? "irq\(record.irq)" : "pic"
      case .cpu: "cpu"
      case .nmi: "nmi"
      case .pic: "pic"
      case .keyboard: "keyboard"
      case .nic: "nic"
      case .com1: "com1"
      case .host: note?.source ?? "host"
      }
    event.kind = record.kind
    event.cycle = record.cycle
    event.timeNanoseconds = Scheduler.nanoseconds(cycles: record.cycle)
    event.source = source
    event.sequence = record.sequence
    if record.irq >= 0 { event.irq = Int(record.irq) }
    if record.vector >= 0 {
      event.vector = Int(record.vector)
      if record.kind != .irq && record.kind != .spurious { event.vectorName = Vector.name(UInt8(record.vector)) }
    }
    if record.hasErrorCode { event.errorCode = record.errorCode }
    if record.hasPIC {
      event.picBefore = PackedPIC.unpack(record.picBefore)
      event.picAfter = PackedPIC.unpack(record.picAfter)
    }
    if record.hasHandler {
      event.handler = record.handler
      event.handlerSymbol = symbol(record.handler)
      event.returnAddress = record.returnAddress
    }
    if record.fromCPL >= 0 { event.fromCPL = Int(record.fromCPL) }
    if record.toCPL >= 0 { event.toCPL = Int(record.toCPL) }
    if record.eoiCycle != TraceRecord.none64 { event.eoiCycle = record.eoiCycle }
    if record.latencyCycles != TraceRecord.none64 { event.latencyCycles = record.latencyCycles }
    if record.causedBy != TraceRecord.none64 { event.causedBy = record.causedBy }
    if record.polled { event.polled = true }
    if record.frameLength >= 0 { event.frameLength = Int(record.frameLength) }
    if record.ringSlot >= 0 { event.ringSlot = Int(record.ringSlot) }
    if record.descriptors >= 0 { event.descriptors = Int(record.descriptors) }
    event.detail = note?.text
  }
}

extension InterruptTracer {
  fileprivate static func names(_ sources: [Int: String]) -> [String?] {
    (0..<16).map { sources[$0] }
  }

  /// The handler's name through the symbolizer, remembered in a small direct-mapped cache.
  fileprivate func symbol(_ address: UInt32) -> String? {
    guard let symbolizer else { return nil }
    let index = Int((address >> 2) ^ (address >> 9)) & (Self.symbolCacheSize - 1)
    if let cached = symbolCache[index], cached.address == address { return cached.name }
    let name = symbolizer(address)
    symbolCache[index] = (address, name)
    return name
  }
}

extension TraceEvent.Kind {
  var index: Int {
    switch self {
    case .irq: 0
    case .spurious: 1
    case .exception: 2
    case .software: 3
    case .nmi: 4
    case .dropped: 5
    case .reset: 6
    case .rx: 7
    case .tx: 8
    }
  }
}

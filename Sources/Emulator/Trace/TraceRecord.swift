/// One trace record as the machine stores it: a small plain value with no references and no strings, so keeping
/// the trace costs a few stores per event. Names (symbols, sources, details) are looked up when a record is shown
/// (`TraceEvent(record, …)`), never per event.
struct TraceRecord {
  /// Who caused the event, for records whose IRQ does not say (exceptions, drops, resets).
  enum Source: UInt8 {
    case irqLine, cpu, nmi, pic, keyboard, nic, com1, host
  }

  static let none64 = UInt64.max

  var sequence: UInt64 = 0
  var kind: TraceEvent.Kind
  var source: Source
  var cycle: UInt64
  var irq: Int8 = -1
  var vector: Int16 = -1
  var hasErrorCode = false
  var errorCode: UInt32 = 0
  /// Both PICs' IRR, ISR, IMR before and after the acknowledge (`PackedPIC`), or 0 with `hasPIC` false.
  var hasPIC = false
  var picBefore: UInt64 = 0
  var picAfter: UInt64 = 0
  var hasHandler = false
  var handler: UInt32 = 0
  var returnAddress: UInt32 = 0
  var fromCPL: Int8 = -1
  var toCPL: Int8 = -1
  var eoiCycle: UInt64 = none64
  var latencyCycles: UInt64 = none64
  /// The sequence number of the record that caused this one (the IRQ whose delivery raised this exception).
  var causedBy: UInt64 = none64
  /// Serviced through an OCW3 poll read instead of INTA.
  var polled = false
  var frameLength: Int32 = -1
  var ringSlot: Int32 = -1
  var descriptors: Int32 = -1
  /// Whether `InterruptTracer.details` holds a note for this record.
  var hasDetail = false

  init(kind: TraceEvent.Kind, source: Source, cycle: UInt64) {
    self.kind = kind
    self.source = source
    self.cycle = cycle
  }
}

/// The six PIC registers packed into one word: master IRR, ISR, IMR, slave IRR, ISR, IMR from the low byte up.
enum PackedPIC {
  static func pack(_ r: TraceEvent.PICRegisters) -> UInt64 {
    UInt64(r.masterIRR) | UInt64(r.masterISR) << 8 | UInt64(r.masterIMR) << 16 | UInt64(r.slaveIRR) << 24
      | UInt64(r.slaveISR) << 32 | UInt64(r.slaveIMR) << 40
  }

  static func unpack(_ v: UInt64) -> TraceEvent.PICRegisters {
    TraceEvent.PICRegisters(
      masterIRR: UInt8(truncatingIfNeeded: v), masterISR: UInt8(truncatingIfNeeded: v >> 8),
      masterIMR: UInt8(truncatingIfNeeded: v >> 16), slaveIRR: UInt8(truncatingIfNeeded: v >> 24),
      slaveISR: UInt8(truncatingIfNeeded: v >> 32), slaveIMR: UInt8(truncatingIfNeeded: v >> 40))
  }
}

/// A fixed-size ring of trace records numbered by a running sequence: the newest `capacity` are kept, and a
/// reader asks for the records after the last sequence it saw.
struct TraceRing {
  let capacity: Int
  private var storage: [TraceRecord]
  /// The sequence number the next record gets; records `next - count ..< next` are held.
  private(set) var next: UInt64 = 0

  init(capacity: Int) {
    self.capacity = capacity
    storage = []
    storage.reserveCapacity(capacity)
  }

  var count: Int { storage.count }
  /// The oldest sequence number still held.
  var oldest: UInt64 { next &- UInt64(storage.count) }

  @discardableResult
  mutating func append(_ record: TraceRecord) -> UInt64 {
    var record = record
    record.sequence = next
    if storage.count < capacity {
      storage.append(record)
    } else {
      storage[Int(next % UInt64(capacity))] = record
    }
    next &+= 1
    return record.sequence
  }

  func record(_ sequence: UInt64) -> TraceRecord? {
    guard sequence >= oldest && sequence < next else { return nil }
    return storage[Int(sequence % UInt64(capacity))]
  }
}

/// One line of the interrupt trace: an interrupt from a device, an exception, a software interrupt, an NMI,
/// a dropped input or a machine reset. Encoded as one JSON object per line (`--trace FILE.jsonl`) and shown in the
/// dashboard's log.
public struct TraceEvent: Sendable, Equatable, Codable {
  public enum Kind: String, Sendable, Codable, CaseIterable {
    /// A device interrupt acknowledged from the PIC (INTR → INTA → IDT gate).
    case irq
    /// The PIC answered INTA with its spurious vector (IRQ 7 or 15 with no request in service).
    case spurious
    case exception
    /// INT n, INT3, INTO.
    case software
    case nmi
    /// Host input the machine could not take (a scancode, a byte, a packet).
    case dropped
    /// A triple fault (or a reset request) reset the machine.
    case reset
    /// The network card wrote a received frame into its descriptor ring.
    case rx
    /// The network card sent a frame the guest queued.
    case tx
  }

  /// The 8259A registers of both chips at one moment.
  public struct PICRegisters: Sendable, Equatable, Codable {
    public var masterIRR: UInt8
    public var masterISR: UInt8
    public var masterIMR: UInt8
    public var slaveIRR: UInt8
    public var slaveISR: UInt8
    public var slaveIMR: UInt8

    public init(
      masterIRR: UInt8, masterISR: UInt8, masterIMR: UInt8, slaveIRR: UInt8, slaveISR: UInt8, slaveIMR: UInt8
    ) {
      self.masterIRR = masterIRR
      self.masterISR = masterISR
      self.masterIMR = masterIMR
      self.slaveIRR = slaveIRR
      self.slaveISR = slaveISR
      self.slaveIMR = slaveIMR
    }
  }

  /// The record's place in the machine's trace: consecutive, from 0 at power-on.
  public var sequence: UInt64 = 0
  public var kind: Kind
  /// Virtual time in cycles at the nominal clock, and the same in nanoseconds.
  public var cycle: UInt64
  public var timeNanoseconds: UInt64
  /// The device that caused it (`pit`, `keyboard`, `com1`, `nic`, `cpu` …).
  public var source: String
  public var irq: Int?
  public var vector: Int?
  /// The exception's name, for vectors 0–31.
  public var vectorName: String?
  public var errorCode: UInt32?
  public var picBefore: PICRegisters?
  public var picAfter: PICRegisters?
  /// Where the handler starts, and its symbol (`name+0x10`) when the kernel has a symbol table.
  public var handler: UInt32?
  public var handlerSymbol: String?
  /// Where the interrupted code resumes.
  public var returnAddress: UInt32?
  public var fromCPL: Int?
  public var toCPL: Int?
  /// When the driver's EOI cleared the in-service bit.
  public var eoiCycle: UInt64?
  /// Cycles from the device's request (the IRR edge) to the CPU entering the handler.
  public var latencyCycles: UInt64?
  /// The sequence number of the record that caused this one: the interrupt whose delivery raised this exception.
  public var causedBy: UInt64?
  /// The interrupt was serviced by an OCW3 poll read, not INTA and the IDT.
  public var polled: Bool?
  /// A human-readable note (what was dropped, why the machine reset, what a frame holds).
  public var detail: String?
  /// For `rx`/`tx`: the frame's length, the first ring slot it used and how many descriptors.
  public var frameLength: Int?
  public var ringSlot: Int?
  public var descriptors: Int?

  public init(kind: Kind, cycle: UInt64, source: String) {
    self.kind = kind
    self.cycle = cycle
    self.timeNanoseconds = Scheduler.nanoseconds(cycles: cycle)
    self.source = source
  }

}

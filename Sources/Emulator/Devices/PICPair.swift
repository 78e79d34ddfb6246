// The PC/AT's two cascaded 8259A interrupt controllers and the chipset's ELCR.
//
// Models: the master at ports 0x20–0x21 (IRQ 0–7), the slave at 0xA0–0xA1 (IRQ 8–15) with its INT wired to the
// master's IR2; the INTA cycle through the cascade (master's vector, the slave's vector when the master picks IR2,
// or a spurious base + 7 vector); the ELCR at 0x4D0 (master) / 0x4D1 (slave) with the PIIX write masks 0xF8 and
// 0xDE, so IRQ 0, 1, 2, 8 and 13 are always edge-triggered; the state SeaBIOS leaves before a Multiboot kernel.
// The chip behaviour, and where QEMU and Bochs disagree, is documented at the top of PIC8259.swift; the cascade
// choice (the master's IR2 request follows the slave's INT, as in Bochs) is made here in `update()`.
//
// Wiring as on an AT: the ISA bus's IRQ2 pin is connected to IRQ9, so `setIRQ(2, …)` drives IRQ9. Accesses wider than
// a byte are split into byte accesses to consecutive ports, as QEMU does for byte-only devices.
// Not modelled: the I/O APIC (there is none on this board) and the 8259's bus timing.

/// A snapshot of the PIC pair for the dashboard and the JSON dump.
public struct PICPairState: Sendable, Equatable, Codable {
  /// The master 8259A (IRQ 0–7).
  public let master: PIC8259State
  /// The slave 8259A (IRQ 8–15), cascaded on the master's IR2.
  public let slave: PIC8259State
  /// The master's INT output: the CPU's INTR line.
  public let intr: Bool
  /// The slave's INT output: the master's IR2 input.
  public let slaveINT: Bool
}

/// The master and slave 8259A wired as on a PC, plus the ELCR. The CPU's INTR follows `intr`; its INTA cycle is
/// `acknowledge()`.
public final class PICPair: PortDevice, IRQSink {
  /// The chipset's ELCR write masks: IRQ 0, 1, 2 (master) and 8, 13 (slave) cannot be level-triggered.
  public static let masterELCRMask: UInt8 = 0xF8
  public static let slaveELCRMask: UInt8 = 0xDE
  /// The master input the slave's INT drives.
  static let cascadeLine = 2

  var master = PIC8259State(cascadeInputs: 1 << PICPair.cascadeLine)
  var slave = PIC8259State()

  /// The master's INT output: the CPU's INTR line.
  public private(set) var intr = false
  /// Called whenever `intr` changes, with its new level.
  public var onINTRChange: ((Bool) -> Void)?

  /// Both chips as at power-on, before any ICW: IMR clear, base 0, no requests.
  public init() {}

  public var state: PICPairState {
    PICPairState(master: master, slave: slave, intr: intr, slaveINT: slave.int)
  }

  /// IRR, ISR and IMR of both chips in one word, as the trace stores them (`PackedPIC`): six loads, no priority
  /// resolution, so the traced INTA path stays cheap.
  var packedRegisters: UInt64 {
    UInt64(master.irr) | UInt64(master.isr) << 8 | UInt64(master.imr) << 16 | UInt64(slave.irr) << 24
      | UInt64(slave.isr) << 32 | UInt64(slave.imr) << 40
  }

  // MARK: Wiring

  /// Recomputes the cascade line (the slave's INT into the master's IR2) and the master's INT.
  private func update() {
    master.followInput(PICPair.cascadeLine, level: slave.pendingRequest != nil)
    let level = master.pendingRequest != nil || glitch != nil
    if level != intr {
      intr = level
      onINTRChange?(level)
    }
  }

  /// Drives IRQ `irq` (0–15) to `level`; other numbers are ignored.
  public func setIRQ(_ irq: Int, level: Bool) {
    switch irq {
    case 0, 1, 3...7:
      master.setInput(irq, level: level)
    case 2, 9:  // the ISA bus's IRQ2 pin is wired to IRQ9 on an AT
      slave.setInput(1, level: level)
    case 8...15:
      slave.setInput(irq &- 8, level: level)
    default:
      return
    }
    update()
  }

  /// What one INTA cycle did: the vector on the bus, the IRQ it served (nil for a spurious vector), and whether the
  /// serving chip was in automatic-EOI mode (then nothing stays in service and no EOI will follow).
  public struct Acknowledge: Sendable, Equatable {
    public var vector: UInt8
    public var irq: Int?
    public var spurious: Bool { irq == nil }
    public var autoEOI: Bool
  }

  /// A request that was withdrawn between INTR and INTA (`glitch(irq:)`): INTR stays up until the next INTA,
  /// which then finds nothing to serve on that chip.
  private enum Glitch { case master7, slave15 }
  private var glitch: Glitch?

  /// The CPU's INTA cycle: returns the vector and updates IRR and ISR on both chips.
  public func acknowledge() -> UInt8 { acknowledgeCycle().vector }

  /// The CPU's INTA cycle, saying what it served.
  public func acknowledgeCycle() -> Acknowledge {
    let result: Acknowledge
    if let level = master.pendingRequest {
      if master.cascadeInputs & (1 << level) != 0 {
        let slaveLevel = slave.pendingRequest
        let vector = slave.interruptAcknowledge()  // the slave's vector, or its spurious base + 7
        result = Acknowledge(vector: vector, irq: slaveLevel.map { 8 + $0 }, autoEOI: slave.autoEOI)
      } else {
        result = Acknowledge(vector: master.base | UInt8(level), irq: level, autoEOI: master.autoEOI)
      }
      master.acknowledge(level: level)
    } else if glitch == .slave15 {
      // The slave's INT latched the master's IR2 and then vanished: the master serves IR2 and the slave answers
      // with its own spurious vector, so the master's ISR bit 2 is set and needs an EOI (SDM-era 8259A note).
      master.acknowledge(level: PICPair.cascadeLine)
      result = Acknowledge(vector: slave.base | 7, irq: nil, autoEOI: master.autoEOI)
    } else {
      result = Acknowledge(vector: master.base | 7, irq: nil, autoEOI: master.autoEOI)  // spurious IRQ7
    }
    glitch = nil
    update()
    return result
  }

  /// Raises IRQ 7 or 15 and withdraws it before the CPU's INTA, as a glitching line does: INTR was already up,
  /// so the CPU still acknowledges and the chip answers with its spurious vector (base + 7) and no ISR bit of
  /// its own. A masked line never reaches INTR; returns whether the glitch did.
  @discardableResult
  public func glitch(irq: Int) -> Bool {
    switch irq {
    case 7 where master.imr & 0x80 == 0:
      glitch = .master7
    case 15 where slave.imr & 0x80 == 0 && master.imr & 0x04 == 0:
      glitch = .slave15
    default:
      return false
    }
    update()
    return true
  }
  /// Programs both chips as SeaBIOS leaves them before a Multiboot kernel starts: master base 0x08, slave base 0x70,
  /// ICW3 4 / 2, ICW4 0x01, IMR 0xB8 / 0x8E, no edge requests pending. The ELCR is left as it is.
  public func resetToBIOSState() {
    for (value, port) in [(0x11, 0x20), (0x08, 0x21), (0x04, 0x21), (0x01, 0x21), (0xB8, 0x21)] as [(UInt8, UInt16)] {
      writeByte(port, value)
    }
    for (value, port) in [(0x11, 0xA0), (0x70, 0xA1), (0x02, 0xA1), (0x01, 0xA1), (0x8E, 0xA1)] as [(UInt8, UInt16)] {
      writeByte(port, value)
    }
  }

  // MARK: Ports

  public func portRead(_ port: UInt16, size: Int) -> UInt32 {
    if size <= 1 { return UInt32(readByte(port)) }
    var value: UInt32 = 0
    for index in 0..<min(size, 4) {
      value |= UInt32(readByte(port &+ UInt16(index))) << (8 * index)
    }
    return value
  }

  public func portWrite(_ port: UInt16, size: Int, value: UInt32) {
    if size <= 1 {
      writeByte(port, UInt8(truncatingIfNeeded: value))
      return
    }
    for index in 0..<min(size, 4) {
      writeByte(port &+ UInt16(index), UInt8(truncatingIfNeeded: value >> (8 * index)))
    }
  }

  private func readByte(_ port: UInt16) -> UInt8 {
    switch port {
    case 0x20, 0x21:
      let polling = master.poll
      let value = master.read(dataPort: port == 0x21)
      if polling { update() }
      return value
    case 0xA0, 0xA1:
      let polling = slave.poll
      let value = slave.read(dataPort: port == 0xA1)
      if polling { update() }
      return value
    case 0x4D0:
      return master.elcr
    case 0x4D1:
      return slave.elcr
    default:
      return 0xFF  // not ours: the rest of a wide access that ran past our ports
    }
  }

  private func writeByte(_ port: UInt16, _ value: UInt8) {
    switch port {
    case 0x20: master.writeCommand(value)
    case 0x21: master.writeData(value)
    case 0xA0: slave.writeCommand(value)
    case 0xA1: slave.writeData(value)
    case 0x4D0: master.writeELCR(value, mask: PICPair.masterELCRMask)
    case 0x4D1: slave.writeELCR(value, mask: PICPair.slaveELCRMask)
    default: return
    }
    update()
  }
}

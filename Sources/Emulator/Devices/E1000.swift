// Intel 82540EM Gigabit Ethernet controller ("e1000"), the card QEMU emulates with `-nic model=e1000`.
//
// Modelled from the PCI/PCI-X Family of Gigabit Ethernet Controllers Software Developer's Manual (8254x), for what
// a teaching driver uses: CTRL (RST resets the registers, SLU stored), STATUS (full duplex, link up, 1000 Mb/s —
// the cable is always plugged in; read as QEMU's 0x80080783, which drivers written against QEMU check), EECD (an
// EEPROM is present), EERD (the 82540EM layout: START, DONE, ADDR 15:8, DATA 31:16) over a 64-word EEPROM
// holding the MAC address, IDs and a checksum word making the sum 0xBABA; MDIC with a PHY at address 1 (link up, auto-negotiation complete); ICR (reading clears it; writing 1s clears those
// bits, as QEMU and Bochs do), ICS, IMS, IMC; the legacy receive and transmit descriptor rings; RAL/RAH (16 exact
// addresses, RAL0/RAH0 loaded from the EEPROM at reset with AV set), the MTA hash for multicast, RCTL's UPE, MPE,
// BAM, buffer size (256–2048, or 4096–16384 with BSEX) and SECRC (without it the 4-byte FCS is written after the
// data and counted in the length); the receive delay timer RDTR (RXT0 waits RDTR × 1.024 µs after the last frame;
// writing FPD fires it at once); and the clear-on-read statistics MPC, GPRC, BPRC, MPRC, GPTC, GORC, GOTC, TOR,
// TPR, TPT. The interrupt output is a level: asserted while ICR & IMS is not zero.
//
// Receive (§3.2): a frame is written by DMA into the buffers of the descriptors from RDH on (several when it is
// longer than one buffer; EOP on the last), then each descriptor's length and status are written back, DD last, and
// RDH advances with wrap. ICR.RXT0 follows, and RXDMT0 when the free descriptors fall to RCTL.RDMTS's fraction of
// the ring (1/2, 1/4, 1/8). The card owns the descriptors from RDH up to, not including, RDT: RDH == RDT means it
// has no buffer. A frame that does not fit in the free descriptors, or arrives with the receiver disabled, is lost
// as on hardware: MPC counts it and ICR.RXO is set. (QEMU instead holds frames back until the driver writes RDT;
// a real 82540EM also has a 48 KB receive FIFO that can hold frames for a while — we lose them at once, which is
// what the issue specifies and what makes overruns easy to see.) Frames no receive filter accepts are dropped
// without a count, as on hardware; our own counters still list them, so injected = delivered + missed always holds.
//
// Transmit (§3.3): writing TDT (or enabling TCTL.EN) sends the descriptors from TDH up to TDT: legacy descriptors,
// and extended ones (a context descriptor is consumed, a data descriptor is sent like a legacy one). A frame ends
// at EOP; DD is written back when RS is set (and then TXDW is raised); TXQE when the queue is empty. Sent frames go
// to `onTransmit`: there is no network behind the card.
//
// DMA goes through guest physical memory only. A descriptor or buffer outside RAM is never touched: the access is
// dropped and counted in `dmaErrors`. With PCI bus mastering disabled the card cannot DMA, so frames are missed.
//
// Not modelled: interrupt throttling (ITR is stored), RADV, checksum and segmentation offload, VLANs, flow control,
// the EEPROM's bit-banged interface (EECD is read as present, EERD is the way to read it), the I/O-mapped register
// window (BAR1), loopback modes, receive errors. Descriptor rings beyond 4 GiB are out of the 32-bit address space.

/// The 82540EM network card.
public final class E1000: MMIODevice {
  /// The MMIO window's size: BAR0 decodes 128 KiB.
  public static let mmioSize: UInt32 = 0x2_0000
  /// The MAC address in the EEPROM: QEMU's default for the first NIC.
  public static let defaultMAC: [UInt8] = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56]
  public static let pciVendorID: UInt16 = 0x8086
  public static let pciDeviceID: UInt16 = 0x100E

  /// Why a frame was not delivered to the guest.
  public enum MissReason: String, Sendable, Codable, CaseIterable {
    /// RCTL.EN is clear.
    case receiverDisabled
    /// The free descriptors (RDH up to RDT) cannot hold the frame; on hardware RDH == RDT.
    case ringFull
    /// No receive filter (RAL/RAH, broadcast with BAM, multicast, promiscuous) accepts the destination address.
    case filtered
    /// PCI bus mastering is off, so the card cannot DMA.
    case busMasterDisabled
  }

  /// What became of one received frame.
  public enum ReceiveOutcome: Sendable, Equatable {
    /// Written into `descriptors` ring slots starting at `firstSlot`.
    case delivered(firstSlot: Int, descriptors: Int)
    case missed(MissReason)
  }

  let memory: PhysicalMemory
  let scheduler: Scheduler
  let irq: IRQLine
  public let mac: [UInt8]

  /// Plain register storage, one word per 4-byte offset of the window; special registers are handled by name.
  var registers = [UInt32](repeating: 0, count: Int(E1000.mmioSize / 4))
  var eeprom: [UInt16]
  var phy = [UInt16](repeating: 0, count: 32)
  /// The level on the interrupt line.
  public private(set) var irqLevel = false
  var delayTimer: Scheduler.EventID?

  /// PCI command register bits, set by the PCI function: bus master (DMA) and INTx disable.
  public var busMasterEnabled = true {
    didSet { if !busMasterEnabled { cancelDelayTimer() } }
  }
  public var interruptDisabled = false {
    didSet { updateInterrupt() }
  }

  // Counters of our own (not the guest's clear-on-read statistics): frames the wire brought, frames written into
  // the ring, frames lost; injected = delivered + missed.
  public internal(set) var framesInjected = 0
  public internal(set) var framesDelivered = 0
  public internal(set) var missed: [MissReason: Int] = [:]
  public internal(set) var framesSent = 0
  /// DMA accesses dropped because they pointed outside RAM.
  public internal(set) var dmaErrors = 0
  /// The most recent frames the guest sent (lengths and bytes), newest last.
  public internal(set) var recentSent: [[UInt8]] = []
  static let recentSentCapacity = 16
  /// A frame under assembly across transmit descriptors.
  var transmitFrame: [UInt8] = []

  /// Receives each frame the guest sends.
  public var onTransmit: (([UInt8]) -> Void)?
  /// Told what became of each received frame (the board traces it).
  public var onReceive: (([UInt8], ReceiveOutcome) -> Void)?
  /// Told when the driver turns the receiver on (RCTL.EN from clear to set).
  public var onReceiverEnabled: (() -> Void)?

  public init(memory: PhysicalMemory, scheduler: Scheduler, irq: IRQLine, mac: [UInt8] = E1000.defaultMAC) {
    precondition(mac.count == 6, "a MAC address has six bytes")
    self.memory = memory
    self.scheduler = scheduler
    self.irq = irq
    self.mac = mac
    eeprom = E1000.makeEEPROM(mac: mac)
    reset()
  }

  /// The total of frames not delivered.
  public var framesMissed: Int { missed.values.reduce(0, +) }

  // MARK: Reset

  /// Puts every register in its power-on value (CTRL.RST does the same); the counters of our own are kept.
  public func reset() {
    cancelDelayTimer()
    registers = [UInt32](repeating: 0, count: registers.count)
    registers[index(E1000Register.ral0)] =
      UInt32(mac[0]) | UInt32(mac[1]) << 8 | UInt32(mac[2]) << 16
      | UInt32(mac[3]) << 24
    registers[index(E1000Register.rah0)] = UInt32(mac[4]) | UInt32(mac[5]) << 8 | E1000Bits.rahAV
    registers[index(E1000Register.ctrl)] = E1000Bits.ctrlSLU
    registers[index(E1000Register.tipg)] = 0
    phy = E1000.makePHY()
    transmitFrame = []
    updateInterrupt()
  }

  /// The EEPROM image (§5.6): words 0–2 the MAC address, 0x0B/0x0C subsystem ID and vendor, 0x0D/0x0E device and
  /// vendor ID, unprogrammed words all ones, and word 0x3F chosen so that the 64 words sum to 0xBABA.
  static func makeEEPROM(mac: [UInt8]) -> [UInt16] {
    var words = [UInt16](repeating: 0xFFFF, count: 64)
    for i in 0..<3 { words[i] = UInt16(mac[2 * i]) | UInt16(mac[2 * i + 1]) << 8 }
    words[0x0B] = 0x001E
    words[0x0C] = E1000.pciVendorID
    words[0x0D] = E1000.pciDeviceID
    words[0x0E] = E1000.pciVendorID
    let sum = words[0..<0x3F].reduce(UInt16(0), &+)
    words[0x3F] = 0xBABA &- sum
    return words
  }

  /// The PHY's registers as a driver polls them: control, status with link up and auto-negotiation complete, the
  /// Marvell 88E1011's identifier (the PHY on 82540EM boards), and a link partner that advertises everything.
  static func makePHY() -> [UInt16] {
    var phy = [UInt16](repeating: 0, count: 32)
    phy[0] = 0x1140  // control: auto-negotiation enabled, full duplex, 1000 Mb/s
    phy[1] = 0x796D  // status: link up, auto-negotiation complete
    phy[2] = 0x0141  // identifier
    phy[3] = 0x0C20
    phy[4] = 0x0DE1  // auto-negotiation advertisement
    phy[5] = 0x41E1  // link partner ability
    phy[9] = 0x0E00  // 1000BASE-T control
    phy[10] = 0x3C00  // 1000BASE-T status: partner is 1000 full duplex capable
    phy[17] = 0xAC00  // PHY-specific status: 1000 Mb/s, full duplex, link up, resolved
    return phy
  }

  @inline(__always) func index(_ offset: UInt32) -> Int { Int(offset >> 2) }

  func register(_ offset: UInt32) -> UInt32 { registers[index(offset)] }

  func setRegister(_ offset: UInt32, _ value: UInt32) { registers[index(offset)] = value }

  /// A 64-bit value kept in a low/high register pair (the ring base addresses).
  func register64(low: UInt32, high: UInt32) -> UInt64 { UInt64(register(high)) << 32 | UInt64(register(low)) }

  /// The 64-bit buffer address that opens every receive and transmit descriptor.
  func bufferAddress(inDescriptorAt address: UInt32) -> UInt64 {
    UInt64(memory.read32(address)) | UInt64(memory.read32(address &+ 4)) << 32
  }

  // MARK: Interrupts

  /// Sets interrupt causes in ICR.
  func raise(_ causes: UInt32) {
    guard causes != 0 else { return }
    registers[index(E1000Register.icr)] |= causes
    updateInterrupt()
  }

  /// Drives the line: asserted while a cause is set that IMS enables (and PCI has not disabled INTx).
  func updateInterrupt() {
    let level =
      !interruptDisabled && registers[index(E1000Register.icr)] & registers[index(E1000Register.ims)] != 0
    if level != irqLevel {
      irqLevel = level
      irq.set(level)
    }
  }

  // MARK: MMIO

  public func mmioRead(_ offset: UInt32, size: Int) -> UInt32 {
    let aligned = offset & ~3
    guard aligned < E1000.mmioSize else { return 0xFFFF_FFFF }
    let value = readRegister(aligned)
    let shifted = value >> (8 * (offset & 3))
    switch size {
    case 1: return shifted & 0xFF
    case 2: return shifted & 0xFFFF
    default: return shifted
    }
  }

  public func mmioWrite(_ offset: UInt32, size: Int, value: UInt32) {
    let aligned = offset & ~3
    guard aligned < E1000.mmioSize else { return }
    var word = value
    if size < 4 {
      // A narrow write merges into the register's stored value.
      let shift = 8 * (offset & 3)
      let mask = (size == 1 ? UInt32(0xFF) : 0xFFFF) << shift
      word = registers[index(aligned)] & ~mask | (value << shift) & mask
    }
    writeRegister(aligned, word)
  }

  func readRegister(_ offset: UInt32) -> UInt32 {
    switch offset {
    case E1000Register.status:
      return E1000Bits.statusValue
    case E1000Register.eecd:
      return register(offset) | E1000Bits.eecdPresent
    case E1000Register.icr:
      let causes = register(offset)
      setRegister(offset, 0)
      updateInterrupt()
      return causes
    case E1000Register.ics, E1000Register.imc:
      return 0  // write-only
    case E1000Register.statisticsRange:
      let count = register(offset)
      setRegister(offset, 0)
      return count
    default:
      return register(offset)
    }
  }

  func writeRegister(_ offset: UInt32, _ value: UInt32) {
    switch offset {
    case E1000Register.ctrl:
      if value & E1000Bits.ctrlRST != 0 {
        reset()
      } else {
        setRegister(offset, value)
      }
    case E1000Register.status:
      break
    case E1000Register.eerd:
      if value & E1000Bits.eerdStart != 0 {
        let address = Int((value >> 8) & 0xFF)
        let word = address < eeprom.count ? eeprom[address] : 0xFFFF
        setRegister(offset, UInt32(word) << 16 | UInt32(address) << 8 | E1000Bits.eerdDone)
      }
    case E1000Register.mdic:
      accessPHY(value)
    case E1000Register.icr:
      setRegister(offset, register(offset) & ~value)
      updateInterrupt()
    case E1000Register.ics:
      raise(value & E1000Bits.causeMask)
    case E1000Register.ims:
      setRegister(offset, register(offset) | value & E1000Bits.causeMask)
      updateInterrupt()
    case E1000Register.imc:
      setRegister(E1000Register.ims, register(E1000Register.ims) & ~value)
      updateInterrupt()
    case E1000Register.rdlen, E1000Register.tdlen:
      setRegister(offset, value & 0x000F_FF80)  // bits 19:7: a multiple of 128 bytes (8 descriptors)
    case E1000Register.rdh, E1000Register.rdt, E1000Register.tdh:
      setRegister(offset, value & 0xFFFF)
    case E1000Register.rdbal, E1000Register.tdbal:
      setRegister(offset, value & ~0xF)  // 16-byte aligned
    case E1000Register.rdtr:
      setRegister(offset, value & 0xFFFF)
      if value & E1000Bits.rdtrFPD != 0 { delayTimerExpired() }
    case E1000Register.tdt:
      setRegister(offset, value & 0xFFFF)
      transmit()
    case E1000Register.tctl:
      setRegister(offset, value)
      transmit()
    case E1000Register.rctl:
      let wasEnabled = register(offset) & E1000Bits.rctlEN != 0
      setRegister(offset, value)
      if !wasEnabled && value & E1000Bits.rctlEN != 0 { onReceiverEnabled?() }
    case E1000Register.statisticsRange:
      break  // read-only counters
    default:
      setRegister(offset, value)
    }
  }

  /// MDIC: reads or writes a PHY register at PHY address 1; any other address answers with the error bit.
  func accessPHY(_ value: UInt32) {
    let phyAddress = (value >> 21) & 0x1F
    let register = Int((value >> 16) & 0x1F)
    let operation = (value >> 26) & 3
    var result = value & 0x03FF_FFFF | E1000Bits.mdicReady
    if phyAddress != 1 {
      result |= E1000Bits.mdicError
    } else if operation == 0b10 {
      result = result & ~0xFFFF | UInt32(phy[register])
    } else if operation == 0b01 {
      phy[register] = UInt16(truncatingIfNeeded: value)
    }
    setRegister(E1000Register.mdic, result)
    if value & E1000Bits.mdicInterrupt != 0 { raise(E1000Bits.mdac) }
  }

  /// Adds to a 64-bit statistics counter kept in a low/high register pair.
  func count(octets: Int, low: UInt32, high: UInt32) {
    let (sum, carry) = register(low).addingReportingOverflow(UInt32(truncatingIfNeeded: octets))
    setRegister(low, sum)
    if carry { setRegister(high, register(high) &+ 1) }
  }

  func increment(_ counter: UInt32) { setRegister(counter, register(counter) &+ 1) }
}

// National Semiconductor PC16550D UART, as COM1 on a PC (0x3F8–0x3FF, IRQ4).
//
// Modelled from the datasheet: RBR/THR and the DLAB divisor latch (DLL/DLM); IER; IIR with the datasheet's priority
// (line status > received data / character timeout > THR empty > modem status) and FIFO bits 7–6; FCR (FIFO enable,
// RX/TX FIFO reset, RX trigger level 1/4/8/14) with 16-byte FIFOs; the character-timeout indication (a byte in the RX
// FIFO and nothing put in or taken out for four character times); LCR (word length, stop bits, parity enable — for
// timing — and DLAB); MCR (DTR, RTS, OUT1, OUT2, LOOP); LSR (DR, OE, THRE, TEMT; OE/PE/FE/BI clear when LSR is read);
// MSR with delta bits (cleared when read); scratch. Characters leave in virtual time: start bit + data bits + parity +
// stop bits at baud = 115200 / divisor, one character per shift time, through the Scheduler. Host input arrives the
// same way, one character time apart.
//
// The THR empty interrupt is raised when the THR (FIFO) becomes empty and when ETBEI is enabled while it is empty;
// it is cleared by writing THR or by reading IIR when it is the reported source. A byte written to an idle transmitter
// moves to the shift register at once (the datasheet's THR → TSR transfer), so THRE comes back immediately and TEMT
// only when the character has been sent.
//
// Interrupt output: INTR is a level while any enabled source is pending. On a PC, MCR.OUT2 enables the buffer that
// drives IRQ4, so the line is INTR && OUT2. In loopback the datasheet forces the OUT pins inactive, which disables
// that buffer: no IRQ4 reaches the PIC in loopback (INTR and IIR still work). QEMU ignores OUT2 altogether and
// interrupts in loopback too; we follow the PC hardware, which is what a driver written on a real PC expects.
//
// Overrun: a character that arrives with the RX FIFO full is lost and LSR.OE is set. In FIFO mode the datasheet drops
// the new character; in non-FIFO mode the new character overwrites RBR, destroying the unread one. Either way one
// byte is lost and counted in `droppedInput`. Host input that arrives while in loopback (SIN is disconnected) is
// lost too and counted there.
//
// Not modelled: parity, framing and break errors (no line noise; LSR bits 2–4 and 7 stay 0, the break bit in LCR is
// stored only); DMA mode signalling (FCR bit 3 is stored); modem inputs outside loopback are fixed as a connected
// terminal (CTS, DSR, DCD high, RI low). A divisor of 0 is undefined on the datasheet; like QEMU we keep the previous
// rate. The divisor powers up as 1 (115200 baud), so a guest that never programs it still prints promptly.

/// The UART as the dashboard and the dump show it (register values as a read would return them, without the read's
/// side effects).
public struct UART16550State: Sendable, Equatable, Codable {
  public var ier: UInt8
  public var iir: UInt8
  public var fcr: UInt8
  public var lcr: UInt8
  public var mcr: UInt8
  public var lsr: UInt8
  public var msr: UInt8
  public var scr: UInt8
  public var divisor: UInt16
  public var baud: UInt32
  public var rxFIFO: [UInt8]
  public var txFIFO: [UInt8]
  /// A character is in the transmit shift register.
  public var transmitting: Bool
  /// The level on the IRQ line (INTR gated by OUT2, and off in loopback).
  public var irqLevel: Bool
  public var droppedInput: Int
  /// Host bytes not yet arrived on the wire.
  public var pendingInput: Int
  public var transmittedBytes: Int
  public var receivedBytes: Int
}

/// A 16550 UART with FIFOs, timed by virtual time.
public final class UART16550: PortDevice {
  public static let com1Base: UInt16 = 0x3F8
  /// The baud-rate generator input divided by 16: the rate at divisor 1.
  public static let maxBaud: UInt64 = 115_200
  public static let fifoSize = 16

  /// The first of the UART's eight ports.
  public let base: UInt16
  private let scheduler: Scheduler
  private let irq: IRQLine
  private let name: String

  /// IER, interrupt enable: bit 0 ERBFI (received data), 1 ETBEI (THR empty), 2 ELSI (line status), 3 EDSSI (modem).
  private var ier: UInt8 = 0
  /// LCR, line control: bits 1–0 word length − 5, 2 stop bits, 3 parity enable, 6 break, 7 DLAB.
  private var lcr: UInt8 = 0
  /// MCR, modem control: bit 0 DTR, 1 RTS, 2 OUT1, 3 OUT2 (IRQ enable on a PC), 4 LOOP.
  private var mcr: UInt8 = 0
  /// FCR, FIFO control as last written: bit 0 enable, 3 DMA mode, 7–6 RX trigger.
  private var fcr: UInt8 = 0
  /// SCR, the scratch register.
  private var scr: UInt8 = 0
  /// DLL/DLM, the divisor latch.
  private var dll: UInt8 = 1
  private var dlm: UInt8 = 0
  /// The divisor in use (the last non-zero divisor written).
  private var divisorInUse: UInt64 = 1
  /// LSR error bits 1–4 (OE, PE, FE, BI), sticky until LSR is read.
  private var lsrErrors: UInt8 = 0
  /// MSR delta bits 0–3 (DCTS, DDSR, TERI, DDCD), sticky until MSR is read.
  private var msrDeltas: UInt8 = 0
  /// RBR, the receiver buffer: the last character read stays readable.
  private var rbr: UInt8 = 0
  private var rxFIFO: [UInt8] = []
  private var txFIFO: [UInt8] = []
  /// TSR, the transmit shift register, while a character is on the wire.
  private var tsr: UInt8?
  /// The THR empty interrupt is pending.
  private var thrInterrupt = false
  /// The character timeout indication is pending.
  private var timeoutInterrupt = false
  private var irqLevel = false
  private var hostInput: [UInt8] = []
  private var hostInputHead = 0
  private var txEvent: Scheduler.EventID?
  private var rxEvent: Scheduler.EventID?
  private var timeoutEvent: Scheduler.EventID?
  private lazy var txDoneAction: () -> Void = { [unowned self] in self.transmitDone() }
  private lazy var rxArriveAction: () -> Void = { [unowned self] in self.hostByteArrives() }
  private lazy var timeoutAction: () -> Void = { [unowned self] in self.characterTimeout() }

  /// Called with each byte as it leaves the transmitter (not in loopback).
  public var onTransmit: ((UInt8) -> Void)?
  /// Transmitted bytes, newest last, bounded as `BoundedByteStream` says (the newest 48–64 KiB are kept).
  public var outputStream = BoundedByteStream()
  /// Host bytes lost: RX FIFO full on arrival (LSR.OE set), or arrived while in loopback.
  public private(set) var droppedInput = 0
  public private(set) var transmittedBytes = 0
  public private(set) var receivedBytes = 0

  public init(scheduler: Scheduler, irq: IRQLine, base: UInt16 = UART16550.com1Base, name: String = "COM1") {
    self.base = base & ~7
    self.scheduler = scheduler
    self.irq = irq
    self.name = name
  }

  deinit {
    for id in [txEvent, rxEvent, timeoutEvent].compactMap({ $0 }) { scheduler.cancel(id) }
  }

  /// The transmitted bytes currently held (see `outputStream` for the bound).
  public var output: [UInt8] { outputStream.bytes }

  // MARK: Host side

  /// Host input: the bytes arrive on the wire one character time apart, the first one character time from now.
  public func receive(_ bytes: [UInt8]) {
    hostInput.append(contentsOf: bytes)
    scheduleHostArrival()
  }

  /// Virtual cycles one character takes on the wire at the current divisor and line format.
  public var characterCycles: UInt64 {
    let dataBits = 5 &+ UInt64(lcr & 0x03)
    let parityBits: UInt64 = lcr & 0x08 != 0 ? 1 : 0
    let stopHalfBits: UInt64 = lcr & 0x04 == 0 ? 2 : (lcr & 0x03 == 0 ? 3 : 4)
    let halfBits = 2 &* (1 &+ dataBits &+ parityBits) &+ stopHalfBits
    return max(1, halfBits &* divisorInUse &* Scheduler.nominalHz / (2 &* UART16550.maxBaud))
  }

  public var baud: UInt32 { UInt32(UART16550.maxBaud / divisorInUse) }

  public var state: UART16550State {
    UART16550State(
      ier: ier, iir: iirValue, fcr: fcr, lcr: lcr, mcr: mcr, lsr: lsrValue, msr: msrValue, scr: scr,
      divisor: UInt16(dlm) << 8 | UInt16(dll), baud: baud, rxFIFO: rxFIFO, txFIFO: txFIFO, transmitting: tsr != nil,
      irqLevel: irqLevel, droppedInput: droppedInput, pendingInput: hostInput.count &- hostInputHead,
      transmittedBytes: transmittedBytes, receivedBytes: receivedBytes)
  }

  // MARK: Registers

  private var dlab: Bool { lcr & 0x80 != 0 }
  private var fifoEnabled: Bool { fcr & 0x01 != 0 }
  private var loopback: Bool { mcr & 0x10 != 0 }
  private var capacity: Int { fifoEnabled ? UART16550.fifoSize : 1 }
  private static let triggerLevels = [1, 4, 8, 14]
  private var rxTriggerLevel: Int { UART16550.triggerLevels[Int(fcr >> 6)] }

  /// The highest-priority pending, enabled interrupt as IIR bits 3–0, or nil.
  private var pendingInterrupt: UInt8? {
    if ier & 0x04 != 0 && lsrErrors & 0x1E != 0 { return 0x06 }  // receiver line status
    if ier & 0x01 != 0 {
      if fifoEnabled ? rxFIFO.count >= rxTriggerLevel : !rxFIFO.isEmpty { return 0x04 }  // received data available
      if timeoutInterrupt { return 0x0C }  // character timeout
    }
    if ier & 0x02 != 0 && thrInterrupt { return 0x02 }  // THR empty
    if ier & 0x08 != 0 && msrDeltas & 0x0F != 0 { return 0x00 }  // modem status
    return nil
  }

  /// IIR: bit 0 clear when an interrupt is pending, bits 3–1 its source, bits 7–6 set with FIFOs enabled.
  private var iirValue: UInt8 { (pendingInterrupt ?? 0x01) | (fifoEnabled ? 0xC0 : 0) }

  /// LSR: bit 0 DR, 1–4 errors, 5 THRE (THR/TX FIFO empty), 6 TEMT (and the shift register empty).
  private var lsrValue: UInt8 {
    var value = lsrErrors
    if !rxFIFO.isEmpty { value |= 0x01 }
    if txFIFO.isEmpty {
      value |= 0x20
      if tsr == nil { value |= 0x40 }
    }
    return value
  }

  /// The modem status inputs (MSR bits 7–4: DCD, RI, DSR, CTS): from MCR in loopback, else a connected terminal.
  private var modemInputs: UInt8 {
    guard loopback else { return 0xB0 }
    let dtr = mcr & 0x01
    let rts = (mcr >> 1) & 1
    let out1 = (mcr >> 2) & 1
    let out2 = (mcr >> 3) & 1
    return out2 << 7 | out1 << 6 | dtr << 5 | rts << 4
  }

  private var msrValue: UInt8 { modemInputs | msrDeltas }

  public func portRead(_ port: UInt16, size: Int) -> UInt32 {
    ByteLanes.read(port, size: size, owns: owns, readByte)
  }

  public func portWrite(_ port: UInt16, size: Int, value: UInt32) {
    ByteLanes.write(port, size: size, value: value, owns: owns, writeByte)
  }

  private func owns(_ port: UInt16) -> Bool { port & ~7 == base }

  private func readByte(_ port: UInt16) -> UInt8 {
    defer { updateIRQ() }
    switch port & 7 {
    case 0:
      if dlab { return dll }
      if !rxFIFO.isEmpty { rbr = rxFIFO.removeFirst() }
      timeoutInterrupt = false
      restartTimeout()
      return rbr
    case 1:
      return dlab ? dlm : ier
    case 2:
      let value = iirValue
      if value & 0x0F == 0x02 { thrInterrupt = false }  // reading IIR acknowledges THR empty
      return value
    case 3:
      return lcr
    case 4:
      return mcr
    case 5:
      let value = lsrValue
      lsrErrors = 0
      return value
    case 6:
      let value = msrValue
      msrDeltas = 0
      return value
    default:
      return scr
    }
  }

  private func writeByte(_ port: UInt16, _ value: UInt8) {
    defer { updateIRQ() }
    switch port & 7 {
    case 0:
      if dlab {
        dll = value
        divisorChanged()
      } else {
        writeTHR(value)
      }
    case 1:
      if dlab {
        dlm = value
        divisorChanged()
      } else {
        let enabling = value & 0x02 != 0 && ier & 0x02 == 0
        ier = value & 0x0F
        if enabling && txFIFO.isEmpty { thrInterrupt = true }
      }
    case 2:
      writeFCR(value)
    case 3:
      lcr = value
    case 4:
      let before = modemInputs
      mcr = value & 0x1F
      noteModemInputs(before: before, after: modemInputs)
    case 7:
      scr = value
    default:
      break  // LSR and MSR writes are for factory test only
    }
  }

  private func divisorChanged() {
    let divisor = UInt64(dlm) << 8 | UInt64(dll)
    if divisor != 0 { divisorInUse = divisor }
  }

  private func writeFCR(_ value: UInt8) {
    let enable = value & 0x01 != 0
    if enable != fifoEnabled {  // changing FCR0 clears both FIFOs
      clearRX()
      clearTX()
    }
    guard enable else {
      fcr = 0  // the other bits are only written while FCR0 is set
      return
    }
    if value & 0x02 != 0 { clearRX() }
    if value & 0x04 != 0 { clearTX() }
    fcr = value & 0xC9
  }

  private func clearRX() {
    rxFIFO.removeAll()
    timeoutInterrupt = false
    restartTimeout()
  }

  private func clearTX() {
    if !txFIFO.isEmpty {
      txFIFO.removeAll()
      thrInterrupt = true
    }
  }

  private func noteModemInputs(before: UInt8, after: UInt8) {
    let changed = before ^ after
    if changed & 0x10 != 0 { msrDeltas |= 0x01 }  // DCTS
    if changed & 0x20 != 0 { msrDeltas |= 0x02 }  // DDSR
    if before & 0x40 != 0 && after & 0x40 == 0 { msrDeltas |= 0x04 }  // TERI: RI trailing edge
    if changed & 0x80 != 0 { msrDeltas |= 0x08 }  // DDCD
  }

  // MARK: Transmitter

  private func writeTHR(_ value: UInt8) {
    thrInterrupt = false
    if txFIFO.count < capacity { txFIFO.append(value) }  // a byte written to a full FIFO is lost
    startTransmitter()
  }

  /// Moves the next byte into the shift register when it is idle, and times its trip along the wire.
  private func startTransmitter() {
    guard tsr == nil, !txFIFO.isEmpty else { return }
    tsr = txFIFO.removeFirst()
    if txFIFO.isEmpty { thrInterrupt = true }
    txEvent = scheduler.schedule(after: characterCycles, device: name, what: "TX character sent", txDoneAction)
  }

  private func transmitDone() {
    txEvent = nil
    guard let byte = tsr else { return }
    tsr = nil
    let character = byte & UInt8(truncatingIfNeeded: (1 << (5 &+ Int(lcr & 0x03))) &- 1)
    if loopback {
      receiveCharacter(character)
    } else {
      transmittedBytes &+= 1
      outputStream.append(character)
      onTransmit?(character)
    }
    startTransmitter()
    updateIRQ()
  }

  // MARK: Receiver

  private func scheduleHostArrival() {
    guard rxEvent == nil, hostInputHead < hostInput.count else { return }
    rxEvent = scheduler.schedule(after: characterCycles, device: name, what: "RX character arrives", rxArriveAction)
  }

  private func hostByteArrives() {
    rxEvent = nil
    guard hostInputHead < hostInput.count else { return }
    let byte = hostInput[hostInputHead]
    hostInputHead &+= 1
    if hostInputHead == hostInput.count {
      hostInput.removeAll(keepingCapacity: true)
      hostInputHead = 0
    }
    if loopback {
      droppedInput &+= 1  // SIN is disconnected in loopback
    } else {
      receiveCharacter(byte)
    }
    scheduleHostArrival()
    updateIRQ()
  }

  /// A character has been shifted in: into the RX FIFO, or an overrun.
  private func receiveCharacter(_ byte: UInt8) {
    if rxFIFO.count < capacity {
      rxFIFO.append(byte)
      receivedBytes &+= 1
    } else {
      lsrErrors |= 0x02  // OE
      droppedInput &+= 1
      if !fifoEnabled { rxFIFO[0] = byte }  // non-FIFO mode: the new character overwrites RBR
    }
    timeoutInterrupt = false
    restartTimeout()
  }

  /// Restarts the four-character-time timeout while the RX FIFO holds data (FIFO mode only).
  private func restartTimeout() {
    if let id = timeoutEvent { scheduler.cancel(id) }
    timeoutEvent = nil
    guard fifoEnabled, !rxFIFO.isEmpty else { return }
    timeoutEvent = scheduler.schedule(
      after: 4 &* characterCycles, device: name, what: "RX character timeout", timeoutAction)
  }

  private func characterTimeout() {
    timeoutEvent = nil
    if fifoEnabled && !rxFIFO.isEmpty { timeoutInterrupt = true }
    updateIRQ()
  }

  // MARK: Interrupt line

  private func updateIRQ() {
    let level = pendingInterrupt != nil && mcr & 0x08 != 0 && !loopback
    guard level != irqLevel else { return }
    irqLevel = level
    irq.set(level)
  }
}

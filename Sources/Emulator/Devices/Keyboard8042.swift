// Intel 8042 keyboard controller ("KBC") at ports 0x60 (data) and 0x64 (status / command), IRQ1.
//
// Models:
// - Status register (read 0x64): bit 0 OBF output buffer full, 1 IBF input buffer full, 2 SYS system flag,
//   3 A2 (last write went to 0x64), 4 INH (1 = keyboard not inhibited by the keylock), 5 AUXB (the byte in the
//   output buffer came from the aux port), 6 timeout, 7 parity error.
// - The command byte (controller RAM byte 0): bit 0 IRQ1 enable, 1 IRQ12 enable, 2 SYS, 3 ignore keylock,
//   4 disable keyboard (clock inhibited: bytes stay in the keyboard's FIFO), 5 disable aux, 6 XLAT.
// - Controller commands: 20–3F read RAM (20 = command byte), 60–7F write RAM, A7/A8 disable/enable aux,
//   A9 aux test → 00, AA self-test → 55 (sets SYS), AB keyboard test → 00, AD/AE disable/enable keyboard,
//   D0 read output port, D1 write output port (bit 0 low = system reset, bit 1 = A20 gate), D2 write the output
//   buffer as if from the keyboard, D3 write it as if from the aux port, D4 send to the aux device (none is
//   attached: the byte is lost and the timeout bit is set), DD/DF A20 off/on, F0–FF pulse output-port bits
//   (bit 0 clear in the command, as in FE, pulses reset). Unknown commands are ignored.
// - One byte in the output buffer. Each byte that enters it with IRQ1 enabled raises IRQ1 (a new rising edge,
//   since the line is low whenever the buffer is empty); reading 0x60 clears OBF and lowers IRQ1. Reading 0x60
//   with OBF clear returns the last byte again.
// - The keyboard's bytes arrive over the PS/2 wire one at a time: a byte moves into the output buffer
//   `byteTime` cycles after the buffer became free (default 880 µs: 11 bits — start, 8 data, parity, stop — at a
//   12.5 kHz keyboard clock, inside the 10–16.7 kHz the PS/2 spec allows). Controller replies (20, AA, D0…) go in
//   at once, ahead of keyboard bytes. The keyboard's replies to commands (FA ACK, F2's AB 83, EE, FF's AA …) go
//   in at once too, as under QEMU (observed: after `out 0x60, 0xF4` the very next `in al, 0x64` shows OBF with FA
//   in the buffer): a driver that sends a command without waiting and reads 0x60 in its IRQ1 handler gets the
//   ACK, and one that polls 0x64 sees it at its first poll. A key byte already on the wire waits behind them.
// - XLAT: every byte from the keyboard (scancodes and command responses alike) goes through the standard set 2 →
//   set 1 table; F0 is swallowed and the next byte becomes `table[byte] | 0x80`. D2/D3 bytes are not translated.
//
// Not modelled: IBF is never set (writes are taken at once, as in QEMU), parity errors, the keylock, an aux
// (mouse) device, the input port (C0), the controller's own timing for its replies.
//
// Where QEMU and Bochs disagree, we follow:
// - Writing a byte for the keyboard while command-byte bit 4 disables it: Bochs re-enables the keyboard
//   interface (as the 8042 firmware does to clock the byte out); QEMU leaves it disabled. We follow Bochs, so
//   a driver that disabled the port and then sends a command still gets its ACK.
// - SYS: QEMU sets it on self-test (AA) and never clears it; we do the same, and also set it when a command
//   byte with bit 2 set is written, so a guest sees what it sees on QEMU after SeaBIOS.
// - IRQ1 follows (OBF from the keyboard) AND (command-byte bit 0), as in QEMU: enabling IRQ1 while a byte is
//   waiting raises the line.

/// Snapshot of the 8042 controller and the keyboard behind it.
public struct Keyboard8042State: Sendable, Equatable, Codable {
  /// The status register as a read of port 0x64 returns it.
  public let status: UInt8
  public let commandByte: UInt8
  /// The byte in the output buffer (or the last one, when OBF is clear).
  public let outputBuffer: UInt8
  /// OBF: output buffer full.
  public let outputBufferFull: Bool
  /// A controller command waiting for its data byte at port 0x60 (60–7F, D1, D2, D3, D4), if any.
  public let pendingCommand: UInt8?
  /// The output port (D0/D1): bit 0 reset (active low), bit 1 A20 gate.
  public let outputPort: UInt8
  public let a20: Bool
  /// XLAT on (command-byte bit 6).
  public let translation: Bool
  /// The IRQ1 line's current level.
  public let irq1: Bool
  /// A keyboard byte is on the wire towards the output buffer.
  public let transferInFlight: Bool
  /// Bytes that have entered the output buffer since power-on (all sources).
  public let bytesDelivered: UInt64
  /// Controller replies waiting for the output buffer.
  public let pendingReplies: [UInt8]
  public let keyboard: PS2KeyboardState

  /// Bytes waiting in the keyboard's FIFO.
  public var fifo: [UInt8] { keyboard.fifo }
  /// Key events lost to FIFO overrun.
  public var overruns: Int { keyboard.overruns }
  /// Keyboard LED bits: bit 0 Scroll Lock, bit 1 Num Lock, bit 2 Caps Lock.
  public var leds: UInt8 { keyboard.leds }
}

/// The 8042 keyboard controller with a PS/2 keyboard attached.
public final class Keyboard8042: PortDevice {
  /// Status register bits.
  public enum Status {
    public static let obf: UInt8 = 0x01  // output buffer full
    public static let ibf: UInt8 = 0x02  // input buffer full
    public static let sys: UInt8 = 0x04  // system flag
    public static let a2: UInt8 = 0x08  // last write was a command (port 0x64)
    public static let inh: UInt8 = 0x10  // 1 = not inhibited
    public static let auxb: UInt8 = 0x20  // output buffer holds aux data
    public static let timeout: UInt8 = 0x40
    public static let parity: UInt8 = 0x80
  }

  /// Command-byte bits.
  public enum Command {
    public static let irq1: UInt8 = 0x01
    public static let irq12: UInt8 = 0x02
    public static let sys: UInt8 = 0x04
    public static let ignoreKeylock: UInt8 = 0x08
    public static let disableKeyboard: UInt8 = 0x10
    public static let disableAux: UInt8 = 0x20
    public static let xlat: UInt8 = 0x40
  }

  /// The command byte SeaBIOS leaves: IRQ1 enabled, aux disabled, XLAT on (ps2port.c: AUXDIS | XLATE | KBDINT).
  public static let biosCommandByte: UInt8 = 0x61
  /// Time one byte takes on the PS/2 wire: 11 bits at 12.5 kHz = 880 µs.
  public static let defaultByteTime: UInt64 = Scheduler.cycles(nanoseconds: 880_000)
  static let deviceName = "8042"

  public let keyboard: PS2Keyboard
  /// Cycles between the output buffer becoming free and the keyboard's next byte arriving in it.
  public var byteTime: UInt64 = Keyboard8042.defaultByteTime
  /// Called when the guest resets the machine (command FE, or D1 with bit 0 clear).
  public var onReset: (() -> Void)?
  /// Called when the A20 gate changes (D1 bit 1, DD, DF).
  public var onA20Change: ((Bool) -> Void)?
  public private(set) var a20 = true
  /// Bytes that have entered the output buffer since power-on.
  public private(set) var bytesDelivered: UInt64 = 0

  private let scheduler: Scheduler
  private let irq1: IRQLine
  private let irq12: IRQLine
  private var ram = [UInt8](repeating: 0, count: 32)  // controller RAM; byte 0 is the command byte
  private var outputBuffer: UInt8 = 0
  private var obf = false  // output buffer full
  private var auxb = false  // the byte in the output buffer is aux data
  private var a2 = false  // last write went to 0x64
  private var systemFlag = true
  private var timeoutFlag = false
  private var pendingCommand: UInt8?  // command waiting for its data byte
  private var outputPort: UInt8 = 0xCF  // reset high, A20 on, clock/data lines high
  private var replies: [(byte: UInt8, aux: Bool)] = []  // controller replies waiting for the output buffer
  private var transfer: Scheduler.EventID?  // a keyboard byte on the wire
  private var breakPrefix = false  // XLAT saw F0: the next byte gets bit 7
  private var irq1Level = false
  private var irq12Level = false

  public init(
    scheduler: Scheduler, irq: IRQLine, irq12: IRQLine = .unconnected(12), keyboard: PS2Keyboard = PS2Keyboard()
  ) {
    self.scheduler = scheduler
    self.irq1 = irq
    self.irq12 = irq12
    self.keyboard = keyboard
    resetToBIOSState()
  }

  /// The state SeaBIOS leaves: command byte 0x61 (IRQ1, aux disabled, XLAT), SYS set, A20 on, keyboard in set 2
  /// with scanning enabled, buffers empty. The last byte read was the ACK of the keyboard's enable command.
  public func resetToBIOSState() {
    if let transfer { scheduler.cancel(transfer) }
    transfer = nil
    ram = [UInt8](repeating: 0, count: 32)
    ram[0] = Self.biosCommandByte
    outputBuffer = 0xFA
    obf = false
    auxb = false
    a2 = false
    systemFlag = true
    timeoutFlag = false
    pendingCommand = nil
    outputPort = 0xCF
    a20 = true
    replies.removeAll()
    breakPrefix = false
    keyboard.resetToBIOSState()
    updateIRQs()
    pump()
  }

  public var commandByte: UInt8 { ram[0] }

  /// The status register.
  public var status: UInt8 {
    var value = Status.inh
    if obf { value |= Status.obf }
    if systemFlag { value |= Status.sys }
    if a2 { value |= Status.a2 }
    if obf && auxb { value |= Status.auxb }
    if timeoutFlag { value |= Status.timeout }
    return value
  }

  public var state: Keyboard8042State {
    Keyboard8042State(
      status: status, commandByte: commandByte, outputBuffer: outputBuffer, outputBufferFull: obf,
      pendingCommand: pendingCommand, outputPort: outputPort, a20: a20,
      translation: commandByte & Command.xlat != 0, irq1: irq1Level, transferInFlight: transfer != nil,
      bytesDelivered: bytesDelivered, pendingReplies: replies.map(\.byte), keyboard: keyboard.state)
  }

  // MARK: Ports

  public func portRead(_ port: UInt16, size: Int) -> UInt32 {
    let byte: UInt8
    switch port {
    case 0x60: byte = readData()
    case 0x64: byte = status
    default: byte = 0xFF
    }
    // Wider reads: the other bytes belong to other ports; report them as open bus.
    return size == 1 ? UInt32(byte) : (UInt32(byte) | 0xFFFF_FF00) & (size == 2 ? 0xFFFF : 0xFFFF_FFFF)
  }

  public func portWrite(_ port: UInt16, size: Int, value: UInt32) {
    let byte = UInt8(truncatingIfNeeded: value)
    switch port {
    case 0x60: writeData(byte)
    case 0x64: writeCommand(byte)
    default: break
    }
  }

  private func readData() -> UInt8 {
    let value = outputBuffer
    if obf {
      obf = false
      auxb = false
      updateIRQs()
      pump()
    }
    return value
  }

  private func writeData(_ value: UInt8) {
    a2 = false
    if let command = pendingCommand {
      pendingCommand = nil
      commandParameter(value, for: command)
      return
    }
    ram[0] &= ~Command.disableKeyboard  // the firmware enables the port to clock the byte out (Bochs)
    keyboard.receive(value)
    pump()
  }

  private func writeCommand(_ command: UInt8) {
    a2 = true
    pendingCommand = nil
    timeoutFlag = false
    switch command {
    case 0x20...0x3F: reply(ram[Int(command & 0x1F)])
    case 0x60...0x7F, 0xD1, 0xD2, 0xD3, 0xD4: pendingCommand = command
    case 0xA7: setCommandByte(commandByte | Command.disableAux)
    case 0xA8: setCommandByte(commandByte & ~Command.disableAux)
    case 0xA9: reply(0x00)  // aux interface test: no error
    case 0xAA:  // controller self-test passed
      systemFlag = true
      reply(0x55)
    case 0xAB: reply(0x00)  // keyboard interface test: no error
    case 0xAD: setCommandByte(commandByte | Command.disableKeyboard)
    case 0xAE: setCommandByte(commandByte & ~Command.disableKeyboard)
    case 0xD0: reply(currentOutputPort)
    case 0xDD: setA20(false)
    case 0xDF: setA20(true)
    case 0xF0...0xFF where command & 0x01 == 0: onReset?()  // pulse output-port bit 0: reset
    default: break
    }
  }

  private func commandParameter(_ value: UInt8, for command: UInt8) {
    switch command {
    case 0x60...0x7F:
      let index = Int(command & 0x1F)
      if index == 0 {
        setCommandByte(value)
      } else {
        ram[index] = value
      }
    case 0xD1:
      outputPort = value
      setA20(value & 0x02 != 0)
      if value & 0x01 == 0 { onReset?() }
    case 0xD2: reply(value)
    case 0xD3: reply(value, aux: true)
    default:  // 0xD4: no aux device answers
      timeoutFlag = true
    }
  }

  /// The output port as D0 reports it: bit 4 mirrors a keyboard byte waiting, bit 5 an aux byte waiting.
  private var currentOutputPort: UInt8 {
    var value = outputPort & 0xCF
    if obf && !auxb { value |= 0x10 }
    if obf && auxb { value |= 0x20 }
    return value
  }

  private func setA20(_ on: Bool) {
    outputPort = on ? outputPort | 0x02 : outputPort & ~0x02
    guard on != a20 else { return }
    a20 = on
    onA20Change?(on)
  }

  private func setCommandByte(_ value: UInt8) {
    let translationChanged = (value ^ ram[0]) & Command.xlat != 0
    ram[0] = value
    if value & Command.sys != 0 { systemFlag = true }
    if translationChanged { breakPrefix = false }
    updateIRQs()
    pump()
  }

  // MARK: Output buffer

  /// The host changed the keyboard's input (a key event or typed text): start a transfer if the wire is idle.
  func hostInputChanged() { pump() }

  private func reply(_ byte: UInt8, aux: Bool = false) {
    replies.append((byte, aux))
    pump()
  }

  /// Fills the output buffer if it is free: a controller reply or a keyboard reply at once, else starts a
  /// keyboard byte on the wire.
  private func pump() {
    guard !obf else { return }
    if !replies.isEmpty {
      let next = replies.removeFirst()
      load(next.byte, aux: next.aux)
      return
    }
    if keyboard.hasResponse, commandByte & Command.disableKeyboard == 0 {
      if let transfer { scheduler.cancel(transfer) }  // the key byte stays in the keyboard and goes later
      transfer = nil
      transferArrived()
      return
    }
    guard transfer == nil, commandByte & Command.disableKeyboard == 0, let next = keyboard.nextByte else { return }
    let hex = String(next, radix: 16, uppercase: true)
    transfer = scheduler.schedule(
      after: byteTime, device: Self.deviceName, what: "keyboard byte 0x\(hex.count < 2 ? "0" : "")\(hex) on the wire"
    ) { [weak self] in
      self?.transferArrived()
    }
  }

  /// A keyboard byte finished its trip over the wire. If the buffer was taken meanwhile or the port was disabled,
  /// the keyboard keeps the byte and sends it again later (as a real keyboard does when its clock is inhibited).
  private func transferArrived() {
    transfer = nil
    guard !obf, commandByte & Command.disableKeyboard == 0, let raw = keyboard.takeByte() else {
      pump()
      return
    }
    guard commandByte & Command.xlat != 0 else {
      load(raw, aux: false)
      return
    }
    if raw == 0xF0 {
      breakPrefix = true
      pump()
      return
    }
    let translated = Self.translate(raw) | (breakPrefix ? 0x80 : 0)
    breakPrefix = false
    load(translated, aux: false)
  }

  private func load(_ byte: UInt8, aux: Bool) {
    outputBuffer = byte
    obf = true
    auxb = aux
    bytesDelivered &+= 1
    updateIRQs()
  }

  private func updateIRQs() {
    let level1 = obf && !auxb && commandByte & Command.irq1 != 0
    if level1 != irq1Level {
      irq1Level = level1
      irq1.set(level1)
    }
    let level12 = obf && auxb && commandByte & Command.irq12 != 0
    if level12 != irq12Level {
      irq12Level = level12
      irq12.set(level12)
    }
  }

  // MARK: Translation

  /// The 8042's set 2 → set 1 translation of one byte (F0 handling is the caller's).
  public static func translate(_ byte: UInt8) -> UInt8 { xlatTable[Int(byte)] }

  /// Translates a whole set-2 sequence to set 1, folding `F0 xx` into `table[xx] | 0x80`.
  public static func translate(sequence: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    var breakNext = false
    for byte in sequence {
      if byte == 0xF0 {
        breakNext = true
        continue
      }
      out.append(translate(byte) | (breakNext ? 0x80 : 0))
      breakNext = false
    }
    return out
  }

  /// The standard XLAT table (IBM PS/2 8042 firmware): entries 0x00–0x7F map set-2 codes to set-1 codes;
  /// 0x80–0xFF pass through except 0x83 (F7) → 0x41 and 0x84 (Alt+SysRq) → 0x54.
  static let xlatTable: [UInt8] = {
    let low: [UInt8] = [
      0xFF, 0x43, 0x41, 0x3F, 0x3D, 0x3B, 0x3C, 0x58, 0x64, 0x44, 0x42, 0x40, 0x3E, 0x0F, 0x29, 0x59,
      0x65, 0x38, 0x2A, 0x70, 0x1D, 0x10, 0x02, 0x5A, 0x66, 0x71, 0x2C, 0x1F, 0x1E, 0x11, 0x03, 0x5B,
      0x67, 0x2E, 0x2D, 0x20, 0x12, 0x05, 0x04, 0x5C, 0x68, 0x39, 0x2F, 0x21, 0x14, 0x13, 0x06, 0x5D,
      0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5E, 0x6A, 0x72, 0x32, 0x24, 0x16, 0x08, 0x09, 0x5F,
      0x6B, 0x33, 0x25, 0x17, 0x18, 0x0B, 0x0A, 0x60, 0x6C, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0C, 0x61,
      0x6D, 0x73, 0x28, 0x74, 0x1A, 0x0D, 0x62, 0x6E, 0x3A, 0x36, 0x1C, 0x1B, 0x75, 0x2B, 0x63, 0x76,
      0x55, 0x56, 0x77, 0x78, 0x79, 0x7A, 0x0E, 0x7B, 0x7C, 0x4F, 0x7D, 0x4B, 0x47, 0x7E, 0x7F, 0x6F,
      0x52, 0x53, 0x50, 0x4C, 0x4D, 0x48, 0x01, 0x45, 0x57, 0x4E, 0x51, 0x4A, 0x37, 0x49, 0x46, 0x54,
    ]
    var table = low + (0x80...0xFF).map { UInt8($0) }
    table[0x83] = 0x41
    table[0x84] = 0x54
    return table
  }()
}

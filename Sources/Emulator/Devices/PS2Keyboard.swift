// PS/2 keyboard (the keyboard's own microcontroller, behind the 8042's keyboard port).
//
// Models:
// - Scancode sets 1, 2 and 3 (`F0 n` selects, `F0 00` answers the current set; power-up and defaults are set 2).
//   Set 2 is the one a PC keyboard really speaks; set 1 is produced by the standard set 2 → set 1 table (the same
//   table the 8042 uses, which is how IBM defined set 1 on AT keyboards); set 3 sends every key make / `F0` break.
// - The 16-byte FIFO. A key's whole byte sequence goes in or none of it does. When a sequence does not fit, the
//   overrun code (0x00 in sets 2 and 3, 0xFF in set 1) takes the place of the first byte that did not fit — the
//   17th byte at most — and every key event refused from then until that code has been sent is dropped and counted
//   in `overruns`.
// - Commands: FF reset → FA AA, FE resend (repeats the last byte sent), F6 defaults, F5 defaults + disable,
//   F4 enable, F3 n typematic, F2 identify → FA AB 83, F0 n scancode set, EE echo → EE, ED n LEDs,
//   F7–FA (set-3 key types) are acknowledged; anything else answers FE (resend). Responses go out ahead of buffered
//   scancodes, as on a real keyboard, which answers a command before it resumes sending keys.
// - While scanning is disabled (after F5), key events are dropped and counted in `disabledDrops`.
// - A host-side queue (`enqueueHostEvents`) for text typed by the dashboard or a script: events wait there and
//   move into the FIFO only when their whole sequence fits, so typed text is never lost however long it is; while
//   scanning is disabled they wait rather than being dropped. Live key events (`keyEvent`) behave like a real key
//   and can overrun — unless typed text is still queued, in which case they queue behind it to keep the order.
//
// Not modelled: typematic repeat (the host sends explicit press/release events; F3's value is only stored),
// per-key set-3 types (FB–FD answer FE), the 300–500 ms BAT of real keyboards (AA follows FA at once, as in QEMU
// — hobby drivers often poll for it with short loop-count timeouts).
//
// QEMU and Bochs disagree: neither sends the overrun code (QEMU drops silently and can split an E0 pair, Bochs
// drops); we follow the hardware manuals (IBM 101/102-key keyboard: the overrun code replaces the code that did
// not fit). QEMU resets LEDs on F5/F6; we follow the keyboard spec, where defaults cover typematic, key types and
// scancode set only, and clear LEDs only on reset (FF).

/// One host key event: a key going down or coming up.
public struct KeyEvent: Sendable, Equatable, Codable {
  public let key: Key
  public let pressed: Bool

  public init(key: Key, pressed: Bool) {
    self.key = key
    self.pressed = pressed
  }
}

/// Snapshot of the PS/2 keyboard.
public struct PS2KeyboardState: Sendable, Equatable, Codable {
  /// Active scancode set (1, 2 or 3).
  public let scancodeSet: UInt8
  /// Scanning enabled (F4) or disabled (F5).
  public let scanning: Bool
  /// LED bits as last set by ED: bit 0 Scroll Lock, bit 1 Num Lock, bit 2 Caps Lock.
  public let leds: UInt8
  /// Typematic rate/delay byte as last set by F3.
  public let typematic: UInt8
  /// Scancode bytes waiting in the 16-byte FIFO, oldest first, ending with the overrun code when one is queued.
  public let fifo: [UInt8]
  /// Command responses waiting to be sent (they go before the FIFO).
  public let responses: [UInt8]
  /// The command whose parameter byte the keyboard is waiting for (ED, F0, F3), if any.
  public let awaitingParameterFor: UInt8?
  /// Key events dropped because the FIFO was full.
  public let overruns: Int
  /// Key events dropped because scanning was disabled.
  public let disabledDrops: Int
  /// Scancode bytes discarded from the FIFO by the guest's own FF/F4/F5/F6 commands.
  public let flushedBytes: Int
  /// Host events (typed text) waiting for room in the FIFO.
  public let hostQueued: Int
}

/// A PS/2 keyboard: scancode generation, 16-byte FIFO, command handling.
public final class PS2Keyboard {
  /// FIFO capacity in bytes.
  public static let fifoCapacity = 16
  /// Power-on typematic byte: 500 ms delay (bits 6–5 = 01), 10.9 characters/s (bits 4–0 = 0x0B).
  public static let defaultTypematic: UInt8 = 0x2B

  public private(set) var scancodeSet: UInt8 = 2
  public private(set) var scanning = true
  /// LED bits: bit 0 Scroll Lock, bit 1 Num Lock, bit 2 Caps Lock.
  public private(set) var leds: UInt8 = 0
  public private(set) var typematic: UInt8 = PS2Keyboard.defaultTypematic
  /// Key events dropped because the FIFO was full.
  public private(set) var overruns: Int = 0
  /// Key events dropped because scanning was disabled.
  public private(set) var disabledDrops: Int = 0
  /// Scancode bytes the guest discarded with FF/F4/F5/F6.
  public private(set) var flushedBytes: Int = 0

  private var fifo: [UInt8] = []
  private var overrunQueued = false  // the overrun code sits after the last FIFO byte
  private var responses: [UInt8] = []
  private var awaitingParameter: UInt8?  // ED, F0 or F3 waiting for its data byte
  private var lastSent: UInt8 = 0xAA  // for FE (resend)
  private var hostQueue: [KeyEvent] = []
  private var hostHead = 0  // index of the oldest unconsumed host event

  public init() {}

  /// Power-on / post-BIOS state: set 2, scanning enabled, LEDs off, everything empty. Keeps the host queue.
  public func resetToBIOSState() {
    setDefaults()
    scanning = true
    leds = 0
    fifo.removeAll()
    overrunQueued = false
    responses.removeAll()
    awaitingParameter = nil
    lastSent = 0xAA
    refill()
  }

  public var state: PS2KeyboardState {
    PS2KeyboardState(
      scancodeSet: scancodeSet, scanning: scanning, leds: leds, typematic: typematic,
      fifo: fifo + (overrunQueued ? [overrunCode] : []), responses: responses,
      awaitingParameterFor: awaitingParameter, overruns: overruns, disabledDrops: disabledDrops,
      flushedBytes: flushedBytes, hostQueued: hostQueue.count - hostHead)
  }

  /// The overrun code of the active set.
  public var overrunCode: UInt8 { scancodeSet == 1 ? 0xFF : 0x00 }

  // MARK: Key events

  /// A live key event (a person pressing a key now). With typed text still queued it waits behind that text;
  /// otherwise it enters the FIFO at once, or is dropped and counted (scanning disabled, or FIFO overrun).
  public func keyEvent(_ event: KeyEvent) {
    if hostHead < hostQueue.count {
      hostQueue.append(event)
      return
    }
    deliver(event)
  }

  /// Queues host events (typed text); they enter the FIFO as it has room for each whole sequence.
  public func enqueueHostEvents(_ events: [KeyEvent]) {
    hostQueue.append(contentsOf: events)
    refill()
  }

  private func deliver(_ event: KeyEvent) {
    guard scanning else {
      disabledDrops &+= 1
      return
    }
    let bytes = event.key.scancodes(pressed: event.pressed, set: scancodeSet)
    guard !bytes.isEmpty else { return }  // Pause has no break code in sets 1 and 2
    guard !overrunQueued, fifo.count + bytes.count <= Self.fifoCapacity else {
      overrunQueued = true
      overruns &+= 1
      return
    }
    fifo.append(contentsOf: bytes)
  }

  /// Moves queued host events into the FIFO while each whole sequence fits.
  private func refill() {
    while hostHead < hostQueue.count, scanning, !overrunQueued {
      let event = hostQueue[hostHead]
      let bytes = event.key.scancodes(pressed: event.pressed, set: scancodeSet)
      guard fifo.count + bytes.count <= Self.fifoCapacity else { break }
      fifo.append(contentsOf: bytes)
      hostHead += 1
    }
    if hostHead == hostQueue.count {
      hostQueue.removeAll(keepingCapacity: true)
      hostHead = 0
    } else if hostHead >= 4096 {
      hostQueue.removeFirst(hostHead)
      hostHead = 0
    }
  }

  // MARK: The wire to the controller

  /// True when the keyboard owes the controller a reply to a command (ACK, identify bytes, echo, BAT result).
  public var hasResponse: Bool { !responses.isEmpty }

  /// True when the keyboard has a byte to send to the controller.
  public var hasOutput: Bool { !responses.isEmpty || !fifo.isEmpty || overrunQueued }

  /// The byte the keyboard would send next, without sending it.
  public var nextByte: UInt8? {
    if let first = responses.first { return first }
    if let first = fifo.first { return first }
    return overrunQueued ? overrunCode : nil
  }

  /// Sends the next byte to the controller: responses first, then the FIFO, then a queued overrun code.
  public func takeByte() -> UInt8? {
    let byte: UInt8
    if !responses.isEmpty {
      byte = responses.removeFirst()
    } else if !fifo.isEmpty {
      byte = fifo.removeFirst()
    } else if overrunQueued {
      byte = overrunCode
      overrunQueued = false
    } else {
      return nil
    }
    lastSent = byte
    refill()
    return byte
  }

  // MARK: Commands from the host

  /// A byte written by the controller to the keyboard (a command or a command's parameter).
  public func receive(_ byte: UInt8) {
    if let command = awaitingParameter {
      awaitingParameter = nil
      parameter(byte, for: command)
      return
    }
    switch byte {
    case 0xED, 0xF0, 0xF3:  // set LEDs / select or query scancode set / set typematic: ACK, then the parameter
      respond(0xFA)
      awaitingParameter = byte
    case 0xEE:  // echo
      respond(0xEE)
    case 0xF2:  // identify: MF2 keyboard
      respond(0xFA, 0xAB, 0x83)
    case 0xF4:  // enable scanning; clears the buffer
      flushFIFO()
      respond(0xFA)
      scanning = true
    case 0xF5:  // default + disable
      flushFIFO()
      setDefaults()
      respond(0xFA)
      scanning = false
    case 0xF6:  // set defaults, keep scanning
      flushFIFO()
      setDefaults()
      respond(0xFA)
      scanning = true
    case 0xF7, 0xF8, 0xF9, 0xFA:  // set-3 "all keys" types: acknowledged, every key stays make/break
      respond(0xFA)
    case 0xFE:  // resend the last byte
      responses.append(lastSent)
    case 0xFF:  // reset: ACK, then the self-test result
      flushFIFO()
      responses.removeAll()
      setDefaults()
      leds = 0
      scanning = true
      respond(0xFA, 0xAA)
    default:
      respond(0xFE)
    }
    refill()
  }

  private func parameter(_ value: UInt8, for command: UInt8) {
    switch command {
    case 0xED:
      leds = value & 0x07
      respond(0xFA)
    case 0xF3:
      typematic = value & 0x7F
      respond(0xFA)
    default:  // 0xF0
      switch value {
      case 0:
        respond(0xFA, scancodeSet)
      case 1, 2, 3:
        scancodeSet = value
        respond(0xFA)
      default:
        respond(0xFE)
      }
    }
  }

  private func respond(_ bytes: UInt8...) {
    responses.append(contentsOf: bytes)
  }

  private func setDefaults() {
    scancodeSet = 2
    typematic = Self.defaultTypematic
  }

  private func flushFIFO() {
    flushedBytes &+= fifo.count + (overrunQueued ? 1 : 0)
    fifo.removeAll()
    overrunQueued = false
  }
}

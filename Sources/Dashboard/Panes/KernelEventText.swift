import Emulator

/// How the Event queue pane spells the teaching kernel's events and tasks (the encodings are those of
/// Guest/kernel/kernel.h): a key event's set-1 scancode with the key it names, the NIC's ICR as cause names, a
/// task's state with what it is blocked on.
enum KernelEventText {
  /// The event's kind as a short word.
  static func kind(_ event: TeachingKernelView.Event) -> String {
    switch event.kind {
    case .some(.none): "none"
    case .timer: "timer"
    case .key: "key"
    case .serial: "serial"
    case .nic: "nic"
    case .exit: "exit"
    case nil: "kind \(event.rawKind)"
    }
  }

  /// The payload decoded for its kind.
  static func payload(_ event: TeachingKernelView.Event) -> String {
    let value = event.payload
    switch event.kind {
    case .timer: return "ticks=\(value)"
    case .key: return scancode(UInt8(truncatingIfNeeded: value))
    case .serial: return Format.hex(value, 2) + " " + character(UInt8(truncatingIfNeeded: value))
    case .nic: return Format.hex(value, 4) + " " + icrCauses(value).joined(separator: " ")
    case .exit:
      let vector = UInt8(truncatingIfNeeded: value >> 8)
      let task = "task \(value & 0xFF) "
      if vector == 0xFF { return task + "killed" }
      return task + (Vector.name(vector) ?? "vector \(Format.hex(vector, 2))")
    case .some(.none), nil: return Format.hex(value, 8)
    }
  }

  /// A set-1 scancode: the code, the key it names (its unshifted character in quotes, or its name), make or
  /// break (bit 7). 0xE0 and 0xE1 prefix an extended key.
  static func scancode(_ code: UInt8) -> String {
    let hex = Format.hex(code, 2)
    if code == 0xE0 || code == 0xE1 { return hex + " prefix" }
    let make = code & 0x7F
    let key = set1Keys[Int(make)].map { $0.count == 1 ? "'\($0)'" : $0 } ?? "?"
    return hex + " " + key + (code & 0x80 == 0 ? " make" : " break")
  }

  /// IBM PC set-1 make codes 0x00–0x58 (the XT keyboard's, plus F11/F12): the unshifted character, or a name.
  static let set1Keys: [String?] = {
    var keys = [String?](repeating: nil, count: 128)
    let rows: [(UInt8, [String])] = [
      (0x01, ["Esc", "1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "-", "=", "Bksp", "Tab"]),
      (0x10, ["q", "w", "e", "r", "t", "y", "u", "i", "o", "p", "[", "]", "Enter", "Ctrl"]),
      (0x1E, ["a", "s", "d", "f", "g", "h", "j", "k", "l", ";", "'", "`", "LShift", "\\"]),
      (0x2C, ["z", "x", "c", "v", "b", "n", "m", ",", ".", "/", "RShift", "KP*", "Alt", "Space", "Caps"]),
      (0x3B, ["F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F10", "NumLk", "ScrLk"]),
      (0x47, ["KP7", "KP8", "KP9", "KP-", "KP4", "KP5", "KP6", "KP+", "KP1", "KP2", "KP3", "KP0", "KP."]),
      (0x57, ["F11", "F12"]),
    ]
    for (start, names) in rows {
      for (offset, name) in names.enumerated() { keys[Int(start) + offset] = name }
    }
    return keys
  }()

  /// An ASCII byte in quotes, or its C escape / hex when it does not print.
  static func character(_ byte: UInt8) -> String {
    switch byte {
    case 0x0A: "'\\n'"
    case 0x0D: "'\\r'"
    case 0x08: "'\\b'"
    case 0x09: "'\\t'"
    case 0x1B: "ESC"
    case 0x20..<0x7F: "'" + String(UnicodeScalar(byte)) + "'"
    default: "."
    }
  }

  /// The interrupt causes set in an 8254x ICR value (manual table 13-65), highest first as they matter to a
  /// receive path: RXT0 (frames written back), RXO (overrun), RXDMT0, RXSEQ, LSC, TXQE, TXDW, MDAC.
  static func icrCauses(_ icr: UInt32) -> [String] {
    let names: [(UInt32, String)] = [
      (1 << 7, "RXT0"), (1 << 6, "RXO"), (1 << 4, "RXDMT0"), (1 << 3, "RXSEQ"), (1 << 2, "LSC"), (1 << 1, "TXQE"),
      (1 << 0, "TXDW"), (1 << 9, "MDAC"),
    ]
    return names.filter { icr & $0.0 != 0 }.map(\.1)
  }

  /// A task's state: "running", "ready", "blocked: console", "sleep until t1234", "events key,nic", "zombie".
  static func state(_ task: TeachingKernelView.Task) -> String {
    switch task.state {
    case .running: return "running"
    case .ready: return "ready"
    case .zombie: return "zombie"
    case .free: return "free"
    case nil: return "state ?"
    case .blocked:
      switch task.blockedOn {
      case .console: return "blocked: console"
      case .packet: return "blocked: packet"
      case .sleep: return "blocked: until t\(task.wakeTick)"
      case .events:
        let kinds: [(UInt32, String)] = [(1, "timer"), (2, "key"), (3, "serial"), (4, "nic")]
        let subscribed = kinds.filter { task.waitMask & (1 << $0.0) != 0 }.map(\.1)
        return "blocked: " + (subscribed.isEmpty ? "events" : subscribed.joined(separator: ","))
      case .some(.none), nil: return "blocked"
      }
    }
  }
}

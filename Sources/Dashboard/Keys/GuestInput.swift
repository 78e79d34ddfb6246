import Emulator

/// What a key the dashboard does not claim sends to the guest: on the keyboard, typed text (the host queue turns it
/// into make and break scancodes with Shift around capitals) or one keystroke with its modifiers; on COM1, the bytes
/// a terminal would send down the line (CR for Enter, DEL for Backspace, ANSI sequences for the cursor keys).
enum GuestInput {
  static func commands(for event: KeyEvent, target: InputTarget) -> [MachineCommand] {
    switch target {
    case .keyboard: keyboard(event).map { [$0] } ?? []
    case .com1: serial(event).map { [.serial($0)] } ?? []
    }
  }

  // MARK: Keyboard (IRQ 1)

  static func keyboard(_ event: KeyEvent) -> MachineCommand? {
    switch event {
    case .character(let c): return .type(String(c))
    case .enter: return .type("\n")
    case .backspace: return .type("\u{8}")
    case .tab: return .type("\t")
    case .escape: return .type("\u{1B}")
    case .backTab: return .key(.tab, modifiers: [.leftShift])
    case .control(let c):
      guard let key = key(for: c) else { return nil }
      return .key(key, modifiers: [.leftCtrl])
    case .alt(let inner):
      guard let (key, modifiers) = keystroke(inner) else { return nil }
      return .key(key, modifiers: [.leftAlt] + modifiers)
    case .mouse, .resize: return nil
    default:
      guard let (key, modifiers) = keystroke(event) else { return nil }
      return .key(key, modifiers: modifiers)
    }
  }

  /// The key and modifiers that produce `event` on a US keyboard.
  static func keystroke(_ event: KeyEvent) -> (Key, [Key])? {
    switch event {
    case .character(let c):
      if c.isUppercase, let key = key(for: Character(c.lowercased())) { return (key, [.leftShift]) }
      if let shifted = shiftedSymbols[c] { return (shifted, [.leftShift]) }
      return key(for: c).map { ($0, []) }
    case .control(let c): return key(for: c).map { ($0, [.leftCtrl]) }
    case .enter: return (.enter, [])
    case .backspace: return (.backspace, [])
    case .tab: return (.tab, [])
    case .backTab: return (.tab, [.leftShift])
    case .escape: return (.escape, [])
    case .up: return (.up, [])
    case .down: return (.down, [])
    case .left: return (.left, [])
    case .right: return (.right, [])
    case .home: return (.home, [])
    case .end: return (.end, [])
    case .pageUp: return (.pageUp, [])
    case .pageDown: return (.pageDown, [])
    case .insert: return (.insert, [])
    case .delete: return (.delete, [])
    case .function(let n): return Key(rawValue: "f\(n)").map { ($0, []) }
    case .alt(let inner): return keystroke(inner).map { ($0.0, [.leftAlt] + $0.1) }
    case .mouse, .resize: return nil
    }
  }

  /// The unshifted key that types `c` ("a" → .a, "7" → .digit7, "/" → .slash, " " → .space).
  static func key(for c: Character) -> Key? {
    Key(name: String(c).lowercased())
  }

  /// Shifted symbols on a US layout and the key under them.
  static let shiftedSymbols: [Character: Key] = [
    "!": .digit1, "@": .digit2, "#": .digit3, "$": .digit4, "%": .digit5, "^": .digit6, "&": .digit7, "*": .digit8,
    "(": .digit9, ")": .digit0, "_": .minus, "+": .equals, "{": .leftBracket, "}": .rightBracket, "|": .backslash,
    ":": .semicolon, "\"": .apostrophe, "<": .comma, ">": .period, "?": .slash, "~": .grave,
  ]

  // MARK: COM1 (IRQ 4)

  static func serial(_ event: KeyEvent) -> [UInt8]? {
    switch event {
    case .character(let c): return Array(String(c).utf8)
    case .enter: return [0x0D]
    case .backspace: return [0x7F]
    case .tab: return [0x09]
    case .backTab: return Array("\u{1B}[Z".utf8)
    case .escape: return [0x1B]
    case .control(let c):
      guard let ascii = c.asciiValue else { return nil }
      return [ascii & 0x1F]
    case .alt(let inner): return serial(inner).map { [0x1B] + $0 }
    case .up: return Array("\u{1B}[A".utf8)
    case .down: return Array("\u{1B}[B".utf8)
    case .right: return Array("\u{1B}[C".utf8)
    case .left: return Array("\u{1B}[D".utf8)
    case .home: return Array("\u{1B}[H".utf8)
    case .end: return Array("\u{1B}[F".utf8)
    case .insert: return Array("\u{1B}[2~".utf8)
    case .delete: return Array("\u{1B}[3~".utf8)
    case .pageUp: return Array("\u{1B}[5~".utf8)
    case .pageDown: return Array("\u{1B}[6~".utf8)
    case .function(let n):
      // xterm: F1–F4 are SS3 P–S, F5 onwards CSI n ~ with the historical gaps.
      let codes = [
        1: "OP", 2: "OQ", 3: "OR", 4: "OS", 5: "[15~", 6: "[17~", 7: "[18~", 8: "[19~", 9: "[20~",
        10: "[21~", 11: "[23~", 12: "[24~",
      ]
      return codes[n].map { Array("\u{1B}\($0)".utf8) }
    case .mouse, .resize: return nil
    }
  }
}

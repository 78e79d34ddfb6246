// Host keys: the keys the dashboard and scripts can press, their scancodes, and typing text on a US layout.
//
// Models: every key of a US 104-key keyboard with its set-2 make/break sequence (E0 prefix for the extended
// keys; Pause sends E1 14 77 E1 F0 14 F0 77 on press and nothing on release; PrintScreen sends E0 12 E0 7C on
// press and E0 F0 7C E0 F0 12 on release), the set-1 sequence (the set-2 sequence through the standard 8042
// translation table, which is how IBM defined set 1 for AT keyboards), and the set-3 code (make `xx`, break
// `F0 xx`, with the codes of IBM's set 3 as Linux's atkbd set-3 table lists them).
//
// Typing text (`type`) uses the US layout with Caps Lock assumed off: Shift make/break around capitals and
// shifted symbols; "\n" (and "\r", "\r\n") = Enter, "\t" = Tab, "\u{8}" = Backspace, "\u{1B}" = Esc. Characters
// with no key on a US keyboard are not typed and are counted in the return value.
//
// Design of the host side: `type` puts its events in the keyboard's host queue, which moves them into the
// 16-byte FIFO only when a whole sequence fits, so a long text arrives completely, paced by the guest draining
// the keyboard. `press` / `release` are live keys: they go to the FIFO at once (queuing behind typed text if
// some is still waiting), and a full FIFO is a real overrun: the overrun code is sent and the event is counted.

/// A key on a US 104-key PC keyboard.
public enum Key: String, CaseIterable, Sendable, Codable {
  case a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, u, v, w, x, y, z
  case digit0, digit1, digit2, digit3, digit4, digit5, digit6, digit7, digit8, digit9
  case grave, minus, equals, leftBracket, rightBracket, backslash, semicolon, apostrophe, comma, period, slash
  case space, enter, backspace, tab, escape
  case up, down, left, right, home, end, pageUp, pageDown, insert, delete
  case f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12
  case leftCtrl, rightCtrl, leftShift, rightShift, leftAlt, rightAlt, leftGUI, rightGUI, menu
  case capsLock, numLock, scrollLock
  case keypad0, keypad1, keypad2, keypad3, keypad4, keypad5, keypad6, keypad7, keypad8, keypad9
  case keypadPeriod, keypadPlus, keypadMinus, keypadMultiply, keypadDivide, keypadEnter
  case pause, printScreen

  /// Parses a key name, case-insensitively: the case name ("leftCtrl", "pageUp", "f5"), a single character on the
  /// key ("a", "7", "/"), or a common alias ("ctrl", "shift", "alt", "esc", "return", "pgdn", "del", "kp+"…).
  /// Spaces and underscores are ignored ("Page Up", "page_up").
  public init?(name: String) {
    if name == " " {
      self = .space
      return
    }
    var folded = name.lowercased()
    if folded.count > 1 { folded.removeAll { $0 == " " || $0 == "_" } }
    guard let key = Self.byName[folded] else { return nil }
    self = key
  }

  private static let byName: [String: Key] = {
    var names: [String: Key] = [:]
    for key in Key.allCases { names[key.rawValue.lowercased()] = key }
    for digit in 0...9 { names[String(digit)] = Key(rawValue: "digit\(digit)") }
    let aliases: [String: Key] = [
      "`": .grave, "-": .minus, "=": .equals, "[": .leftBracket, "]": .rightBracket, "\\": .backslash,
      ";": .semicolon, "'": .apostrophe, ",": .comma, ".": .period, "/": .slash,
      "spc": .space, "return": .enter, "ret": .enter, "bksp": .backspace, "bs": .backspace, "esc": .escape,
      "uparrow": .up, "downarrow": .down, "leftarrow": .left, "rightarrow": .right,
      "pgup": .pageUp, "prior": .pageUp, "pgdn": .pageDown, "next": .pageDown, "ins": .insert, "del": .delete,
      "ctrl": .leftCtrl, "control": .leftCtrl, "lctrl": .leftCtrl, "rctrl": .rightCtrl,
      "shift": .leftShift, "lshift": .leftShift, "rshift": .rightShift,
      "alt": .leftAlt, "lalt": .leftAlt, "ralt": .rightAlt, "altgr": .rightAlt,
      "win": .leftGUI, "super": .leftGUI, "gui": .leftGUI, "lwin": .leftGUI, "rwin": .rightGUI, "apps": .menu,
      "caps": .capsLock, "num": .numLock, "scroll": .scrollLock, "break": .pause,
      "prtsc": .printScreen, "prtscr": .printScreen, "print": .printScreen, "sysrq": .printScreen,
      "kp.": .keypadPeriod, "kp+": .keypadPlus, "kp-": .keypadMinus, "kp*": .keypadMultiply, "kp/": .keypadDivide,
      "kpenter": .keypadEnter,
    ]
    names.merge(aliases) { _, alias in alias }
    for digit in 0...9 { names["kp\(digit)"] = Key(rawValue: "keypad\(digit)") }
    return names
  }()

  /// The key's codes: set-2 code with its E0 flag, and set-3 code. Pause and PrintScreen are special-cased.
  private var codes: (set2: UInt8, extended: Bool, set3: UInt8) {
    switch self {
    case .a: (0x1C, false, 0x1C)
    case .b: (0x32, false, 0x32)
    case .c: (0x21, false, 0x21)
    case .d: (0x23, false, 0x23)
    case .e: (0x24, false, 0x24)
    case .f: (0x2B, false, 0x2B)
    case .g: (0x34, false, 0x34)
    case .h: (0x33, false, 0x33)
    case .i: (0x43, false, 0x43)
    case .j: (0x3B, false, 0x3B)
    case .k: (0x42, false, 0x42)
    case .l: (0x4B, false, 0x4B)
    case .m: (0x3A, false, 0x3A)
    case .n: (0x31, false, 0x31)
    case .o: (0x44, false, 0x44)
    case .p: (0x4D, false, 0x4D)
    case .q: (0x15, false, 0x15)
    case .r: (0x2D, false, 0x2D)
    case .s: (0x1B, false, 0x1B)
    case .t: (0x2C, false, 0x2C)
    case .u: (0x3C, false, 0x3C)
    case .v: (0x2A, false, 0x2A)
    case .w: (0x1D, false, 0x1D)
    case .x: (0x22, false, 0x22)
    case .y: (0x35, false, 0x35)
    case .z: (0x1A, false, 0x1A)
    case .digit1: (0x16, false, 0x16)
    case .digit2: (0x1E, false, 0x1E)
    case .digit3: (0x26, false, 0x26)
    case .digit4: (0x25, false, 0x25)
    case .digit5: (0x2E, false, 0x2E)
    case .digit6: (0x36, false, 0x36)
    case .digit7: (0x3D, false, 0x3D)
    case .digit8: (0x3E, false, 0x3E)
    case .digit9: (0x46, false, 0x46)
    case .digit0: (0x45, false, 0x45)
    case .grave: (0x0E, false, 0x0E)
    case .minus: (0x4E, false, 0x4E)
    case .equals: (0x55, false, 0x55)
    case .leftBracket: (0x54, false, 0x54)
    case .rightBracket: (0x5B, false, 0x5B)
    case .backslash: (0x5D, false, 0x5C)
    case .semicolon: (0x4C, false, 0x4C)
    case .apostrophe: (0x52, false, 0x52)
    case .comma: (0x41, false, 0x41)
    case .period: (0x49, false, 0x49)
    case .slash: (0x4A, false, 0x4A)
    case .space: (0x29, false, 0x29)
    case .enter: (0x5A, false, 0x5A)
    case .backspace: (0x66, false, 0x66)
    case .tab: (0x0D, false, 0x0D)
    case .escape: (0x76, false, 0x08)
    case .up: (0x75, true, 0x63)
    case .down: (0x72, true, 0x60)
    case .left: (0x6B, true, 0x61)
    case .right: (0x74, true, 0x6A)
    case .home: (0x6C, true, 0x6E)
    case .end: (0x69, true, 0x65)
    case .pageUp: (0x7D, true, 0x6F)
    case .pageDown: (0x7A, true, 0x6D)
    case .insert: (0x70, true, 0x67)
    case .delete: (0x71, true, 0x64)
    case .f1: (0x05, false, 0x07)
    case .f2: (0x06, false, 0x0F)
    case .f3: (0x04, false, 0x17)
    case .f4: (0x0C, false, 0x1F)
    case .f5: (0x03, false, 0x27)
    case .f6: (0x0B, false, 0x2F)
    case .f7: (0x83, false, 0x37)
    case .f8: (0x0A, false, 0x3F)
    case .f9: (0x01, false, 0x47)
    case .f10: (0x09, false, 0x4F)
    case .f11: (0x78, false, 0x56)
    case .f12: (0x07, false, 0x5E)
    case .leftCtrl: (0x14, false, 0x11)
    case .rightCtrl: (0x14, true, 0x58)
    case .leftShift: (0x12, false, 0x12)
    case .rightShift: (0x59, false, 0x59)
    case .leftAlt: (0x11, false, 0x19)
    case .rightAlt: (0x11, true, 0x39)
    case .leftGUI: (0x1F, true, 0x8B)
    case .rightGUI: (0x27, true, 0x8C)
    case .menu: (0x2F, true, 0x8D)
    case .capsLock: (0x58, false, 0x14)
    case .numLock: (0x77, false, 0x76)
    case .scrollLock: (0x7E, false, 0x5F)
    case .keypad0: (0x70, false, 0x70)
    case .keypad1: (0x69, false, 0x69)
    case .keypad2: (0x72, false, 0x72)
    case .keypad3: (0x7A, false, 0x7A)
    case .keypad4: (0x6B, false, 0x6B)
    case .keypad5: (0x73, false, 0x73)
    case .keypad6: (0x74, false, 0x74)
    case .keypad7: (0x6C, false, 0x6C)
    case .keypad8: (0x75, false, 0x75)
    case .keypad9: (0x7D, false, 0x7D)
    case .keypadPeriod: (0x71, false, 0x71)
    case .keypadPlus: (0x79, false, 0x7C)
    case .keypadMinus: (0x7B, false, 0x84)
    case .keypadMultiply: (0x7C, false, 0x7E)
    case .keypadDivide: (0x4A, true, 0x77)
    case .keypadEnter: (0x5A, true, 0x79)
    case .pause: (0x00, false, 0x62)  // set 2 special-cased below
    case .printScreen: (0x00, false, 0x57)  // set 2 special-cased below
    }
  }

  /// The set-2 make sequence.
  public var set2Make: [UInt8] {
    switch self {
    case .pause: return [0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77]
    case .printScreen: return [0xE0, 0x12, 0xE0, 0x7C]
    default:
      let (code, extended, _) = codes
      return extended ? [0xE0, code] : [code]
    }
  }

  /// The set-2 break sequence (empty for Pause, which has none).
  public var set2Break: [UInt8] {
    switch self {
    case .pause: return []
    case .printScreen: return [0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12]
    default:
      let (code, extended, _) = codes
      return extended ? [0xE0, 0xF0, code] : [0xF0, code]
    }
  }

  /// The bytes the keyboard sends for this key in scancode set `set` (1, 2 or 3; anything else is treated as 2).
  public func scancodes(pressed: Bool, set: UInt8) -> [UInt8] {
    switch set {
    case 1: return Keyboard8042.translate(sequence: pressed ? set2Make : set2Break)
    case 3: return pressed ? [codes.set3] : [0xF0, codes.set3]
    default: return pressed ? set2Make : set2Break
    }
  }

  /// The key and Shift state that type `character` on a US layout, or nil when no key types it.
  public static func usLayout(_ character: Character) -> (key: Key, shift: Bool)? {
    switch character {
    case "\n", "\r", "\r\n": return (.enter, false)
    case "\t": return (.tab, false)
    case "\u{8}": return (.backspace, false)
    case "\u{1B}": return (.escape, false)
    case " ": return (.space, false)
    default: break
    }
    guard character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first, scalar.isASCII else {
      return nil
    }
    let text = String(character)
    if ("a"..."z").contains(text), let key = Key(rawValue: text) { return (key, false) }
    if ("A"..."Z").contains(text), let key = Key(rawValue: text.lowercased()) { return (key, true) }
    if let key = Key(name: text), text.count == 1 { return (key, false) }  // digits and unshifted symbols
    let shifted: [Character: Key] = [
      "!": .digit1, "@": .digit2, "#": .digit3, "$": .digit4, "%": .digit5, "^": .digit6, "&": .digit7,
      "*": .digit8, "(": .digit9, ")": .digit0, "_": .minus, "+": .equals, "{": .leftBracket, "}": .rightBracket,
      "|": .backslash, ":": .semicolon, "\"": .apostrophe, "~": .grave, "<": .comma, ">": .period, "?": .slash,
    ]
    if let key = shifted[character] { return (key, true) }
    return nil
  }
}

extension Keyboard8042 {
  /// A live key press (the key goes down now).
  public func press(_ key: Key) {
    keyboard.keyEvent(KeyEvent(key: key, pressed: true))
    hostInputChanged()
  }

  /// A live key release.
  public func release(_ key: Key) {
    keyboard.keyEvent(KeyEvent(key: key, pressed: false))
    hostInputChanged()
  }

  /// One keystroke through the host queue: the modifiers go down, the key goes down and up, the modifiers come up
  /// in reverse order — what a keyboard sends when a person presses Ctrl-C.
  public func stroke(_ key: Key, modifiers: [Key]) {
    var events = modifiers.map { KeyEvent(key: $0, pressed: true) }
    events.append(KeyEvent(key: key, pressed: true))
    events.append(KeyEvent(key: key, pressed: false))
    events += modifiers.reversed().map { KeyEvent(key: $0, pressed: false) }
    keyboard.enqueueHostEvents(events)
    hostInputChanged()
  }

  /// Types `text` on a US layout through the host queue (every character arrives, paced by the guest).
  /// Returns how many characters could not be typed (no key on a US keyboard types them); those are skipped.
  public func type(_ text: String) -> Int {
    var events: [KeyEvent] = []
    var untypeable = 0
    for character in text {
      guard let (key, shift) = Key.usLayout(character) else {
        untypeable += 1
        continue
      }
      if shift { events.append(KeyEvent(key: .leftShift, pressed: true)) }
      events.append(KeyEvent(key: key, pressed: true))
      events.append(KeyEvent(key: key, pressed: false))
      if shift { events.append(KeyEvent(key: .leftShift, pressed: false)) }
    }
    keyboard.enqueueHostEvents(events)
    hostInputChanged()
    return untypeable
  }
}

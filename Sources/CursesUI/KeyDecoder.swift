import CNcurses
import Dashboard

/// Turns what ncurses read into `KeyEvent`s: a pure function over `RawInput`, so it is tested without a terminal.
///
/// ncurses (keypad on) already turns the escape sequences terminfo knows into key codes. What it leaves:
/// - Esc versus Alt: a terminal sends Alt-x as ESC then `x`. ncurses waits ESCDELAY after an ESC for the rest of a
///   sequence, so when ESC and the next key were read together they were typed together: Alt plus that key.
///   An ESC with nothing after it is the Esc key.
/// - Sequences the terminfo entry lacks (TERM naming a different terminal): decoded from the xterm forms here
///   (`EscapeSequence`), so an arrow never arrives as Alt-[ followed by letters.
/// - Control bytes: 0x01–0x1A are Ctrl-A…Ctrl-Z except Tab (0x09) and Enter (0x0D, and 0x0A); 0x7F is
///   Backspace, like KEY_BACKSPACE.
public enum KeyDecoder {
  /// Decodes everything in `input`; what is not a key (a mouse release, an unknown code) is dropped.
  public static func decode(_ input: [RawInput]) -> [KeyEvent] {
    var rest = input[...]
    var events: [KeyEvent] = []
    while !rest.isEmpty {
      if let event = next(&rest) { events.append(event) }
    }
    return events
  }

  /// Decodes one event from the front of `input`, removing what it used (at least one item).
  public static func next(_ input: inout ArraySlice<RawInput>) -> KeyEvent? {
    guard let first = input.popFirst() else { return nil }
    switch first {
    case .keyCode(let code): return key(code: code)
    case .extendedKey(let name): return extendedKey(name: name)
    case .mouse(let row, let column, let state): return mouse(row: row, column: column, state: state)
    case .character(0x1B): return afterEscape(&input)
    case .character(let value): return character(value)
    }
  }

  private static func afterEscape(_ input: inout ArraySlice<RawInput>) -> KeyEvent? {
    guard let following = input.first else { return .escape }
    if case .character(let introducer) = following, introducer == 0x5B || introducer == 0x4F {  // [ or O
      let codes = input.prefix(EscapeSequence.longest + 1).map { item -> UInt32? in
        if case .character(let value) = item { return value }
        return nil
      }
      let characters = Array(codes.prefix { $0 != nil }.compactMap { $0 })
      if let (event, length) = EscapeSequence.match(characters) {
        input.removeFirst(length)
        return event
      }
    }
    guard let inner = next(&input) else { return .escape }
    if case .alt = inner { return inner }  // ESC ESC [ A: rxvt's Alt-Up; do not stack Alt twice
    if case .mouse = inner { return inner }
    if case .resize = inner { return inner }
    return .alt(inner)
  }

  /// A code point get_wch returned as a character.
  public static func character(_ value: UInt32) -> KeyEvent? {
    switch value {
    case 0x0D, 0x0A: return .enter
    case 0x09: return .tab
    case 0x7F: return .backspace
    case 0x1B: return .escape
    case 0x00: return .control("@")
    case 0x01...0x1A: return .control(Character(Unicode.Scalar(UInt8(0x60 + value))))
    case 0x1C...0x1F: return .control(Character(Unicode.Scalar(UInt8(0x40 + value))))
    case 0x80...0x9F: return nil  // C1 controls: nothing a key produces
    default:
      guard let scalar = Unicode.Scalar(value) else { return nil }
      return .character(Character(scalar))
    }
  }

  /// A curses.h key code (KEY_CODE_YES).
  public static func key(code: Int32) -> KeyEvent? {
    let firstFunction = irq_key_f(0)
    if code > firstFunction && code <= firstFunction + 63 { return functionKey(Int(code - firstFunction)) }
    switch code {
    case KEY_UP, KEY_SR: return .up  // KEY_SR: Shift-Up in xterm's terminfo (kri)
    case KEY_DOWN, KEY_SF: return .down  // KEY_SF: Shift-Down (kind)
    case KEY_LEFT, KEY_SLEFT: return .left
    case KEY_RIGHT, KEY_SRIGHT: return .right
    case KEY_HOME, KEY_SHOME, KEY_A1: return .home
    case KEY_END, KEY_SEND, KEY_C1: return .end
    case KEY_PPAGE, KEY_SPREVIOUS, KEY_A3: return .pageUp
    case KEY_NPAGE, KEY_SNEXT, KEY_C3: return .pageDown
    case KEY_IC, KEY_SIC: return .insert
    case KEY_DC, KEY_SDC: return .delete
    case KEY_BTAB: return .backTab
    case KEY_ENTER: return .enter
    case KEY_BACKSPACE: return .backspace
    case KEY_RESIZE: return .resize
    default: return nil
    }
  }

  /// KEY_F(n) in xterm's terminfo: F1–F12 bare, then each further dozen the same keys with Shift (13–24),
  /// Ctrl (25–36), Ctrl-Shift (37–48), Alt (49–60), Alt-Shift (61–63). Only Alt survives into a KeyEvent.
  static func functionKey(_ number: Int) -> KeyEvent? {
    guard (1...63).contains(number) else { return nil }
    let key = KeyEvent.function((number - 1) % 12 + 1)
    return number > 48 ? .alt(key) : key
  }

  /// An extended terminfo key: "kUP3" = Up with xterm modifier 3. The modifier is 1 + a bit set of Shift (1),
  /// Alt (2), Ctrl (4); only Alt survives into a KeyEvent.
  public static func extendedKey(name: String) -> KeyEvent? {
    guard name.first == "k", let digit = name.last?.wholeNumberValue, (2...8).contains(digit) else { return nil }
    let base: KeyEvent
    switch name.dropFirst().dropLast() {
    case "UP": base = .up
    case "DN": base = .down
    case "LFT": base = .left
    case "RIT": base = .right
    case "HOM": base = .home
    case "END": base = .end
    case "NXT": base = .pageDown
    case "PRV": base = .pageUp
    case "IC": base = .insert
    case "DC": base = .delete
    default: return nil
    }
    return (digit - 1) & 2 != 0 ? .alt(base) : base
  }

  /// A mouse report: presses and wheel steps (ncurses reports the wheel as buttons 4 and 5 pressed).
  /// Releases and motion are not events here.
  public static func mouse(row: Int, column: Int, state: UInt) -> KeyEvent? {
    let action: MouseEvent.Action
    if state & UInt(irq_button_pressed(4)) != 0 {
      action = .wheelUp
    } else if state & UInt(irq_button_pressed(5)) != 0 {
      action = .wheelDown
    } else if let button = (1...3).first(where: {
      state & UInt(irq_button_pressed(Int32($0)) | irq_button_clicked(Int32($0))) != 0
    }) {
      action = .press(button: button)
    } else {
      return nil
    }
    return .mouse(MouseEvent(row: row, column: column, action: action))
  }
}

extension KeyEvent {
  /// How a key is written: `.short` on the key bar and in help ("^A", "M-x", "Bksp", "S-Tab"), `.spelledOut` where
  /// there is room and a user reads one key at a time (`irqscope keys`: "Ctrl-A", "Alt-x", "Backspace", and a mouse
  /// event with its cell, "mouse press 1 at 12,40").
  public enum Spelling: Sendable {
    case short, spelledOut
  }

  public func name(_ spelling: Spelling) -> String {
    let short = spelling == .short
    switch self {
    case .character(" "): return "Space"
    case .character(let character): return String(character)
    case .control(let character): return (short ? "^" : "Ctrl-") + character.uppercased()
    case .alt(let key): return (short ? "M-" : "Alt-") + key.name(spelling)
    case .enter: return "Enter"
    case .backspace: return short ? "Bksp" : "Backspace"
    case .tab: return "Tab"
    case .backTab: return short ? "S-Tab" : "Shift-Tab"
    case .escape: return "Esc"
    case .up: return "Up"
    case .down: return "Down"
    case .left: return "Left"
    case .right: return "Right"
    case .home: return "Home"
    case .end: return "End"
    case .pageUp: return "PgUp"
    case .pageDown: return "PgDn"
    case .insert: return "Ins"
    case .delete: return "Del"
    case .function(let number): return "F\(number)"
    case .resize: return "resize"
    case .mouse(let event):
      guard !short else { return "mouse" }
      switch event.action {
      case .press(let button): return "mouse press \(button) at \(event.row),\(event.column)"
      case .wheelUp: return "wheel up at \(event.row),\(event.column)"
      case .wheelDown: return "wheel down at \(event.row),\(event.column)"
      }
    }
  }
}

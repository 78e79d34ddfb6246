import Dashboard

extension KeyEvent {
  /// How `irqscope keys` and messages name a key: "F10", "Ctrl-A", "Alt-x", "Up", "é",
  /// "mouse press 1 at 12,40" (row, column).
  public var name: String {
    switch self {
    case .character(" "): "Space"
    case .character(let character): String(character)
    case .control(let character): "Ctrl-" + character.uppercased()
    case .alt(let key): "Alt-" + key.name
    case .enter: "Enter"
    case .backspace: "Backspace"
    case .tab: "Tab"
    case .backTab: "Shift-Tab"
    case .escape: "Esc"
    case .up: "Up"
    case .down: "Down"
    case .left: "Left"
    case .right: "Right"
    case .home: "Home"
    case .end: "End"
    case .pageUp: "PgUp"
    case .pageDown: "PgDn"
    case .insert: "Ins"
    case .delete: "Del"
    case .function(let number): "F\(number)"
    case .resize: "resize"
    case .mouse(let event):
      switch event.action {
      case .press(let button): "mouse press \(button) at \(event.row),\(event.column)"
      case .wheelUp: "wheel up at \(event.row),\(event.column)"
      case .wheelDown: "wheel down at \(event.row),\(event.column)"
      }
    }
  }
}

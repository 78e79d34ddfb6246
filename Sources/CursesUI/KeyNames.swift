import Dashboard

extension KeyEvent {
  /// How `irqscope keys` and messages name a key: "F10", "Ctrl-A", "Alt-x", "Up", "é",
  /// "mouse press 1 at 12,40" (row, column).
  public var name: String { name(.spelledOut) }
}

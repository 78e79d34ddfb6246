import Testing

@testable import Dashboard

/// The two spellings of a key: htop-style short forms on the bar and in help, full words in `irqscope keys`.
struct KeyNameTests {
  @Test func shortAndSpelledOutForms() {
    let keys: [(KeyEvent, String, String)] = [
      (.control("a"), "^A", "Ctrl-A"),
      (.alt(.character("x")), "M-x", "Alt-x"),
      (.alt(.control("b")), "M-^B", "Alt-Ctrl-B"),
      (.backspace, "Bksp", "Backspace"),
      (.backTab, "S-Tab", "Shift-Tab"),
      (.character(" "), "Space", "Space"),
      (.function(10), "F10", "F10"),
      (.mouse(MouseEvent(row: 3, column: 7, action: .wheelUp)), "mouse", "wheel up at 3,7"),
    ]
    for (key, short, spelledOut) in keys {
      #expect(key.name(.short) == short)
      #expect(key.name(.spelledOut) == spelledOut)
    }
  }
}

import Emulator

/// What COM1 transmitted, as lines of text: the newest at the bottom, scrolled back by the pane's offset.
enum SerialPane: Pane {
  static func draw(_ context: PaneContext, in area: Rect, on canvas: inout Canvas) -> [ClickTarget] {
    let lines = self.lines(context.snapshot.serialTail)
    var line = LineWriter(area)
    if context.snapshot.serialTotal == 0 {
      line.put("nothing sent yet", .dim, on: &canvas)
      return []
    }
    let end = max(0, lines.count - context.state.scrollOffset(.serial))
    for text in lines[max(0, end - area.height)..<end] {
      line.put(text, .value, on: &canvas)
      line.newline()
    }
    return []
  }

  /// Splits the byte stream into lines: LF ends a line, CR and other control bytes are dropped, TAB becomes spaces,
  /// backspace erases; bytes are decoded as UTF-8 (an invalid sequence shows U+FFFD).
  static func lines(_ bytes: [UInt8]) -> [String] {
    var lines: [String] = []
    var current: [UInt8] = []
    for byte in bytes {
      switch byte {
      case 0x0A:
        lines.append(String(decoding: current, as: UTF8.self))
        current.removeAll(keepingCapacity: true)
      case 0x09: current += Array(repeating: 0x20, count: 8 - current.count % 8)
      case 0x08, 0x7F: if !current.isEmpty { current.removeLast() }
      case 0..<0x20: continue
      default: current.append(byte)
      }
    }
    if !current.isEmpty { lines.append(String(decoding: current, as: UTF8.self)) }
    return lines
  }
}

extension Canvas {
  /// The 95 printable ASCII characters and space, made once: a frame writes thousands of them.
  static let asciiCharacters: [Character] = (0..<128).map { Character(Unicode.Scalar(UInt8($0))) }

  /// `put` with a fast path for ASCII text (almost everything a pane writes): one cell per byte, control bytes
  /// taking none, as `put` measures them, without a Unicode property lookup per character. Other text goes to `put`.
  @discardableResult
  mutating func putText(_ text: String, row: Int, column: Int, style: CellStyle, clip: Rect) -> Int {
    let utf8 = text.utf8
    guard utf8.allSatisfy({ $0 < 0x80 }) else { return put(text, row: row, column: column, style: style, clip: clip) }
    let area = clip.intersection(bounds)
    var x = column
    guard row >= area.y, row < area.maxY else { return column + utf8.count(where: { $0 >= 0x20 && $0 != 0x7F }) }
    let characters = Canvas.asciiCharacters
    for byte in utf8 where byte >= 0x20 && byte != 0x7F {
      if x >= area.x && x < area.maxX { self[row, x] = Cell(characters[Int(byte)], style: style) }
      x += 1
    }
    return x
  }
}

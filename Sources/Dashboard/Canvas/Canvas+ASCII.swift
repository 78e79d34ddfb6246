extension Canvas {
  /// `put` for ASCII text (almost everything a pane writes), given its bytes: one cell per byte, control bytes
  /// taking none, as `put` measures them, without a Character or a Unicode property lookup per cell.
  mutating func putASCII(
    _ bytes: UnsafeBufferPointer<UInt8>, row: Int, column: Int, style: CellStyle, clip: Rect?
  ) -> Int {
    let area = (clip ?? bounds).intersection(bounds)
    var x = column
    guard row >= area.y, row < area.maxY else { return column + bytes.count(where: { $0 >= 0x20 && $0 != 0x7F }) }
    for byte in bytes where byte >= 0x20 && byte != 0x7F {
      if x >= area.x && x < area.maxX { cells[row * width + x] = Cell(scalar: Unicode.Scalar(byte), style: style) }
      x += 1
    }
    return x
  }
}

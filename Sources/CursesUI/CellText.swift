import Dashboard

/// The code points of one cell for setcchar: the spacing character, the combining mark on it if any, then NUL
/// (a cell holds at most one mark, well within CCHARW_MAX). A control character becomes a space. A fixed triple,
/// so drawing a cell allocates nothing.
enum CellText {
  static func codePoints(of cell: Canvas.Cell) -> (Int32, Int32, Int32) {
    let value = cell.scalar.value
    let first = value < 0x20 || (0x7F..<0xA0).contains(value) ? 0x20 : Int32(bitPattern: value)
    return (first, cell.mark.map { Int32(bitPattern: $0.value) } ?? 0, 0)
  }
}

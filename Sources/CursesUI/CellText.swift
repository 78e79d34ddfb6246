import Dashboard

/// The code points of one cell for setcchar: one spacing character and the combining marks after it, at most
/// CCHARW_MAX in all, NUL-terminated. A cluster ncurses cannot hold in one cell (an emoji ZWJ sequence) keeps its
/// first character; a control character becomes a space.
enum CellText {
  static func codePoints(of character: Character, limit: Int) -> [Int32] {
    var points: [Int32] = []
    for scalar in character.unicodeScalars {
      if points.isEmpty {
        let value = scalar.value
        points.append(value < 0x20 || (0x7F..<0xA0).contains(value) ? 0x20 : Int32(bitPattern: value))
        continue
      }
      guard points.count < limit else { break }
      switch scalar.properties.generalCategory {
      case .nonspacingMark, .enclosingMark, .spacingMark: points.append(Int32(bitPattern: scalar.value))
      default: break
      }
    }
    if points.isEmpty { points.append(0x20) }
    points.append(0)
    return points
  }
}

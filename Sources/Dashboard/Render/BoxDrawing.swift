/// Box-drawing and block characters as geometry, so the SVG renderer can draw them as lines and rectangles that
/// join across cells whatever font the viewer has (a font's own glyphs leave gaps between rows when the cell is
/// taller than the font, and differ from font to font).
///
/// Coordinates are in hundredths of a pixel, relative to the cell's top-left corner.
enum BoxDrawing {
  /// How a line leaves the cell through one edge.
  enum Weight: Int { case none = 0, light, heavy, double }

  /// The four arms of a box-drawing character: up, right, down, left.
  struct Arms: Equatable {
    var up: Weight
    var right: Weight
    var down: Weight
    var left: Weight

    init(_ up: Int, _ right: Int, _ down: Int, _ left: Int) {
      self.up = Weight(rawValue: up)!
      self.right = Weight(rawValue: right)!
      self.down = Weight(rawValue: down)!
      self.left = Weight(rawValue: left)!
    }
  }

  /// The characters drawn as lines (U+2500 block): light, heavy, double, the single/double mixes, half lines.
  static let arms: [Character: Arms] = [
    "─": Arms(0, 1, 0, 1), "│": Arms(1, 0, 1, 0), "┌": Arms(0, 1, 1, 0), "┐": Arms(0, 0, 1, 1),
    "└": Arms(1, 1, 0, 0), "┘": Arms(1, 0, 0, 1), "├": Arms(1, 1, 1, 0), "┤": Arms(1, 0, 1, 1),
    "┬": Arms(0, 1, 1, 1), "┴": Arms(1, 1, 0, 1), "┼": Arms(1, 1, 1, 1),
    "━": Arms(0, 2, 0, 2), "┃": Arms(2, 0, 2, 0), "┏": Arms(0, 2, 2, 0), "┓": Arms(0, 0, 2, 2),
    "┗": Arms(2, 2, 0, 0), "┛": Arms(2, 0, 0, 2), "┣": Arms(2, 2, 2, 0), "┫": Arms(2, 0, 2, 2),
    "┳": Arms(0, 2, 2, 2), "┻": Arms(2, 2, 0, 2), "╋": Arms(2, 2, 2, 2),
    "═": Arms(0, 3, 0, 3), "║": Arms(3, 0, 3, 0), "╔": Arms(0, 3, 3, 0), "╗": Arms(0, 0, 3, 3),
    "╚": Arms(3, 3, 0, 0), "╝": Arms(3, 0, 0, 3), "╠": Arms(3, 3, 3, 0), "╣": Arms(3, 0, 3, 3),
    "╦": Arms(0, 3, 3, 3), "╩": Arms(3, 3, 0, 3), "╬": Arms(3, 3, 3, 3),
    "╒": Arms(0, 3, 1, 0), "╓": Arms(0, 1, 3, 0), "╕": Arms(0, 0, 1, 3), "╖": Arms(0, 0, 3, 1),
    "╘": Arms(1, 3, 0, 0), "╙": Arms(3, 1, 0, 0), "╛": Arms(1, 0, 0, 3), "╜": Arms(3, 0, 0, 1),
    "╞": Arms(1, 3, 1, 0), "╟": Arms(3, 1, 3, 0), "╡": Arms(1, 0, 1, 3), "╢": Arms(3, 0, 3, 1),
    "╤": Arms(0, 3, 1, 3), "╥": Arms(0, 1, 3, 1), "╧": Arms(1, 3, 0, 3), "╨": Arms(3, 1, 0, 1),
    "╪": Arms(1, 3, 1, 3), "╫": Arms(3, 1, 3, 1),
    "╴": Arms(0, 0, 0, 1), "╵": Arms(1, 0, 0, 0), "╶": Arms(0, 1, 0, 0), "╷": Arms(0, 0, 1, 0),
    "╸": Arms(0, 0, 0, 2), "╹": Arms(2, 0, 0, 0), "╺": Arms(0, 2, 0, 0), "╻": Arms(0, 0, 2, 0),
  ]

  /// Rounded corners: a curve from the horizontal arm's edge to the vertical arm's edge.
  static let rounded: [Character: Arms] = [
    "╭": Arms(0, 1, 1, 0), "╮": Arms(0, 0, 1, 1), "╯": Arms(1, 0, 0, 1), "╰": Arms(1, 1, 0, 0),
  ]

  /// One stroke: a polyline (or, for a rounded corner, a quadratic curve through `points[1]`) of one weight.
  struct Stroke {
    var heavy: Bool
    var points: [(x: Int, y: Int)]
    var curved = false
  }

  /// Stroke widths and the half-gap between the two lines of a double line, in hundredths of a pixel.
  static let lightWidth = 120
  static let heavyWidth = 260
  static let doubleOffset = 200

  /// Whether `character` is drawn as lines rather than a glyph.
  static func isLine(_ character: Character) -> Bool { arms[character] != nil || rounded[character] != nil }

  /// The strokes of `character` in a cell `width` × `height`, or nil when it is not a line character.
  static func strokes(of character: Character, width: Int, height: Int) -> [Stroke]? {
    let cx = width / 2
    let cy = height / 2
    if let corner = rounded[character] {
      let x = corner.right != .none ? width : 0
      let y = corner.down != .none ? height : 0
      return [Stroke(heavy: false, points: [(x, cy), (cx, cy), (cx, y)], curved: true)]
    }
    guard let a = arms[character] else { return nil }
    let all = [a.up, a.right, a.down, a.left]
    if all.allSatisfy({ $0 == .double || $0 == .none }) {
      return doubleStrokes(a, width: width, height: height)
    }
    var strokes: [Stroke] = []
    let horizontal = [a.left, a.right]
    let vertical = [a.up, a.down]
    // How far an arm runs past the centre so that it covers the perpendicular arms' width (no notch at corners).
    func overshoot(_ perpendicular: [Weight]) -> Int {
      // A single line ends on the nearer of two double lines running straight through (╤), on the farther one
      // at a corner (╒).
      if perpendicular.allSatisfy({ $0 == .double }) { return -(doubleOffset - lightWidth / 2) }
      if perpendicular.contains(.double) { return doubleOffset + lightWidth / 2 }
      if perpendicular.contains(.heavy) { return heavyWidth / 2 }
      if perpendicular.contains(.light) { return lightWidth / 2 }
      return 0
    }
    let d = doubleOffset
    // Up, down, left, right: the weight, the edge point, the direction towards the centre, the arm opposite.
    for (weight, edge, direction, opposite) in [
      (a.up, (cx, 0), (0, 1), a.down), (a.down, (cx, height), (0, -1), a.up),
      (a.left, (0, cy), (1, 0), a.right), (a.right, (width, cy), (-1, 0), a.left),
    ] {
      let isVertical = direction.0 == 0
      switch weight {
      case .none: continue
      case .light, .heavy:
        // How far past the centre the arm runs: to cover the perpendicular arms' width; never short of the
        // centre when an opposite arm continues the line (╪).
        var extent = overshoot(isVertical ? horizontal : vertical)
        if opposite != .none { extent = max(extent, 0) }
        let stop = (cx + direction.0 * extent, cy + direction.1 * extent)
        strokes.append(Stroke(heavy: weight == .heavy, points: [edge, stop]))
      case .double:
        // Beside single arms, a double arm's two lines run from the edge to the single line in the middle.
        if isVertical {
          let stopY = cy
          strokes.append(Stroke(heavy: false, points: [(cx - d, edge.1), (cx - d, stopY)]))
          strokes.append(Stroke(heavy: false, points: [(cx + d, edge.1), (cx + d, stopY)]))
        } else {
          let stopX = cx
          strokes.append(Stroke(heavy: false, points: [(edge.0, cy - d), (stopX, cy - d)]))
          strokes.append(Stroke(heavy: false, points: [(edge.0, cy + d), (stopX, cy + d)]))
        }
      }
    }
    return strokes
  }

  /// A character made only of double lines, drawn as the outline of the channel its arms make: quadrant by
  /// quadrant, the part of the outline that lies in it.
  private static func doubleStrokes(_ a: Arms, width: Int, height: Int) -> [Stroke] {
    let cx = width / 2
    let cy = height / 2
    let d = doubleOffset
    var strokes: [Stroke] = []
    // Each quadrant: its vertical arm (sy = -1 up, +1 down) and horizontal arm (sx = -1 left, +1 right).
    for (sy, sx) in [(-1, -1), (-1, 1), (1, -1), (1, 1)] {
      let vertical = (sy < 0 ? a.up : a.down) != .none
      let horizontal = (sx < 0 ? a.left : a.right) != .none
      let edgeY = sy < 0 ? 0 : height
      let edgeX = sx < 0 ? 0 : width
      let x = cx + sx * d
      let y = cy + sy * d
      switch (vertical, horizontal) {
      case (true, true): strokes.append(Stroke(heavy: false, points: [(x, edgeY), (x, y), (edgeX, y)]))
      case (true, false): strokes.append(Stroke(heavy: false, points: [(x, edgeY), (x, cy)]))
      case (false, true): strokes.append(Stroke(heavy: false, points: [(edgeX, y), (cx, y)]))
      case (false, false): strokes.append(Stroke(heavy: false, points: [(x, cy), (x, y), (cx, y)]))
      }
    }
    return strokes
  }

  /// Block elements drawn as rectangles: (x, y, width, height) in the cell and an opacity for the shades.
  static func block(_ character: Character, width: Int, height: Int) -> (
    x: Int, y: Int, width: Int, height: Int, opacity: Int
  )? {
    guard let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1 else { return nil }
    switch scalar.value {
    case 0x2580: return (0, 0, width, height / 2, 100)  // ▀ upper half
    case 0x2581...0x2588:  // ▁ … █: the lower n eighths
      let n = Int(scalar.value - 0x2580)
      let h = (height * n + 4) / 8
      return (0, height - h, width, h, 100)
    case 0x2589...0x258F:  // ▉ … ▏: the left 7 … 1 eighths
      let n = Int(0x2590 - scalar.value)
      return (0, 0, (width * n + 4) / 8, height, 100)
    case 0x2590: return (width / 2, 0, width - width / 2, height, 100)  // ▐ right half
    case 0x2591: return (0, 0, width, height, 25)  // ░
    case 0x2592: return (0, 0, width, height, 50)  // ▒
    case 0x2593: return (0, 0, width, height, 75)  // ▓
    case 0x2594: return (0, 0, width, (height + 4) / 8, 100)  // ▔ upper eighth
    case 0x2595:  // ▕ right eighth
      let w = (width + 4) / 8
      return (width - w, 0, w, height, 100)
    default: return nil
    }
  }
}

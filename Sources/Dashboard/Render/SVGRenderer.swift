/// A Canvas as an SVG picture, for screenshots and slides.
///
/// The layout never depends on the viewer's fonts: every cell sits on a fixed grid (`cellWidth` × `cellHeight`),
/// every glyph gets its own x position, backgrounds are rectangles, underlines are rectangles, and box-drawing and
/// block characters are drawn as lines and rectangles that join across cells. Only the glyphs' shapes come from
/// the font (a monospace list, ending in `monospace`). The output is deterministic: the same canvas and theme
/// give the same bytes (integer geometry in hundredths of a pixel, no dates, no hash-ordered output).
public struct SVGRenderer: Sendable {
  /// Cell size in hundredths of a pixel: 8.4 × 17 px, a 14 px monospace font's advance and a comfortable line.
  public var cellWidth = 840
  public var cellHeight = 1700
  /// Font size in pixels, and the baseline's distance from the cell's top in hundredths of a pixel.
  public var fontSize = 14
  public var baseline = 1300
  public var fontFamily = "'DejaVu Sans Mono', 'Cascadia Mono', Menlo, Consolas, 'Liberation Mono', monospace"
  /// Colours for a theme that leaves them to the terminal (monochrome): black on white paper.
  public var defaultForeground = RGB(red: 0, green: 0, blue: 0)
  public var defaultBackground = RGB(red: 0xFF, green: 0xFF, blue: 0xFF)
  /// The picture's `<title>`, which screen readers and browsers show (none when nil).
  public var title: String?

  public init() {}

  public func render(_ canvas: Canvas, theme: Theme) -> String {
    let width = canvas.width * cellWidth
    let height = canvas.height * cellHeight
    let page = colours(theme.resolvedAppearance(of: CellStyle.text)).background
    var looks: [CellStyle: Look] = [:]
    func look(_ style: CellStyle) -> Look {
      if let known = looks[style] { return known }
      let appearance = theme.resolvedAppearance(of: style)
      let (foreground, background) = colours(appearance)
      let made = Look(
        foreground: foreground, background: background, bold: appearance.bold, underline: appearance.underline)
      looks[style] = made
      return made
    }

    var svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(px(width))\" height=\"\(px(height))\""
    svg += " viewBox=\"0 0 \(px(width)) \(px(height))\">\n"
    if let title { svg += "<title>\(Self.escape(title))</title>\n" }
    svg += "<rect x=\"0\" y=\"0\" width=\"\(px(width))\" height=\"\(px(height))\" fill=\"\(page)\"/>\n"

    // Backgrounds: one rectangle per run of cells with the same background colour, where it is not the page's.
    svg += "<g shape-rendering=\"crispEdges\">\n"
    for row in 0..<canvas.height {
      var column = 0
      while column < canvas.width {
        let background = look(canvas[row, column].style).background
        var end = column + 1
        while end < canvas.width && look(canvas[row, end].style).background == background { end += 1 }
        if background != page {
          svg += rect(
            x: column * cellWidth, y: row * cellHeight, width: (end - column) * cellWidth,
            height: cellHeight, fill: background)
        }
        column = end
      }
    }
    // Block elements, in the foreground colour.
    for row in 0..<canvas.height {
      for column in 0..<canvas.width {
        let cell = canvas[row, column]
        guard let block = BoxDrawing.block(cell.character, width: cellWidth, height: cellHeight) else { continue }
        svg += rect(
          x: column * cellWidth + block.x, y: row * cellHeight + block.y, width: block.width,
          height: block.height, fill: look(cell.style).foreground, opacity: block.opacity)
      }
    }
    // Underlines: one rectangle per run of underlined cells of one colour, just below the baseline.
    for row in 0..<canvas.height {
      var column = 0
      while column < canvas.width {
        let cellLook = look(canvas[row, column].style)
        var end = column + 1
        guard cellLook.underline else {
          column = end
          continue
        }
        while end < canvas.width && look(canvas[row, end].style) == cellLook { end += 1 }
        svg += rect(
          x: column * cellWidth, y: row * cellHeight + baseline + 150, width: (end - column) * cellWidth,
          height: 100, fill: cellLook.foreground)
        column = end
      }
    }
    svg += "</g>\n"

    // Text: runs of glyphs in one colour and weight, each glyph at its own cell's x.
    svg += "<g font-family=\"\(fontFamily)\" font-size=\"\(fontSize)\">\n"
    for row in 0..<canvas.height {
      var run: [(column: Int, character: Character)] = []
      var runLook: Look?
      func flush() {
        guard let runLook, !run.isEmpty else { return }
        svg += text(run, row: row, look: runLook)
        run = []
      }
      for column in 0..<canvas.width {
        let cell = canvas[row, column]
        if cell.character == Canvas.wideTail { continue }
        guard Self.isGlyph(cell.character) else {
          flush()
          continue
        }
        let cellLook = look(cell.style)
        if cellLook.foreground != runLook?.foreground || cellLook.bold != runLook?.bold { flush() }
        runLook = cellLook
        // A glyph outside the Basic Multilingual Plane or of several scalars gets a text element of its own:
        // viewers disagree on how many x positions such a glyph takes.
        if cell.character.utf16.count != 1 {
          flush()
          svg += text([(column, cell.character)], row: row, look: cellLook)
        } else {
          run.append((column, cell.character))
        }
      }
      flush()
    }
    svg += "</g>\n"

    // Box-drawing characters: one path per colour and line weight, in the order they first appear; straight
    // pieces on one line join into one segment (no seams where cells meet).
    var pathOrder: [PathKey] = []
    var paths: [PathKey: PathPieces] = [:]
    for row in 0..<canvas.height {
      for column in 0..<canvas.width {
        let cell = canvas[row, column]
        guard let strokes = BoxDrawing.strokes(of: cell.character, width: cellWidth, height: cellHeight) else {
          continue
        }
        let colour = look(cell.style).foreground
        let (originX, originY) = (column * cellWidth, row * cellHeight)
        for stroke in strokes {
          let key = PathKey(colour: colour, heavy: stroke.heavy)
          if paths[key] == nil { pathOrder.append(key) }
          let points = stroke.points.map { (x: originX + $0.x, y: originY + $0.y) }
          paths[key, default: PathPieces()].add(points, curved: stroke.curved, format: px)
        }
      }
    }
    if !pathOrder.isEmpty {
      svg += "<g fill=\"none\" stroke-linecap=\"butt\" stroke-linejoin=\"miter\">\n"
      for key in pathOrder {
        let width = key.heavy ? BoxDrawing.heavyWidth : BoxDrawing.lightWidth
        svg += "<path stroke=\"\(key.colour)\" stroke-width=\"\(px(width))\" d=\"\(paths[key]!.data(format: px))\"/>\n"
      }
      svg += "</g>\n"
    }
    svg += "</svg>\n"
    return svg
  }

  /// What a cell looks like in the picture: concrete colours (reverse already applied).
  struct Look: Equatable {
    var foreground: RGB
    var background: RGB
    var bold: Bool
    var underline: Bool
  }

  struct PathKey: Hashable {
    var colour: RGB
    var heavy: Bool
  }

  /// The pieces of one path: horizontal and vertical segments (merged where they touch) and everything else.
  struct PathPieces {
    var horizontal: [Int: [(from: Int, to: Int)]] = [:]
    var vertical: [Int: [(from: Int, to: Int)]] = [:]
    var others: [String] = []

    mutating func add(_ points: [(x: Int, y: Int)], curved: Bool, format: (Int) -> String) {
      if points.count == 2 && !curved {
        let (a, b) = (points[0], points[1])
        if a.y == b.y {
          horizontal[a.y, default: []].append((min(a.x, b.x), max(a.x, b.x)))
          return
        }
        if a.x == b.x {
          vertical[a.x, default: []].append((min(a.y, b.y), max(a.y, b.y)))
          return
        }
      }
      let text = points.map { "\(format($0.x)) \(format($0.y))" }
      others.append("M" + text[0] + (curved ? "Q" : "L") + text.dropFirst().joined(separator: curved ? " " : "L"))
    }

    /// Horizontal lines top to bottom, vertical lines left to right, then the rest in drawing order.
    func data(format: (Int) -> String) -> String {
      var parts: [String] = []
      for y in horizontal.keys.sorted() {
        for (from, to) in Self.merged(horizontal[y]!) {
          parts.append("M\(format(from)) \(format(y))L\(format(to)) \(format(y))")
        }
      }
      for x in vertical.keys.sorted() {
        for (from, to) in Self.merged(vertical[x]!) {
          parts.append("M\(format(x)) \(format(from))L\(format(x)) \(format(to))")
        }
      }
      return (parts + others).joined(separator: " ")
    }

    /// Intervals sorted and joined where they overlap or touch.
    static func merged(_ intervals: [(from: Int, to: Int)]) -> [(from: Int, to: Int)] {
      var result: [(from: Int, to: Int)] = []
      for interval in intervals.sorted(by: { ($0.from, $0.to) < ($1.from, $1.to) }) {
        if let last = result.last, interval.from <= last.to {
          result[result.count - 1].to = max(last.to, interval.to)
        } else {
          result.append(interval)
        }
      }
      return result
    }
  }

  /// The foreground and background a cell is painted with: the theme's, else the paper's; swapped by reverse.
  func colours(_ look: Appearance) -> (foreground: RGB, background: RGB) {
    let foreground = look.foreground ?? defaultForeground
    let background = look.background ?? defaultBackground
    return look.reverse ? (background, foreground) : (foreground, background)
  }

  /// Whether a cell's character is drawn as a text glyph (not blank, not a wide glyph's tail, not a control
  /// character XML cannot hold, not a line or block drawn as geometry).
  static func isGlyph(_ character: Character) -> Bool {
    guard character != " ", character != Canvas.wideTail, Canvas.cellWidth(of: character) > 0 else { return false }
    if BoxDrawing.isLine(character) { return false }
    if BoxDrawing.block(character, width: 1, height: 1) != nil { return false }
    return !character.unicodeScalars.contains { $0.value < 0x20 || (0xFFFE...0xFFFF).contains($0.value) }
  }

  private func text(_ run: [(column: Int, character: Character)], row: Int, look: Look) -> String {
    let xs = run.map { px($0.column * cellWidth) }.joined(separator: " ")
    let y = px(row * cellHeight + baseline)
    let weight = look.bold ? " font-weight=\"bold\"" : ""
    let content = Self.escape(String(run.map(\.character)))
    return "<text x=\"\(xs)\" y=\"\(y)\" fill=\"\(look.foreground)\"\(weight)>\(content)</text>\n"
  }

  private func rect(x: Int, y: Int, width: Int, height: Int, fill: RGB, opacity: Int = 100) -> String {
    let fade = opacity == 100 ? "" : " fill-opacity=\"\(px(opacity))\""
    return
      "<rect x=\"\(px(x))\" y=\"\(px(y))\" width=\"\(px(width))\" height=\"\(px(height))\" fill=\"\(fill)\"\(fade)/>\n"
  }

  /// Hundredths of a pixel as a decimal without trailing zeros ("8.4", "17", "0.25").
  func px(_ hundredths: Int) -> String {
    let sign = hundredths < 0 ? "-" : ""
    let value = abs(hundredths)
    let whole = value / 100
    let fraction = value % 100
    if fraction == 0 { return "\(sign)\(whole)" }
    if fraction % 10 == 0 { return "\(sign)\(whole).\(fraction / 10)" }
    return "\(sign)\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
  }

  /// Text escaped for XML content and attribute values.
  static func escape(_ text: String) -> String {
    var escaped = ""
    for character in text {
      switch character {
      case "&": escaped += "&amp;"
      case "<": escaped += "&lt;"
      case ">": escaped += "&gt;"
      case "\"": escaped += "&quot;"
      default: escaped.append(character)
      }
    }
    return escaped
  }
}

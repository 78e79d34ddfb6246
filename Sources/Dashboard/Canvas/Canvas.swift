/// A grid of styled cells that panes draw into: the dashboard renders every pane onto a Canvas, and renderers turn
/// a Canvas into the terminal (through ncurses), plain text (for tests), ANSI or SVG (for screenshots).
///
/// Text is measured in terminal cells: a wide glyph takes two, and the cell after it holds `Canvas.wideTail`.
public struct Canvas: Sendable, Equatable {
  /// One cell: its character as scalars and its style. Plain data on purpose, not a `Character` (a string with
  /// a reference count): a frame at 160×50 is 8,000 cells that are written, compared with the previous frame and
  /// freed 30 times a second, and a reference-counted field made each of those steps a runtime call per cell.
  public struct Cell: Sendable, Equatable, Hashable {
    /// The spacing character.
    public var scalar: Unicode.Scalar
    /// A combining mark drawn on it (an accent), if any; a cell keeps one, the terminal's own limit being small.
    public var mark: Unicode.Scalar?
    public var style: CellStyle

    public init(scalar: Unicode.Scalar, mark: Unicode.Scalar? = nil, style: CellStyle = .text) {
      self.scalar = scalar
      self.mark = mark
      self.style = style
    }

    /// A cell showing `character`: its first scalar and its first combining mark; what else a cluster holds (a
    /// second mark, a zero-width joiner and the emoji after it) is not kept.
    public init(_ character: Character = " ", style: CellStyle = .text) {
      let scalars = character.unicodeScalars
      let first = scalars.first ?? " "
      // Almost every character is one scalar: then its UTF-8 is that scalar's alone.
      if character.utf8.count == UTF8.width(first) {
        self.init(scalar: first, style: style)
        return
      }
      var mark: Unicode.Scalar?
      for next in scalars.dropFirst() {
        switch next.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .spacingMark: mark = next
        default: continue
        }
        break
      }
      self.init(scalar: first, mark: mark, style: style)
    }

    /// Inlinable, so the terminal's frame diff (another module) compares 8,000 pairs a frame without a call each.
    @inlinable public static func == (left: Cell, right: Cell) -> Bool {
      left.scalar == right.scalar && left.style == right.style && left.mark == right.mark
    }

    /// The cell's text as one character.
    public var character: Character {
      get {
        guard let mark else { return Character(scalar) }
        var text = String.UnicodeScalarView()
        text.append(scalar)
        text.append(mark)
        return Character(String(text))
      }
      set { self = Cell(newValue, style: style) }
    }
  }

  /// The placeholder in the right half of a wide glyph; renderers skip it.
  public static let wideTail: Character = "\u{0}"
  public static let wideTailScalar: Unicode.Scalar = "\u{0}"

  public let width: Int
  public let height: Int
  public internal(set) var cells: [Cell]

  public init(width: Int, height: Int) {
    self.width = max(0, width)
    self.height = max(0, height)
    cells = Array(repeating: Cell(), count: self.width * self.height)
  }

  /// Builds a canvas from lines of text in one style (tests write expected screens this way).
  public init(lines: [String], style: CellStyle = .text) {
    let width = lines.map { Canvas.cellWidth(of: $0) }.max() ?? 0
    self.init(width: width, height: lines.count)
    for (row, line) in lines.enumerated() { put(line, row: row, column: 0, style: style) }
  }

  public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

  /// The cell at (row, column); outside the grid, a blank cell (reads never trap).
  public subscript(row: Int, column: Int) -> Cell {
    get {
      guard (0..<height).contains(row), (0..<width).contains(column) else { return Cell() }
      return cells[row * width + column]
    }
    set {
      guard (0..<height).contains(row), (0..<width).contains(column) else { return }
      cells[row * width + column] = newValue
    }
  }

  /// Writes `text` from (row, column) in `style`, clipped to `clip` (the whole canvas by default); returns the
  /// column after the last cell written (or that would have been written), so writes can be chained.
  @discardableResult
  public mutating func put(
    _ text: String, row: Int, column: Int, style: CellStyle = .text, clip: Rect? = nil
  ) -> Int {
    let ascii = text.utf8.withContiguousStorageIfAvailable { bytes in
      bytes.allSatisfy { $0 < 0x80 } ? putASCII(bytes, row: row, column: column, style: style, clip: clip) : nil
    }
    if let ascii, let end = ascii { return end }
    return putCharacters(text, row: row, column: column, style: style, clip: clip)
  }

  /// `put` one Character at a time, measuring each: the path for text that is not all ASCII.
  mutating func putCharacters(_ text: String, row: Int, column: Int, style: CellStyle, clip: Rect?) -> Int {
    let area = (clip ?? bounds).intersection(bounds)
    var x = column
    guard row >= area.y, row < area.maxY else { return column + Canvas.cellWidth(of: text) }
    for character in text {
      let w = Canvas.cellWidth(of: character)
      if x >= area.x && x < area.maxX {
        if w == 2 {
          if x + 1 < area.maxX {
            cells[row * width + x] = Cell(character, style: style)
            cells[row * width + x + 1] = Cell(Canvas.wideTail, style: style)
          } else {
            cells[row * width + x] = Cell(" ", style: style)
          }
        } else if w == 1 {
          cells[row * width + x] = Cell(character, style: style)
        }
      }
      x += w
    }
    return x
  }

  /// Fills `rect` (clipped to the canvas) with `character` in `style`.
  public mutating func fill(_ rect: Rect, with character: Character = " ", style: CellStyle = .text) {
    let area = rect.intersection(bounds)
    guard !area.isEmpty else { return }
    let cell = Cell(character, style: style)
    for row in area.y..<area.maxY {
      for column in area.x..<area.maxX { cells[row * width + column] = cell }
    }
  }

  /// Draws a frame around `rect` with `title` in its top edge; returns the inner rectangle content may use.
  @discardableResult
  public mutating func box(_ rect: Rect, title: String = "", focused: Bool = false) -> Rect {
    guard rect.width >= 2, rect.height >= 2 else { return .zero }
    let border = CellStyle.role(focused ? .focusBorder : .border)
    let (right, bottom) = (rect.maxX - 1, rect.maxY - 1)
    let horizontal = Cell(scalar: "─", style: border)
    let vertical = Cell(scalar: "│", style: border)
    for column in rect.x...right {
      self[rect.y, column] = horizontal
      self[bottom, column] = horizontal
    }
    for row in rect.y...bottom {
      self[row, rect.x] = vertical
      self[row, right] = vertical
    }
    self[rect.y, rect.x] = Cell(scalar: "┌", style: border)
    self[rect.y, right] = Cell(scalar: "┐", style: border)
    self[bottom, rect.x] = Cell(scalar: "└", style: border)
    self[bottom, right] = Cell(scalar: "┘", style: border)
    if !title.isEmpty && rect.width > 4 {
      let titleArea = Rect(x: rect.x + 1, y: rect.y, width: rect.width - 2, height: 1)
      put(" \(title) ", row: rect.y, column: rect.x + 1, style: .role(.title), clip: titleArea)
    }
    return rect.inner(1)
  }

  /// Copies `other` onto this canvas with its top-left cell at (row, column), clipped.
  public mutating func draw(_ other: Canvas, row: Int, column: Int) {
    for r in 0..<other.height {
      for c in 0..<other.width { self[row + r, column + c] = other.cells[r * other.width + c] }
    }
  }

  /// The canvas as lines of text, trailing spaces kept (wide glyphs once, their tails dropped).
  public var lines: [String] {
    (0..<height).map { row in
      String(cells[(row * width)..<((row + 1) * width)].lazy.map(\.character).filter { $0 != Canvas.wideTail })
    }
  }

  /// One run of equally styled cells on a row, for tests that assert styles without colours.
  public struct StyleRun: Sendable, Equatable, CustomStringConvertible {
    public var row: Int
    public var column: Int
    public var length: Int
    public var style: CellStyle

    public init(row: Int, column: Int, length: Int, style: CellStyle) {
      self.row = row
      self.column = column
      self.length = length
      self.style = style
    }

    public var description: String { "(\(row),\(column))+\(length) \(style)" }
  }

  /// Every run of cells whose style is not `.text`, row by row.
  public var styleRuns: [StyleRun] {
    var runs: [StyleRun] = []
    for row in 0..<height {
      var column = 0
      while column < width {
        let style = cells[row * width + column].style
        var end = column + 1
        while end < width && cells[row * width + end].style == style { end += 1 }
        if style != .text { runs.append(StyleRun(row: row, column: column, length: end - column, style: style)) }
        column = end
      }
    }
    return runs
  }

  /// The style of the cells covering `text`'s first occurrence on `row`, or nil when it is not there or mixed.
  public func style(of text: String, row: Int) -> CellStyle? {
    guard let line = lines[safe: row], let range = line.firstRange(of: text) else { return nil }
    let start = Canvas.cellWidth(of: String(line[..<range.lowerBound]))
    let styles = Set((start..<(start + Canvas.cellWidth(of: text))).map { self[row, $0].style })
    return styles.count == 1 ? styles.first : nil
  }

  /// Cells a string takes in a terminal.
  public static func cellWidth(of text: String) -> Int { text.reduce(0) { $0 + cellWidth(of: $1) } }

  /// Cells a character takes: 0 for combining marks and controls, 2 for East Asian wide and emoji, else 1.
  public static func cellWidth(of character: Character) -> Int {
    guard let scalar = character.unicodeScalars.first else { return 0 }
    let v = scalar.value
    if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
    // No nonspacing mark lies below U+0300 or in U+2100–U+2CEE (letterlike symbols, arrows, box drawing, blocks,
    // shapes, dingbats: what panes draw), so those skip the Unicode property lookup.
    if v >= 0x300 && !(0x2100..<0x2CEF).contains(v) && scalar.properties.generalCategory == .nonspacingMark {
      return 0
    }
    if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
      || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
      || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v) || (0x1F900...0x1F9FF).contains(v)
      || (0x20000...0x3FFFD).contains(v)
    {
      return 2
    }
    return 1
  }
}

extension Array {
  subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

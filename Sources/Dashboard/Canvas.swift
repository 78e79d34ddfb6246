/// A grid of styled cells that panes draw into: the dashboard renders every pane onto a Canvas, and renderers turn
/// a Canvas into the terminal (through ncurses), plain text (for tests) or SVG (for screenshots).
public struct Canvas: Sendable, Equatable {
  public struct Style: Sendable, Equatable, Hashable {
    public var foreground: UInt8
    public var background: UInt8
    public var bold: Bool
    public var reverse: Bool

    public init(foreground: UInt8 = 7, background: UInt8 = 0, bold: Bool = false, reverse: Bool = false) {
      self.foreground = foreground
      self.background = background
      self.bold = bold
      self.reverse = reverse
    }

    public static let plain = Style()
  }

  public struct Cell: Sendable, Equatable {
    public var character: Character
    public var style: Style

    public init(_ character: Character = " ", style: Style = .plain) {
      self.character = character
      self.style = style
    }
  }

  public let width: Int
  public let height: Int
  public private(set) var cells: [Cell]

  public init(width: Int, height: Int) {
    self.width = max(0, width)
    self.height = max(0, height)
    cells = Array(repeating: Cell(), count: self.width * self.height)
  }

  public subscript(row: Int, column: Int) -> Cell {
    get { cells[row * width + column] }
    set {
      guard (0..<height).contains(row), (0..<width).contains(column) else { return }
      cells[row * width + column] = newValue
    }
  }

  /// Writes `text` from (row, column), clipped at the right edge and outside the canvas.
  public mutating func put(_ text: String, row: Int, column: Int, style: Style = .plain) {
    guard (0..<height).contains(row) else { return }
    var x = column
    for character in text {
      if x >= width { break }
      if x >= 0 { cells[row * width + x] = Cell(character, style: style) }
      x += 1
    }
  }

  /// The canvas as lines of text, trailing spaces kept, for tests and `capture`-style comparisons.
  public var lines: [String] {
    (0..<height).map { row in String(cells[(row * width)..<((row + 1) * width)].map(\.character)) }
  }
}

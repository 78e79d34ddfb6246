/// How many colours a terminal (or a file meant for `cat`) can show.
public enum ColourDepth: String, Sendable, CaseIterable {
  /// 24-bit SGR colours (`38;2;r;g;b`), exactly the theme's hex.
  case trueColour = "truecolor"
  /// xterm's 256-colour palette (`38;5;n`), the nearest entry to each hex.
  case xterm256 = "256"
  /// The 16 ANSI colours (`30–37`, `90–97`), the nearest of each.
  case ansi16 = "16"
  /// No colours: bold, underline and reverse only.
  case none
}

/// A Canvas as text with ANSI SGR escape sequences, for `cat` in a terminal: each run of equally styled cells
/// starts with a full SGR (reset, attributes, colours) and every line ends with a reset, so a cut-off file never
/// leaves the terminal coloured.
public enum ANSIRenderer {
  public static let reset = "\u{1B}[0m"

  public static func render(_ canvas: Canvas, theme: Theme, depth: ColourDepth = .trueColour) -> String {
    var output = ""
    var sequences: [CellStyle: String] = [:]
    for row in 0..<canvas.height {
      var current: CellStyle?
      for column in 0..<canvas.width {
        let cell = canvas[row, column]
        if cell.character == Canvas.wideTail { continue }
        if cell.style != current {
          current = cell.style
          if let known = sequences[cell.style] {
            output += known
          } else {
            let sequence = sgr(theme.resolvedAppearance(of: cell.style), depth: depth)
            sequences[cell.style] = sequence
            output += sequence
          }
        }
        output.append(Canvas.cellWidth(of: cell.character) == 0 ? " " : cell.character)
      }
      output += reset + "\n"
    }
    return output
  }

  /// The SGR sequence that draws `look`: always starting from a reset, so no attribute leaks from the last run.
  public static func sgr(_ look: Appearance, depth: ColourDepth) -> String {
    var parameters = ["0"]
    if look.bold { parameters.append("1") }
    if look.underline { parameters.append("4") }
    if look.reverse { parameters.append("7") }
    if let colour = look.foreground, let code = colourParameter(colour, depth: depth, background: false) {
      parameters.append(code)
    }
    if let colour = look.background, let code = colourParameter(colour, depth: depth, background: true) {
      parameters.append(code)
    }
    return "\u{1B}[" + parameters.joined(separator: ";") + "m"
  }

  static func colourParameter(_ colour: RGB, depth: ColourDepth, background: Bool) -> String? {
    switch depth {
    case .trueColour:
      return "\(background ? 48 : 38);2;\(colour.red);\(colour.green);\(colour.blue)"
    case .xterm256:
      return "\(background ? 48 : 38);5;\(colour.xterm256Index)"
    case .ansi16:
      let index = colour.ansi16Index
      let base = index < 8 ? (background ? 40 : 30) : (background ? 100 : 90)
      return String(base + index % 8)
    case .none:
      return nil
    }
  }
}

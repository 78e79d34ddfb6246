/// A Canvas as plain text: one line per row, wide glyphs once, no styles. What `snapshot --out FILE.txt` writes
/// and what pane tests compare.
public enum TextRenderer {
  /// The rows joined by newlines, each ending in one; trailing spaces dropped unless `keepTrailingSpaces`.
  public static func render(_ canvas: Canvas, keepTrailingSpaces: Bool = false) -> String {
    var output = ""
    for line in canvas.lines {
      if keepTrailingSpaces {
        output += line
      } else {
        var trimmed = Substring(line)
        while trimmed.last == " " { trimmed = trimmed.dropLast() }
        output += trimmed
      }
      output += "\n"
    }
    return output
  }
}

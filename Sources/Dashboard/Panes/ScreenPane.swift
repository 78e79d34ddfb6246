import Emulator

/// The guest's 80×25 VGA text screen, each cell in the attribute the guest wrote (`.vga(attribute:)`), the cursor
/// cell with its colours swapped. An area smaller than the screen shows the rows around the cursor.
enum ScreenPane: Pane {
  static func draw(_ context: PaneContext, in area: Rect, on canvas: inout Canvas) -> [ClickTarget] {
    let screen = context.snapshot.screen
    let rows = MachineSnapshot.Screen.rows
    let columns = MachineSnapshot.Screen.columns
    let shownRows = min(rows, area.height)
    let first = max(0, min(rows - shownRows, screen.cursorRow - shownRows / 2))
    let shownColumns = min(columns, area.width)
    guard screen.cells.count >= rows * columns else { return [] }
    for row in 0..<shownRows {
      for column in 0..<shownColumns {
        let cell = screen.cells[(first + row) * columns + column]
        var attribute = UInt8(truncatingIfNeeded: cell >> 8)
        if screen.cursorVisible && first + row == screen.cursorRow && column == screen.cursorColumn {
          attribute = (attribute << 4 & 0x70) | (attribute >> 4 & 0x07) | (attribute & 0x08)
        }
        canvas[area.y + row, area.x + column] = Canvas.Cell(
          scalar: CodePage437.scalar(UInt8(truncatingIfNeeded: cell)), style: .vga(attribute: attribute))
      }
    }
    return []
  }
}

/// The IBM PC's code page 437: what each byte of VGA text memory looks like.
enum CodePage437 {
  static let table: [Character] = Array(
    " ☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼"
      + " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~⌂"
      + "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀"
      + "αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{A0}")

  /// Each glyph is one scalar.
  static let scalars: [Unicode.Scalar] = table.map { $0.unicodeScalars.first! }
  static func scalar(_ byte: UInt8) -> Unicode.Scalar { scalars[Int(byte)] }
}

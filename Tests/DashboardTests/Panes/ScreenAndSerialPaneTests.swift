import Testing

@testable import Dashboard
@testable import Emulator

struct ScreenAndSerialPaneTests {
  static func screen(_ text: [(row: Int, column: Int, byte: UInt8, attribute: UInt8)], cursor: (Int, Int))
    -> MachineSnapshot.Screen
  {
    var cells = [UInt16](repeating: 0x0720, count: 80 * 25)  // grey on black spaces, as the BIOS clears
    for cell in text { cells[cell.row * 80 + cell.column] = UInt16(cell.attribute) << 8 | UInt16(cell.byte) }
    return MachineSnapshot.Screen(
      cells: cells, cursorRow: cursor.0, cursorColumn: cursor.1, cursorVisible: true, blinkEnabled: true)
  }

  @Test func guestCellsKeepTheirAttributeAndTheCursorSwapsColours() {
    // "Hi" bright white on blue (0x1F); CP437 0x01 is ☺ and 0xDB the full block; the cursor sits after them.
    let snapshot = SnapshotFixture.make {
      $0.screen = Self.screen(
        [(0, 0, 0x48, 0x1F), (0, 1, 0x69, 0x1F), (0, 2, 0x01, 0x07), (0, 3, 0xDB, 0x04)], cursor: (0, 4))
    }
    let (canvas, _) = SnapshotFixture.render(.screen, snapshot, width: 80, height: 25)
    #expect(canvas.lines[0].hasPrefix("Hi☺█ "))
    #expect(canvas[0, 0].style == .vga(attribute: 0x1F))
    #expect(canvas[0, 3].style == .vga(attribute: 0x04))
    #expect(canvas[0, 4].style == .vga(attribute: 0x70))  // 0x07 with foreground and background swapped
    #expect(canvas[0, 5].style == .vga(attribute: 0x07))
  }

  @Test func aShortAreaShowsTheRowsAroundTheCursor() {
    let snapshot = SnapshotFixture.make {
      $0.screen = Self.screen([(20, 0, 0x41, 0x07), (24, 0, 0x42, 0x07)], cursor: (20, 1))
    }
    // 5 rows: the cursor's row 20 in the middle, rows 18–22.
    let (canvas, _) = SnapshotFixture.render(.screen, snapshot, width: 80, height: 5)
    #expect(canvas.lines[2].hasPrefix("A "))
    #expect(!canvas.lines.contains { $0.hasPrefix("B") })
  }

  @Test func serialBytesBecomeLinesNewestAtTheBottom() {
    let snapshot = SnapshotFixture.make {
      $0.serialTail = Array("boot\r\nab\u{8}c\tx\nready> ".utf8)
      $0.serialTotal = UInt64($0.serialTail.count)
    }
    let (canvas, _) = SnapshotFixture.render(.serial, snapshot, width: 20, height: 2)
    #expect(SnapshotFixture.trimmed(canvas) == ["ac      x", "ready>"])
    var state = DashboardState()
    state.scroll[.serial] = 1
    let (back, _) = SnapshotFixture.render(.serial, snapshot, state: state, width: 20, height: 2)
    #expect(SnapshotFixture.trimmed(back) == ["boot", "ac      x"])
  }
}

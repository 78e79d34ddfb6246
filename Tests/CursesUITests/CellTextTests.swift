import Testing

@testable import CursesUI

/// What setcchar gets for a cell: X/Open allows one spacing character followed by non-spacing ones, at most
/// CCHARW_MAX (5 in ncurses) code points, NUL-terminated.
@Suite struct CellTextTests {
  @Test func aPlainCharacterIsItsCodePointThenNul() {
    #expect(CellText.codePoints(of: "A", limit: 5) == [0x41, 0])
    #expect(CellText.codePoints(of: "─", limit: 5) == [0x2500, 0])
  }

  @Test func combiningMarksStayWithTheirBase() {
    #expect(CellText.codePoints(of: "e\u{301}", limit: 5) == [0x65, 0x301, 0])
  }

  @Test func aJoinedEmojiKeepsItsFirstCharacter() {
    // man + ZWJ + woman: the joiner and the second person are spacing or format characters.
    #expect(CellText.codePoints(of: "👨\u{200D}👩", limit: 5) == [0x1F468, 0])
  }

  @Test func controlCharactersBecomeSpaces() {
    #expect(CellText.codePoints(of: "\u{7}", limit: 5) == [0x20, 0])
    #expect(CellText.codePoints(of: "\u{9B}", limit: 5) == [0x20, 0])
  }
}

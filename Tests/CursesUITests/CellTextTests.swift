import CNcurses
import Dashboard
import Testing

@testable import CursesUI

/// What setcchar gets for a cell: X/Open allows one spacing character followed by non-spacing ones, at most
/// CCHARW_MAX (5 in ncurses) code points, NUL-terminated.
@Suite struct CellTextTests {
  /// The code points up to and including the NUL, for a cell made from `character`.
  private func points(_ character: Character) -> [Int32] {
    let (first, second, third) = CellText.codePoints(of: Canvas.Cell(character))
    return second == 0 ? [first, 0] : [first, second, third]
  }

  @Test func aPlainCharacterIsItsCodePointThenNul() {
    #expect(points("A") == [0x41, 0])
    #expect(points("─") == [0x2500, 0])
  }

  @Test func combiningMarksStayWithTheirBase() {
    #expect(points("e\u{301}") == [0x65, 0x301, 0])
    // A base, a mark and NUL must fit in one cchar_t.
    #expect(irq_cchar_max() >= 2)
  }

  @Test func aJoinedEmojiKeepsItsFirstCharacter() {
    // man + ZWJ + woman: the joiner and the second person are spacing or format characters.
    #expect(points("👨\u{200D}👩") == [0x1F468, 0])
  }

  @Test func controlCharactersBecomeSpaces() {
    #expect(points("\u{7}") == [0x20, 0])
    #expect(points("\u{9B}") == [0x20, 0])
  }
}

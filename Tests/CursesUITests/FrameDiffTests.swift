import Dashboard
import Testing

@testable import CursesUI

@Suite struct FrameDiffTests {
  @Test func theFirstFrameAndAResizedFrameAreDrawnWhole() {
    let frame = Canvas(lines: ["ab", "cd"])
    #expect(FrameDiff.cellsToDraw(from: nil, to: frame) == nil)
    #expect(FrameDiff.cellsToDraw(from: Canvas(lines: ["abc", "def"]), to: frame) == nil)
  }

  @Test func onlyChangedCellsAreSent() {
    let before = Canvas(lines: ["IRR 00000000", "ISR 00000000"])
    var after = before
    after.put("1", row: 0, column: 10)
    after.put("0", row: 1, column: 11)  // unchanged text
    after.put("1", row: 1, column: 4, style: .role(.isr))
    // Row-major indices of a 12-wide canvas: (0,10) = 10, (1,4) = 16.
    #expect(FrameDiff.cellsToDraw(from: before, to: after) == [10, 16])
    #expect(FrameDiff.cellsToDraw(from: after, to: after) == [])
  }

  @Test func aStyleChangeAloneIsSent() {
    let before = Canvas(lines: ["IMR 1"])
    var after = before
    after[0, 4] = Canvas.Cell("1", style: .role(.imr))
    #expect(FrameDiff.cellsToDraw(from: before, to: after) == [4])
  }

  @Test func aWideGlyphIsSentFromItsLeftHalfOnce() {
    let before = Canvas(lines: ["abcd"])
    var after = before
    after.put("中", row: 0, column: 1)  // takes columns 1 and 2
    #expect(FrameDiff.cellsToDraw(from: before, to: after) == [1])
    var restyled = after
    restyled[0, 2] = Canvas.Cell(Canvas.wideTail, style: .role(.changed))  // only the right half differs
    #expect(FrameDiff.cellsToDraw(from: after, to: restyled) == [1])
  }
}

import Testing

@testable import Dashboard

struct CanvasTests {
  @Test func putClipsTextAtTheRightEdge() {
    var canvas = Canvas(width: 5, height: 2)
    canvas.put("hello world", row: 1, column: 2)
    #expect(canvas.lines == ["     ", "  hel"])
  }

  @Test func putOutsideTheCanvasIsIgnored() {
    var canvas = Canvas(width: 3, height: 1)
    canvas.put("x", row: 4, column: 0)
    canvas.put("ab", row: 0, column: -1)
    #expect(canvas.lines == ["b  "])
  }

  @Test func putClipsToARectangle() {
    var canvas = Canvas(width: 6, height: 2)
    canvas.put("abcdef", row: 0, column: 0, clip: Rect(x: 1, y: 0, width: 3, height: 1))
    canvas.put("zz", row: 1, column: 0, clip: Rect(x: 0, y: 0, width: 6, height: 1))
    #expect(canvas.lines == [" bcd  ", "      "])
  }

  @Test func wideGlyphTakesTwoCellsAndIsNotSplitAtTheEdge() {
    var canvas = Canvas(width: 5, height: 1)
    let end = canvas.put("a界b", row: 0, column: 0)
    #expect(end == 4)
    #expect(canvas[0, 2].character == Canvas.wideTail)
    #expect(canvas.lines == ["a界b "])
    var edge = Canvas(width: 3, height: 1)
    edge.put("ab界", row: 0, column: 0)
    #expect(edge.lines == ["ab "])
  }

  @Test func aCellKeepsItsBaseAndOneCombiningMark() {
    #expect(Canvas.Cell("e\u{301}").character == "e\u{301}")
    #expect(Canvas.Cell("e\u{301}").mark == "\u{301}")
    // A second mark, or a joiner and the emoji after it, are not kept.
    #expect(Canvas.Cell("a\u{301}\u{302}").character == "a\u{301}")
    #expect(Canvas.Cell("👨\u{200D}👩").character == "👨")
    var canvas = Canvas(width: 3, height: 1)
    canvas.put("xé", row: 0, column: 0)
    #expect(canvas.lines == ["xé "])
  }

  @Test func readOutsideTheGridIsABlankCell() {
    let canvas = Canvas(width: 2, height: 2)
    #expect(canvas[-1, 0] == Canvas.Cell())
    #expect(canvas[0, 9] == Canvas.Cell())
  }

  @Test func boxDrawsAFrameWithItsTitleAndReturnsTheInside() {
    var canvas = Canvas(width: 10, height: 4)
    let inside = canvas.box(canvas.bounds, title: "PIC", focused: true)
    #expect(inside == Rect(x: 1, y: 1, width: 8, height: 2))
    #expect(canvas.lines == ["┌ PIC ───┐", "│        │", "│        │", "└────────┘"])
    #expect(canvas.style(of: "PIC", row: 0) == .role(.title))
    #expect(canvas[3, 0].style == .role(.focusBorder))
  }

  @Test func styleRunsListEveryNonTextRun() {
    var canvas = Canvas(width: 6, height: 1)
    canvas.put("ab", row: 0, column: 1, style: .role(.irr))
    canvas.put("c", row: 0, column: 4, style: .vga(attribute: 0x1F))
    #expect(
      canvas.styleRuns == [
        .init(row: 0, column: 1, length: 2, style: .role(.irr)),
        .init(row: 0, column: 4, length: 1, style: .vga(attribute: 0x1F)),
      ])
  }

  @Test func rectGeometry() {
    let r = Rect(x: 2, y: 3, width: 10, height: 5)
    #expect(r.inner(1) == Rect(x: 3, y: 4, width: 8, height: 3))
    #expect(r.intersection(Rect(x: 0, y: 0, width: 4, height: 4)) == Rect(x: 2, y: 3, width: 2, height: 1))
    #expect(r.intersection(Rect(x: 50, y: 50, width: 1, height: 1)).isEmpty)
    #expect(r.contains(row: 3, column: 11) && !r.contains(row: 8, column: 2))
    #expect(Rect(x: 0, y: 0, width: 1, height: 1).inner(1).isEmpty)
  }

  @Test func vgaStyleTakesItsColoursFromTheAttribute() {
    let style = CellStyle.vga(attribute: 0x9E)  // blink-or-bright background 1 (blue), foreground 14 (yellow)
    #expect(style.foregroundRole == .vga14)
    #expect(style.backgroundRole == .vga1)
  }
}

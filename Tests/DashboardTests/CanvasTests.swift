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
}

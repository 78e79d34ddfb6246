import Testing

@testable import Dashboard

struct ASCIIPutTests {
  @Test func theASCIIFastPathWritesWhatTheCharacterPathWrites() {
    let clip = Rect(x: 2, y: 0, width: 5, height: 2)
    for text in ["hello world", "ab\tc", "", "x", "0123456789", "tab\u{7F}del"] {
      for column in [-3, 0, 2, 4, 9] {
        var slow = Canvas(width: 10, height: 2)
        var fast = Canvas(width: 10, height: 2)
        let slowEnd = slow.putCharacters(text, row: 1, column: column, style: .role(.value), clip: clip)
        let fastEnd = fast.put(text, row: 1, column: column, style: .role(.value), clip: clip)  // ASCII: the fast path
        #expect(fast == slow, "\(text) at \(column)")
        #expect(fastEnd == slowEnd, "\(text) at \(column)")
      }
    }
  }

  @Test func nonASCIITextFallsBackToPut() {
    var canvas = Canvas(width: 6, height: 1)
    let end = canvas.put("a界·", row: 0, column: 0, style: .text, clip: canvas.bounds)
    #expect(end == 4)
    #expect(canvas.lines == ["a界·  "])
  }
}

import Testing

@testable import Dashboard
@testable import Emulator

/// A memoised row is the row as drawn: copied to wherever it is asked for, redrawn when its content differs.
struct RowMemoTests {
  @Test func anEqualKeyCopiesTheRowInsteadOfDrawingIt() {
    let memo = RowMemo<Int, String>()
    var draws = 0
    let area = Rect(x: 2, y: 1, width: 6, height: 3)
    var first = Canvas(width: 10, height: 5)
    memo.row(1, "a", 1, of: area, on: &first) { canvas in
      draws += 1
      canvas.put("hello!", row: 1, column: 2, style: .role(.value))
    }
    var second = Canvas(width: 10, height: 5)
    memo.row(1, "a", 3, of: area, on: &second) { _ in draws += 1 }
    #expect(draws == 1)
    #expect(second.lines[3] == "  hello!  ")
    #expect(second[3, 2].style == .role(.value))
    #expect(second.lines[1] == "          ", "only the row asked for is written")
    memo.row(1, "b", 2, of: area, on: &second) { canvas in
      draws += 1
      canvas.put("other", row: 2, column: 2)
    }
    #expect(draws == 2)
    #expect(second.lines[2] == "  other   ")
    // The ID keeps its latest row only: "a" is drawn again.
    var third = Canvas(width: 10, height: 5)
    memo.row(1, "a", 1, of: area, on: &third) { canvas in
      draws += 1
      canvas.put("hello!", row: 1, column: 2)
    }
    #expect(draws == 3)
  }

  @Test func theLogDrawsTheSameRowsFromTheMemoAsFresh() {
    var events: [TraceEvent] = []
    for index in 0..<6 {
      let cycle = UInt64(1000 + index * 1_000_000)
      events.append(
        SnapshotFixture.irqEvent(
          irq: 0, vector: 0x20, cycle: cycle, eoi: cycle + 76, latency: 0, source: "pit", handler: "timer_isr"))
    }
    var state = DashboardState()
    state.observe(SnapshotFixture.make(cycles: 10_000_000) { $0.trace = events }, previous: nil)
    let now = SnapshotFixture.make(cycles: 10_000_000)
    // Four rows: the header, then the newest three records (3, 4, 5), drawn fresh and then from the memo.
    let (fresh, _) = SnapshotFixture.render(.log, now, state: state, width: 80, height: 4)
    let (again, _) = SnapshotFixture.render(.log, now, state: state, width: 80, height: 4)
    #expect(again == fresh)
    // Record 5 at cycle 5,001,000 of 100,000,000 a second.
    #expect(SnapshotFixture.trimmed(fresh)[3].hasPrefix("  0.050010 pit      IRQ0   20  timer_isr"))
    // Scrolled back one: records 2, 3, 4, so record 4 moves from row 2 to row 3, copied as it was drawn.
    state.scroll[.log] = 1
    let (scrolled, _) = SnapshotFixture.render(.log, now, state: state, width: 80, height: 4)
    #expect(scrolled.lines[3] == fresh.lines[2])
    #expect(scrolled.lines[3].hasPrefix("  0.040010 "))
  }
}

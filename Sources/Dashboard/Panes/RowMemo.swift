import Synchronization

/// Rows a pane drew before, by what they were drawn from: a row whose inputs equal an earlier row's is copied
/// instead of spelled again. The log scrolls rows that do not change and the IDT redraws twenty that rarely do, 30
/// times a second; copying 40 cells costs a fraction of formatting them. `Key` must hold everything the row shows
/// (its width included), compared in full by `==`: a stale row can only come from a key that leaves something out.
final class RowMemo<Key: Hashable & Sendable>: Sendable {
  private let rows = Mutex<[Key: [Canvas.Cell]]>([:])
  /// Rows kept; the memo starts over when full (the rows a frame shows are far fewer).
  let capacity: Int

  init(capacity: Int = 1024) { self.capacity = capacity }

  /// Fills row `row` of `area` from the memo, or with `draw` (which must write only that row of `area`, over blank
  /// cells) and keeps the result.
  func row(_ key: Key, _ row: Int, of area: Rect, on canvas: inout Canvas, draw: (inout Canvas) -> Void) {
    let span = Rect(x: area.x, y: row, width: area.width, height: 1).intersection(canvas.bounds)
    guard !span.isEmpty else { return }
    let range = (row * canvas.width + span.x)..<(row * canvas.width + span.maxX)
    if let cells = rows.withLock({ $0[key] }), cells.count == range.count {
      canvas.cells.replaceSubrange(range, with: cells)
      return
    }
    draw(&canvas)
    let cells = Array(canvas.cells[range])
    rows.withLock { rows in
      if rows.count >= capacity { rows.removeAll(keepingCapacity: true) }
      rows[key] = cells
    }
  }
}

import Synchronization

/// Rows a pane drew before, by what they were drawn from: a row whose inputs equal an earlier row's is copied
/// instead of spelled again. The log scrolls rows that do not change and the IDT redraws twenty that rarely do, 30
/// times a second; copying 40 cells costs a fraction of formatting them.
///
/// Each row has an `ID` (a record's sequence number, a vector) and `Content`: everything the row shows, its width
/// included, compared in full with `==` — a stale row could only come from content that leaves something out. An
/// ID keeps its latest row. Entries are objects so a lookup compares content in place instead of copying it.
final class RowMemo<ID: Hashable & Sendable, Content: Equatable & Sendable>: Sendable {
  private final class Entry: Sendable {
    let content: Content
    let cells: [Canvas.Cell]

    init(_ content: Content, _ cells: [Canvas.Cell]) {
      self.content = content
      self.cells = cells
    }
  }

  private let rows = Mutex<[ID: Entry]>([:])
  /// Rows kept; the memo starts over when full (the rows a frame shows are far fewer).
  let capacity: Int

  init(capacity: Int = 1024) { self.capacity = capacity }

  /// Fills row `row` of `area` from the memo, or with `draw` (which must write only that row of `area`, over blank
  /// cells) and keeps the result.
  func row(
    _ id: ID, _ content: Content, _ row: Int, of area: Rect, on canvas: inout Canvas, draw: (inout Canvas) -> Void
  ) {
    let span = Rect(x: area.x, y: row, width: area.width, height: 1).intersection(canvas.bounds)
    guard !span.isEmpty else { return }
    let start = row * canvas.width + span.x
    if let entry = rows.withLock({ $0[id] }), entry.cells.count == span.width, entry.content == content {
      // Cell by cell: replaceSubrange would also move the rest of the canvas onto itself.
      canvas.cells.withUnsafeMutableBufferPointer { buffer in
        for (offset, cell) in entry.cells.enumerated() { buffer[start + offset] = cell }
      }
      return
    }
    draw(&canvas)
    let entry = Entry(content, Array(canvas.cells[start..<(start + span.width)]))
    rows.withLock { rows in
      if rows.count >= capacity && rows[id] == nil { rows.removeAll(keepingCapacity: true) }
      rows[id] = entry
    }
  }
}

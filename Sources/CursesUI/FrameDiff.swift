import Dashboard

/// Which cells of a frame must be sent to the terminal, given the frame before it.
enum FrameDiff {
  /// The indices (row-major) to draw, in order; nil when the whole frame must be drawn (no previous frame, or
  /// one of another size). A changed right half of a wide glyph is drawn from its left half, once.
  static func cellsToDraw(from previous: Canvas?, to canvas: Canvas) -> [Int]? {
    guard let previous, previous.width == canvas.width, previous.height == canvas.height else { return nil }
    var indices: [Int] = []
    canvas.cells.withUnsafeBufferPointer { cells in
      previous.cells.withUnsafeBufferPointer { before in
        for index in cells.indices where cells[index] != before[index] {
          var target = index
          if cells[index].scalar == Canvas.wideTailScalar && index % canvas.width > 0 { target = index - 1 }
          if let last = indices.last, last >= target { continue }
          indices.append(target)
        }
      }
    }
    return indices
  }
}

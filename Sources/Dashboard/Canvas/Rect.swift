/// A rectangle of cells: `x`, `y` of the top-left cell, `width` columns, `height` rows.
public struct Rect: Sendable, Hashable, CustomStringConvertible {
  public var x: Int
  public var y: Int
  public var width: Int
  public var height: Int

  public init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = max(0, width)
    self.height = max(0, height)
  }

  public static let zero = Rect(x: 0, y: 0, width: 0, height: 0)

  public var isEmpty: Bool { width == 0 || height == 0 }
  public var maxX: Int { x + width }
  public var maxY: Int { y + height }
  public var description: String { "\(width)x\(height)+\(x)+\(y)" }

  public func contains(row: Int, column: Int) -> Bool {
    row >= y && row < maxY && column >= x && column < maxX
  }

  /// The rectangle shrunk by `margin` cells on every side.
  public func inner(_ margin: Int = 1) -> Rect {
    Rect(x: x + margin, y: y + margin, width: width - 2 * margin, height: height - 2 * margin)
  }

  public func intersection(_ other: Rect) -> Rect {
    let left = max(x, other.x)
    let top = max(y, other.y)
    let right = min(maxX, other.maxX)
    let bottom = min(maxY, other.maxY)
    guard right > left, bottom > top else { return Rect(x: left, y: top, width: 0, height: 0) }
    return Rect(x: left, y: top, width: right - left, height: bottom - top)
  }

  /// The first `rows` rows, and what is left below them.
  public func splitTop(_ rows: Int) -> (top: Rect, rest: Rect) {
    let n = min(max(0, rows), height)
    return (
      Rect(x: x, y: y, width: width, height: n),
      Rect(x: x, y: y + n, width: width, height: height - n)
    )
  }

  /// The first `columns` columns, and what is left to their right.
  public func splitLeft(_ columns: Int) -> (left: Rect, rest: Rect) {
    let n = min(max(0, columns), width)
    return (
      Rect(x: x, y: y, width: n, height: height),
      Rect(x: x + n, y: y, width: width - n, height: height)
    )
  }
}

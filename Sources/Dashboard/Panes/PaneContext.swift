import Emulator

/// What every pane draws from: the snapshot, the one before it, the dashboard's state (scroll offsets, selection,
/// highlight history, log) and the wall time between the two snapshots. Panes read nothing else.
public struct PaneContext: Sendable {
  public var snapshot: MachineSnapshot
  public var previous: MachineSnapshot?
  public var state: DashboardState
  /// Wall seconds between `previous` and `snapshot` (for live MIPS); 0 when unknown.
  public var wallSeconds: Double

  public init(snapshot: MachineSnapshot, previous: MachineSnapshot?, state: DashboardState, wallSeconds: Double) {
    self.snapshot = snapshot
    self.previous = previous
    self.state = state
    self.wallSeconds = wallSeconds
  }

  /// `role` unless the history says `key` changed lately.
  func role(_ key: HighlightHistory.Key, otherwise role: Role) -> CellStyle {
    .role(state.history.role(key) ?? role)
  }
}

/// A pane draws its content into `area` (the inside of its frame) and returns the click targets it offers.
protocol Pane {
  static func draw(_ context: PaneContext, in area: Rect, on canvas: inout Canvas) -> [ClickTarget]
}

/// A cursor over a pane's area that writes one line at a time, clipped to the area.
struct LineWriter {
  let area: Rect
  var row: Int
  var column: Int

  init(_ area: Rect) {
    self.area = area
    row = area.y
    column = area.x
  }

  var isFull: Bool { row >= area.maxY }
  var rowsLeft: Int { max(0, area.maxY - row) }

  /// Writes `text` at the cursor and moves it along the line.
  mutating func put(_ text: String, _ style: CellStyle = .text, on canvas: inout Canvas) {
    column = canvas.put(text, row: row, column: column, style: style, clip: area)
  }

  mutating func put(_ text: String, _ role: Role, on canvas: inout Canvas) {
    put(text, .role(role), on: &canvas)
  }

  mutating func newline() {
    row += 1
    column = area.x
  }
}

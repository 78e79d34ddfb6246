import Emulator

/// Every IDT vector: number, what it is for, times taken, gate type, present and DPL, selector:offset and the
/// handler's symbol; the vector in flight highlighted and, until the user scrolls, kept in view.
enum IDTPane: Pane {
  static let header =
    "## " + Format.pad("what", 18) + " " + Format.pad("taken", 6, right: true) + " " + Format.pad("type", 6)
    + " PD " + Format.pad("sel:offset", 13) + " handler"

  static func draw(_ context: PaneContext, in area: Rect, on canvas: inout Canvas) -> [ClickTarget] {
    let snapshot = context.snapshot
    let vectors = snapshot.vectors
    var line = LineWriter(area)
    line.put(header, .header, on: &canvas)
    line.newline()
    guard !vectors.isEmpty else {
      line.put("IDTR limit " + Format.hex(snapshot.processor.idtr.limit, 4) + ": no vectors", .dim, on: &canvas)
      return []
    }
    let inFlight = InFlight.vector(snapshot)
    let rows = line.rowsLeft
    let first = firstRow(context, count: vectors.count, rows: rows, inFlight: inFlight)
    for vector in vectors[first...] where !line.isFull {
      let current = vector.number == inFlight
      if current { canvas.fill(Rect(x: area.x, y: line.row, width: area.width, height: 1), style: .role(.active)) }
      drawRow(vector, context: context, current: current, line: &line, on: &canvas)
      line.newline()
    }
    return []
  }

  /// The first vector shown: around the one in flight while following it, else the scroll offset (clamped).
  static func firstRow(_ context: PaneContext, count: Int, rows: Int, inFlight: Int?) -> Int {
    let last = max(0, count - rows)
    if context.state.idtFollowsInFlight, let inFlight {
      return min(max(0, inFlight - rows / 3), last)
    }
    return min(context.state.scrollOffset(.idt), last)
  }

  static func drawRow(
    _ vector: MachineSnapshot.Vector, context: PaneContext, current: Bool, line: inout LineWriter,
    on canvas: inout Canvas
  ) {
    let base: Role = current ? .active : .value
    line.put(Format.hex(vector.number, 2) + " ", current ? .active : .label, on: &canvas)
    line.put(Format.pad(Board.vectorName(vector.number, pic: context.snapshot.pic), 18) + " ", base, on: &canvas)
    let taken = Format.pad(String(vector.deliveries), 6, right: true)
    line.put(taken, current ? .role(.active) : context.role(.vector(vector.number), otherwise: .value), on: &canvas)
    guard let gate = vector.gate else {
      line.put(" unreadable", .dim, on: &canvas)
      return
    }
    let quiet: Role = current ? .active : (gate.present ? base : .dim)
    line.put(" " + Format.pad(gate.kind.shortName, 6) + " ", quiet, on: &canvas)
    line.put(
      (gate.present ? "P" : "-") + "\(gate.dpl) ", gate.present ? (current ? .active : .good) : .dim, on: &canvas)
    line.put(Format.hex(gate.selector, 4) + ":" + Format.hex(gate.offset, 8), quiet, on: &canvas)
    if gate.present, let symbol = context.snapshot.symbols.describe(gate.offset) {
      line.put(" " + symbol, current ? .active : .symbol, on: &canvas)
    }
  }
}

import Emulator

/// The interrupt timeline from the accumulated trace: virtual time, source, what (IRQ line, exception, int n…),
/// vector, handler symbol indented by nesting depth, the depth, latency from request to handler, and when the EOI
/// came. The newest record is at the bottom; the pane's offset scrolls back.
enum LogPane: Pane {
  static let header =
    Format.pad("time s", 10) + " " + Format.pad("source", 8) + " " + Format.pad("what", 6) + " vec "
    + Format.pad("handler", 22) + " " + "n " + Format.pad("latency", 8, right: true) + " " + "EOI after"

  static func draw(_ context: PaneContext, in area: Rect, on canvas: inout Canvas) -> [ClickTarget] {
    let log = context.state.log
    var line = LineWriter(area)
    line.put(header, .header, on: &canvas)
    if log.skipped > 0 { line.put("  (\(log.skipped) not shown)", .warning, on: &canvas) }
    line.newline()
    guard log.count > 0 else {
      line.put("no interrupts yet", .dim, on: &canvas)
      return []
    }
    let rows = line.rowsLeft
    let end = max(0, log.count - context.state.scrollOffset(.log))
    for index in max(0, end - rows)..<end {
      let row = Row(event: log.events[index], depth: log.nestingDepth(at: index), width: area.width)
      memo.row(row.event.sequence, row, line.row, of: area, on: &canvas) { canvas in
        var writer = line
        drawRow(row.event, depth: row.depth, line: &writer, on: &canvas)
      }
      line.newline()
    }
    return []
  }

  /// What a row shows: one record at a nesting depth, at a width.
  struct Row: Equatable, Sendable {
    var event: TraceEvent
    var depth: Int
    var width: Int
  }

  private static let memo = RowMemo<UInt64, Row>()

  static func drawRow(_ event: TraceEvent, depth: Int, line: inout LineWriter, on canvas: inout Canvas) {
    line.put(Format.pad(Format.seconds(nanoseconds: event.timeNanoseconds), 10, right: true) + " ", .label, on: &canvas)
    line.put(Format.pad(event.source, 8) + " ", .value, on: &canvas)
    let (what, role) = describe(event)
    line.put(Format.pad(what, 6) + " ", role, on: &canvas)
    line.put(event.vector.map { Format.hex($0, 2) + "  " } ?? " -  ", .value, on: &canvas)
    let handler = event.handlerSymbol ?? event.handler.map { Format.hex($0, 8) } ?? event.detail ?? ""
    let indent = String(repeating: " ", count: min(depth, 4) * 2)
    line.put(Format.pad(indent + handler, 22) + " ", event.handlerSymbol != nil ? .symbol : .value, on: &canvas)
    line.put(depth > 0 ? "\(depth) " : "  ", .warning, on: &canvas)
    line.put(
      Format.pad(event.latencyCycles.map { Format.duration(cycles: $0) } ?? "", 8, right: true) + " ", .value,
      on: &canvas)
    if let eoi = event.eoiCycle, eoi >= event.cycle {
      line.put(Format.duration(cycles: eoi - event.cycle), .value, on: &canvas)
    } else if event.kind == .irq {
      line.put("AEOI/none", .dim, on: &canvas)
    }
  }

  /// The "what" column: the IRQ line, the exception's mnemonic, int n, NMI…
  static func describe(_ event: TraceEvent) -> (String, Role) {
    switch event.kind {
    case .irq: return ("IRQ\(event.irq ?? -1)", .value)
    case .spurious: return ("spur\(event.irq ?? 7)", .warning)
    case .exception:
      let mnemonic = event.vectorName.flatMap { $0.split(separator: " ").first.map(String.init) } ?? "exc"
      return (mnemonic, .error)
    case .software: return ("int", .value)
    case .nmi: return ("NMI", .warning)
    case .dropped: return ("drop", .error)
    case .reset: return ("reset", .error)
    case .rx: return ("rx", .good)
    case .tx: return ("tx", .good)
    }
  }
}

import Emulator

/// Per-line interrupt counts and rates, like /proc/interrupts: the IRQ lines wired on this board and any other that
/// fired, then NMI, spurious, exceptions, software interrupts and dropped input. Rates are per virtual second, over
/// the last virtual second (`InterruptRates`); blank until the machine has run between two snapshots.
enum StatsPane: Pane {
  static let header =
    "IRQ " + Format.pad("device", 9) + Format.pad("count", 10, right: true)
    + Format.pad("rate/s", 10, right: true)

  static func draw(_ context: PaneContext, in area: Rect, on canvas: inout Canvas) -> [ClickTarget] {
    let snapshot = context.snapshot
    var line = LineWriter(area)
    line.put(header, .header, on: &canvas)
    line.newline()
    let baseline = context.state.rates.baseline.flatMap { $0.cycles < snapshot.processor.cycles ? $0 : nil }
    let seconds = baseline.map { Double(snapshot.processor.cycles - $0.cycles) / Double(Scheduler.nominalHz) }
    var rows: [(String, String, Int, Int?)] = []
    for irq in 0..<min(16, snapshot.interruptsPerIRQ.count) {
      let count = snapshot.interruptsPerIRQ[irq]
      guard Board.deviceName(irq: irq) != nil || count > 0 else { continue }
      let before = baseline.map { $0.perIRQ.indices.contains(irq) ? $0.perIRQ[irq] : 0 }
      rows.append((Format.pad(String(irq), 3, right: true), Board.deviceName(irq: irq) ?? "", count, before))
    }
    let kinds: [(String, String, TraceEvent.Kind)] = [
      ("NMI", "nmi", .nmi), ("SPU", "spurious", .spurious), ("EXC", "exception", .exception),
      ("SWI", "int n", .software), ("DRP", "dropped", .dropped),
    ]
    for (label, name, kind) in kinds {
      rows.append((label, name, snapshot.traceCounts[kind] ?? 0, baseline.map { $0.traceCounts[kind] ?? 0 }))
    }
    let first = min(context.state.scrollOffset(.stats), max(0, rows.count - line.rowsLeft))
    for (label, name, count, before) in rows[first...] where !line.isFull {
      line.put(label + " ", .label, on: &canvas)
      line.put(Format.pad(name, 9), .value, on: &canvas)
      line.put(Format.pad(String(count), 10, right: true), count > 0 ? .value : .dim, on: &canvas)
      if let seconds, let before {
        let rate = Double(max(0, count - before)) / seconds
        line.put(Format.pad(Format.fixed(rate, 1), 10, right: true), rate > 0 ? .active : .dim, on: &canvas)
      }
      line.newline()
    }
    return []
  }
}

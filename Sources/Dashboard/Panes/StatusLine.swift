import Emulator

/// One row above the key bar: running or paused, speed, virtual time, host keys queued and dropped, where typing
/// goes, a pending Ctrl-A, and why the machine stopped.
enum StatusLine {
  static func draw(_ context: PaneContext, in area: Rect, on canvas: inout Canvas) {
    let snapshot = context.snapshot
    let host = snapshot.host
    canvas.fill(area, style: .role(.status))
    var line = LineWriter(area)
    line.put(host.paused ? " ❚❚ paused " : " ▶ running ", host.paused ? .warning : .good, on: &canvas)
    let speed = host.speed.map { Format.fixed($0, $0 < 1 ? 2 : 0) + "×" } ?? "max"
    line.put(" speed " + speed, .status, on: &canvas)
    line.put("  t " + Format.seconds(nanoseconds: snapshot.virtualNanoseconds) + "s", .status, on: &canvas)
    line.put("  keys queued \(host.keysQueued)", .status, on: &canvas)
    line.put(" dropped \(host.keysDropped)", host.keysDropped > 0 ? .warning : .status, on: &canvas)
    line.put("  typing → " + context.state.inputTarget.description, .status, on: &canvas)
    switch context.state.prefix {
    case .none: break
    case .controlA: line.put("  ^A…", .active, on: &canvas)
    case .maskDigit: line.put("  ^A m: IRQ 0-f?", .active, on: &canvas)
    }
    if let reason = host.stopReason { line.put("  " + reason, .warning, on: &canvas) }
    if let status = snapshot.exitStatus { line.put("  guest exit \(status)", .warning, on: &canvas) }
  }
}

/// The bottom bar, htop style: the labelled bindings of the key table, in table order, as far as they fit. Each label
/// is a click target that does what its key does.
enum KeyBar {
  static func draw(in area: Rect, on canvas: inout Canvas) -> [ClickTarget] {
    canvas.fill(area, style: .role(.keyBar))
    var targets: [ClickTarget] = []
    var column = area.x
    for (index, binding) in KeyTable.bindings.enumerated() {
      guard let label = binding.label else { continue }
      let key = (binding.scope == .afterPrefix ? "^A" : "") + KeyBinding.name(of: binding.key)
      let width = Canvas.cellWidth(of: key) + Canvas.cellWidth(of: label) + 1
      guard column + width <= area.maxX else { break }
      canvas.put(key, row: area.y, column: column, style: .role(.keyLabel), clip: area)
      canvas.put(label, row: area.y, column: column + Canvas.cellWidth(of: key), style: .role(.keyBar), clip: area)
      targets.append(ClickTarget(Rect(x: column, y: area.y, width: width - 1, height: 1), .binding(index)))
      column += width
    }
    return targets
  }
}

/// The F1 screen, generated from the key table: every binding's key and help line, in as many columns as fit.
enum HelpScreen {
  static let footer = "Every other key goes to the guest (keyboard or COM1). F1 or any key closes."

  static var entries: [String] {
    KeyTable.bindings.map { Format.pad($0.keyName, 8) + $0.help }
  }

  static func draw(in bounds: Rect, on canvas: inout Canvas) {
    let entries = self.entries
    let entryWidth = entries.map(\.count).max() ?? 0
    let usable = Rect(x: bounds.x + 1, y: bounds.y + 1, width: bounds.width - 2, height: bounds.height - 2)
    let rowsPerColumn = max(1, usable.height - 4)
    let columns = max(1, (entries.count + rowsPerColumn - 1) / rowsPerColumn)
    let width = min(usable.width, max(columns * (entryWidth + 2) + 2, footer.count + 4))
    let rows = (entries.count + columns - 1) / columns
    let height = min(usable.height, rows + 4)
    let frame = Rect(
      x: usable.x + (usable.width - width) / 2, y: usable.y + (usable.height - height) / 2, width: width,
      height: height)
    canvas.fill(frame)
    let inner = canvas.box(frame, title: "Help: irqscope keys", focused: true)
    for (index, entry) in entries.enumerated() {
      let column = inner.x + 1 + (index / rows) * (entryWidth + 2)
      let row = inner.y + 1 + index % rows
      let keyEnd = canvas.put(String(entry.prefix(8)), row: row, column: column, style: .role(.keyLabel), clip: inner)
      canvas.put(String(entry.dropFirst(8)), row: row, column: keyEnd, style: .role(.text), clip: inner)
    }
    canvas.put(footer, row: inner.maxY - 1, column: inner.x + 1, style: .role(.dim), clip: inner)
  }
}

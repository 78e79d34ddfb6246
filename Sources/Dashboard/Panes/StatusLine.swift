import Emulator

/// One row above the key bar: running or paused, then what needs the user now (a pending Ctrl-A, why the machine
/// stopped, the guest's exit), then speed, virtual time, host keys queued and dropped, and where typing goes. What
/// is transient comes first so that an 80-column terminal still shows it; below `wideWidth` the labels are shorter.
enum StatusLine {
  static let wideWidth = 110

  static func draw(_ context: PaneContext, in area: Rect, on canvas: inout Canvas) {
    let snapshot = context.snapshot
    let host = snapshot.host
    let narrow = area.width < wideWidth
    canvas.fill(area, style: .role(.status))
    var line = LineWriter(area)
    line.put(host.paused ? " ❚❚ paused " : " ▶ running ", host.paused ? .warning : .good, on: &canvas)
    // Each field is one or more runs of text in a role; fields are two spaces apart (the pill ends in one).
    var fields: [[(String, Role)]] = []
    switch context.state.prefix {
    case .none: break
    case .controlA: fields.append([("^A…", .active)])
    case .maskDigit: fields.append([("^A m: IRQ 0-f?", .active)])
    }
    if let reason = host.stopReason { fields.append([(reason, .warning)]) }
    if let status = snapshot.exitStatus { fields.append([("guest exit \(status)", .warning)]) }
    let speed = host.speed.map { Format.fixed($0, $0 < 1 ? 2 : 0) + "×" } ?? "max"
    fields.append([("speed " + speed, .status)])
    fields.append([("t " + Format.seconds(nanoseconds: snapshot.virtualNanoseconds) + "s", .status)])
    fields.append([
      ((narrow ? "queued " : "keys queued ") + "\(host.keysQueued) ", .status),
      ("dropped \(host.keysDropped)", host.keysDropped > 0 ? .warning : .status),
    ])
    fields.append([((narrow ? "→ " : "typing → ") + context.state.inputTarget.description, .status)])
    for (index, field) in fields.enumerated() {
      line.put(index == 0 ? " " : "  ", .status, on: &canvas)
      for (text, role) in field { line.put(text, role, on: &canvas) }
    }
  }
}

/// The bottom bar, htop style: the labelled bindings of the key table, in table order, as far as they fit. Each label
/// is a click target that does what its key does.
enum KeyBar {
  /// One label: the binding's index in the key table, its key as shown ("F1", "^Am") and its label, with widths.
  struct Entry {
    var binding: Int
    var key: String
    var label: String
    var keyWidth: Int
    var width: Int
  }

  /// The labels, spelled and measured once: the table is fixed, and the bar is drawn every frame.
  static let entries: [Entry] = KeyTable.bindings.enumerated().compactMap { index, binding in
    guard let label = binding.label else { return nil }
    let name = binding.key == .character(" ") ? "␣" : binding.key.name(.short)
    let key = (binding.scope == .afterPrefix ? "^A" : "") + name
    let keyWidth = Canvas.cellWidth(of: key)
    return Entry(
      binding: index, key: key, label: label, keyWidth: keyWidth, width: keyWidth + Canvas.cellWidth(of: label))
  }

  static func draw(in area: Rect, on canvas: inout Canvas) -> [ClickTarget] {
    canvas.fill(area, style: .role(.keyBar))
    var targets: [ClickTarget] = []
    var column = area.x
    for entry in entries {
      guard column + entry.width <= area.maxX else { break }
      canvas.put(entry.key, row: area.y, column: column, style: .role(.keyLabel), clip: area)
      canvas.put(entry.label, row: area.y, column: column + entry.keyWidth, style: .role(.keyBar), clip: area)
      targets.append(ClickTarget(Rect(x: column, y: area.y, width: entry.width, height: 1), .binding(entry.binding)))
      column += entry.width + 1
    }
    return targets
  }
}

/// The F1 screen, generated from the key table: every binding's key and help line, in as many columns as fit. The
/// Alt-digit pane bindings share one line.
enum HelpScreen {
  static let footer = "Every other key goes to the guest (keyboard or COM1). F1 or any key closes."
  /// Cells for the key column.
  static let keyWidth = 9

  /// (keys, help) lines in table order.
  static var entries: [(String, String)] {
    var entries: [(String, String)] = []
    var focusShown = false
    for binding in KeyTable.bindings {
      if case .focus = binding.command {
        if !focusShown { entries.append(("M-1..M-0", binding.help)) }
        focusShown = true
      } else {
        entries.append((binding.keyName, binding.help))
      }
    }
    return entries
  }

  static func draw(in bounds: Rect, on canvas: inout Canvas) {
    let entries = self.entries
    let entryWidth = keyWidth + (entries.map { $0.1.count }.max() ?? 0)
    // Inside the frame: a blank column on the left, then columns of entries one cell apart; rows for the entries,
    // a blank row above and below, and the footer.
    let maxRows = max(1, bounds.height - 5)
    let columns = max(1, (entries.count + maxRows - 1) / maxRows)
    let rows = (entries.count + columns - 1) / columns
    let width = min(bounds.width, max(columns * (entryWidth + 1) + 3, footer.count + 4))
    let height = min(bounds.height, rows + 5)
    let frame = Rect(
      x: bounds.x + (bounds.width - width) / 2, y: bounds.y + (bounds.height - height) / 2, width: width,
      height: height)
    canvas.fill(frame)
    let inner = canvas.box(frame, title: "Help: irqscope keys", focused: true)
    for (index, (keys, help)) in entries.enumerated() {
      let column = inner.x + 1 + (index / rows) * (entryWidth + 1)
      let row = inner.y + 1 + index % rows
      canvas.put(Format.pad(keys, keyWidth), row: row, column: column, style: .role(.keyLabel), clip: inner)
      canvas.put(help, row: row, column: column + keyWidth, style: .role(.text), clip: inner)
    }
    canvas.put(footer, row: inner.maxY - 1, column: inner.x + 1, style: .role(.dim), clip: inner)
  }
}

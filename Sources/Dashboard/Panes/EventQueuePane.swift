import Emulator

/// The machine's pending events in time order (next PIT tick, bytes on the PS/2 wire, frames on the Ethernet wire),
/// what waits in the keyboard path and on the wire, and a section for the kernel's own queue and tasks ("—" until a
/// kernel that exposes them is running).
enum EventQueuePane: Pane {
  static func draw(_ context: PaneContext, in area: Rect, on canvas: inout Canvas) -> [ClickTarget] {
    let snapshot = context.snapshot
    let now = snapshot.processor.cycles
    var line = LineWriter(area)
    let reserved = 3  // the keyboard, wire and kernel lines below the list
    let events = snapshot.pendingEvents.sorted { $0.time < $1.time }
    let shown = max(0, line.rowsLeft - reserved)
    if events.isEmpty {
      line.put("no pending events", .dim, on: &canvas)
      line.newline()
    }
    for (index, event) in events.prefix(shown).enumerated() where !line.isFull {
      if index == shown - 1 && events.count > shown {
        line.put("… \(events.count - index) more", .dim, on: &canvas)
        line.newline()
        break
      }
      let due = event.time > now ? "in " + Format.duration(cycles: event.time - now) : "due"
      line.put(Format.pad(due, 11), .value, on: &canvas)
      line.put(Format.pad(event.device, 9), .label, on: &canvas)
      line.put(event.what, .value, on: &canvas)
      line.newline()
    }
    let keyboard = snapshot.keyboard
    line.put("8042 ", .label, on: &canvas)
    line.put(
      keyboard.outputBufferFull ? "OBF " + Format.hex(keyboard.outputBuffer, 2) : "OBF -",
      keyboard.outputBufferFull ? .active : .dim, on: &canvas)
    line.put(" FIFO \(keyboard.fifo.count)", keyboard.fifo.isEmpty ? .dim : .value, on: &canvas)
    line.put(" host \(snapshot.host.keysQueued)", snapshot.host.keysQueued == 0 ? .dim : .value, on: &canvas)
    line.newline()
    line.put("wire ", .label, on: &canvas)
    line.put(
      "queued \(snapshot.wireQueued) dropped \(snapshot.wireDropped)", snapshot.wireDropped > 0 ? .warning : .value,
      on: &canvas)
    line.newline()
    line.put("kernel queue/tasks ", .label, on: &canvas)
    line.put("—", .dim, on: &canvas)
    line.newline()
    return []
  }
}

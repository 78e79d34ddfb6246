import Emulator

/// Events on their way in, in the order a keystroke travels: the machine's pending events (next PIT tick, bytes on
/// the PS/2 wire or in the keyboard FIFO, frames on the Ethernet wire), then — for the built-in teaching kernel — the
/// kernel's own event queue (pending events and the history the ring still holds) and its task table, the running
/// task highlighted and a blocked one with what it waits on. Another kernel gets "—" for the kernel part.
///
/// The pane is 37×6 inside its frame at 160×50, so rows are handed out by priority: every task, the kernel queue's
/// summary, one line for the machine and the pending kernel events first; then a little history, the machine's full
/// lines, column headings, and more history as the rows allow (zoomed, or the 80-column layouts).
enum EventQueuePane: Pane {
  static func draw(_ context: PaneContext, in area: Rect, on canvas: inout Canvas) -> [ClickTarget] {
    var writer = LineWriter(area)
    for line in lines(context, width: area.width, rows: area.height) where !writer.isFull {
      for (text, style) in line.segments { writer.put(text, style, on: &canvas) }
      if let fill = line.fill, writer.column < area.maxX {
        writer.put(String(repeating: " ", count: area.maxX - writer.column), fill, on: &canvas)
      }
      writer.newline()
    }
    return []
  }

  /// One row of the pane: styled pieces, and a style to fill the rest of the row with (the running task's bar).
  struct Line {
    var segments: [(String, CellStyle)] = []
    var fill: CellStyle? = nil

    mutating func add(_ text: String, _ role: Role) { segments.append((text, .role(role))) }
    mutating func add(_ text: String, _ style: CellStyle) { segments.append((text, style)) }
  }

  static func lines(_ context: PaneContext, width: Int, rows: Int) -> [Line] {
    guard let kernel = context.snapshot.kernel else {
      return machineLines(context.snapshot, rows: max(3, rows - 1)) + [kernelAbsent]
    }
    let wide = width >= 60
    let queue = kernel.eventQueue
    let tasks = taskLines(kernel.tasks, rows: rows - 2, context: context, wide: wide)
    var left = rows - tasks.count - 2  // the kernel queue's summary and one machine line
    let pending = min(max(0, left), queue.pending.count)
    left -= pending
    var recent = min(max(0, left), queue.recent.count, 3)
    left -= recent
    let fullMachine = min(machineFullCount(context.snapshot), 6)
    var machine = [compactMachineLine(context.snapshot)]
    if left >= fullMachine - 1 {
      machine = machineLines(context.snapshot, rows: fullMachine)
      left -= fullMachine - 1
    }
    let headings = left >= 2
    if headings { left -= 2 }
    recent += min(max(0, left), queue.recent.count - recent)

    var result = machine
    result.append(queueSummary(kernel, wide: wide))
    if headings && pending + recent > 0 { result.append(eventHeading) }
    for event in queue.recent.suffix(recent) {
      result.append(eventLine(event, pending: false, context: context, wide: wide))
    }
    for event in queue.pending.prefix(pending) {
      result.append(eventLine(event, pending: true, context: context, wide: wide))
    }
    if headings { result.append(taskHeading(wide: wide)) }
    return result + tasks
  }

  // MARK: the machine

  static let kernelAbsent: Line = {
    var line = Line()
    line.add("kernel queue/tasks ", .label)
    line.add("—", .dim)
    return line
  }()

  static func machineFullCount(_ snapshot: MachineSnapshot) -> Int { max(1, snapshot.pendingEvents.count) + 2 }

  /// The machine's pending events in time order (cut to fit `rows` with "… n more"), the 8042's buffer and FIFO with
  /// the host's queue, and the wire.
  static func machineLines(_ snapshot: MachineSnapshot, rows: Int) -> [Line] {
    let now = snapshot.processor.cycles
    let events = snapshot.pendingEvents.sorted { $0.time < $1.time }
    let shown = max(1, rows - 2)
    var result: [Line] = []
    if events.isEmpty {
      var line = Line()
      line.add("no pending events", .dim)
      result.append(line)
    }
    for (index, event) in events.prefix(shown).enumerated() {
      var line = Line()
      if index == shown - 1 && events.count > shown {
        line.add("… \(events.count - index) more", .dim)
        result.append(line)
        break
      }
      line.add(Format.pad(due(event.time, now: now), 11), .value)
      line.add(Format.pad(event.device, 9), .label)
      line.add(event.what, .value)
      result.append(line)
    }
    let keyboard = snapshot.keyboard
    var line = Line()
    line.add("8042 ", .label)
    line.add(
      keyboard.outputBufferFull ? "OBF " + Format.hex(keyboard.outputBuffer, 2) : "OBF -",
      keyboard.outputBufferFull ? .active : .dim)
    line.add(" FIFO \(keyboard.fifo.count)", keyboard.fifo.isEmpty ? .dim : .value)
    line.add(" host \(snapshot.host.keysQueued)", snapshot.host.keysQueued == 0 ? .dim : .value)
    result.append(line)
    line = Line()
    line.add("wire ", .label)
    line.add(
      "queued \(snapshot.wireQueued) dropped \(snapshot.wireDropped)", snapshot.wireDropped > 0 ? .warning : .value)
    result.append(line)
    return result
  }

  /// All of the machine on one row: the soonest event, how many follow, the 8042 and the wire.
  static func compactMachineLine(_ snapshot: MachineSnapshot) -> Line {
    var line = Line()
    let events = snapshot.pendingEvents.sorted { $0.time < $1.time }
    if let first = events.first {
      line.add(first.device + " ", .label)
      line.add(due(first.time, now: snapshot.processor.cycles), .value)
      if events.count > 1 { line.add(" +\(events.count - 1)", .dim) }
    } else {
      line.add("no events", .dim)
    }
    let keyboard = snapshot.keyboard
    line.add(" 8042 ", .label)
    if keyboard.outputBufferFull { line.add("OBF " + Format.hex(keyboard.outputBuffer, 2) + " ", .active) }
    line.add("FIFO \(keyboard.fifo.count)", keyboard.fifo.isEmpty ? .dim : .value)
    if snapshot.host.keysQueued > 0 { line.add("+\(snapshot.host.keysQueued)", .value) }
    line.add(" wire ", .label)
    line.add("\(snapshot.wireQueued)", snapshot.wireDropped > 0 ? .warning : snapshot.wireQueued == 0 ? .dim : .value)
    return line
  }

  static func due(_ time: UInt64, now: UInt64) -> String {
    time > now ? "in " + Format.duration(cycles: time - now) : "due"
  }

  // MARK: the kernel's event queue

  /// "kernel queue 1/64 tick 1234", with the dropped count when the ring ever overflowed.
  static func queueSummary(_ kernel: TeachingKernelView, wide: Bool) -> Line {
    let queue = kernel.eventQueue
    var line = Line()
    line.add(wide ? "kernel event queue " : "kernel queue ", .label)
    line.add("\(queue.pending.count)/\(queue.capacity)", queue.pending.isEmpty ? .value : .active)
    if wide { line.add(" pending", .label) }
    line.add(" tick ", .label)
    line.add("\(kernel.ticks)", .value)
    if queue.dropped > 0 { line.add(" dropped \(queue.dropped)", .warning) }
    return line
  }

  static let eventHeading: Line = {
    var line = Line()
    line.add("   tick kind   payload", .header)
    return line
  }()

  /// One event: "›" when pending (the bottom half has not taken it), the tick it was pushed at, its kind and its
  /// payload decoded. Taken events are history and dim, unless they arrived in the last frames.
  static func eventLine(_ event: TeachingKernelView.Event, pending: Bool, context: PaneContext, wide: Bool) -> Line {
    let role = context.state.history.role(.kernelEvent(event.index)) ?? (pending ? .value : .dim)
    var line = Line()
    line.add(pending ? "›" : " ", .active)
    line.add(Format.pad("\(event.tick)", 6, right: true) + " ", role)
    line.add(Format.pad(KernelEventText.kind(event), 6) + " ", role)
    line.add(KernelEventText.payload(event), role)
    if wide { line.add("  #\(event.index)", .dim) }
    return line
  }

  // MARK: the task table

  static func taskHeading(wide: Bool) -> Line {
    var line = Line()
    line.add(wide ? "id name   state             ticks ring switches" : "id name   state             ticks", .header)
    return line
  }

  /// "2 spin   running              12": the running task as a bar (`active`), a changed state lit as it changes.
  /// One line per task while they fit in `rows` (what is left beside the machine line and the queue summary);
  /// otherwise as many as fit less one, the running task always among them, and a line counting the rest.
  static func taskLines(
    _ tasks: [TeachingKernelView.Task], rows: Int, context: PaneContext, wide: Bool
  ) -> [Line] {
    guard tasks.count > rows, rows >= 1 else { return tasks.map { taskLine($0, context: context, wide: wide) } }
    var shown = Array(tasks.prefix(rows - 1))
    if let running = tasks.first(where: { $0.state == .running }), !shown.contains(where: { $0.id == running.id }),
      !shown.isEmpty
    {
      shown[shown.count - 1] = running
    }
    var more = Line()
    more.add("… \(tasks.count - shown.count) more tasks (F3 zooms)", .dim)
    return shown.map { taskLine($0, context: context, wide: wide) } + [more]
  }

  static func taskLine(_ task: TeachingKernelView.Task, context: PaneContext, wide: Bool) -> Line {
    let running = task.state == .running
    let base: Role = running ? .active : task.state == .zombie ? .dim : .value
    let stateRole = context.state.history.role(.kernelTask(task.id)) ?? base
    var line = Line()
    line.add(Format.pad("\(task.id)", 2, right: true) + " ", base)
    line.add(Format.pad(task.name, 6) + " ", base)
    line.add(Format.pad(KernelEventText.state(task), 17), stateRole)
    line.add(Format.pad("\(task.ticks)", 6, right: true), base)
    if wide {
      line.add(Format.pad("\(task.ring)", 5, right: true) + Format.pad("\(task.switches)", 9, right: true), base)
    }
    if running { line.fill = .role(.active) }
    return line
  }
}

import Emulator

/// One frame of the dashboard: every pane of the layout in its frame (title with its hotkey, the focused one
/// highlighted), the status line, the key bar, and the help screen over them when it is open; with the click targets
/// of everything drawn, from the largest (a whole pane) to the most specific. Pure: the same inputs give the same
/// canvas.
public func compose(
  snapshot: MachineSnapshot, previous: MachineSnapshot?, state: DashboardState, size: (width: Int, height: Int),
  wallSeconds: Double
) -> (Canvas, [ClickTarget]) {
  var canvas = Canvas(width: size.width, height: size.height)
  let layout = Layout.compute(width: size.width, height: size.height, focused: state.focused, zoomed: state.zoomed)
  guard layout.mode != .tooSmall else {
    drawTooSmall(on: &canvas)
    return (canvas, [])
  }
  let context = PaneContext(snapshot: snapshot, previous: previous, state: state, wallSeconds: wallSeconds)
  var targets: [ClickTarget] = layout.frames.map { ClickTarget($0.rect, .pane($0.pane)) }
  for frame in layout.frames {
    let inner = drawFrame(frame, focused: frame.pane == state.focused, on: &canvas)
    targets += drawPane(frame.pane, context, in: inner, on: &canvas)
  }
  StatusLine.draw(context, in: layout.status, on: &canvas)
  targets += KeyBar.draw(in: layout.keyBar, on: &canvas)
  if state.helpVisible {
    HelpScreen.draw(in: Rect(x: 0, y: 0, width: size.width, height: size.height - 2), on: &canvas)
  }
  return (canvas, targets)
}

/// A pane's frame with its hotkey and title; the guest screen, when its frame would not leave 80 columns inside,
/// gets a title row and no side borders instead, so all 80 columns show.
func drawFrame(_ frame: Layout.Frame, focused: Bool, on canvas: inout Canvas) -> Rect {
  let title = frame.pane.frameTitle
  if frame.pane == .screen && frame.rect.width < Layout.screenWidth {
    let (bar, rest) = frame.rect.splitTop(1)
    canvas.fill(bar, with: "─", style: .role(focused ? .focusBorder : .border))
    canvas.put(" \(title) ", row: bar.y, column: bar.x + 1, style: .role(.title), clip: bar)
    return rest
  }
  return canvas.box(frame.rect, title: title, focused: focused)
}

func drawPane(_ pane: PaneID, _ context: PaneContext, in area: Rect, on canvas: inout Canvas) -> [ClickTarget] {
  guard !area.isEmpty else { return [] }
  let kind: any Pane.Type =
    switch pane {
    case .registers: RegistersPane.self
    case .code: CodePane.self
    case .idt: IDTPane.self
    case .pic: PICPane.self
    case .ring: RingPane.self
    case .events: EventQueuePane.self
    case .screen: ScreenPane.self
    case .serial: SerialPane.self
    case .log: LogPane.self
    case .stats: StatsPane.self
    }
  return kind.draw(context, in: area, on: &canvas)
}

/// Below the minimum: the current and the needed size, centred.
func drawTooSmall(on canvas: inout Canvas) {
  let lines = [
    "Terminal too small: \(canvas.width)×\(canvas.height)",
    "irqscope needs at least \(Layout.minimumWidth)×\(Layout.minimumHeight)",
  ]
  let top = max(0, (canvas.height - lines.count) / 2)
  for (offset, line) in lines.enumerated() {
    let column = max(0, (canvas.width - Canvas.cellWidth(of: line)) / 2)
    canvas.put(line, row: top + offset, column: column, style: .role(offset == 0 ? .warning : .text))
  }
}

/// What `compose` spends on each part of a frame, for `bench ui --parts`: draws `part` alone (a pane with its
/// frame, or the status line and key bar) where the layout for `size` puts it.
public enum FramePart: String, CaseIterable, Sendable {
  case registers, code, idt, pic, ring, events, screen, serial, log, stats, bars

  /// The pane this part is; nil for the bars.
  var pane: PaneID? {
    switch self {
    case .registers: .registers
    case .code: .code
    case .idt: .idt
    case .pic: .pic
    case .ring: .ring
    case .events: .events
    case .screen: .screen
    case .serial: .serial
    case .log: .log
    case .stats: .stats
    case .bars: nil
    }
  }

  public func draw(
    snapshot: MachineSnapshot, previous: MachineSnapshot?, state: DashboardState, size: (width: Int, height: Int),
    on canvas: inout Canvas
  ) {
    let layout = Layout.compute(width: size.width, height: size.height, focused: state.focused, zoomed: state.zoomed)
    let context = PaneContext(snapshot: snapshot, previous: previous, state: state, wallSeconds: 1.0 / 30)
    guard let pane else {
      StatusLine.draw(context, in: layout.status, on: &canvas)
      _ = KeyBar.draw(in: layout.keyBar, on: &canvas)
      return
    }
    guard let frame = layout.frames.first(where: { $0.pane == pane }) else { return }
    let inner = drawFrame(frame, focused: frame.pane == state.focused, on: &canvas)
    _ = drawPane(frame.pane, context, in: inner, on: &canvas)
  }
}

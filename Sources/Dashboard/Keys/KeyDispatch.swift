import Emulator

/// Turns one key or mouse event into a new dashboard state and what the caller must do. Pure: it draws nothing and
/// touches no machine; the caller sends the `.machine` actions on.
public enum KeyDispatch {
  /// Rows a wheel notch scrolls.
  public static let wheelRows = 3
  /// Rows a page key scrolls (the panes are rarely taller).
  public static let pageRows = 10

  /// `targets` are the click targets of the frame on screen (from `compose`), for mouse events.
  public static func handle(
    _ event: KeyEvent, state: DashboardState, targets: [ClickTarget] = []
  ) -> (DashboardState, [Action]) {
    var state = state
    var actions: [Action] = []
    switch event {
    case .resize:
      actions = [.redraw]
    case .mouse(let mouse):
      actions = click(mouse, state: &state, targets: targets)
    default:
      actions = key(event, state: &state)
    }
    return (state, actions)
  }

  static func key(_ event: KeyEvent, state: inout DashboardState) -> [Action] {
    switch state.prefix {
    case .maskDigit:
      state.prefix = .none
      if case .character(let c) = event, let irq = c.hexDigitValue, c.isASCII {
        return [.machine(.toggleMask(irq: irq)), .redraw]
      }
      return [.redraw]  // anything else cancels Ctrl-A m
    case .controlA:
      state.prefix = .none
      guard let (_, binding) = KeyTable.binding(for: event, scope: .afterPrefix) else { return [.redraw] }
      return perform(binding.command, state: &state)
    case .none:
      if event == .control("a") {
        state.prefix = .controlA
        return [.redraw]
      }
      if let (_, binding) = KeyTable.binding(for: event, scope: .direct) {
        return perform(binding.command, state: &state)
      }
      if state.helpVisible {  // help is a modal screen: a key closes it and goes nowhere else
        state.helpVisible = false
        return [.redraw]
      }
      return GuestInput.commands(for: event, target: state.inputTarget).map { .machine($0) }
    }
  }

  /// Does what a binding says (a key press or a click on its label).
  public static func perform(_ command: DashboardCommand, state: inout DashboardState) -> [Action] {
    switch command {
    case .toggleHelp: state.helpVisible.toggle()
    case .quit: return [.quit]
    case .beginMask: state.prefix = .maskDigit
    case .machine(let command): return [.machine(command)]
    case .controlAToGuest:
      return GuestInput.commands(for: .control("a"), target: state.inputTarget).map { .machine($0) }
    case .focusNext: state.focused = state.focused.next()
    case .focusPrevious: state.focused = state.focused.next(-1)
    case .focus(let pane): state.focused = pane
    case .toggleZoom: state.zoomed.toggle()
    case .switchInput: state.inputTarget = state.inputTarget == .keyboard ? .com1 : .keyboard
    case .cycleTheme: return [.cycleTheme, .redraw]
    case .scroll(let rows): scroll(state.focused, by: rows, state: &state)
    case .page(let pages): scroll(state.focused, by: pages * pageRows, state: &state)
    case .jumpToNow:
      state.scroll[state.focused] = 0
      if state.focused == .idt { state.idtFollowsInFlight = true }
    }
    return [.redraw]
  }

  /// Scrolls `pane` by `rows` (positive: down, towards later rows). The ring pane moves its selection instead; the
  /// log and serial panes count rows up from the newest, so down is towards zero.
  static func scroll(_ pane: PaneID, by rows: Int, state: inout DashboardState) {
    switch pane {
    case .ring:
      let current = state.selectedDescriptor ?? DescriptorRef(.rx, 0)
      state.selectedDescriptor = DescriptorRef(current.ring, max(0, current.index + rows))
    case .log, .serial:
      state.scroll[pane] = max(0, state.scrollOffset(pane) - rows)
    case .idt:
      state.idtFollowsInFlight = false
      state.scroll[pane] = max(0, state.scrollOffset(pane) + rows)
    default:
      state.scroll[pane] = max(0, state.scrollOffset(pane) + rows)
    }
  }

  static func click(_ mouse: MouseEvent, state: inout DashboardState, targets: [ClickTarget]) -> [Action] {
    // Targets are listed from the largest (a whole pane) to the most specific: the last one hit wins.
    let hits = targets.filter { $0.rect.contains(row: mouse.row, column: mouse.column) }
    switch mouse.action {
    case .wheelUp, .wheelDown:
      guard let pane = hits.lazy.compactMap({ if case .pane(let p) = $0.kind { p } else { nil } }).last else {
        return []
      }
      scroll(pane, by: mouse.action == .wheelUp ? -wheelRows : wheelRows, state: &state)
      return [.redraw]
    case .press(let button):
      if state.helpVisible {  // the help screen covers the panes: a click closes it
        state.helpVisible = false
        return [.redraw]
      }
      guard button == 1, let target = hits.last else { return [] }
      switch target.kind {
      case .pane(let pane):
        state.focused = pane
        return [.redraw]
      case .toggleMask(let irq):
        return [.machine(.toggleMask(irq: irq)), .redraw]
      case .selectDescriptor(let descriptor):
        state.focused = .ring
        state.selectedDescriptor = descriptor
        return [.redraw]
      case .binding(let index):
        guard KeyTable.bindings.indices.contains(index) else { return [] }
        return perform(KeyTable.bindings[index].command, state: &state)
      }
    }
  }
}

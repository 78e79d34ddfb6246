import Emulator

/// What a key binding (or a click on its key-bar label) does.
public enum DashboardCommand: Sendable, Equatable {
  case toggleHelp
  case quit
  /// Ctrl-A m: the next key is a hex digit naming the IRQ whose IMR bit to flip.
  case beginMask
  case machine(MachineCommand)
  /// Ctrl-A Ctrl-A: a real Ctrl-A for the guest.
  case controlAToGuest
  case focusNext
  case focusPrevious
  case focus(PaneID)
  case toggleZoom
  case switchInput
  case cycleTheme
  /// Scroll the focused pane (or move its selection) by rows; `page` scrolls by pages.
  case scroll(Int)
  case page(Int)
  /// The IDT pane follows the vector in flight again; the log and serial panes go back to the newest line.
  case jumpToNow
}

/// What the caller must do after a key: send a command to the machine, quit, switch theme, or just redraw.
public enum Action: Sendable, Equatable {
  case machine(MachineCommand)
  case quit
  case cycleTheme
  case redraw
}

/// A region of the screen a click acts on.
public struct ClickTarget: Sendable, Equatable {
  public enum Kind: Sendable, Equatable {
    /// Focus the pane (every pane's whole rectangle; the wheel scrolls it).
    case pane(PaneID)
    /// An IMR bit in the PIC pane.
    case toggleMask(irq: Int)
    /// A descriptor row in the DMA ring pane.
    case selectDescriptor(DescriptorRef)
    /// A key-bar label: the binding at this index of `KeyTable.bindings`.
    case binding(Int)
  }

  public var rect: Rect
  public var kind: Kind

  public init(_ rect: Rect, _ kind: Kind) {
    self.rect = rect
    self.kind = kind
  }
}

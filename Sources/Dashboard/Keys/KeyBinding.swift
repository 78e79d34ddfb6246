import Emulator

/// One entry of the key table: the key, whether it follows the Ctrl-A prefix, what it does, its key-bar label (nil:
/// not on the bar) and its help line. Dispatch, the key bar, the help screen and key-bar clicks all read this table.
public struct KeyBinding: Sendable {
  public enum Scope: Sendable, Equatable {
    /// Pressed on its own (F-keys, Alt-digits).
    case direct
    /// Pressed after Ctrl-A, as in QEMU.
    case afterPrefix
  }

  public let key: KeyEvent
  public let scope: Scope
  public let command: DashboardCommand
  public let label: String?
  public let help: String

  public init(_ key: KeyEvent, _ scope: Scope, _ command: DashboardCommand, label: String? = nil, help: String) {
    self.key = key
    self.scope = scope
    self.command = command
    self.label = label
    self.help = help
  }

  /// How the key is written on the bar and in help: "F1", "^A m", "M-1".
  public var keyName: String {
    let name = key.name(.short)
    return scope == .afterPrefix ? "^A " + name : name
  }

}

/// The dashboard's keys. Everything not listed here goes to the guest.
public enum KeyTable {
  public static let bindings: [KeyBinding] =
    [
      KeyBinding(.function(1), .direct, .toggleHelp, label: "Help", help: "show or hide this help"),
      KeyBinding(.function(2), .direct, .focusNext, label: "Pane", help: "focus the next pane"),
      KeyBinding(.function(3), .direct, .toggleZoom, label: "Zoom", help: "zoom the focused pane"),
      KeyBinding(.function(4), .direct, .switchInput, label: "Input", help: "type into keyboard/COM1"),
      KeyBinding(.function(5), .direct, .cycleTheme, label: "Theme", help: "next colour theme"),
      KeyBinding(.backTab, .direct, .focusPrevious, help: "focus the previous pane"),
      KeyBinding(.function(10), .direct, .quit, label: "Quit", help: "quit irqscope"),
      KeyBinding(.character("m"), .afterPrefix, .beginMask, label: "Mask", help: "then 0-f: flip that IMR bit"),
      KeyBinding(
        .character("p"), .afterPrefix, .machine(.packet(.udp(length: nil, payload: nil))), label: "Packet",
        help: "inject one packet"),
      KeyBinding(
        .character("b"), .afterPrefix, .machine(.burst(count: 32, length: nil)), label: "Burst",
        help: "inject a burst of 32"),
      KeyBinding(.character("n"), .afterPrefix, .machine(.nmi), label: "NMI", help: "raise an NMI"),
      KeyBinding(.character(" "), .afterPrefix, .machine(.togglePause), label: "Pause", help: "pause or resume"),
      KeyBinding(.character("s"), .afterPrefix, .machine(.step), label: "Step", help: "step one instruction"),
      KeyBinding(
        .character("i"), .afterPrefix, .machine(.stepToInterrupt), label: "ToIRQ", help: "run to the next interrupt"),
      KeyBinding(.character("+"), .afterPrefix, .machine(.faster), help: "run faster"),
      KeyBinding(.character("-"), .afterPrefix, .machine(.slower), help: "run slower"),
      KeyBinding(.character("7"), .afterPrefix, .machine(.spurious(irq: 7)), help: "spurious IRQ 7"),
      KeyBinding(.character("8"), .afterPrefix, .machine(.spurious(irq: 15)), help: "spurious IRQ 15"),
      KeyBinding(.character("r"), .afterPrefix, .machine(.reset), help: "reset the machine"),
      KeyBinding(.control("a"), .afterPrefix, .controlAToGuest, help: "send Ctrl-A to the guest"),
      KeyBinding(.character("q"), .afterPrefix, .quit, help: "quit irqscope"),
      KeyBinding(.tab, .afterPrefix, .focusNext, help: "focus the next pane"),
      KeyBinding(.character("z"), .afterPrefix, .toggleZoom, help: "zoom the focused pane"),
      KeyBinding(.character("c"), .afterPrefix, .switchInput, help: "type into keyboard/COM1"),
      KeyBinding(.character("t"), .afterPrefix, .cycleTheme, help: "next colour theme"),
      KeyBinding(.character("h"), .afterPrefix, .toggleHelp, help: "show or hide this help"),
      KeyBinding(.up, .afterPrefix, .scroll(-1), help: "scroll up / previous row"),
      KeyBinding(.down, .afterPrefix, .scroll(1), help: "scroll down / next row"),
      KeyBinding(.pageUp, .afterPrefix, .page(-1), help: "scroll up a page"),
      KeyBinding(.pageDown, .afterPrefix, .page(1), help: "scroll down a page"),
      KeyBinding(.character("j"), .afterPrefix, .jumpToNow, help: "follow now / vector in flight"),
    ]
    + PaneID.allCases.map { pane in
      KeyBinding(.alt(.character(pane.hotkey)), .direct, .focus(pane), help: "focus a pane by its number")
    }

  /// The binding for `key` pressed on its own or after Ctrl-A, with its index in `bindings`.
  public static func binding(for key: KeyEvent, scope: KeyBinding.Scope) -> (index: Int, binding: KeyBinding)? {
    guard let index = bindings.firstIndex(where: { $0.key == key && $0.scope == scope }) else { return nil }
    return (index, bindings[index])
  }
}

/// The dashboard's panes. Each has a digit hotkey (Alt-digit focuses it) shown in its title.
public enum PaneID: Int, CaseIterable, Sendable, Hashable {
  case registers, code, idt, pic, ring, events, screen, serial, log, stats

  public var title: String {
    switch self {
    case .registers: "Registers"
    case .code: "Code"
    case .idt: "IDT"
    case .pic: "PIC 8259A"
    case .ring: "DMA ring"
    case .events: "Event queue"
    case .screen: "Guest screen"
    case .serial: "Serial COM1"
    case .log: "Interrupt log"
    case .stats: "Stats"
    }
  }

  /// The digit that, with Alt, focuses this pane: 1…9, then 0 for the tenth.
  public var hotkey: Character { Character(String((rawValue + 1) % 10)) }

  /// The frame title: hotkey first, as btop numbers its boxes.
  public var frameTitle: String { "\(hotkey) \(title)" }

  /// The next pane in Tab order (wrapping), or the previous one.
  public func next(_ step: Int = 1) -> PaneID {
    let count = PaneID.allCases.count
    return PaneID(rawValue: ((rawValue + step) % count + count) % count) ?? self
  }

  /// The pane whose hotkey is `digit`.
  public init?(hotkey digit: Character) {
    guard let value = digit.wholeNumberValue, digit.isASCII else { return nil }
    self.init(rawValue: (value + 9) % 10)
  }
}

/// Where typed text goes: the PS/2 keyboard (scancodes through the 8042, IRQ 1) or COM1's receive line (IRQ 4).
public enum InputTarget: Sendable, Equatable {
  case keyboard
  case com1

  public var description: String {
    switch self {
    case .keyboard: "keyboard (IRQ1)"
    case .com1: "COM1 (IRQ4)"
    }
  }
}

/// Which ring a descriptor belongs to.
public enum Ring: Sendable, Hashable {
  case rx
  case tx
}

/// One descriptor of the card's rings.
public struct DescriptorRef: Sendable, Hashable {
  public var ring: Ring
  public var index: Int

  public init(_ ring: Ring, _ index: Int) {
    self.ring = ring
    self.index = index
  }
}

/// What a cell is, never what colour it has: panes ask for roles and the theme maps each role to colours and
/// attributes when a renderer (curses, SVG, ANSI, text) draws the Canvas.
public enum Role: String, CaseIterable, Sendable, Hashable {
  /// Ordinary text and the background of every pane.
  case text
  /// A pane's title in its frame, and the hotkey shown there.
  case title
  case border
  /// The frame of the pane that has the keyboard focus.
  case focusBorder
  /// A column or row heading inside a pane.
  case header
  /// A field's name ("EAX", "IRR") as opposed to its value.
  case label
  /// A value that did not change.
  case value
  /// A symbol name from the kernel's ELF.
  case symbol
  /// A key's name on the bottom bar, and the bar itself.
  case keyLabel
  case keyBar
  /// A set bit in the PIC's interrupt request register.
  case irr
  /// A set bit in the in-service register.
  case isr
  /// A set bit in the interrupt mask register.
  case imr
  /// A clear bit or an absent thing: drawn but quiet.
  case dim
  /// A value that changed in this frame.
  case changed
  /// A value that changed a few frames ago.
  case fading
  /// The selected row of a list.
  case selected
  /// The thing happening now (the vector being delivered, EIP's line).
  case active
  /// Something good or on (a present gate, DD set, a line that is up).
  case good
  /// Something to look at (a dropped frame, a spurious IRQ).
  case warning
  case error
  /// The status line above the key bar.
  case status
  /// The 16 colours of the VGA text palette, in attribute order (0 black … 15 bright white).
  case vga0, vga1, vga2, vga3, vga4, vga5, vga6, vga7
  case vga8, vga9, vga10, vga11, vga12, vga13, vga14, vga15

  /// The palette role of VGA colour `index` (0–15).
  public static func vga(_ index: Int) -> Role { vgaPalette[index & 15] }

  public static let vgaPalette: [Role] = [
    .vga0, .vga1, .vga2, .vga3, .vga4, .vga5, .vga6, .vga7,
    .vga8, .vga9, .vga10, .vga11, .vga12, .vga13, .vga14, .vga15,
  ]
}

/// How one cell is drawn: by role, or — on the guest's screen — by the VGA attribute byte the guest wrote, whose
/// low nibble picks the foreground and bits 4–6 the background from the theme's `vga0`…`vga15`.
public enum CellStyle: Sendable, Hashable {
  case role(Role)
  case vga(attribute: UInt8)

  public static let text = CellStyle.role(.text)

  /// Inlinable for the frame diff, like `Canvas.Cell.==`.
  @inlinable public static func == (left: CellStyle, right: CellStyle) -> Bool {
    switch (left, right) {
    case (.role(let a), .role(let b)): a == b
    case (.vga(let a), .vga(let b)): a == b
    default: false
    }
  }

  /// The role whose colour is the foreground.
  public var foregroundRole: Role {
    switch self {
    case .role(let role): role
    case .vga(let attribute): .vga(Int(attribute & 0x0F))
    }
  }

  /// The role whose colour is the background: a VGA cell's background nibble, or `text` for a role's own.
  public var backgroundRole: Role? {
    switch self {
    case .role: nil
    case .vga(let attribute): .vga(Int(attribute >> 4) & 7)
    }
  }
}

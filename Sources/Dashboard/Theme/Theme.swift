/// A colour as a theme file writes it ("#89b4fa").
public struct RGB: Sendable, Hashable, CustomStringConvertible {
  public var red: UInt8
  public var green: UInt8
  public var blue: UInt8

  public init(red: UInt8, green: UInt8, blue: UInt8) {
    self.red = red
    self.green = green
    self.blue = blue
  }

  /// Parses `#rrggbb` (or `rrggbb`); nil for anything else.
  public init?(hex: String) {
    var digits = Substring(hex)
    if digits.first == "#" { digits = digits.dropFirst() }
    guard digits.count == 6, digits.allSatisfy(\.isHexDigit), let value = UInt32(digits, radix: 16) else { return nil }
    self.init(red: UInt8(value >> 16 & 0xFF), green: UInt8(value >> 8 & 0xFF), blue: UInt8(value & 0xFF))
  }

  public var description: String {
    let value = UInt32(red) << 16 | UInt32(green) << 8 | UInt32(blue)
    let hex = String(value, radix: 16)
    return "#" + String(repeating: "0", count: 6 - hex.count) + hex
  }
}

/// How a role looks: colours (nil = the terminal's default) and attributes.
public struct Appearance: Sendable, Hashable {
  public var foreground: RGB?
  public var background: RGB?
  public var bold: Bool
  public var underline: Bool
  public var reverse: Bool

  public init(
    foreground: RGB? = nil, background: RGB? = nil, bold: Bool = false, underline: Bool = false, reverse: Bool = false
  ) {
    self.foreground = foreground
    self.background = background
    self.bold = bold
    self.underline = underline
    self.reverse = reverse
  }

  public static let plain = Appearance()
}

/// A theme maps roles to appearances. Roles it leaves out look like `text`.
public struct Theme: Sendable, Equatable {
  public var name: String
  public var roles: [Role: Appearance]
  /// One line saying what the theme is for (the theme file's `description`).
  public var summary: String

  public init(name: String, roles: [Role: Appearance]) {
    self.init(name: name, summary: "", roles: roles)
  }

  public init(name: String, summary: String, roles: [Role: Appearance]) {
    self.name = name
    self.summary = summary
    self.roles = roles
  }

  /// This theme with every role it leaves out taken from `base` (a theme file over `default`).
  public func filled(from base: Theme) -> Theme {
    Theme(name: name, summary: summary, roles: roles.merging(base.roles) { own, _ in own })
  }

  /// Whether any role has a colour: false for `monochrome`, which only has attributes.
  public var hasColours: Bool { roles.values.contains { $0.foreground != nil || $0.background != nil } }

  public func appearance(of role: Role) -> Appearance { roles[role] ?? roles[.text] ?? .plain }

  /// How a cell in `style` is drawn: a role's own appearance, or for a guest-screen cell the VGA palette's
  /// foreground and background colours.
  public func appearance(of style: CellStyle) -> Appearance {
    switch style {
    case .role(let role): return appearance(of: role)
    case .vga(let attribute):
      let foreground = appearance(of: style.foregroundRole)
      var look = Appearance(bold: foreground.bold, underline: foreground.underline)
      look.foreground = foreground.foreground
      if let background = style.backgroundRole { look.background = appearance(of: background).foreground }
      // Without colours (monochrome) a guest's status bar or highlight — any background but black — still shows.
      if look.foreground == nil && look.background == nil && attribute & 0x70 != 0 { look.reverse = true }
      return look
    }
  }

  /// A cell's appearance with the colours it leaves to the terminal filled from `text` (the panes' own colours):
  /// what the SVG and ANSI renderers paint. Colours stay nil only when `text` has none either.
  public func resolvedAppearance(of style: CellStyle) -> Appearance {
    var look = appearance(of: style)
    let text = appearance(of: Role.text)
    if look.foreground == nil { look.foreground = text.foreground }
    if look.background == nil { look.background = text.background }
    return look
  }
}

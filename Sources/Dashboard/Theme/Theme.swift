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
    guard digits.count == 6, let value = UInt32(digits, radix: 16) else { return nil }
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

  public init(name: String, roles: [Role: Appearance]) {
    self.name = name
    self.roles = roles
  }

  public func appearance(of role: Role) -> Appearance { roles[role] ?? roles[.text] ?? .plain }

  /// How a cell in `style` is drawn: a role's own appearance, or for a guest-screen cell the VGA palette's
  /// foreground and background colours.
  public func appearance(of style: CellStyle) -> Appearance {
    switch style {
    case .role(let role): return appearance(of: role)
    case .vga:
      var look = Appearance()
      look.foreground = appearance(of: style.foregroundRole).foreground
      if let background = style.backgroundRole { look.background = appearance(of: background).foreground }
      return look
    }
  }
}

import CNcurses
import Dashboard

/// How ncurses draws one CellStyle: attributes and a colour pair number.
struct CellLook: Equatable {
  var attributes: attr_t
  var pair: Int32
}

/// What a theme's appearance becomes on a terminal of `depth`: colour numbers for the pair, and attributes.
struct LookRule {
  var depth: ColorDepth
  /// use_default_colors succeeded: -1 is the terminal's own foreground/background.
  var defaultColors: Bool

  struct Resolved: Equatable {
    var foreground: Int32
    var background: Int32
    var bold: Bool
    var underline: Bool
    var reverse: Bool
  }

  /// COLOR_WHITE and COLOR_BLACK: what "default" means when the terminal cannot keep its own.
  static let white: Int32 = 7
  static let black: Int32 = 0

  func resolve(_ style: CellStyle, in theme: Theme) -> Resolved {
    let look = theme.appearance(of: style)
    var resolved = Resolved(
      foreground: depth.number(for: look.foreground, defaults: defaultColors, fallback: Self.white),
      background: depth.number(for: look.background, defaults: defaultColors, fallback: Self.black),
      bold: look.bold, underline: look.underline, reverse: look.reverse)
    if depth == .none {
      // Without colour a selection bar or the key bar would vanish: what a theme sets apart by its background
      // is drawn reversed; on the guest screen a bright foreground (VGA 8–15) is bold and a non-black
      // background reversed, as on a monochrome adapter.
      switch style {
      case .role(let role):
        let background = look.background
        if background != nil && background != theme.appearance(of: Role.text).background && role != .text {
          resolved.reverse.toggle()
        }
      case .vga(let attribute):
        if attribute & 0x08 != 0 { resolved.bold = true }
        if attribute & 0x70 != 0 { resolved.reverse = true }
      }
    }
    return resolved
  }

  /// The ncurses attribute bits for a resolved look.
  static func attributes(_ resolved: Resolved) -> attr_t {
    var bits = irq_attr_normal()
    if resolved.bold { bits |= irq_attr_bold() }
    if resolved.underline { bits |= irq_attr_underline() }
    if resolved.reverse { bits |= irq_attr_reverse() }
    return bits
  }
}

import Foundation
import Testing

@testable import Dashboard

/// The built-in theme files and the rules they must keep.
struct ThemeFileTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  @Test func defaultThemeDefinesEveryRole() throws {
    let theme = try BuiltInThemes.defaultTheme()
    #expect(Set(theme.roles.keys) == Set(Role.allCases))
    #expect(theme.name == "default")
    #expect(!theme.summary.isEmpty)
  }

  @Test func defaultThemeGuestScreenIsTheVGAPalette() throws {
    // The VGA DAC's default text-mode palette (IBM VGA Technical Reference; the Linux console uses the same).
    let palette: [UInt32] = [
      0x000000, 0x0000AA, 0x00AA00, 0x00AAAA, 0xAA0000, 0xAA00AA, 0xAA5500, 0xAAAAAA,
      0x555555, 0x5555FF, 0x55FF55, 0x55FFFF, 0xFF5555, 0xFF55FF, 0xFFFF55, 0xFFFFFF,
    ]
    let theme = try BuiltInThemes.defaultTheme()
    for (index, value) in palette.enumerated() {
      let expected = RGB(red: UInt8(value >> 16), green: UInt8(value >> 8 & 0xFF), blue: UInt8(value & 0xFF))
      #expect(theme.appearance(of: Role.vga(index)).foreground == expected, "vga\(index)")
    }
  }

  @Test(arguments: BuiltInThemes.names)
  func everyBuiltInThemeLoadsWithEveryRole(name: String) throws {
    let theme = try BuiltInThemes.theme(named: name)
    #expect(theme.name == name)
    #expect(Set(theme.roles.keys) == Set(Role.allCases))
  }

  @Test func themeThatOmitsRolesTakesThemFromDefault() throws {
    let light = try BuiltInThemes.theme(named: "light")
    let dark = try BuiltInThemes.defaultTheme()
    // light.toml leaves the VGA palette out and defines its own text colours.
    #expect(light.appearance(of: Role.vga1).foreground == RGB(hex: "#0000aa"))
    #expect(light.appearance(of: Role.text).background == RGB(hex: "#eff1f5"))
    #expect(light.appearance(of: Role.text) != dark.appearance(of: Role.text))
  }

  @Test func monochromeHasNoColoursAtAll() throws {
    let theme = try BuiltInThemes.theme(named: "monochrome")
    #expect(!theme.hasColours)
    #expect(try BuiltInThemes.defaultTheme().hasColours)
  }

  /// IRR, ISR and IMR must differ by more than hue in every theme (colour-blind eyes, 16-colour terminals,
  /// monochrome): by bold, underline, reverse or a filled background.
  @Test(arguments: BuiltInThemes.names)
  func interruptRegistersDifferByMoreThanHue(name: String) throws {
    let theme = try BuiltInThemes.theme(named: name)
    struct Signature: Hashable {
      var bold: Bool
      var underline: Bool
      var filled: Bool
    }
    let signatures = [Role.irr, .isr, .imr].map { role in
      let look = theme.appearance(of: role)
      return Signature(bold: look.bold, underline: look.underline, filled: look.reverse || look.background != nil)
    }
    #expect(Set(signatures).count == 3, "\(signatures)")
  }

  /// WCAG 2 contrast between a role's text and what it is drawn on: at least 4.5:1 (AA) for the roles that carry
  /// meaning, 7:1 (AAA) in high-contrast.
  @Test(arguments: ["default", "light", "high-contrast"])
  func meaningfulRolesAreReadable(name: String) throws {
    let theme = try BuiltInThemes.theme(named: name)
    let minimum = name == "high-contrast" ? 7.0 : 4.5
    for role in [Role.text, .title, .value, .label, .irr, .isr, .imr, .changed, .error, .keyLabel, .active] {
      let look = theme.resolvedAppearance(of: .role(role))
      let ratio = contrast(try #require(look.foreground), try #require(look.background))
      #expect(ratio >= minimum, "\(name) \(role): \(ratio)")
    }
  }

  @Test func monochromeGuestScreenShowsBackgroundsInReverseAndBrightColoursBold() throws {
    let theme = try BuiltInThemes.theme(named: "monochrome")
    #expect(theme.appearance(of: CellStyle.vga(attribute: 0x07)) == Appearance())
    #expect(theme.appearance(of: CellStyle.vga(attribute: 0x70)) == Appearance(reverse: true))
    #expect(theme.appearance(of: CellStyle.vga(attribute: 0x1F)) == Appearance(bold: true, reverse: true))
    #expect(theme.appearance(of: CellStyle.vga(attribute: 0x0E)) == Appearance(bold: true))
  }

  @Test func resourceCopiesAreByteIdenticalToThemesDirectory() throws {
    let canonical = Self.repository.appendingPathComponent("Themes")
    let files = try FileManager.default.contentsOfDirectory(atPath: canonical.path).filter { $0.hasSuffix(".toml") }
    #expect(Set(files) == Set(BuiltInThemes.names.map { "\($0).toml" }))
    for file in files {
      let original = try Data(contentsOf: canonical.appendingPathComponent(file))
      let source = Self.repository.appendingPathComponent("Sources/Dashboard/Resources/Themes/\(file)")
      #expect(
        try Data(contentsOf: source) == original,
        "Sources/Dashboard/Resources/Themes/\(file) differs from Themes/\(file)")
      let name = String(file.dropLast(".toml".count))
      #expect(BuiltInThemes.source(named: name).map { Data($0.utf8) } == original, "bundle copy of \(file)")
    }
  }

  @Test func themesCycleInOrderAndWrap() {
    #expect(BuiltInThemes.next(after: "default") == "light")
    #expect(BuiltInThemes.next(after: "monochrome") == "default")
    #expect(BuiltInThemes.next(after: "/home/me/mine.toml") == "default")
  }

  @Test func unknownBuiltInThemeNamesTheChoices() {
    #expect(
      throws: ThemeError(
        file: "solarized",
        problem:
          "no such theme; the built-in themes are default, light, high-contrast, monochrome, or give a .toml file's path"
      )
    ) { try BuiltInThemes.theme(named: "solarized") }
  }

  @Test func missingThemeFileIsAnError() {
    #expect(throws: ThemeError(file: "/nonexistent/mine.toml", problem: "cannot read the theme file")) {
      try BuiltInThemes.theme(atPath: "/nonexistent/mine.toml")
    }
  }

  @Test func colourStringIsTheForegroundAndTablesTakeEveryAttribute() throws {
    let theme = try ThemeFile.parse(
      """
      name = "t"
      [roles]
      vga1 = "#0000AA"
      irr = { fg = "#102030", bg = "#405060", bold = true, underline = true, reverse = true }
      """, file: "t.toml", name: "fallback")
    #expect(theme.roles[.vga1] == Appearance(foreground: RGB(red: 0, green: 0, blue: 0xAA)))
    #expect(
      theme.roles[.irr]
        == Appearance(
          foreground: RGB(red: 0x10, green: 0x20, blue: 0x30), background: RGB(red: 0x40, green: 0x50, blue: 0x60),
          bold: true, underline: true, reverse: true))
    #expect(theme.roles.count == 2)
  }

  @Test func themeWithoutNameIsNamedAfterItsFile() throws {
    #expect(try ThemeFile.parse("[roles]\n", file: "mine.toml", name: "mine").name == "mine")
  }

  /// WCAG 2 contrast ratio from relative luminance (sRGB linearised).
  func contrast(_ a: RGB, _ b: RGB) -> Double {
    func luminance(_ c: RGB) -> Double {
      func channel(_ v: UInt8) -> Double {
        let s = Double(v) / 255
        return s <= 0.03928 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4)
      }
      return 0.2126 * channel(c.red) + 0.7152 * channel(c.green) + 0.0722 * channel(c.blue)
    }
    let (la, lb) = (luminance(a), luminance(b))
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
  }
}

import Dashboard
import Testing

@testable import CursesUI

/// Colour numbers against xterm's own palette: 16 + 36r + 6g + b over the levels 0, 95, 135, 175, 215, 255, and
/// greys 232–255 = 8 + 10n (xterm's 256colres.pl); the 16 system colours as XTerm-col.ad sets them.
@Suite struct ColorMappingTests {
  static func rgb(_ hex: String) -> RGB { RGB(hex: hex)! }

  @Test func cubeCornersAreTheirPaletteEntries() {
    #expect(XtermPalette.nearest256(Self.rgb("#000000")) == 16)
    #expect(XtermPalette.nearest256(Self.rgb("#ff0000")) == 196)
    #expect(XtermPalette.nearest256(Self.rgb("#00ff00")) == 46)
    #expect(XtermPalette.nearest256(Self.rgb("#0000ff")) == 21)
    #expect(XtermPalette.nearest256(Self.rgb("#ffffff")) == 231)
  }

  @Test func inBetweenColoursGoToTheNearestCubeEntry() {
    #expect(XtermPalette.nearest256(Self.rgb("#5f87af")) == 67)  // exactly (95, 135, 175)
    // #89b4fa: 137 → 135 (level 2), 180 → 175 (level 3), 250 → 255 (level 5): 16 + 72 + 18 + 5.
    #expect(XtermPalette.nearest256(Self.rgb("#89b4fa")) == 111)
  }

  @Test func greysGoToTheGreyRamp() {
    #expect(XtermPalette.nearest256(Self.rgb("#808080")) == 244)  // 8 + 10 × 12 = 128
    #expect(XtermPalette.nearest256(Self.rgb("#121212")) == 233)  // 18
    #expect(XtermPalette.nearest256(Self.rgb("#eeeeee")) == 255)  // 238
  }

  @Test func sixteenColourTerminalsGetTheNearestSystemColour() {
    #expect(XtermPalette.nearest(Self.rgb("#000000"), among: 0..<16) == 0)
    #expect(XtermPalette.nearest(Self.rgb("#ff0000"), among: 0..<16) == 9)
    #expect(XtermPalette.nearest(Self.rgb("#aa0000"), among: 0..<16) == 1)  // VGA red: (205,0,0) is nearer than black
    #expect(XtermPalette.nearest(Self.rgb("#0000aa"), among: 0..<16) == 4)  // VGA blue
    #expect(XtermPalette.nearest(Self.rgb("#5555ff"), among: 0..<16) == 12)  // VGA light blue → (92,92,255)
    #expect(XtermPalette.nearest(Self.rgb("#ffffff"), among: 0..<16) == 15)
    #expect(XtermPalette.nearest(Self.rgb("#ff5555"), among: 0..<8) == 1)  // eight colours: no bright red
  }

  @Test func depthFollowsColorsAndHasColors() {
    #expect(ColorDepth(hasColors: false, colors: 256) == .none)
    #expect(ColorDepth(hasColors: true, colors: 8) == .eight)
    #expect(ColorDepth(hasColors: true, colors: 16) == .sixteen)
    #expect(ColorDepth(hasColors: true, colors: 88) == .sixteen)
    #expect(ColorDepth(hasColors: true, colors: 256) == .palette256)
    #expect(ColorDepth(hasColors: true, colors: 0x100_0000) == .direct)
    #expect(ColorDepth.direct.number(for: Self.rgb("#123456"), defaults: true, fallback: 7) == 0x123456)
  }

  @Test func missingColoursAreTheTerminalsDefaultOrWhiteOnBlack() {
    #expect(ColorDepth.palette256.number(for: nil, defaults: true, fallback: 7) == -1)
    #expect(ColorDepth.palette256.number(for: nil, defaults: false, fallback: 7) == 7)
    #expect(ColorDepth.palette256.number(for: nil, defaults: false, fallback: 0) == 0)
  }

  @Test func pairsAreAllocatedOncePerCombinationAndDefaultsUsePairZero() {
    var pairs = ColorPairs(limit: 3)
    var allocated: [[Int32]] = []
    let allocate = { (pair: Int32, fg: Int32, bg: Int32) in allocated.append([pair, fg, bg]) }
    #expect(pairs.pair(foreground: -1, background: -1, allocate: allocate) == 0)
    #expect(pairs.pair(foreground: 196, background: -1, allocate: allocate) == 1)
    #expect(pairs.pair(foreground: 21, background: 16, allocate: allocate) == 2)
    #expect(pairs.pair(foreground: 196, background: -1, allocate: allocate) == 1)
    // COLOR_PAIRS = 3 means pairs 0, 1, 2: a third combination falls back to the default pair.
    #expect(pairs.pair(foreground: 46, background: 16, allocate: allocate) == 0)
    #expect(allocated == [[1, 196, -1], [2, 21, 16]])
  }

  @Test func withoutColourBackgroundsBecomeReverseAndBrightVGAColoursBold() {
    let theme = Theme(
      name: "t",
      roles: [
        .text: Appearance(foreground: Self.rgb("#cdd6f4")),
        .selected: Appearance(background: Self.rgb("#45475a")),
        .title: Appearance(foreground: Self.rgb("#89b4fa"), bold: true),
      ])
    let rule = LookRule(depth: .none, defaultColors: false)
    #expect(rule.resolve(.role(.selected), in: theme).reverse)
    #expect(!rule.resolve(.role(.title), in: theme).reverse)
    #expect(rule.resolve(.role(.title), in: theme).bold)
    let brightOnBlack = rule.resolve(.vga(attribute: 0x0F), in: theme)
    #expect(brightOnBlack.bold && !brightOnBlack.reverse)
    let greyOnBlue = rule.resolve(.vga(attribute: 0x17), in: theme)
    #expect(!greyOnBlue.bold && greyOnBlue.reverse)
    // With colour the same cells keep their colours and no extra attributes.
    let colour = LookRule(depth: .palette256, defaultColors: true)
    let selected = colour.resolve(.role(.selected), in: theme)
    // #45475a = (69, 71, 90): grey 239 = (78, 78, 78) is nearer than cube 59 = (95, 95, 95).
    #expect(!selected.reverse && selected.foreground == -1 && selected.background == 239)
  }
}

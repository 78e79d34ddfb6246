import Testing

@testable import Dashboard

/// Expected indices are worked by hand from xterm's palette (cube levels 0, 95, 135, 175, 215, 255; greys
/// 8 + 10·i at 232 + i) and the VGA/Linux-console 16 colours in ANSI order.
struct ThemeColourFallbackTests {
  @Test func hexParsingAcceptsSixDigitsOnly() {
    #expect(RGB(hex: "#89b4fa") == RGB(red: 0x89, green: 0xB4, blue: 0xFA))
    #expect(RGB(hex: "89B4FA") == RGB(red: 0x89, green: 0xB4, blue: 0xFA))
    #expect(RGB(hex: "#fff") == nil)
    #expect(RGB(hex: "#+12345") == nil)
    #expect(RGB(hex: "#12345g") == nil)
    #expect(RGB(hex: "#89b4fa").map(\.description) == "#89b4fa")
  }

  @Test func xterm256PicksExactCubeColours() {
    #expect(RGB(hex: "#000000")!.xterm256Index == 16)
    #expect(RGB(hex: "#ffffff")!.xterm256Index == 231)
    #expect(RGB(hex: "#ff0000")!.xterm256Index == 196)
    #expect(RGB(hex: "#87afd7")!.xterm256Index == 110)  // 135, 175, 215 → 16 + 36·2 + 6·3 + 4
    #expect(RGB(hex: "#5f87af")!.xterm256Index == 67)  // 95, 135, 175 → 16 + 36 + 12 + 3
  }

  @Test func xterm256PicksTheGreyRampWhenItIsNearer() {
    // #808080: the cube's nearest is 135,135,135 (3·7² = 147 away); grey 232+12 = 128 is exact.
    #expect(RGB(hex: "#808080")!.xterm256Index == 244)
    #expect(RGB(hex: "#767676")!.xterm256Index == 243)
    // #1e1e2e (30,30,46): cube black is 3916 away, grey 38 (235) only 64+64+64 = 192.
    #expect(RGB(hex: "#1e1e2e")!.xterm256Index == 235)
  }

  @Test func xterm256PicksTheNearestCubeColourForSaturatedColours() {
    // #fab387 (250,179,135) → levels 255, 175, 135 → 16 + 180 + 18 + 2.
    #expect(RGB(hex: "#fab387")!.xterm256Index == 216)
    // #cdd6f4 (205,214,244) → 215, 215, 255 (222 away) beats grey 218 (861 away).
    #expect(RGB(hex: "#cdd6f4")!.xterm256Index == 189)
  }

  @Test func xterm256IndexMapsBackToItsColour() {
    #expect(RGB(xterm256Index: 110) == RGB(hex: "#87afd7"))
    #expect(RGB(xterm256Index: 244) == RGB(hex: "#808080"))
    #expect(RGB(xterm256Index: 15) == nil)
  }

  @Test func ansi16UsesAnsiOrderNotVGAOrder() {
    #expect(RGB(hex: "#000000")!.ansi16Index == 0)
    #expect(RGB(hex: "#aa0000")!.ansi16Index == 1)  // red is ANSI 1 (VGA 4)
    #expect(RGB(hex: "#0000aa")!.ansi16Index == 4)  // blue is ANSI 4 (VGA 1)
    #expect(RGB(hex: "#aa5500")!.ansi16Index == 3)
    #expect(RGB(hex: "#00aaaa")!.ansi16Index == 6)
    #expect(RGB(hex: "#ff5555")!.ansi16Index == 9)
    #expect(RGB(hex: "#ffffff")!.ansi16Index == 15)
  }

  @Test func ansi16PicksTheNearestByRGBDistance() {
    // #f38ba8 (243,139,168): #aaaaaa is 73²+31²+2² = 6294 away, #ff5555 9949, #ff55ff 10629.
    #expect(RGB(hex: "#f38ba8")!.ansi16Index == 7)
    // #1e1e2e: black 3916, dark grey #555555 7571.
    #expect(RGB(hex: "#1e1e2e")!.ansi16Index == 0)
    // #fab387: #aaaaaa 7706, #ffff55 12201.
    #expect(RGB(hex: "#fab387")!.ansi16Index == 7)
  }
}

import Testing

@testable import Dashboard

struct LayoutTests {
  /// Every cell of the content area (all but the last two rows) belongs to exactly one pane.
  func tiles(_ layout: Layout, width: Int, height: Int) -> Bool {
    var owner = [Int](repeating: 0, count: width * (height - 2))
    for frame in layout.frames {
      for row in frame.rect.y..<frame.rect.maxY {
        for column in frame.rect.x..<frame.rect.maxX { owner[row * width + column] += 1 }
      }
    }
    return owner.allSatisfy { $0 == 1 }
  }

  @Test func at160By50EveryPaneIsVisibleAndTheGuestScreenIsFullSize() {
    let layout = Layout.compute(width: 160, height: 50, focused: .pic, zoomed: false)
    #expect(layout.mode == .full)
    #expect(Set(layout.frames.map(\.pane)) == Set(PaneID.allCases))
    #expect(layout.rect(of: .screen) == Rect(x: 0, y: 0, width: 82, height: 27))  // 80×25 inside its frame
    #expect(tiles(layout, width: 160, height: 50))
    #expect(layout.status == Rect(x: 0, y: 48, width: 160, height: 1))
    #expect(layout.keyBar == Rect(x: 0, y: 49, width: 160, height: 1))
    // The PIC pane is tall enough for both chips (14 rows inside its frame).
    #expect(layout.rect(of: .pic)!.height >= 16)
  }

  @Test func at240By70ExtraRoomGoesToThePanesThatScroll() {
    let small = Layout.compute(width: 160, height: 50, focused: .pic, zoomed: false)
    let large = Layout.compute(width: 240, height: 70, focused: .pic, zoomed: false)
    #expect(large.mode == .full)
    #expect(tiles(large, width: 240, height: 70))
    #expect(large.rect(of: .screen) == Rect(x: 0, y: 0, width: 82, height: 27))
    #expect(large.rect(of: .log)!.height > small.rect(of: .log)!.height)
    #expect(large.rect(of: .idt)!.height > small.rect(of: .idt)!.height)
    #expect(large.rect(of: .registers)!.width > small.rect(of: .registers)!.width)
  }

  @Test func at80By24TheGuestScreenSharesWithTheFocusedPane() {
    let layout = Layout.compute(width: 80, height: 24, focused: .registers, zoomed: false)
    #expect(layout.mode == .focused)
    #expect(layout.frames.map(\.pane) == [.screen, .registers])
    #expect(tiles(layout, width: 80, height: 24))
    #expect(layout.rect(of: .registers)!.height >= 15)  // all its rows
    let zoomed = Layout.compute(width: 80, height: 24, focused: .registers, zoomed: true)
    #expect(zoomed.frames == [Layout.Frame(pane: .registers, rect: Rect(x: 0, y: 0, width: 80, height: 22))])
  }

  @Test func inBetweenTheScreenIsFullSizeBesideTheFocusedPane() {
    let layout = Layout.compute(width: 130, height: 40, focused: .idt, zoomed: false)
    #expect(layout.rect(of: .screen) == Rect(x: 0, y: 0, width: 82, height: 27))
    #expect(layout.rect(of: .idt) == Rect(x: 82, y: 0, width: 48, height: 38))
    #expect(layout.rect(of: .log) == Rect(x: 0, y: 27, width: 82, height: 11))
    #expect(tiles(layout, width: 130, height: 40))
  }

  @Test func belowTheMinimumThereAreNoPanes() {
    #expect(Layout.compute(width: 79, height: 24, focused: .pic, zoomed: false).mode == .tooSmall)
    #expect(Layout.compute(width: 80, height: 23, focused: .pic, zoomed: false).mode == .tooSmall)
  }
}

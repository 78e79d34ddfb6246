import Testing

@testable import Dashboard
@testable import Emulator

struct ComposeTests {
  static func frame(_ size: (Int, Int), state: DashboardState = DashboardState()) throws -> (Canvas, [ClickTarget]) {
    try frame(size, state: state, live: LiveSnapshot.make())
  }

  static func frame(_ size: (Int, Int), state: DashboardState = DashboardState(), live: LiveSnapshot.Pair) -> (
    Canvas, [ClickTarget]
  ) {
    var state = state
    state.observe(live.previous, previous: nil)
    state.observe(live.current, previous: live.previous)
    return compose(snapshot: live.current, previous: live.previous, state: state, size: size, wallSeconds: 0.01)
  }

  @Test func at160By50EveryPaneIsFramedWithItsHotkeyAndTheGuestTextIsThere() throws {
    let (canvas, _) = try Self.frame((160, 50))
    let text = canvas.lines.joined(separator: "\n")
    for pane in PaneID.allCases { #expect(text.contains(" \(pane.hotkey) \(pane.title) "), "\(pane)") }
    #expect(canvas.lines[0].hasPrefix("┌ 7 Guest screen ─"))
    // The driver kernel prints its banner on the VGA screen (Guest/net/driver.c), inside the frame.
    #expect(canvas.lines[1].hasPrefix("│irqscope net driver: e1000"))
    #expect(canvas.lines[48].hasPrefix(" ▶ running  speed 1×  t 0.020000s"))
    #expect(canvas.lines[49].hasPrefix("F1Help F2Pane"))
    // The PIC pane (focused by default) has the focus border.
    #expect(text.contains("┌ 4 PIC 8259A"))
    #expect(canvas.styleRuns.contains { $0.style == .role(.focusBorder) })
  }

  @Test func guestCellsCarryTheAttributeTheGuestWrote() throws {
    let live = try LiveSnapshot.make()
    let (canvas, _) = Self.frame((160, 50), live: live)
    let screen = live.current.screen
    for column in [0, 5, 40] where !(screen.cursorRow == 0 && screen.cursorColumn == column) {
      #expect(canvas[1, 1 + column].style == .vga(attribute: screen.attribute(row: 0, column: column)))
    }
  }

  @Test func at80By24TheGuestScreenAndTheFocusedPaneShow() throws {
    var state = DashboardState()
    state.focused = .ring
    let (canvas, _) = try Self.frame((80, 24), state: state)
    #expect(canvas.lines[0].hasPrefix("─ 5 DMA ring") == false)
    #expect(canvas.lines[0].hasPrefix("─ 7 Guest screen ─"))
    #expect(canvas.lines[1].hasPrefix("irqscope net driver: e1000"))  // all 80 columns, no side borders
    #expect(canvas.lines.contains { $0.hasPrefix("┌ 5 DMA ring ─") })
    #expect(!canvas.lines.joined().contains("PIC 8259A"))
    #expect(canvas.lines[22].hasPrefix(" ▶ running"))
  }

  @Test func below80By24OnlyTheSizeMessageShows() throws {
    let (canvas, targets) = try Self.frame((40, 10))
    #expect(
      SnapshotFixture.trimmed(canvas) == [
        "", "", "", "",
        "       Terminal too small: 40×10",
        "     irqscope needs at least 80×24",
        "", "", "", "",
      ])
    #expect(targets.isEmpty)
  }

  @Test func clickTargetsFocusPanesAndToggleMasksInTheComposedFrame() throws {
    let (_, targets) = try Self.frame((160, 50))
    // Registers occupy x 82..120, y 0..14 at 160×50.
    let (focused, _) = KeyDispatch.handle(
      .mouse(MouseEvent(row: 5, column: 90, action: .press(button: 1))), state: DashboardState(), targets: targets)
    #expect(focused.focused == .registers)
    // The PIC pane's frame starts at (121, 0): master IMR row is 1 + 5, IRQ 1's cell ends at 122 + 4 + 4 + 3.
    let (_, actions) = KeyDispatch.handle(
      .mouse(MouseEvent(row: 6, column: 133, action: .press(button: 1))), state: DashboardState(), targets: targets)
    #expect(actions.first == .machine(.toggleMask(irq: 1)))
  }

  @Test func theHelpScreenCoversThePanes() throws {
    var state = DashboardState()
    state.helpVisible = true
    let (canvas, _) = try Self.frame((160, 50), state: state)
    let text = canvas.lines.joined(separator: "\n")
    #expect(text.contains("Help: irqscope keys"))
    #expect(text.contains("F10      quit irqscope"))
  }

  @Test func composeIsPure() throws {
    let (first, firstTargets) = try Self.frame((160, 50))
    let (second, secondTargets) = try Self.frame((160, 50))
    #expect(first == second)
    #expect(firstTargets == secondTargets)
  }
}

import Testing

@testable import Dashboard
@testable import Emulator

struct StatusLineTests {
  func render(_ snapshot: MachineSnapshot, state: DashboardState = DashboardState(), width: Int = 150) -> Canvas {
    var canvas = Canvas(width: width, height: 1)
    StatusLine.draw(
      PaneContext(snapshot: snapshot, previous: nil, state: state, wallSeconds: 0), in: canvas.bounds, on: &canvas)
    return canvas
  }

  @Test func runningAtNominalSpeedWithTheVirtualTime() {
    // 150,000,000 cycles at the 100 MHz nominal clock: 1.5 virtual seconds.
    let canvas = render(SnapshotFixture.make(cycles: 150_000_000))
    #expect(
      SnapshotFixture.trimmed(canvas) == [
        " ▶ running  speed 1×  t 1.500000s  keys queued 0 dropped 0  typing → keyboard (IRQ1)"
      ])
    #expect(canvas.style(of: "▶ running", row: 0) == .role(.good))
  }

  @Test func pausedAtMaximumSpeedWithDroppedKeysAPendingPrefixAndAStopReason() {
    let snapshot = SnapshotFixture.make(cycles: 0) {
      $0.host = MachineSnapshot.Host(paused: true, speed: nil, keysQueued: 3, keysDropped: 2, stopReason: "stepped")
    }
    var state = DashboardState()
    state.inputTarget = .com1
    state.prefix = .maskDigit
    let canvas = render(snapshot, state: state)
    #expect(
      SnapshotFixture.trimmed(canvas) == [
        " ❚❚ paused  ^A m: IRQ 0-f?  stepped  speed max  t 0.000000s  keys queued 3 dropped 2  typing → COM1 (IRQ4)"
      ])
    #expect(canvas.style(of: "❚❚ paused", row: 0) == .role(.warning))
    #expect(canvas.style(of: "dropped 2", row: 0) == .role(.warning))
    #expect(canvas.style(of: "^A m: IRQ 0-f?", row: 0) == .role(.active))
  }

  /// At 80 columns the whole line fits with shorter labels, and a pending Ctrl-A m comes right after the state, so
  /// the prompt shows even when the end of the line is cut.
  @Test func eightyColumnsShowTheWholeLineAndThePromptFirst() {
    let snapshot = SnapshotFixture.make(cycles: 150_000_000)
    #expect(
      SnapshotFixture.trimmed(render(snapshot, width: 80)) == [
        " ▶ running  speed 1×  t 1.500000s  queued 0 dropped 0  → keyboard (IRQ1)"
      ])
    var state = DashboardState()
    state.prefix = .maskDigit
    let prompted = SnapshotFixture.trimmed(render(snapshot, state: state, width: 80))[0]
    #expect(prompted.hasPrefix(" ▶ running  ^A m: IRQ 0-f?  speed 1×"))
  }
}

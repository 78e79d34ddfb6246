import Testing

@testable import Dashboard
@testable import Emulator

struct PICPaneTests {
  /// Column of IRQ n's bit: the 4-cell label, then 4 cells per input, right-aligned.
  func column(_ irq: Int) -> Int { 4 + 4 * (irq % 8) + 3 }

  @Test func irrBit1SetShowsInTheIRQ1ColumnInTheIRRRole() {
    let snapshot = SnapshotFixture.make { $0.pic = SnapshotFixture.pic(irr: 0x0002, intr: true) }
    let (canvas, _) = SnapshotFixture.render(.pic, snapshot, width: 36, height: 14)
    #expect(
      canvas.lines == [
        "master base 20 AEOI SFNM SMM INTR   ",
        "IRQ    0   1   2   3   4   5   6   7",
        "dev  pit kbd slv    com1            ",
        "IRR    0   1   0   0   0   0   0   0",
        "ISR    0   0   0   0   0   0   0   0",
        "IMR    0   0   0   0   0   0   0   0",
        "trig   E   E   E   E   E   E   E   E",
        "slave  base 28 AEOI SFNM SMM INT    ",
        "IRQ    8   9  10  11  12  13  14  15",
        "dev              nic                ",
        "IRR    0   0   0   0   0   0   0   0",
        "ISR    0   0   0   0   0   0   0   0",
        "IMR    0   0   0   0   0   0   0   0",
        "trig   E   E   E   E   E   E   E   E",
      ])
    #expect(canvas[3, column(1)].style == .role(.irr))
    #expect(canvas[3, column(0)].style == .role(.dim))
    #expect(canvas.style(of: "INTR", row: 0) == .role(.active))
    #expect(canvas.style(of: "INT", row: 7) == .role(.dim))
  }

  @Test func isrAndIMRBitsUseTheirRolesOnBothChips() {
    // ISR: IRQ 2 (cascade) and IRQ 11 in service; IMR: IRQ 3 and IRQ 15 masked.
    let snapshot = SnapshotFixture.make { $0.pic = SnapshotFixture.pic(isr: 0x0804, imr: 0x8008) }
    let (canvas, _) = SnapshotFixture.render(.pic, snapshot, width: 36, height: 14)
    #expect(canvas.lines[4] == "ISR    0   0   1   0   0   0   0   0")
    #expect(canvas.lines[11] == "ISR    0   0   0   1   0   0   0   0")
    #expect(canvas.lines[5] == "IMR    0   0   0   1   0   0   0   0")
    #expect(canvas.lines[12] == "IMR    0   0   0   0   0   0   0   1")
    #expect(canvas[4, column(2)].style == .role(.isr))
    #expect(canvas[11, column(11)].style == .role(.isr))
    #expect(canvas[5, column(3)].style == .role(.imr))
    #expect(canvas[12, column(15)].style == .role(.imr))
  }

  @Test func modesAndELCRLevelLinesAreShown() {
    // IRQ 11 level-triggered through the slave's ELCR (bit 3), the master in AEOI mode.
    let snapshot = SnapshotFixture.make {
      $0.pic = SnapshotFixture.pic(elcr: 0x0800) { master, _ in master.autoEOI = true }
    }
    let (canvas, _) = SnapshotFixture.render(.pic, snapshot, width: 36, height: 14)
    #expect(canvas.lines[13] == "trig   E   E   E   L   E   E   E   E")
    #expect(canvas.style(of: "AEOI", row: 0) == .role(.good))
    #expect(canvas.style(of: "AEOI", row: 7) == .role(.dim))
  }

  @Test func aChangedBitIsChangedThenFadingThenBack() {
    let before = SnapshotFixture.make(cycles: 100)
    var state = DashboardState()
    state.observe(before, previous: nil)
    var previous = before
    var roles: [CellStyle] = []
    // The request arrives in frame 1 and stays; 14 more frames pass with the machine running.
    for frame in 1...15 {
      let now = SnapshotFixture.make(cycles: 100 + UInt64(frame) * 100) { $0.pic = SnapshotFixture.pic(irr: 0x0002) }
      state.observe(now, previous: previous)
      let (canvas, _) = SnapshotFixture.render(.pic, now, previous: previous, state: state, width: 36, height: 14)
      roles.append(canvas[3, column(1)].style)
      previous = now
    }
    // changed for 3 frames (ages 0–2), fading through age 12, then the plain IRR role.
    #expect(Array(roles[0..<3]) == Array(repeating: .role(.changed), count: 3))
    #expect(Array(roles[3..<13]) == Array(repeating: .role(.fading), count: 10))
    #expect(Array(roles[13...]) == Array(repeating: .role(.irr), count: 2))
  }

  @Test func aPausedMachineKeepsItsHighlights() {
    let before = SnapshotFixture.make(cycles: 100)
    let after = SnapshotFixture.make(cycles: 200) { $0.pic = SnapshotFixture.pic(imr: 0x0002) }
    var state = DashboardState()
    state.observe(before, previous: nil)
    state.observe(after, previous: before)
    for _ in 0..<20 { state.observe(after, previous: after) }  // paused: the cycle count stands still
    let (canvas, _) = SnapshotFixture.render(.pic, after, previous: after, state: state, width: 36, height: 14)
    #expect(canvas[5, column(1)].style == .role(.changed))
  }

  @Test func aPulseBetweenSnapshotsLightsItsLineFromTheTrace() {
    // IRR and ISR bit 1 went up and down between the two snapshots: only the trace record tells.
    let before = SnapshotFixture.make(cycles: 100)
    let after = SnapshotFixture.make(cycles: 200) {
      $0.trace = [SnapshotFixture.irqEvent(irq: 1, vector: 0x21, cycle: 150, eoi: 180)]
    }
    var state = DashboardState()
    state.observe(before, previous: nil)
    state.observe(after, previous: before)
    let (canvas, _) = SnapshotFixture.render(.pic, after, previous: before, state: state, width: 36, height: 14)
    #expect(canvas.lines[3] == "IRR    0   0   0   0   0   0   0   0")
    #expect(canvas[3, column(1)].style == .role(.changed))
    #expect(canvas[4, column(1)].style == .role(.changed))
    #expect(canvas[3, column(0)].style == .role(.dim))
  }

  @Test func everyIMRBitIsAClickTargetThatTogglesIt() {
    let snapshot = SnapshotFixture.make()
    let (_, targets) = SnapshotFixture.render(.pic, snapshot, width: 36, height: 14)
    let masks = targets.compactMap { target -> Int? in
      if case .toggleMask(let irq) = target.kind { irq } else { nil }
    }
    #expect(masks == Array(0..<16))
    // A click on the IMR row's IRQ 11 cell (slave IMR is row 12).
    let (_, actions) = KeyDispatch.handle(
      .mouse(MouseEvent(row: 12, column: column(11), action: .press(button: 1))), state: DashboardState(),
      targets: targets)
    #expect(actions.first == .machine(.toggleMask(irq: 11)))
  }
}

struct PICPaneWideTests {
  @Test func aWidePaneShowsTheChipsSideBySide() {
    let snapshot = SnapshotFixture.make { $0.pic = SnapshotFixture.pic(irr: 0x0802, imr: 0x0001) }
    let (canvas, targets) = SnapshotFixture.render(.pic, snapshot, width: 78, height: 7)
    #expect(
      SnapshotFixture.trimmed(canvas) == [
        "master base 20 AEOI SFNM SMM INTR     slave  base 28 AEOI SFNM SMM INT",
        "IRQ    0   1   2   3   4   5   6   7  IRQ    8   9  10  11  12  13  14  15",
        "dev  pit kbd slv    com1              dev              nic",
        "IRR    0   1   0   0   0   0   0   0  IRR    0   0   0   1   0   0   0   0",
        "ISR    0   0   0   0   0   0   0   0  ISR    0   0   0   0   0   0   0   0",
        "IMR    1   0   0   0   0   0   0   0  IMR    0   0   0   0   0   0   0   0",
        "trig   E   E   E   E   E   E   E   E  trig   E   E   E   E   E   E   E   E",
      ])
    // IRQ 11's bit: the slave starts at column 38; its label column, then three IR columns, right-aligned.
    #expect(canvas[3, 38 + 4 + 4 * 3 + 3].style == .role(.irr))
    let slaveMask = targets.first { $0.kind == .toggleMask(irq: 11) }
    #expect(slaveMask?.rect == Rect(x: 38 + 4 + 4 * 3, y: 5, width: 4, height: 1))
  }
}

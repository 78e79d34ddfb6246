import Testing

@testable import Dashboard
@testable import Emulator

struct LogStatsEventsPaneTests {
  @Test func logShowsTimeLatencyEOIAndNestingInTimeOrder() {
    // IRQ 1 delivered at cycle 1000 (10 µs), EOI at 3000; IRQ 0 nested inside it at 2000, EOI at 2500. The nested
    // record finishes first, so it arrives first; the log orders by time and counts IRQ 0 one deep.
    let outer = SnapshotFixture.irqEvent(
      irq: 1, vector: 0x21, cycle: 1000, eoi: 3000, latency: 50, source: "keyboard", handler: "kbd_isr")
    let inner = SnapshotFixture.irqEvent(
      irq: 0, vector: 0x20, cycle: 2000, eoi: 2500, latency: 120, source: "pit", handler: "timer_isr")
    var state = DashboardState()
    state.observe(SnapshotFixture.make(cycles: 4000) { $0.trace = [inner, outer] }, previous: nil)
    let (canvas, _) = SnapshotFixture.render(
      .log, SnapshotFixture.make(cycles: 4000), state: state, width: 90, height: 3)
    #expect(
      SnapshotFixture.trimmed(canvas) == [
        "time s     source   what   vec handler                n  latency EOI after",
        "  0.000010 keyboard IRQ1   21  kbd_isr                     500ns 20.0µs",
        "  0.000020 pit      IRQ0   20    timer_isr            1    1.2µs 5.0µs",
      ])
  }

  @Test func statsCountLinesLikeProcInterruptsWithRatesPerVirtualSecond() {
    // One virtual second (100,000,000 cycles) in which the PIT fired 100 times and the keyboard twice.
    let before = SnapshotFixture.make(cycles: 0) { $0.interruptsPerIRQ = Array(repeating: 0, count: 16) }
    let now = SnapshotFixture.make(cycles: 100_000_000) {
      var counts = Array(repeating: 0, count: 16)
      counts[0] = 100
      counts[1] = 2
      $0.interruptsPerIRQ = counts
      $0.traceCounts = [.nmi: 1]
    }
    var state = DashboardState()
    state.observe(before, previous: nil)
    state.observe(now, previous: before)
    let (canvas, _) = SnapshotFixture.render(.stats, now, previous: before, state: state, width: 40, height: 12)
    #expect(
      SnapshotFixture.trimmed(canvas) == [
        "IRQ device        count    rate/s",
        "  0 timer           100     100.0",
        "  1 keyboard          2       2.0",
        "  2 cascade           0       0.0",
        "  4 COM1              0       0.0",
        " 11 NIC               0       0.0",
        "NMI nmi               1       1.0",
        "SPU spurious          0       0.0",
        "EXC exception         0       0.0",
        "SWI int n             0       0.0",
        "DRP dropped           0       0.0",
        "",
      ])
  }

  /// Frames 1/30 s apart while a 100 Hz timer ticks (one tick per 1,000,000 cycles): each frame sees 3 or 4 ticks,
  /// 90 or 120 a second if measured frame to frame; over the last second the rate reads 100.
  @Test func statsRatesAreMeasuredOverTheLastVirtualSecondNotOneFrame() throws {
    var state = DashboardState()
    var last: MachineSnapshot?
    for frame in 0...90 {
      let cycles = UInt64(frame) * 3_333_333
      let snapshot = SnapshotFixture.make(cycles: cycles) {
        var counts = Array(repeating: 0, count: 16)
        counts[0] = Int(cycles / 1_000_000)
        $0.interruptsPerIRQ = counts
      }
      state.observe(snapshot, previous: last)
      last = snapshot
    }
    #expect(state.rates.samples.count <= 32, "about a second of frames is kept, not the whole run")
    let (canvas, _) = SnapshotFixture.render(.stats, try #require(last), state: state, width: 40, height: 3)
    let timer = try #require(SnapshotFixture.trimmed(canvas).first { $0.hasPrefix("  0 timer") })
    let rate = try #require(Double(timer.split(separator: " ").last ?? ""))
    #expect((99.0...101.0).contains(rate), "\(timer)")
  }

  @Test func aMachineThatWentBackInTimeStartsItsRateWindowAgain() {
    var rates = InterruptRates()
    rates.observe(SnapshotFixture.make(cycles: 500_000_000))
    rates.observe(SnapshotFixture.make(cycles: 600_000_000))
    rates.observe(SnapshotFixture.make(cycles: 1_000))
    #expect(rates.baseline == nil, "one sample after the reset: no rate yet")
    rates.observe(SnapshotFixture.make(cycles: 2_000))
    #expect(rates.baseline?.cycles == 1_000)
  }

  @Test func eventQueueListsPendingEventsByTimeAndTheKernelSectionIsAbsent() {
    let snapshot = SnapshotFixture.make(cycles: 1000) {
      $0.pendingEvents = [
        Scheduler.PendingEvent(time: 1000 + 100_000, device: "pit", what: "channel 0 terminal count"),
        Scheduler.PendingEvent(time: 1000 + 250, device: "keyboard", what: "byte to 8042"),
      ]
    }
    let (canvas, _) = SnapshotFixture.render(.events, snapshot, width: 50, height: 5)
    #expect(
      SnapshotFixture.trimmed(canvas) == [
        "in 2.5µs   keyboard byte to 8042",
        "in 1.00ms  pit      channel 0 terminal count",
        "8042 OBF - FIFO 0 host 0",
        "wire queued 0 dropped 0",
        "kernel queue/tasks —",
      ])
  }
}

import Testing

@testable import Emulator

/// Records every change of the IRQ lines it is wired to, with the virtual time it happened at.
final class TimedIRQRecorder: IRQSink {
  let scheduler: Scheduler
  private(set) var changes: [(time: UInt64, irq: Int, level: Bool)] = []

  init(scheduler: Scheduler) { self.scheduler = scheduler }

  func setIRQ(_ irq: Int, level: Bool) { changes.append((scheduler.now, irq, level)) }

  /// The level the line was last driven to (low before any change).
  func level(_ irq: Int) -> Bool { changes.last { $0.irq == irq }?.level ?? false }

  /// Times of low-to-high changes, the line starting low.
  func risingEdges(_ irq: Int) -> [UInt64] { edges(irq, to: true) }
  func fallingEdges(_ irq: Int) -> [UInt64] { edges(irq, to: false) }

  private func edges(_ irq: Int, to target: Bool) -> [UInt64] {
    var level = false
    var times: [UInt64] = []
    for change in changes where change.irq == irq {
      if change.level != level && change.level == target { times.append(change.time) }
      level = change.level
    }
    return times
  }
}

/// Virtual-time helpers for device tests: the PIT clock worked out from its definition (1.193182 MHz against the
/// 100 MHz nominal CPU clock), and a loop that runs each event with `now` at its own time.
enum DeviceTestClock {
  static let cpuHz: UInt64 = 100_000_000
  static let pitHz: UInt64 = 1_193_182

  /// PIT input clocks that have happened by `cycle`.
  static func pitTick(_ cycle: UInt64) -> UInt64 { cycle * pitHz / cpuHz }
  /// The first cycle at which PIT clock `tick` has happened.
  static func cycle(ofPITTick tick: UInt64) -> UInt64 { (tick * cpuHz + pitHz - 1) / pitHz }

  /// Runs every event up to `end` at its own time, then leaves `now` at `end`.
  static func run(_ scheduler: Scheduler, until end: UInt64) {
    while scheduler.nextEventTime <= end {
      scheduler.now = max(scheduler.now, scheduler.nextEventTime)
      scheduler.runDue()
    }
    scheduler.now = max(scheduler.now, end)
  }

  static func run(_ scheduler: Scheduler, untilPITTick tick: UInt64) { run(scheduler, until: cycle(ofPITTick: tick)) }
}

@Suite struct PIT8254Tests {
  let scheduler = Scheduler()
  let recorder: TimedIRQRecorder
  let pit: PIT8254

  init() {
    recorder = TimedIRQRecorder(scheduler: scheduler)
    pit = PIT8254(scheduler: scheduler, irq0: IRQLine(irq: 0, sink: recorder))
  }

  private func out(_ port: UInt16, _ value: UInt8) { pit.portWrite(port, size: 1, value: UInt32(value)) }
  private func inb(_ port: UInt16) -> UInt8 { UInt8(truncatingIfNeeded: pit.portRead(port, size: 1)) }

  /// Programs channel 0: control word, then the count LSB and MSB.
  private func programChannel0(_ controlWord: UInt8, count: UInt16) {
    out(0x43, controlWord)
    out(0x40, UInt8(count & 0xFF))
    out(0x40, UInt8(count >> 8))
  }

  private func risingTicks() -> [UInt64] { recorder.risingEdges(0).map(DeviceTestClock.pitTick) }
  private func fallingTicks() -> [UInt64] { recorder.fallingEdges(0).map(DeviceTestClock.pitTick) }

  private func differences(_ values: [UInt64]) -> [UInt64] { zip(values.dropFirst(), values).map { $0 - $1 } }

  // MARK: Modes, measured as IRQ0 edges over virtual time

  @Test func mode2RateGeneratorPulsesLowOneClockEveryNClocks() {
    programChannel0(0x34, count: 100)  // channel 0, LSB/MSB, mode 2, written at clock 0
    DeviceTestClock.run(scheduler, untilPITTick: 1_000)
    // Loaded on clock 1, the count reaches 1 on clock 100: OUT low there for one clock, high again on 101.
    #expect(fallingTicks() == [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000])
    #expect(risingTicks() == [0, 101, 201, 301, 401, 501, 601, 701, 801, 901])
  }

  @Test func mode3SquareWaveWithEvenCountIsHalfHighHalfLow() {
    programChannel0(0x36, count: 10)
    DeviceTestClock.run(scheduler, untilPITTick: 61)
    #expect(fallingTicks() == [6, 16, 26, 36, 46, 56])  // high for 5 clocks from the load on clock 1
    #expect(risingTicks() == [0, 11, 21, 31, 41, 51, 61])  // low for 5
  }

  @Test func mode3SquareWaveWithOddCountIsHighOneClockLonger() {
    programChannel0(0x36, count: 11)
    DeviceTestClock.run(scheduler, untilPITTick: 50)
    let falls = fallingTicks()
    let rises = risingTicks().dropFirst()  // the first is OUT going high at the control word
    #expect(falls.first == 7)  // high ceil(11/2) = 6 clocks from clock 1
    for (fall, rise) in zip(falls, rises) { #expect(rise - fall == 5) }  // low floor(11/2) = 5
    #expect(differences(falls).allSatisfy { $0 == 11 })
  }

  @Test func mode0RaisesOutOnceAfterNPlusOneClocks() {
    programChannel0(0x30, count: 50)  // mode 0: OUT low at the control word
    DeviceTestClock.run(scheduler, untilPITTick: 50)
    #expect(recorder.risingEdges(0).isEmpty)
    DeviceTestClock.run(scheduler, untilPITTick: 200_000)  // past several wraps of the counter
    #expect(risingTicks() == [51])
    #expect(recorder.fallingEdges(0).isEmpty)
  }

  @Test func mode4StrobesLowForOneClockAfterNPlusOneClocks() {
    programChannel0(0x38, count: 20)
    DeviceTestClock.run(scheduler, untilPITTick: 200_000)
    #expect(fallingTicks() == [21])
    #expect(risingTicks() == [0, 22])
  }

  @Test func modes6And7BehaveAsModes2And3AndReportTheirOwnBits() {
    programChannel0(0x3C, count: 30)  // mode 6
    DeviceTestClock.run(scheduler, untilPITTick: 100)
    #expect(fallingTicks() == [30, 60, 90])
    out(0x43, 0xE2)  // read-back: status of channel 0 only
    #expect(inb(0x40) & 0x0E == 0x0C)
    out(0x43, 0x3E)  // mode 7
    #expect(pit.state.channels[0].mode == 7)
  }

  @Test func countZeroMeans65536() {
    programChannel0(0x34, count: 0)
    DeviceTestClock.run(scheduler, untilPITTick: 3 * 65_536 + 10)
    #expect(fallingTicks() == [65_536, 131_072, 196_608])
  }

  @Test func biosStateRunsChannel0At18Point2Hz() {
    pit.resetToBIOSState()
    DeviceTestClock.run(scheduler, until: DeviceTestClock.cpuHz)  // one virtual second
    let rises = recorder.risingEdges(0)
    // 1193182 / 65536 = 18.2 periods per second: 18 rising edges after the first.
    #expect(rises.count == 19)
    let riseTicks = rises.map(DeviceTestClock.pitTick)
    #expect(riseTicks[1] == 65_537)  // loaded on clock 1, high for 32768 clocks, low for 32768
    #expect(differences(Array(riseTicks.dropFirst())).allSatisfy { $0 == 65_536 })
    let state = pit.state.channels[0]
    #expect(state.mode == 3 && state.access == 3 && !state.bcd && state.reload == 65_536)
  }

  @Test func countOneInMode2GivesAnEdgeEveryClock() {
    programChannel0(0x34, count: 1)
    DeviceTestClock.run(scheduler, untilPITTick: 100)
    #expect(risingTicks().count == 1 + 100)  // the control word's, then one on each clock 1…100
  }

  @Test func smallestCountKeepsOnlyOneEventQueued() {
    programChannel0(0x34, count: 2)
    for step in 1...200 {
      DeviceTestClock.run(scheduler, untilPITTick: UInt64(step) * 7)
      #expect(scheduler.pending.filter { $0.device == "PIT" }.count == 1)
    }
    // Period 2: low on clock 2, high on 3, low on 4 … so rises on the odd clocks 3…1399, after the first at 0.
    #expect(recorder.risingEdges(0).count == 1 + 699)
  }

  @Test func lateRunningSchedulerStillDeliversEveryEdge() {
    programChannel0(0x34, count: 10)
    scheduler.now = DeviceTestClock.cycle(ofPITTick: 1_000)  // the CPU ran far past many periods
    scheduler.runDue()
    #expect(recorder.risingEdges(0).count == 1 + 99)  // rises on clocks 11, 21, …, 991
  }

  @Test func newMode2CountTakesEffectAtTheEndOfThePeriod() {
    programChannel0(0x34, count: 100)
    DeviceTestClock.run(scheduler, untilPITTick: 150)
    out(0x40, 40)  // new count 40, written mid-period
    out(0x40, 0)
    DeviceTestClock.run(scheduler, untilPITTick: 400)
    // Period 1 ends on clock 200 (falls on 200, reload on 201); then 40-clock periods from 201.
    #expect(fallingTicks() == [100, 200, 240, 280, 320, 360, 400])
  }

  // MARK: Gates, through port 0x61 and channel 2

  @Test func mode1OneShotStartsOnChannel2GateRisingEdge() {
    let portB = SystemControlPortB(pit: pit)
    out(0x43, 0xB2)  // channel 2, LSB/MSB, mode 1
    out(0x42, 10)
    out(0x42, 0)
    func out2(atTick tick: UInt64) -> Bool {
      scheduler.now = DeviceTestClock.cycle(ofPITTick: tick)
      return portB.portRead(0x61, size: 1) & 0x20 != 0
    }
    #expect(out2(atTick: 50))  // armed, not triggered: OUT stays high
    portB.portWrite(0x61, size: 1, value: 0x01)  // gate rises during clock 50
    #expect(out2(atTick: 50))
    for tick in UInt64(51)...60 { #expect(!out2(atTick: tick)) }  // low for N = 10 clocks
    #expect(out2(atTick: 61))
    #expect(out2(atTick: 500))
    // Retrigger: a new rising edge restarts the full one-shot.
    portB.portWrite(0x61, size: 1, value: 0x00)
    #expect(out2(atTick: 600))
    portB.portWrite(0x61, size: 1, value: 0x01)
    #expect(!out2(atTick: 601) && !out2(atTick: 610) && out2(atTick: 611))
  }

  @Test func mode5StrobeFollowsGateRisingEdgeByNPlusOneClocks() {
    let portB = SystemControlPortB(pit: pit)
    out(0x43, 0xBA)  // channel 2, LSB/MSB, mode 5
    out(0x42, 10)
    out(0x42, 0)
    scheduler.now = DeviceTestClock.cycle(ofPITTick: 100)
    portB.portWrite(0x61, size: 1, value: 0x01)
    func out2(atTick tick: UInt64) -> Bool {
      scheduler.now = DeviceTestClock.cycle(ofPITTick: tick)
      return pit.output(channel: 2)
    }
    #expect(out2(atTick: 110))
    #expect(!out2(atTick: 111))
    #expect(out2(atTick: 112))
    #expect(out2(atTick: 5_000))
  }

  @Test func mode2GateLowForcesOutHighAndRisingEdgeRestartsTheCount() {
    out(0x43, 0xB4)  // channel 2, LSB/MSB, mode 2
    out(0x42, 5)
    out(0x42, 0)
    pit.setGate(channel: 2, true)  // rises during clock 0: reload on clock 1
    scheduler.now = DeviceTestClock.cycle(ofPITTick: 5)
    #expect(!pit.output(channel: 2))  // count reached 1 on clock 5
    pit.setGate(channel: 2, false)
    #expect(pit.output(channel: 2))  // forced high at once
    scheduler.now = DeviceTestClock.cycle(ofPITTick: 20)
    #expect(pit.output(channel: 2))  // stopped while low
    pit.setGate(channel: 2, true)  // reload on clock 21: low again on clock 25
    scheduler.now = DeviceTestClock.cycle(ofPITTick: 24)
    #expect(pit.output(channel: 2))
    scheduler.now = DeviceTestClock.cycle(ofPITTick: 25)
    #expect(!pit.output(channel: 2))
  }

  @Test func mode0GateLowSuspendsCounting() {
    out(0x43, 0xB0)  // channel 2, mode 0, gate low from power-on
    out(0x42, 100)
    out(0x42, 0)
    scheduler.now = DeviceTestClock.cycle(ofPITTick: 500)
    #expect(!pit.output(channel: 2))
    pit.setGate(channel: 2, true)  // counting from clock 501: terminal count on clock 600
    scheduler.now = DeviceTestClock.cycle(ofPITTick: 599)
    #expect(!pit.output(channel: 2))
    scheduler.now = DeviceTestClock.cycle(ofPITTick: 600)
    #expect(pit.output(channel: 2))
  }

  // MARK: Reading counts

  @Test func counterLatchHoldsTheCountUntilBothBytesAreRead() {
    programChannel0(0x34, count: 1_000)
    scheduler.now = DeviceTestClock.cycle(ofPITTick: 100)
    out(0x43, 0x00)  // latch channel 0
    scheduler.now = DeviceTestClock.cycle(ofPITTick: 300)
    out(0x43, 0x00)  // a second latch before the read is ignored
    // Loaded with 1000 on clock 1; by clock 100 it has counted 99 times: 901.
    #expect(inb(0x40) == UInt8(901 & 0xFF))
    #expect(inb(0x40) == UInt8(901 >> 8))
    // Unlatched, the live count on clock 300: 1000 - 299 = 701.
    #expect(inb(0x40) == UInt8(701 & 0xFF))
    #expect(inb(0x40) == UInt8(701 >> 8))
  }

  @Test func readBackLatchesStatusThenCount() {
    out(0x43, 0x30)  // channel 0, LSB/MSB, mode 0
    out(0x43, 0xE2)  // read-back status of channel 0
    #expect(inb(0x40) == 0x70)  // OUT low, null count, RW 11, mode 000, binary
    out(0x40, 0x34)
    out(0x40, 0x12)
    out(0x43, 0xE2)
    #expect(inb(0x40) == 0x70)  // written on clock 0: not yet loaded, still null count
    scheduler.now = DeviceTestClock.cycle(ofPITTick: 11)
    out(0x43, 0xC2)  // read-back: count and status
    #expect(inb(0x40) == 0x30)  // loaded: null count clear; OUT still low
    // Count 0x1234 loaded on clock 1, counted 10 times by clock 11.
    #expect(inb(0x40) == UInt8((0x1234 - 10) & 0xFF))
    #expect(inb(0x40) == UInt8((0x1234 - 10) >> 8))
    out(0x43, 0xEC)  // status of channels 1 and 2 (both power-on: mode 0, LSB/MSB, no count)
    #expect(inb(0x41) == 0x70 && inb(0x42) == 0x70)
  }

  @Test func statusShowsOutHighForMode3() {
    out(0x43, 0x36)
    out(0x43, 0xE2)
    #expect(inb(0x40) == 0xF6)  // OUT high, null count, RW 11, mode 011
  }

  @Test func lsbOnlyAndMsbOnlyAccessFillTheOtherByteWithZero() {
    out(0x43, 0x14)  // channel 0, LSB only, mode 2
    out(0x40, 50)
    DeviceTestClock.run(scheduler, untilPITTick: 160)
    #expect(fallingTicks() == [50, 100, 150])
    out(0x43, 0x00)  // latch: with LSB access one read returns it
    let expected = 50 - (160 - 151)  // reloaded with 50 on clock 151, 9 counts by clock 160
    #expect(inb(0x40) == UInt8(expected))
    out(0x43, 0x20 | 0x04)  // channel 0, MSB only, mode 2
    out(0x40, 0x02)  // count 0x0200
    scheduler.now = DeviceTestClock.cycle(ofPITTick: 171)
    #expect(inb(0x40) == 0x01)  // 0x200 - 10 = 0x1F6: MSB reads 0x01
    #expect(pit.state.channels[0].reload == 0x200)
  }

  @Test func lsbThenMsbReadsAlternateOnTheLiveCount() {
    programChannel0(0x30, count: 0x0302)
    scheduler.now = DeviceTestClock.cycle(ofPITTick: 3)  // 0x302 loaded on clock 1, two counts: 0x300
    #expect(inb(0x40) == 0x00)
    #expect(inb(0x40) == 0x03)
    #expect(inb(0x40) == 0x00)
  }

  @Test func mode0FirstByteOfANewCountStopsCountingAndDropsOut() {
    programChannel0(0x30, count: 5)
    DeviceTestClock.run(scheduler, untilPITTick: 10)
    #expect(recorder.level(0))
    out(0x40, 100)  // LSB of a new count
    #expect(!recorder.level(0))
    DeviceTestClock.run(scheduler, untilPITTick: 1_000)
    #expect(!recorder.level(0))  // stays low until the MSB arrives
    out(0x40, 0)  // count 100 written on clock 1000: OUT rises on 1101
    DeviceTestClock.run(scheduler, untilPITTick: 2_000)
    #expect(risingTicks() == [6, 1_101])
  }

  @Test func bcdCountsInDecimal() {
    programChannel0(0x35, count: 0x0100)  // mode 2, BCD: 100 decimal
    DeviceTestClock.run(scheduler, untilPITTick: 301)
    #expect(fallingTicks() == [100, 200, 300])
    scheduler.now = DeviceTestClock.cycle(ofPITTick: 311)  // reloaded on clock 301, counted 10: 90
    out(0x43, 0x00)
    #expect(inb(0x40) == 0x90)
    #expect(inb(0x40) == 0x00)
  }

  @Test func bcdCountZeroMeans10000() {
    programChannel0(0x35, count: 0)
    DeviceTestClock.run(scheduler, untilPITTick: 20_001)
    #expect(fallingTicks() == [10_000, 20_000])
    scheduler.now = DeviceTestClock.cycle(ofPITTick: 20_002)  // reloaded with 10000 on 20001, one count: 9999
    out(0x43, 0x00)
    #expect(inb(0x40) == 0x99 && inb(0x40) == 0x99)
  }

  @Test func controlWordStopsTheChannelUntilACountIsWritten() {
    programChannel0(0x34, count: 10)
    DeviceTestClock.run(scheduler, untilPITTick: 25)
    let before = recorder.changes.count
    out(0x43, 0x34)  // reprogram without a count: the channel waits
    DeviceTestClock.run(scheduler, untilPITTick: 1_000)
    #expect(recorder.changes.count == before)
    #expect(scheduler.pending.isEmpty)
  }

  @Test func pitClockConversionRoundTrips() {
    for tick in [UInt64(0), 1, 2, 1_193_181, 1_193_182, 123_456_789] {
      let cycle = PIT8254.cycle(ofTick: tick)
      #expect(cycle == DeviceTestClock.cycle(ofPITTick: tick))
      #expect(PIT8254.tick(atCycle: cycle) == tick)
      #expect(cycle == 0 || PIT8254.tick(atCycle: cycle - 1) == tick - 1)
    }
    #expect(PIT8254.tick(atCycle: .max) > 0)  // no trap at the end of time
    #expect(PIT8254.cycle(ofTick: .max) == .max)
  }

  @Test func arbitraryPortTrafficNeverTraps() {
    var seed: UInt32 = 12_345
    for _ in 0..<20_000 {
      seed = seed &* 1_103_515_245 &+ 12_345
      let port = UInt16(0x40 + (seed >> 8) % 4)
      if seed & 1 == 0 {
        pit.portWrite(port, size: 1, value: seed >> 16)
      } else {
        _ = pit.portRead(port, size: 1)
      }
      pit.setGate(channel: Int(seed >> 20) % 3, seed & 0x100 != 0)
      scheduler.now &+= UInt64(seed >> 24)
      scheduler.runDue()
    }
    _ = pit.state
  }
}

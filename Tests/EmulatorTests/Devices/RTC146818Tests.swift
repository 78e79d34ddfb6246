import Testing

@testable import Emulator

/// Expected values: the MC146818A datasheet (register layout, formats, update-cycle timing, periodic rates), the
/// calendar worked by hand, and what QEMU 7.2 with SeaBIOS shows a Multiboot kernel (`qemu-system-i386 -m 32
/// -kernel … -rtc base=2026-01-01T00:00:00`: registers A–D 26 02 00 80, the time 00:00, day of week 05, the CMOS
/// bytes listed in `biosLeavesTheCMOSBytesQEMUDoes`).
private final class RTCRig: IRQSink {
  let scheduler = Scheduler()
  var rtc: RTC146818!
  var level = false
  var edges = 0

  init(memoryBytes: Int = 32 << 20, start: Int64 = RTC146818.defaultStart) {
    rtc = RTC146818(scheduler: scheduler, irq: IRQLine(irq: 8, sink: self), start: start, memoryBytes: memoryBytes)
  }

  func setIRQ(_ irq: Int, level newLevel: Bool) {
    if newLevel && !level { edges += 1 }
    level = newLevel
  }

  /// Advances virtual time to `time` (cycles), running due events.
  func run(to time: UInt64) {
    while scheduler.nextEventTime <= time {
      scheduler.now = scheduler.nextEventTime
      scheduler.runDue()
    }
    scheduler.now = time
  }

  func read(_ register: UInt8) -> UInt8 {
    rtc.portWrite(0x70, size: 1, value: UInt32(register))
    return UInt8(truncatingIfNeeded: rtc.portRead(0x71, size: 1))
  }

  func write(_ register: UInt8, _ value: UInt8) {
    rtc.portWrite(0x70, size: 1, value: UInt32(register))
    rtc.portWrite(0x71, size: 1, value: UInt32(value))
  }

  /// Seconds, minutes, hours, day of week, day, month, year, century as the registers show them.
  var clock: [UInt8] { [0x00, 0x02, 0x04, 0x06, 0x07, 0x08, 0x09, 0x32].map { read($0) } }
}

private let second: UInt64 = 100_000_000
private let microsecond: UInt64 = 100

struct RTC146818Tests {
  @Test func startsAtTheFixedDateInBCDAnd24HourModeAsQEMUsBIOSLeavesIt() {
    let rig = RTCRig()
    // 2026-01-01 00:00:00 was a Thursday: day of week 5 (1 = Sunday).
    #expect(rig.clock == [0x00, 0x00, 0x00, 0x05, 0x01, 0x01, 0x26, 0x20])
    #expect([0x0A, 0x0B, 0x0C, 0x0D].map { rig.read($0) } == [0x26, 0x02, 0x00, 0x80])
    #expect(rig.rtc.portRead(0x70, size: 1) == 0xFF)  // the index port reads 0xFF under QEMU
  }

  /// `-m 32` under QEMU 7.2: base memory 0x0280 (640 KiB), extended 0x7C00 KiB (31 MiB) at 0x17 and 0x30, 0x0100
  /// 64 KiB blocks above 16 MiB at 0x34, floppy byte 0x50, equipment 0x07, PS/2 century 0x20, boot bytes 0x30 0x12.
  @Test func biosLeavesTheCMOSBytesQEMUDoes() {
    let rig = RTCRig(memoryBytes: 32 << 20)
    let expected: [UInt8: UInt8] = [
      0x10: 0x50, 0x14: 0x07, 0x15: 0x80, 0x16: 0x02, 0x17: 0x00, 0x18: 0x7C, 0x30: 0x00, 0x31: 0x7C,
      0x34: 0x00, 0x35: 0x01, 0x37: 0x20, 0x38: 0x30, 0x3D: 0x12,
    ]
    for register in UInt8(0x0E)...0x7F where register != 0x32 {
      #expect(rig.read(register) == expected[register] ?? 0, "CMOS 0x\(String(register, radix: 16))")
    }
    // 128 MiB (QEMU's default): extended memory saturates at 0xFFFF, 112 MiB above 16 MiB = 0x0700 blocks.
    let big = RTCRig(memoryBytes: 128 << 20)
    #expect([0x17, 0x18, 0x30, 0x31, 0x34, 0x35].map { big.read($0) } == [0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x07])
    // CMOS RAM keeps what is written.
    rig.write(0x40, 0x5A)
    #expect(rig.read(0x40) == 0x5A)
  }

  /// Datasheet: DM (B bit 2) selects binary, 24/12 (B bit 1) the hour format; 12-hour hours run 1–12 with bit 7
  /// set for PM. At 13:45:30 on 2026-01-01.
  @Test func rendersBinaryBCDAnd12Or24HourFormats() {
    let rig = RTCRig(start: RTC146818.defaultStart + 13 * 3600 + 45 * 60 + 30)
    #expect(rig.read(0x04) == 0x13 && rig.read(0x02) == 0x45 && rig.read(0x00) == 0x30)  // BCD 24 h
    rig.write(0x0B, 0x06)  // binary, 24 h
    #expect(rig.read(0x04) == 13 && rig.read(0x02) == 45 && rig.read(0x00) == 30 && rig.read(0x09) == 26)
    #expect(rig.read(0x32) == 20)
    rig.write(0x0B, 0x04)  // binary, 12 h: 1 PM
    #expect(rig.read(0x04) == 0x81)
    rig.write(0x0B, 0x00)  // BCD, 12 h
    #expect(rig.read(0x04) == 0x81)
    // Midnight is 12 AM: 0x12 in BCD, 12 in binary.
    let midnight = RTCRig()
    midnight.write(0x0B, 0x00)
    #expect(midnight.read(0x04) == 0x12)
    midnight.write(0x0B, 0x04)
    #expect(midnight.read(0x04) == 12)
  }

  @Test func clockCountsSecondsAndRollsOverTheYear() {
    let rig = RTCRig()
    rig.run(to: 61 * second)
    #expect(rig.clock.prefix(3) == [0x01, 0x01, 0x00])
    // 2026-12-31 23:59:59 (a Thursday), one second later 2027-01-01 00:00:00, a Friday (6).
    rig.rtc.setTime(RTC146818.parseTime("2026-12-31T23:59:59")!)
    #expect(rig.clock == [0x59, 0x59, 0x23, 0x05, 0x31, 0x12, 0x26, 0x20])
    rig.run(to: 62 * second)
    #expect(rig.clock == [0x00, 0x00, 0x00, 0x06, 0x01, 0x01, 0x27, 0x20])
    // 2024 is a leap year: 2024-02-28 23:59:59 + 1 s is 2024-02-29.
    rig.rtc.setTime(RTC146818.parseTime("2024-02-28T23:59:59")!)
    rig.run(to: 63 * second)
    #expect(rig.read(0x07) == 0x29 && rig.read(0x08) == 0x02)
  }

  /// Datasheet: UIP is set 244 µs (tBUC) before the update cycle, which lasts 1984 µs (tUC); the time changes at
  /// its end. Here the update ends on each second, so UIP is high for the last 2228 µs of every second.
  @Test func updateInProgressIsHighFor2228MicrosecondsBeforeEachUpdate() {
    let rig = RTCRig()
    rig.run(to: second - 2228 * microsecond - 1)
    #expect(rig.read(0x0A) & 0x80 == 0)
    rig.run(to: second - 2228 * microsecond)
    #expect(rig.read(0x0A) & 0x80 != 0)
    rig.run(to: second - 1)
    #expect(rig.read(0x0A) & 0x80 != 0)
    #expect(rig.read(0x00) == 0x00)
    rig.run(to: second)
    #expect(rig.read(0x0A) == 0x26)
    #expect(rig.read(0x00) == 0x01)
  }

  /// Datasheet: RS = 6 gives 1024 Hz, a period of 976.5625 µs = 97,656.25 cycles; with PIE the first edge asserts
  /// IRQ 8 at the first whole cycle after it (97,657) and register C reads IRQF | PF = 0xC0, which releases the line.
  @Test func periodicInterruptAt1024HzWithRegisterCAcknowledge() {
    let rig = RTCRig()
    rig.write(0x0B, 0x42)  // PIE, 24 h
    rig.run(to: 97_656)
    #expect(!rig.level)
    rig.run(to: 97_657)
    #expect(rig.level && rig.edges == 1)
    // Without a read of C the line stays high: no new edge for the PIC, whatever the periodic edges do.
    rig.run(to: 300_000)
    #expect(rig.edges == 1)
    #expect(rig.read(0x0C) == 0xC0)
    #expect(!rig.level)
    #expect(rig.read(0x0C) == 0x00)  // reading clears
    // The next edge: 4 × 97,656.25 = 390,625 cycles.
    rig.run(to: 390_624)
    #expect(!rig.level)
    rig.run(to: 390_625)
    #expect(rig.level && rig.edges == 2)
  }

  /// Datasheet: RS = 3 is 8192 Hz (122.07 µs), RS = 1 and 2 are 256 and 128 Hz, RS = 15 is 2 Hz.
  @Test(arguments: [(UInt8(3), UInt64(12_208)), (1, 390_625), (2, 781_250), (15, 50_000_000)])
  func periodicRatesFollowTheRateSelectBits(rate: UInt8, firstEdge: UInt64) {
    let rig = RTCRig()
    rig.write(0x0A, 0x20 | rate)
    rig.write(0x0B, 0x42)
    rig.run(to: firstEdge - 1)
    #expect(!rig.level)
    rig.run(to: firstEdge)
    #expect(rig.level)
  }

  /// Datasheet: PF, AF and UF are set whether or not their interrupts are enabled; only IRQF and the pin need the
  /// enable. (QEMU departs here: it sets PF only while PIE is set.)
  @Test func flagsAreSetWithoutTheirEnablesButRaiseNoInterrupt() {
    let rig = RTCRig()
    rig.run(to: second)
    #expect(!rig.level)
    #expect(rig.read(0x0C) == 0x50)  // PF (1024 Hz ran) and UF (one update), no IRQF
  }

  @Test func updateEndedInterruptOncePerSecond() {
    let rig = RTCRig()
    rig.write(0x0A, 0x20)  // no periodic rate
    rig.write(0x0B, 0x12)  // UIE
    rig.run(to: second - 1)
    #expect(!rig.level)
    rig.run(to: second)
    #expect(rig.level)
    #expect(rig.read(0x0C) == 0x90)  // IRQF | UF
    rig.run(to: 2 * second)
    #expect(rig.edges == 2)
  }

  /// The alarm at 00:00:05 (BCD), and 0xC0–0xFF as "don't care" for hours and minutes.
  @Test func alarmInterruptWhenTheTimeMatches() {
    let rig = RTCRig()
    rig.write(0x0A, 0x20)
    rig.write(0x01, 0x05)
    rig.write(0x03, 0xC0)
    rig.write(0x05, 0xFF)
    rig.write(0x0B, 0x22)  // AIE
    rig.run(to: 5 * second - 1)
    #expect(!rig.level)
    _ = rig.read(0x0C)
    rig.run(to: 5 * second)
    #expect(rig.level)
    #expect(rig.read(0x0C) == 0xB0)  // IRQF | AF | UF
    // With minutes "don't care" the alarm fires again a minute later.
    rig.run(to: 65 * second - 1)
    #expect(rig.edges == 1)
    rig.run(to: 65 * second)
    #expect(rig.edges == 2)
  }

  /// Datasheet: SET stops the updates so software can write the time (and clears UIE); clearing it lets the clock
  /// count on from what was written.
  @Test func setBitHoldsTheClockWhileTheTimeIsWritten() {
    let rig = RTCRig()
    rig.write(0x0B, 0x82 | 0x10)  // SET with UIE: UIE is cleared
    #expect(rig.read(0x0B) == 0x82)
    rig.write(0x04, 0x23)
    rig.write(0x02, 0x59)
    rig.write(0x00, 0x58)
    rig.run(to: 3 * second)
    #expect(rig.read(0x00) == 0x58)  // held
    #expect(rig.read(0x0A) & 0x80 == 0)  // no update in progress while SET
    rig.write(0x0B, 0x02)
    rig.run(to: 5 * second)
    #expect(rig.clock.prefix(3) == [0x00, 0x00, 0x00])  // 23:59:58 + 2 s, on 2026-01-02
    #expect(rig.read(0x07) == 0x02)
  }

  /// Datasheet: DV = 110 holds the divider in reset; back to 010, the first update comes 500 ms later.
  @Test func dividerResetDelaysTheFirstUpdateByHalfASecond() {
    let rig = RTCRig()
    rig.write(0x0A, 0x60)
    rig.run(to: 3 * second)
    #expect(rig.read(0x00) == 0x00)
    rig.write(0x0A, 0x26)
    rig.run(to: 3 * second + second / 2 - 1)
    #expect(rig.read(0x00) == 0x00)
    rig.run(to: 3 * second + second / 2)
    #expect(rig.read(0x00) == 0x01)
  }

  @Test func index70Bit7IsTheNMIDisableBit() {
    let rig = RTCRig()
    var changes: [Bool] = []
    rig.rtc.onNMIDisableChange = { changes.append($0) }
    rig.rtc.portWrite(0x70, size: 1, value: 0x8A)
    #expect(rig.rtc.portRead(0x71, size: 1) == 0x26)  // the index is 0x0A whatever bit 7 says
    rig.rtc.portWrite(0x70, size: 1, value: 0x0A)
    #expect(changes == [true, false])
  }

  @Test func parsesTheRTCOptionAndRejectsBadDates() {
    #expect(RTC146818.parseTime("2026-01-01T00:00:00") == RTC146818.defaultStart)
    #expect(RTC146818.parseTime("1970-01-01T00:00:00") == 0)
    #expect(RTC146818.parseTime("2026-02-30T00:00:00") == nil)
    #expect(RTC146818.parseTime("2026-01-01 00:00") == nil)
    #expect(RTC146818.parseTime("2026-13-01T00:00:00") == nil)
  }
}

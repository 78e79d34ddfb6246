// Motorola MC146818A real-time clock and CMOS RAM at ports 0x70 (index) and 0x71 (data), IRQ 8.
//
// Models (MC146818A datasheet):
// - Port 0x70 (write): bits 0–6 select one of the 128 bytes; bit 7 is the PC's NMI-disable bit (not part of the
//   chip: the board gates the NMI line with it), reported through `onNMIDisableChange`. Port 0x70 reads 0xFF (as
//   QEMU). Port 0x71 reads and writes the selected byte.
// - The clock: seconds, minutes, hours, day of week (1 = Sunday), day of month, month, year (00–99) at 0x00–0x09,
//   with the century at 0x32 (the IBM PC/AT byte, in the clock's format as QEMU keeps it). BCD or binary (register
//   B bit 2, DM), 24- or 12-hour (B bit 1; 12-hour: 1–12 with bit 7 for PM). The time is kept as calendar seconds,
//   so changing the format re-renders the registers (as QEMU does; the datasheet leaves them to software).
//   Writing a time register replaces that field (the day of week is computed from the date; writes to it are
//   ignored, as QEMU recomputes it).
// - Register A: UIP (bit 7, read-only), the divider DV (bits 6–4; only 010, the 32.768 kHz time base, runs the
//   clock; any other value holds the divider in reset, and returning to 010 makes the first update come 500 ms
//   later), the periodic rate RS (bits 3–0: 1 and 2 give 256 and 128 Hz, n ≥ 3 gives 65536 >> n Hz).
// - Register B: SET (stop updates so software can set the time; setting it clears UIE), PIE, AIE, UIE, SQWE
//   (stored; no square-wave pin), DM, 24/12, DSE (stored; no daylight-saving switch).
// - The update cycle once a second: UIP goes high 244 µs before the update begins and stays high through the
//   1984 µs update (datasheet tBUC and tUC); the registers change and UF (update-ended) is set at its end. While
//   UIP is low, the time registers are stable for at least 244 µs.
// - Register C: IRQF, PF, AF, UF; reading it returns and clears them and releases IRQ 8. PF is set at every
//   periodic edge and AF when seconds, minutes and hours match the alarm (alarm bytes 0xC0–0xFF match anything),
//   whether or not their interrupt is enabled (datasheet); IRQF and the IRQ 8 line follow (PF·PIE + AF·AIE +
//   UF·UIE). The line stays asserted until register C is read, so the (edge-triggered) PIC sees one edge.
// - Register D: VRT (valid RAM and time) always 1.
// - CMOS RAM 0x0E–0x7F with the values QEMU 7.2 with SeaBIOS leaves and kernels read (observed under
//   `qemu-system-i386 -kernel`): 0x10 floppy types 0x50, 0x14 equipment 0x07 (floppy, FPU, PS/2 mouse),
//   0x15–0x16 base memory 640 KiB, 0x17–0x18 and 0x30–0x31 extended memory in KiB above 1 MiB (at most 65535),
//   0x34–0x35 memory above 16 MiB in 64 KiB blocks, 0x37 the PS/2 century byte, 0x38 0x30 and 0x3D 0x12 (boot
//   order), everything else 0.
//
// Not modelled: the square-wave output, daylight-saving time, the divider's 4.194304 and 1.048576 MHz time bases
// (DV 000 and 001 are treated as reset), the undefined register contents during an update (reads then see the old
//   time), the chip's 50-byte RAM of the original part (the PC's 114 bytes are modelled).
//
// Where QEMU departs from the datasheet: QEMU sets PF only while PIE is set; we set it at every periodic edge, as
// the datasheet says ("PF is set … independent of the state of PIE").

/// Snapshot of the clock and CMOS RAM.
public struct RTCState: Sendable, Equatable, Codable {
  /// The byte selected through port 0x70.
  public let index: UInt8
  /// Bit 7 of the last write to port 0x70: NMIs are held back while it is set.
  public let nmiDisabled: Bool
  public let registerA: UInt8
  public let registerB: UInt8
  public let registerC: UInt8
  /// The clock's time as ISO 8601 (UTC): "2026-01-01T00:00:00".
  public let time: String
  /// The IRQ 8 line's current level.
  public let irq8: Bool
}

/// The MC146818A real-time clock with the PC's 128 bytes of CMOS.
public final class RTC146818: PortDevice {
  public enum RegisterB {
    public static let set: UInt8 = 0x80
    public static let pie: UInt8 = 0x40  // periodic interrupt enable
    public static let aie: UInt8 = 0x20  // alarm interrupt enable
    public static let uie: UInt8 = 0x10  // update-ended interrupt enable
    public static let sqwe: UInt8 = 0x08
    public static let dm: UInt8 = 0x04  // data mode: 1 binary, 0 BCD
    public static let hours24: UInt8 = 0x02
    public static let dse: UInt8 = 0x01
  }

  public enum RegisterC {
    public static let irqf: UInt8 = 0x80
    public static let pf: UInt8 = 0x40
    public static let af: UInt8 = 0x20
    public static let uf: UInt8 = 0x10
  }

  /// The default start of the clock in headless runs: 2026-01-01T00:00:00.
  public static let defaultStart: Int64 = 1_767_225_600
  static let deviceName = "rtc"
  static let second = Scheduler.nominalHz
  /// UIP is high from 244 µs before the update begins to the end of the 1984 µs update (datasheet tBUC + tUC).
  static let uipCycles = Scheduler.cycles(nanoseconds: 244_000 + 1_984_000)

  /// Called with bit 7 of each write to port 0x70 (true: NMI disabled).
  public var onNMIDisableChange: ((Bool) -> Void)?
  public private(set) var nmiDisabled = false

  private let scheduler: Scheduler
  private let irq: IRQLine
  private var cmos = [UInt8](repeating: 0, count: 128)
  private var index: UInt8 = 0
  private var irqLevel = false
  /// Calendar seconds shown at virtual time `epochCycle` (an update boundary when running).
  private var epoch: Int64
  private var epochCycle: UInt64 = 0
  /// The divider's phase: update boundaries fall at `dividerBase + k × second`, periodic edges at its fractions.
  private var dividerBase: UInt64 = 0
  /// Flags have been accounted for up to this time.
  private var checkedUpTo: UInt64 = 0
  private var event: Scheduler.EventID?

  /// `start`: the clock's calendar time (seconds since 1970, UTC) at power-on. `memoryBytes`: RAM, for the CMOS
  /// memory-size bytes.
  public init(scheduler: Scheduler, irq: IRQLine, start: Int64 = RTC146818.defaultStart, memoryBytes: Int) {
    self.scheduler = scheduler
    self.irq = irq
    epoch = start
    let now = scheduler.now
    cmos = [UInt8](repeating: 0, count: 128)
    cmos[0x0A] = 0x26
    cmos[0x0B] = RegisterB.hours24
    cmos[0x0D] = 0x80
    cmos[0x10] = 0x50
    cmos[0x14] = 0x07
    cmos[0x15] = 0x80
    cmos[0x16] = 0x02
    let extendedKiB = min(max(memoryBytes / 1024 - 1024, 0), 0xFFFF)
    cmos[0x17] = UInt8(truncatingIfNeeded: extendedKiB)
    cmos[0x18] = UInt8(truncatingIfNeeded: extendedKiB >> 8)
    cmos[0x30] = cmos[0x17]
    cmos[0x31] = cmos[0x18]
    let above16M = min(max((memoryBytes - (16 << 20)) / 65536, 0), 0xFFFF)
    cmos[0x34] = UInt8(truncatingIfNeeded: above16M)
    cmos[0x35] = UInt8(truncatingIfNeeded: above16M >> 8)
    cmos[0x37] = Self.bcd(Int(CivilTime(epoch: start).year / 100))
    cmos[0x38] = 0x30
    cmos[0x3D] = 0x12
    epochCycle = now
    dividerBase = now
    checkedUpTo = now
  }

  /// A system reset (the clock is battery-backed): the time, the divider and the CMOS RAM carry on; PIE, AIE, UIE
  /// and SQWE and the flags in register C are cleared (datasheet: RESET), IRQ 8 is released, and the NMI-disable
  /// bit of port 0x70 is cleared. Re-arms the interrupt check the board's scheduler dropped.
  public func reset() {
    refresh()
    cmos[0x0B] &= ~(RegisterB.pie | RegisterB.aie | RegisterB.uie | RegisterB.sqwe)
    cmos[0x0C] = 0
    setIRQ(false)
    index = 0
    if nmiDisabled {
      nmiDisabled = false
      onNMIDisableChange?(false)
    }
    event = nil  // the board cancelled every pending event
    scheduleNext()
  }

  /// Sets the clock to `seconds` since 1970 (UTC) from now on: a headless run's `--rtc`, or the host's time.
  public func setTime(_ seconds: Int64) {
    refresh()
    setEpoch(seconds)
    scheduleNext()
  }

  /// Parses a `--rtc` value "YYYY-MM-DDTHH:MM:SS" (UTC) into seconds since 1970; nil when malformed.
  public static func parseTime(_ text: String) -> Int64? { CivilTime.parse(text)?.epoch }
  /// Seconds since 1970 as `--rtc` takes them: YYYY-MM-DDTHH:MM:SS (UTC).
  public static func formatTime(_ epoch: Int64) -> String {
    let t = CivilTime(epoch: epoch)
    func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return "\(t.year)-\(two(t.month))-\(two(t.day))T\(two(t.hour)):\(two(t.minute)):\(two(t.second))"
  }
  public var state: RTCState {
    refresh()
    return RTCState(
      index: index, nmiDisabled: nmiDisabled, registerA: read(0x0A), registerB: cmos[0x0B], registerC: cmos[0x0C],
      time: CivilTime(epoch: currentEpoch).iso8601, irq8: irqLevel)
  }

  /// The clock's calendar time now, in seconds since 1970 (UTC).
  public var currentEpoch: Int64 {
    guard running else { return epoch }
    return epoch + Int64((scheduler.now &- epochCycle) / Self.second)
  }

  // MARK: Ports

  public func portRead(_ port: UInt16, size: Int) -> UInt32 {
    ByteLanes.read(port, size: size, in: 0x70...0x71) { p in
      p == 0x70 ? 0xFF : read(index)
    }
  }

  public func portWrite(_ port: UInt16, size: Int, value: UInt32) {
    ByteLanes.write(port, size: size, value: value, in: 0x70...0x71) { p, byte in
      if p == 0x70 {
        index = byte & 0x7F
        let disabled = byte & 0x80 != 0
        if disabled != nmiDisabled {
          nmiDisabled = disabled
          onNMIDisableChange?(disabled)
        }
      } else {
        write(index, byte)
      }
    }
  }

  // MARK: Registers

  private var binary: Bool { cmos[0x0B] & RegisterB.dm != 0 }
  private var hours24: Bool { cmos[0x0B] & RegisterB.hours24 != 0 }
  /// The divider runs (DV = 010) and SET does not hold the updates.
  private var running: Bool { dividerRuns && cmos[0x0B] & RegisterB.set == 0 }
  private var dividerRuns: Bool { cmos[0x0A] & 0x70 == 0x20 }

  private func read(_ register: UInt8) -> UInt8 {
    refresh()
    switch register {
    case 0x00...0x09, 0x32: return render(register, CivilTime(epoch: currentEpoch))
    case 0x0A: return cmos[0x0A] & 0x7F | (updateInProgress ? 0x80 : 0)
    case 0x0C:
      let value = cmos[0x0C]
      cmos[0x0C] = 0
      setIRQ(false)
      scheduleNext()
      return value
    case 0x0D: return 0x80
    default: return cmos[Int(register)]
    }
  }

  private func write(_ register: UInt8, _ value: UInt8) {
    refresh()
    switch register {
    case 0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0x32:
      var time = CivilTime(epoch: currentEpoch)
      let field = decode(value, hour: register == 0x04)
      switch register {
      case 0x00: time.second = field
      case 0x02: time.minute = field
      case 0x04: time.hour = field
      case 0x07: time.day = field
      case 0x08: time.month = field
      case 0x09: time.year = time.year / 100 * 100 + field
      default: time.year = field * 100 + time.year % 100
      }
      setEpoch(time.epoch)
    case 0x06, 0x0C, 0x0D: break  // day of week: computed from the date; C and D are read-only
    case 0x0A:
      let wasRunning = dividerRuns
      let frozen = currentEpoch
      cmos[0x0A] = value & 0x7F
      if dividerRuns && !wasRunning {
        // Out of reset: the first update comes half a second later.
        dividerBase = scheduler.now &+ Self.second / 2 &- Self.second
        epoch = frozen
        epochCycle = dividerBase
      } else if !dividerRuns && wasRunning {
        epoch = frozen
      }
    case 0x0B:
      let frozen = currentEpoch
      var newValue = value
      if newValue & RegisterB.set != 0 { newValue &= ~RegisterB.uie }
      let wasSet = cmos[0x0B] & RegisterB.set != 0
      cmos[0x0B] = newValue
      if newValue & RegisterB.set != 0 {
        epoch = frozen
      } else if wasSet {
        setEpoch(frozen)  // counting resumes from the time software set, at the next update
      }
      updateIRQF()
    default:
      cmos[Int(register)] = value
    }
    scheduleNext()
  }

  /// Makes the clock show `seconds` from now on; the next update stays on the divider's phase.
  private func setEpoch(_ seconds: Int64) {
    epoch = seconds
    let now = scheduler.now
    epochCycle = now &- (now &- dividerBase) % Self.second
  }

  /// A time register in the current format (BCD or binary; 12-hour with bit 7 for PM).
  private func render(_ register: UInt8, _ time: CivilTime) -> UInt8 {
    let value: Int
    var pm: UInt8 = 0
    switch register {
    case 0x00: value = time.second
    case 0x02: value = time.minute
    case 0x04:
      if hours24 {
        value = time.hour
      } else {
        value = time.hour % 12 == 0 ? 12 : time.hour % 12
        pm = time.hour >= 12 ? 0x80 : 0
      }
    case 0x06: value = time.dayOfWeek
    case 0x07: value = time.day
    case 0x08: value = time.month
    case 0x09: value = time.year % 100
    case 0x32: value = time.year / 100
    default: return cmos[Int(register)]  // the alarm bytes
    }
    return (binary ? UInt8(value) : Self.bcd(value)) | pm
  }

  /// A written time field in the current format.
  private func decode(_ byte: UInt8, hour: Bool) -> Int {
    let pm = hour && !hours24 && byte & 0x80 != 0
    let raw = hour && !hours24 ? byte & 0x7F : byte
    var value = binary ? Int(raw) : Int(raw >> 4) * 10 + Int(raw & 0xF)
    if hour && !hours24 { value = value % 12 + (pm ? 12 : 0) }
    return value
  }

  static func bcd(_ value: Int) -> UInt8 { UInt8(truncatingIfNeeded: (value / 10 % 10) << 4 | value % 10) }

  // MARK: Update cycle, alarm and periodic interrupt

  private var updateInProgress: Bool {
    running && (scheduler.now &- dividerBase) % Self.second >= Self.second - Self.uipCycles
  }

  /// Periodic interval in 32.768 kHz ticks, or nil when the rate is 0 or the divider is held.
  private var periodicTicks: UInt64? {
    let rate = cmos[0x0A] & 0x0F
    guard rate != 0, dividerRuns else { return nil }
    return 1 << (rate <= 2 ? rate + 6 : rate - 1)
  }

  /// Periodic edges since the divider's base, up to `time`.
  private func periodicEdges(at time: UInt64, ticks: UInt64) -> UInt64 {
    let elapsed = time &- dividerBase
    let ticks32k = elapsed / Self.second * 32_768 + elapsed % Self.second * 32_768 / Self.second
    return ticks32k / ticks
  }

  /// Accounts for the updates and periodic edges since the last look: sets UF, AF and PF, then IRQF and IRQ 8.
  private func refresh() {
    let now = scheduler.now
    guard now > checkedUpTo else { return }
    if running {
      // Differences wrap: the divider's base may lie "before zero" after it left reset early in the run.
      let first = (checkedUpTo &- epochCycle) / Self.second
      let last = (now &- epochCycle) / Self.second
      if last > first {
        cmos[0x0C] |= RegisterC.uf
        // The alarm's hours, minutes and seconds repeat daily: the last day of updates is enough to look at.
        for k in max(first + 1, last >= 86_400 ? last - 86_400 : 0)...last where alarmMatches(epoch + Int64(k)) {
          cmos[0x0C] |= RegisterC.af
          break
        }
      }
    }
    if let ticks = periodicTicks, periodicEdges(at: now, ticks: ticks) > periodicEdges(at: checkedUpTo, ticks: ticks) {
      cmos[0x0C] |= RegisterC.pf
    }
    checkedUpTo = now
    updateIRQF()
  }

  private func alarmMatches(_ seconds: Int64) -> Bool {
    let time = CivilTime(epoch: seconds)
    for (alarm, clock) in [(0x01, 0x00), (0x03, 0x02), (0x05, 0x04)] as [(UInt8, UInt8)] {
      let wanted = cmos[Int(alarm)]
      if wanted >= 0xC0 { continue }
      if wanted != render(clock, time) { return false }
    }
    return true
  }

  private func updateIRQF() {
    let enabled = cmos[0x0B] & (RegisterB.pie | RegisterB.aie | RegisterB.uie)
    // PIE/AIE/UIE (B bits 6–4) line up with PF/AF/UF (C bits 6–4).
    let pending = cmos[0x0C] & (RegisterC.pf | RegisterC.af | RegisterC.uf) & enabled
    if pending != 0 {
      cmos[0x0C] |= RegisterC.irqf
      setIRQ(true)
    }
  }

  private func setIRQ(_ level: Bool) {
    guard level != irqLevel else { return }
    irqLevel = level
    irq.set(level)
  }

  /// Schedules an event at the next moment an enabled interrupt could fire (none while IRQF is already set: no new
  /// edge can come until register C is read).
  private func scheduleNext() {
    if let event { scheduler.cancel(event) }
    event = nil
    guard cmos[0x0C] & RegisterC.irqf == 0 else { return }
    let now = scheduler.now
    var next = UInt64.max
    let b = cmos[0x0B]
    if b & RegisterB.pie != 0, let ticks = periodicTicks {
      // The first time at or after which the edge count grows.
      let edge = periodicEdges(at: now, ticks: ticks) + 1
      let tickNumber = edge * ticks
      let cycle = tickNumber / 32_768 * Self.second + (tickNumber % 32_768 * Self.second + 32_767) / 32_768
      next = min(next, dividerBase &+ cycle)
    }
    if b & (RegisterB.aie | RegisterB.uie) != 0 && running {
      next = min(next, epochCycle &+ ((now &- epochCycle) / Self.second + 1) * Self.second)
    }
    guard next != .max else { return }
    event = scheduler.schedule(at: next, device: Self.deviceName, what: "RTC interrupt check") { [weak self] in
      guard let self else { return }
      event = nil
      refresh()
      scheduleNext()
    }
  }
}

/// A UTC calendar time, converted to and from seconds since 1970 with the proleptic Gregorian calendar (Howard
/// Hinnant's days-from-civil algorithm).
struct CivilTime: Equatable {
  var year: Int
  var month: Int
  var day: Int
  var hour: Int
  var minute: Int
  var second: Int

  init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
    self.year = year
    self.month = month
    self.day = day
    self.hour = hour
    self.minute = minute
    self.second = second
  }

  init(epoch: Int64) {
    let days = Int(epoch >= 0 ? epoch / 86_400 : (epoch - 86_399) / 86_400)
    let secondsOfDay = Int(epoch - Int64(days) * 86_400)
    hour = secondsOfDay / 3600
    minute = secondsOfDay / 60 % 60
    second = secondsOfDay % 60
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    day = doy - (153 * mp + 2) / 5 + 1
    month = mp < 10 ? mp + 3 : mp - 9
    year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  }

  /// Seconds since 1970; out-of-range fields (a month 13, a second 75) carry over as timegm does.
  var epoch: Int64 {
    let m0 = month - 1
    let y = year + (m0 >= 0 ? m0 / 12 : (m0 - 11) / 12)
    let m = ((m0 % 12) + 12) % 12 + 1
    let yy = m <= 2 ? y - 1 : y
    let era = (yy >= 0 ? yy : yy - 399) / 400
    let yoe = yy - era * 400
    let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    let days = era * 146_097 + doe - 719_468
    return Int64(days) * 86_400 + Int64(hour) * 3600 + Int64(minute) * 60 + Int64(second)
  }

  /// 1 = Sunday … 7 = Saturday, as the clock's day-of-week register counts.
  var dayOfWeek: Int {
    let days = Int((epoch >= 0 ? epoch : epoch - 86_399) / 86_400)
    return ((days % 7 + 7) % 7 + 4) % 7 + 1  // 1970-01-01 was a Thursday
  }

  var iso8601: String {
    func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return "\(year)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))"
  }

  /// Parses "YYYY-MM-DDTHH:MM:SS" (UTC); nil when malformed or out of range.
  static func parse(_ text: String) -> CivilTime? {
    let parts = text.split(whereSeparator: { "-T:".contains($0) }).map { Int($0) }
    guard text.count == 19, parts.count == 6, parts.allSatisfy({ $0 != nil }) else { return nil }
    let v = parts.map { $0! }
    let time = CivilTime(year: v[0], month: v[1], day: v[2], hour: v[3], minute: v[4], second: v[5])
    guard (1...12).contains(time.month), (0...23).contains(time.hour), (0...59).contains(time.minute),
      (0...59).contains(time.second), (1...31).contains(time.day), CivilTime(epoch: time.epoch) == time
    else { return nil }
    return time
  }
}

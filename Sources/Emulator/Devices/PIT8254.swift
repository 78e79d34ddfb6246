// Intel 8254 programmable interval timer (ports 0x40–0x43), as wired on a PC: channel 0 OUT drives IRQ0, channel 1
// is the (unused) DRAM refresh timer, channel 2's gate and OUT are port 0x61 bits 0 and 5 (SystemControlPortB).
//
// Modelled from the 8254 datasheet: the control word (channel, access LSB / MSB / LSB-then-MSB, mode, BCD); the
// counter-latch command and the read-back command (count and/or status; a latched value or status is held until read,
// and a second latch before the read is ignored); the status byte (OUT, null count, access, mode, BCD); modes 0–5
// (6 and 7 behave as 2 and 3); binary and BCD counting; a count of 0 is 65536 (10000 in BCD); a count written is
// loaded into the counting element on the next input clock ("N+1" in mode 0); gate behaviour per mode (0/4 suspend,
// 1/5 trigger on a rising edge, 2/3 force OUT high and reload on a rising edge); in mode 0 the first byte of a
// two-byte count stops counting and drops OUT; in modes 2 and 3 a new count takes effect at the end of the period.
//
// Time: the 1.193182 MHz input is derived from virtual time (`scheduler.now` at `Scheduler.nominalHz`). Input clock k
// happens at cycle ceil(k × nominalHz / 1193182). Counter values and OUT are pure functions of the clock number, worked
// out when read; nothing ticks per clock. For channel 0 only the next OUT transition is scheduled (two events per
// period in modes 2 and 3), so IRQ0 sees real rising edges at the right virtual times.
//
// Not modelled: the 8253's differences; the exact counting-element sequence inside a mode-3 half-cycle for odd counts
// (we read N−1, N−3, … as the datasheet describes but do not reproduce the extra clock's intermediate value);
// the reads of a half-written count (the datasheet calls them undefined; we read the previous counting element).
// Deviations, chosen and documented:
// - Count 1 in modes 2 and 3 is illegal on the datasheet. We make it a rising edge every input clock (one event per
//   clock), so "the smallest count" gives the fastest IRQ0 instead of silence.
// - Mode 3: hardware loads a new count at the end of the current half-cycle; we load it at the end of the whole
//   period, so the square wave a guest sees is never torn.
// - A control word stops the channel until a count is written (datasheet). QEMU keeps counting with the old count;
//   Bochs follows the datasheet, and so do we.
// - Mode 0: QEMU raises OUT N clocks after the write; the datasheet (and Bochs) after N+1, because the count is loaded
//   on the first clock. We follow the datasheet.

/// One counter of the 8254: its programming, latches and counting element, as pure functions of the input clock.
struct PITChannel {
  /// Mode bits 3–1 of the control word as programmed (0–7); the status byte reports them unchanged.
  var rawMode: UInt8 = 0
  /// RW bits 5–4 of the control word: 1 LSB only, 2 MSB only, 3 LSB then MSB.
  var access: UInt8 = 3
  /// Control word bit 0: count in binary-coded decimal.
  var bcd = false
  /// CR, the count register: the count as the guest wrote it (BCD-encoded when `bcd`).
  var cr: UInt16 = 0
  /// With access 3: the next byte written is the MSB.
  var writeMSBNext = false
  /// With access 3 and no latch: the next byte read is the MSB.
  var readMSBNext = false
  /// OL, the output latch: a count frozen by a latch command, until read.
  var latchedCount: UInt16?
  /// With access 3: the next byte read from OL is the MSB.
  var latchMSBNext = false
  /// A status byte latched by the read-back command, until read.
  var latchedStatus: UInt8?
  /// The GATE input. High for channels 0 and 1 on a PC.
  var gate = true

  /// The counting element (CE) holds a count and counts (in modes 1 and 5: has been triggered).
  var armed = false
  /// A complete count has been written since the last control word.
  var countWritten = false
  /// The count the CE is working through: 1…65536 (BCD 1…10000).
  var n: UInt64 = 0x10000
  /// The input clock on which the CE was (or will be) loaded with `n`.
  var loadTick: UInt64 = 0
  /// Modes 2 and 3: a count written while counting, loaded at `pendingTick` (the end of the period).
  var pendingN: UInt64?
  var pendingTick: UInt64 = .max
  /// The input clock at which the gate last fell (meaningful while the gate is low).
  var gateFellTick: UInt64 = 0
  /// What the CE reads before its (next) load or while not armed.
  var idleValue: UInt64 = 0
  /// OUT while not armed: low after a mode-0 control word, high after any other.
  var idleOut = false
  /// Null count: set when CR is written, cleared on the clock that moves CR into the CE.
  var crLoadTick: UInt64 = .max

  /// The mode that governs counting: 6 and 7 are 2 and 3 with a don't-care bit.
  var mode: UInt8 {
    let m = rawMode & 7
    return m >= 6 ? m &- 4 : m
  }

  /// Counting wraps at 65536 in binary and at 10000 in BCD.
  var modulus: UInt64 { bcd ? 10_000 : 0x10000 }

  /// The count CR stands for: 0 is the largest count (65536, or 10000 in BCD).
  var countFromCR: UInt64 {
    if bcd {
      let value = PITChannel.decodeBCD(cr)
      return value == 0 ? 10_000 : value
    }
    return cr == 0 ? 0x10000 : UInt64(cr)
  }

  /// The gate stops counting in modes 0, 2, 3 and 4 (in 1 and 5 it only triggers).
  var gateSuspends: Bool { mode != 1 && mode != 5 }

  /// The count and load clock in force at clock `t`, with a pending mode-2/3 reload applied once due.
  func params(at t: UInt64) -> (n: UInt64, load: UInt64) {
    if let next = pendingN, gate, t >= pendingTick { return (next, pendingTick) }
    return (n, loadTick)
  }

  /// Clocks the CE has counted since its load at clock `t`, or nil before the load.
  func elapsed(at t: UInt64, load: UInt64) -> UInt64? {
    guard t >= load else { return nil }
    if !gate && gateSuspends { return gateFellTick >= load ? gateFellTick &- load : 0 }
    return t &- load
  }

  /// The counting element at clock `t`, 0 ..< modulus (65536 reads as 0).
  func value(at t: UInt64) -> UInt64 {
    guard armed else { return idleValue }
    let (n, load) = params(at: t)
    guard let e = elapsed(at: t, load: load) else { return idleValue }
    let m = modulus
    switch mode {
    case 2:
      return (n &- e % n) % m
    case 3:
      let even = n & ~1
      let high = (n &+ 1) / 2
      let q = e % n
      return (q < high ? even &- 2 &* q : even &- 2 &* (q &- high)) % m
    default:
      return (n % m &+ m &- e % m) % m
    }
  }

  /// The OUT pin at clock `t`.
  func out(at t: UInt64) -> Bool {
    guard armed else { return idleOut }
    if !gate && (mode == 2 || mode == 3) { return true }
    let (n, load) = params(at: t)
    guard let e = elapsed(at: t, load: load) else { return mode != 0 }
    switch mode {
    case 0, 1: return e >= n
    case 2: return n == 1 || e % n != n &- 1
    case 3: return n == 1 || e % n < (n &+ 1) / 2
    default: return e != n
    }
  }

  /// True when OUT makes a complete low-high pulse within clock `t` (count 1 in modes 2 and 3).
  func pulses(at t: UInt64) -> Bool {
    guard armed, gate, mode == 2 || mode == 3 else { return false }
    let (n, load) = params(at: t)
    return n == 1 && t >= load
  }

  /// The first clock after `t` at which OUT changes (or pulses), or nil when OUT holds its level.
  func nextTransition(after t: UInt64) -> UInt64? {
    guard armed, gate || !gateSuspends else { return nil }
    let (n, load) = params(at: t)
    var next: UInt64?
    if t < load {
      switch mode {
      case 0, 4, 5: next = load &+ n
      case 1: next = load
      case 2: next = n == 1 ? load : load &+ n &- 1
      default: next = n == 1 ? load : load &+ (n &+ 1) / 2
      }
    } else {
      let e = t &- load
      switch mode {
      case 0, 1:
        next = e < n ? load &+ n : nil
      case 2:
        let q = e % n
        next = n == 1 || q == n &- 1 ? t &+ 1 : t &+ (n &- 1 &- q)
      case 3:
        let high = (n &+ 1) / 2
        let q = e % n
        next = n == 1 ? t &+ 1 : q < high ? t &+ (high &- q) : t &+ (n &- q)
      default:
        next = e < n ? load &+ n : e == n ? t &+ 1 : nil
      }
    }
    if pendingN != nil, pendingTick > t, let candidate = next, candidate > pendingTick { next = pendingTick }
    return next
  }

  /// Null count at clock `t`: CR holds a count not yet moved into the CE.
  func nullCount(at t: UInt64) -> Bool { t < crLoadTick }

  /// The CE as the guest reads it: binary, or four BCD digits.
  func encodedValue(at t: UInt64) -> UInt16 {
    let v = value(at: t)
    return bcd ? PITChannel.encodeBCD(v % 10_000) : UInt16(truncatingIfNeeded: v)
  }

  /// The read-back status byte: OUT, null count, RW, mode, BCD.
  func status(at t: UInt64) -> UInt8 {
    (out(at: t) ? 0x80 : 0) | (nullCount(at: t) ? 0x40 : 0) | (access & 3) << 4 | (rawMode & 7) << 1 | (bcd ? 1 : 0)
  }

  /// Applies a due mode-2/3 reload to the stored state.
  mutating func settle(at t: UInt64) {
    if let next = pendingN, gate, t >= pendingTick {
      n = next
      loadTick = pendingTick
      pendingN = nil
      pendingTick = .max
    }
  }

  /// A control word that selects this channel (not a latch or read-back): reset and wait for a count.
  mutating func program(_ controlWord: UInt8, at t: UInt64) {
    settle(at: t)
    idleValue = value(at: t)
    rawMode = (controlWord >> 1) & 7
    access = (controlWord >> 4) & 3
    bcd = controlWord & 1 != 0
    writeMSBNext = false
    readMSBNext = false
    latchedCount = nil
    latchMSBNext = false
    latchedStatus = nil
    armed = false
    countWritten = false
    pendingN = nil
    pendingTick = .max
    idleOut = mode != 0
    crLoadTick = .max
  }

  /// The counter-latch command: freeze the CE into OL unless a latched count is still unread.
  mutating func latchCount(at t: UInt64) {
    guard latchedCount == nil else { return }
    latchedCount = encodedValue(at: t)
    latchMSBNext = false
  }

  /// A byte written to the counter's port.
  mutating func writeByte(_ byte: UInt8, at t: UInt64) {
    switch access {
    case 1:
      cr = UInt16(byte)
    case 2:
      cr = UInt16(byte) << 8
    default:
      if !writeMSBNext {
        cr = (cr & 0xFF00) | UInt16(byte)
        writeMSBNext = true
        if mode == 0 && armed {  // mode 0: the first byte stops counting and drops OUT at once
          settle(at: t)
          idleValue = value(at: t)
          armed = false
          idleOut = false
        }
        return
      }
      cr = (cr & 0x00FF) | UInt16(byte) << 8
      writeMSBNext = false
    }
    loadCount(at: t)
  }

  /// A complete count is in CR: load it as the mode says.
  mutating func loadCount(at t: UInt64) {
    countWritten = true
    let count = countFromCR
    settle(at: t)
    switch mode {
    case 1, 5:
      crLoadTick = .max  // moved into the CE by the next trigger
    case 2 where armed, 3 where armed:
      if t < loadTick {
        n = count  // the earlier count has not been loaded yet: this one replaces it
      } else if !gate {
        pendingN = count  // loaded when the gate rises
        pendingTick = .max
        crLoadTick = .max
      } else {
        pendingN = count
        pendingTick = loadTick &+ ((t &- loadTick) / n &+ 1) &* n
        crLoadTick = pendingTick
      }
    default:  // modes 0 and 4, and 2/3 when idle: load on the next clock
      idleValue = value(at: t)
      armed = true
      n = count
      loadTick = t &+ 1
      pendingN = nil
      pendingTick = .max
      crLoadTick = t &+ 1
      if !gate { gateFellTick = t }
    }
  }

  /// The GATE input changes at clock `t`.
  mutating func setGate(_ level: Bool, at t: UInt64) {
    guard level != gate else { return }
    settle(at: t)
    if !level {
      gateFellTick = t
      gate = false
      if pendingN != nil {
        pendingTick = .max
        crLoadTick = .max
      }
      return
    }
    gate = true
    switch mode {
    case 0, 4:
      guard armed else { return }
      // Counting resumes on the clock after the rising edge.
      loadTick = gateFellTick < loadTick ? max(loadTick, t) : t &- (gateFellTick &- loadTick)
    case 1, 5:
      guard countWritten else { return }  // trigger: (re)load CR on the next clock
      idleValue = value(at: t)
      armed = true
      n = countFromCR
      loadTick = t &+ 1
      if crLoadTick > t { crLoadTick = t &+ 1 }
    default:  // 2, 3: reload on the next clock
      guard armed else { return }
      if let next = pendingN { n = next }
      pendingN = nil
      pendingTick = .max
      idleValue = value(at: t)
      loadTick = t &+ 1
      if crLoadTick > t { crLoadTick = t &+ 1 }
    }
  }

  /// A byte read from the counter's port: latched status, then latched count, then the live CE.
  mutating func readByte(at t: UInt64) -> UInt8 {
    if let status = latchedStatus {
      latchedStatus = nil
      return status
    }
    if let latched = latchedCount {
      let low = UInt8(truncatingIfNeeded: latched)
      let high = UInt8(truncatingIfNeeded: latched >> 8)
      switch access {
      case 1:
        latchedCount = nil
        return low
      case 2:
        latchedCount = nil
        return high
      default:
        if !latchMSBNext {
          latchMSBNext = true
          return low
        }
        latchMSBNext = false
        latchedCount = nil
        return high
      }
    }
    let live = encodedValue(at: t)
    switch access {
    case 1: return UInt8(truncatingIfNeeded: live)
    case 2: return UInt8(truncatingIfNeeded: live >> 8)
    default:
      readMSBNext.toggle()
      return UInt8(truncatingIfNeeded: readMSBNext ? live : live >> 8)
    }
  }

  /// Four BCD digits to their value; nibbles above 9 count as their binary value, so no input traps.
  static func decodeBCD(_ raw: UInt16) -> UInt64 {
    let r = UInt64(raw)
    return (r >> 12 & 0xF) &* 1000 &+ (r >> 8 & 0xF) &* 100 &+ (r >> 4 & 0xF) &* 10 &+ (r & 0xF)
  }

  /// A value 0…9999 as four BCD digits.
  static func encodeBCD(_ value: UInt64) -> UInt16 {
    let v = value % 10_000
    return UInt16(v / 1000) << 12 | UInt16(v / 100 % 10) << 8 | UInt16(v / 10 % 10) << 4 | UInt16(v % 10)
  }
}

/// One channel as the dashboard and the dump show it.
public struct PITChannelState: Sendable, Equatable, Codable {
  /// Mode bits as programmed (0–7).
  public var mode: UInt8
  /// RW access: 1 LSB, 2 MSB, 3 LSB then MSB.
  public var access: UInt8
  public var bcd: Bool
  /// CR: the count register as written.
  public var countRegister: UInt16
  /// The count being worked through, 1…65536 (BCD 1…10000); 0 when no count has been loaded.
  public var reload: UInt32
  /// The CE as an unlatched read would return it now.
  public var currentCount: UInt16
  public var out: Bool
  public var gate: Bool
  public var nullCount: Bool
  public var latchedCount: UInt16?
  public var latchedStatus: UInt8?
}

/// The whole timer.
public struct PIT8254State: Sendable, Equatable, Codable {
  public var channels: [PITChannelState]
  /// The input clocks elapsed since power-on.
  public var tick: UInt64
  /// The level the timer drives on IRQ0 now, and how many rising edges it has produced.
  public var irq0Level: Bool
  public var irq0RisingEdges: UInt64
}

/// The 8254 timer: counters at 0x40–0x42, control word at 0x43.
public final class PIT8254: PortDevice {
  /// The input clock: 14.31818 MHz / 12.
  public static let inputHz: UInt64 = 1_193_182

  private let scheduler: Scheduler
  private let irq0: IRQLine
  /// The three counters (stored apart, not in an array, so the IRQ0 path touches no array buffer).
  private var channel0 = PITChannel()
  private var channel1 = PITChannel()
  private var channel2 = PITChannel()
  /// The level last driven on IRQ0.
  private var irq0Level = false
  /// Rising edges driven on IRQ0 since power-on.
  public private(set) var irq0RisingEdges: UInt64 = 0
  /// The scheduled channel-0 OUT transition and the input clock it happens on.
  private var eventID: Scheduler.EventID?
  private var eventTick: UInt64 = 0
  /// The action of every scheduled transition. `unowned(unsafe)` keeps reference counting off the IRQ0 path; it is
  /// safe because `deinit` cancels the one pending event, so the action never outlives the timer.
  private lazy var transitionAction: () -> Void = { [unowned(unsafe) self] in
    self.eventID = nil
    self.transition(at: self.eventTick)
  }

  public init(scheduler: Scheduler, irq0: IRQLine) {
    self.scheduler = scheduler
    self.irq0 = irq0
    channel2.gate = false  // port 0x61 bit 0 powers up clear
  }

  deinit {
    if let id = eventID { scheduler.cancel(id) }
  }

  /// Runs `body` on counter `index` (0–2).
  private func withChannel<T>(_ index: Int, _ body: (inout PITChannel) -> T) -> T {
    switch index {
    case 0: return body(&channel0)
    case 1: return body(&channel1)
    default: return body(&channel2)
    }
  }

  // MARK: Time

  /// Input clocks that have happened by virtual time `cycle`.
  public static func tick(atCycle cycle: UInt64) -> UInt64 {
    if cycle < UInt64.max / inputHz { return cycle &* inputHz / Scheduler.nominalHz }
    return Scheduler.nominalHz.dividingFullWidth(cycle.multipliedFullWidth(by: inputHz)).quotient
  }

  /// The virtual time of input clock `tick`: the first cycle by which it has happened.
  public static func cycle(ofTick tick: UInt64) -> UInt64 {
    if tick < UInt64.max / Scheduler.nominalHz - 1 {
      return (tick &* Scheduler.nominalHz &+ inputHz &- 1) / inputHz
    }
    let product = tick.multipliedFullWidth(by: Scheduler.nominalHz)
    guard product.high < inputHz else { return .max }
    let (quotient, remainder) = inputHz.dividingFullWidth(product)
    return remainder == 0 || quotient == .max ? quotient : quotient &+ 1
  }

  /// The input clocks elapsed by now.
  public var currentTick: UInt64 { PIT8254.tick(atCycle: scheduler.now) }

  // MARK: Board API

  /// The state a PC BIOS leaves: channel 0 mode 3, count 0 (65536: 18.2 Hz), running; channel 1 mode 2, count 18
  /// (the 15 µs refresh request); channel 2 unprogrammed with its gate low.
  public func resetToBIOSState() {
    if let id = eventID { scheduler.cancel(id) }
    eventID = nil
    let gate2 = channel2.gate
    channel0 = PITChannel()
    channel1 = PITChannel()
    channel2 = PITChannel()
    channel2.gate = gate2
    portWrite(0x43, size: 1, value: 0x36)  // channel 0, LSB then MSB, mode 3, binary
    portWrite(0x40, size: 1, value: 0)
    portWrite(0x40, size: 1, value: 0)
    portWrite(0x43, size: 1, value: 0x54)  // channel 1, LSB only, mode 2, binary
    portWrite(0x41, size: 1, value: 18)
  }

  /// Drives the GATE input of `channel` (0–2); on a PC only channel 2's is wired (port 0x61 bit 0).
  public func setGate(channel: Int, _ level: Bool) {
    guard (0...2).contains(channel) else { return }
    let t = catchUp()
    withChannel(channel) { $0.setGate(level, at: t) }
    if channel == 0 { reschedule(at: t) }
  }

  public func gate(channel: Int) -> Bool { (0...2).contains(channel) ? withChannel(channel) { $0.gate } : false }

  /// The OUT pin of `channel` (0–2) now.
  public func output(channel: Int) -> Bool {
    guard (0...2).contains(channel) else { return false }
    let t = currentTick
    return withChannel(channel) { $0.out(at: t) }
  }

  public var state: PIT8254State {
    let t = currentTick
    return PIT8254State(
      channels: [channel0, channel1, channel2].map { channel in
        PITChannelState(
          mode: channel.rawMode, access: channel.access, bcd: channel.bcd, countRegister: channel.cr,
          reload: channel.armed ? UInt32(truncatingIfNeeded: channel.params(at: t).n) : 0,
          currentCount: channel.encodedValue(at: t), out: channel.out(at: t), gate: channel.gate,
          nullCount: channel.nullCount(at: t), latchedCount: channel.latchedCount,
          latchedStatus: channel.latchedStatus)
      }, tick: t, irq0Level: irq0Level, irq0RisingEdges: irq0RisingEdges)
  }

  // MARK: Ports

  public func portRead(_ port: UInt16, size: Int) -> UInt32 {
    ByteLanes.read(port, size: size, in: 0x40...0x43, readByte)
  }

  public func portWrite(_ port: UInt16, size: Int, value: UInt32) {
    ByteLanes.write(port, size: size, value: value, in: 0x40...0x43, writeByte)
  }

  private func readByte(_ port: UInt16) -> UInt8 {
    let index = Int(port &- 0x40)
    guard index < 3 else { return 0xFF }  // the control word register is write-only
    let t = currentTick
    return withChannel(index) { $0.readByte(at: t) }
  }

  private func writeByte(_ port: UInt16, _ value: UInt8) {
    let t = catchUp()
    let index = Int(port &- 0x40)
    if index < 3 {
      withChannel(index) { $0.writeByte(value, at: t) }
      if index == 0 { reschedule(at: t) }
      return
    }
    let select = Int(value >> 6)
    if select == 3 {  // read-back: bit 5 clear latches counts, bit 4 clear latches status, bits 3–1 pick channels
      for channel in 0..<3 where value & (2 << channel) != 0 {
        withChannel(channel) { counter in
          if value & 0x20 == 0 { counter.latchCount(at: t) }
          if value & 0x10 == 0 && counter.latchedStatus == nil { counter.latchedStatus = counter.status(at: t) }
        }
      }
    } else if value & 0x30 == 0 {
      withChannel(select) { $0.latchCount(at: t) }
    } else {
      withChannel(select) { $0.program(value, at: t) }
      if select == 0 { reschedule(at: t) }
    }
  }

  // MARK: IRQ0

  /// Runs any channel-0 transition that is due but whose event has not run yet, then returns the current clock.
  private func catchUp() -> UInt64 {
    let t = currentTick
    while let id = eventID, eventTick <= t {
      scheduler.cancel(id)
      eventID = nil
      transition(at: eventTick)
    }
    return t
  }

  /// Channel 0 was reprogrammed at clock `t`: drive its OUT now and schedule its next transition.
  private func reschedule(at t: UInt64) {
    if let id = eventID { scheduler.cancel(id) }
    eventID = nil
    channel0.settle(at: t)
    drive(channel0.out(at: t))
    scheduleNext(after: t)
  }

  /// Channel 0's OUT changes at clock `tick` (the time the event was due, even if it runs late).
  private func transition(at tick: UInt64) {
    if channel0.pulses(at: tick) {
      irq0.set(false)
      irq0.set(true)
      irq0Level = true
      irq0RisingEdges &+= 1
    } else {
      drive(channel0.out(at: tick))
    }
    scheduleNext(after: tick)
  }

  private func drive(_ level: Bool) {
    guard level != irq0Level else { return }
    irq0Level = level
    if level { irq0RisingEdges &+= 1 }
    irq0.set(level)
  }

  private func scheduleNext(after tick: UInt64) {
    guard let next = channel0.nextTransition(after: tick) else { return }
    let what: String
    if channel0.pulses(at: next) {
      what = "ch0 OUT pulse: IRQ0 edge"
    } else {
      what = channel0.out(at: next) ? "ch0 OUT rises: IRQ0 edge" : "ch0 OUT falls"
    }
    eventTick = next
    eventID = scheduler.schedule(at: PIT8254.cycle(ofTick: next), device: "PIT", what: what, transitionAction)
  }
}

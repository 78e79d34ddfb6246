import Emulator

/// The counts the Stats pane's rates are measured against: the newest snapshot at least a virtual second older
/// than the one shown. Over a single frame (1/30 s) a 100 Hz timer fires 3 or 4 times and its rate would flicker
/// between 90 and 120 per second; over a second it reads 100, as `vmstat 1` or a second's /proc/interrupts delta.
public struct InterruptRates: Sendable {
  /// Counts at one snapshot.
  public struct Sample: Sendable, Equatable {
    public var cycles: UInt64
    public var perIRQ: [Int]
    public var traceCounts: [TraceEvent.Kind: Int]

    public init(cycles: UInt64, perIRQ: [Int], traceCounts: [TraceEvent.Kind: Int]) {
      self.cycles = cycles
      self.perIRQ = perIRQ
      self.traceCounts = traceCounts
    }
  }

  /// How far back the baseline lies, in virtual time.
  public static let windowCycles = Scheduler.nominalHz
  /// Samples newest last, from the baseline on: at most a second's worth of frames plus one.
  public private(set) var samples: [Sample] = []

  public init() {}

  /// Adds `snapshot`'s counts and drops samples no longer needed for a baseline. A snapshot from earlier in virtual
  /// time (a reset machine, a replay) starts the window again.
  public mutating func observe(_ snapshot: MachineSnapshot) {
    let sample = Sample(
      cycles: snapshot.processor.cycles, perIRQ: snapshot.interruptsPerIRQ, traceCounts: snapshot.traceCounts)
    if let last = samples.last, last.cycles > sample.cycles { samples.removeAll() }
    if samples.last?.cycles == sample.cycles { samples.removeLast() }
    samples.append(sample)
    // Keep one sample at or before the window's start: the baseline.
    let start = sample.cycles >= Self.windowCycles ? sample.cycles - Self.windowCycles : 0
    if let newestOld = samples.lastIndex(where: { $0.cycles <= start }), newestOld > 0 {
      samples.removeFirst(newestOld)
    }
  }

  /// What the rates of the newest sample are measured from: the newest sample a window older, or failing that
  /// (the first second) the oldest there is. Nil until two samples differ in time.
  public var baseline: Sample? {
    guard let newest = samples.last, let oldest = samples.first, oldest.cycles < newest.cycles else { return nil }
    return oldest
  }
}

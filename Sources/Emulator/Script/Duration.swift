/// Parses virtual-time durations as scripts and options write them: `50ms`, `2s`, `100us`, `250ns`, `1000cycles`.
public enum VirtualDuration {
  /// Cycles at the nominal clock, or nil when `text` is not a duration.
  public static func cycles(_ text: String) -> UInt64? {
    let units: [(suffix: String, nanoseconds: UInt64)] = [
      ("cycles", 0), ("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000),
    ]
    for unit in units where text.hasSuffix(unit.suffix) {
      let number = text.dropLast(unit.suffix.count)
      guard !number.isEmpty, let value = Double(number), value >= 0, value.isFinite else { return nil }
      if unit.nanoseconds == 0 { return UInt64(exactly: value.rounded()) ?? nil }
      let nanoseconds = value * Double(unit.nanoseconds)
      guard nanoseconds < 1e18 else { return nil }
      return Scheduler.cycles(nanoseconds: UInt64(nanoseconds.rounded()))
    }
    return nil
  }
}

/// Parses packet rates as options and scripts write them: `1000/s`, `2.5/s` or a bare number (per second).
public enum PacketRate {
  public static func perSecond(_ text: String) -> Double? {
    let number = text.hasSuffix("/s") ? String(text.dropLast(2)) : text
    guard let value = Double(number), value.isFinite, value > 0, value <= 1e9 else { return nil }
    return value
  }
}

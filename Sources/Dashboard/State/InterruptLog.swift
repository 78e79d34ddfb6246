import Emulator

/// The interrupt log's memory: trace records accumulated across snapshots, kept in order of virtual time (a nested
/// interrupt's record finishes at its EOI, before the one it interrupted, so arrival order is not time order).
public struct InterruptLog: Sendable {
  public static let capacity = 4096

  public private(set) var events: [TraceEvent] = []
  /// Records the machine finished but no snapshot carried (more than `MachineSnapshot.traceLimit` in one frame),
  /// and records dropped here to stay within `capacity`.
  public private(set) var skipped: UInt64 = 0

  public init() {}

  public var count: Int { events.count }

  /// Adds a snapshot's new records, each at its place in time.
  public mutating func append(_ new: [TraceEvent], skipped: UInt64 = 0) {
    self.skipped &+= skipped
    for event in new {
      var index = events.count
      while index > 0 && events[index - 1].cycle > event.cycle { index -= 1 }
      events.insert(event, at: index)
    }
    if events.count > InterruptLog.capacity {
      let excess = events.count - InterruptLog.capacity + InterruptLog.capacity / 4
      events.removeFirst(excess)
      self.skipped &+= UInt64(excess)
    }
  }

  /// How many handlers were running when `events[index]` was delivered: earlier interrupts whose EOI came later.
  public func nestingDepth(at index: Int) -> Int {
    guard events.indices.contains(index) else { return 0 }
    let cycle = events[index].cycle
    var depth = 0
    var other = index - 1
    // Fields are read in place: copying whole records (strings and all) here was a frame's costliest loop.
    while other >= 0 && index - other <= 64 {
      if events[other].kind == .irq, events[other].cycle < cycle, let eoi = events[other].eoiCycle, eoi > cycle {
        depth += 1
      }
      other -= 1
    }
    return depth
  }
}

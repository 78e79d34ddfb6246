/// The machine's event queue: device events ordered by virtual time.
///
/// Virtual time is counted in CPU cycles at the nominal clock (`Scheduler.nominalHz`). Nothing in the machine
/// reads the wall clock; the CPU advances `now`, and due events run in time order (ties in the order they were
/// scheduled, so runs are deterministic). Every pending event can be listed for the event-queue pane.
public final class Scheduler {
  /// The nominal CPU clock: one cycle is one retired instruction.
  public static let nominalHz: UInt64 = 100_000_000

  /// A handle to cancel a scheduled event.
  public struct EventID: Hashable, Sendable {
    let raw: UInt64
  }

  /// One pending event, as the event-queue pane and the dump show it.
  public struct PendingEvent: Sendable, Equatable, Codable {
    public let time: UInt64
    public let device: String
    public let what: String
  }

  private struct Entry {
    let time: UInt64
    let sequence: UInt64
    let device: String
    let what: String
    let action: () -> Void
  }

  /// The current virtual time in cycles.
  public var now: UInt64 = 0
  /// Told when an event is scheduled before every pending one (the board shortens the CPU's current run).
  public var onEarlierEvent: ((UInt64) -> Void)?
  private var entries: [Entry] = []  // sorted by (time, sequence); queues here are short
  private var nextSequence: UInt64 = 0

  public init() {}

  /// The time of the earliest pending event, or `UInt64.max` when none is pending.
  public var nextEventTime: UInt64 { entries.first?.time ?? .max }

  /// Converts cycles of virtual time to nanoseconds (whole seconds and the rest apart: cycles × 10⁹ would overflow
  /// after 184 s).
  public static func nanoseconds(cycles: UInt64) -> UInt64 {
    cycles / nominalHz * 1_000_000_000 + cycles % nominalHz * 1_000_000_000 / nominalHz
  }

  /// Converts a duration in nanoseconds of virtual time to cycles.
  public static func cycles(nanoseconds: UInt64) -> UInt64 {
    let product = nanoseconds.multipliedFullWidth(by: nominalHz)
    guard product.high < 1_000_000_000 else { return .max }  // saturate instead of trapping
    return UInt64(1_000_000_000).dividingFullWidth(product).quotient
  }

  /// Schedules `action` to run at virtual time `time` (clamped to now).
  @discardableResult
  public func schedule(
    at time: UInt64, device: String, what: String, _ action: @escaping () -> Void
  ) -> EventID {
    let entry = Entry(
      time: max(time, now), sequence: nextSequence, device: device, what: what, action: action)
    nextSequence &+= 1
    let index = entries.firstIndex { ($0.time, $0.sequence) > (entry.time, entry.sequence) } ?? entries.endIndex
    entries.insert(entry, at: index)
    if index == 0 { onEarlierEvent?(entry.time) }
    return EventID(raw: entry.sequence)
  }

  /// Schedules `action` to run `delay` cycles from now.
  @discardableResult
  public func schedule(
    after delay: UInt64, device: String, what: String, _ action: @escaping () -> Void
  ) -> EventID {
    schedule(at: now &+ delay, device: device, what: what, action)
  }

  /// Removes a pending event; does nothing when it already ran or was cancelled.
  public func cancel(_ id: EventID) {
    entries.removeAll { $0.sequence == id.raw }
  }

  /// Removes every pending event of one device.
  public func cancelAll(device: String) {
    entries.removeAll { $0.device == device }
  }

  /// Removes every pending event (a machine reset).
  public func cancelAll() {
    entries.removeAll()
  }

  /// Runs every event whose time has come, in time order. Events may schedule further events.
  public func runDue() {
    while !entries.isEmpty && entries[0].time <= now {
      let action = entries.removeFirst().action
      action()
    }
  }

  /// The pending events, earliest first.
  public var pending: [PendingEvent] {
    entries.map { PendingEvent(time: $0.time, device: $0.device, what: $0.what) }
  }
}

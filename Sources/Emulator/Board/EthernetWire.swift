/// The cable between the host and the card: frames the host injects arrive one after another at 1 Gb/s, each
/// taking its time on the wire (preamble and start delimiter 8 bytes, the frame padded to 60, the 4-byte FCS and
/// the 12-byte inter-frame gap: 672 ns for a minimum frame). A burst therefore arrives at line rate, in virtual time.
///
/// Frames wait here, on the host side, until the wire is free; the queue is bounded and a frame that finds it full
/// is dropped and counted (`dropped`), never silently lost. Only one arrival is scheduled at a time.
public final class EthernetWire {
  public static let bitsPerSecond: UInt64 = 1_000_000_000
  /// Frames that may wait for the wire.
  public static let queueCapacity = 1 << 20

  private let scheduler: Scheduler
  private let deliver: ([UInt8]) -> Void
  private var queue: [[UInt8]] = []
  private var queueHead = 0
  private var arrivalScheduled = false
  /// When the wire is free again: the end of the last frame's slot.
  private var busyUntil: UInt64 = 0

  /// Frames sent onto the wire, and those the full queue refused.
  public private(set) var sent = 0
  public private(set) var dropped = 0

  /// `deliver` receives each frame when its last bit has arrived.
  public init(scheduler: Scheduler, deliver: @escaping ([UInt8]) -> Void) {
    self.scheduler = scheduler
    self.deliver = deliver
  }

  /// Frames waiting for the wire.
  public var queued: Int { queue.count - queueHead }

  /// Cycles a frame of `length` bytes (without FCS) occupies the wire.
  public static func slotCycles(length: Int) -> UInt64 {
    let bytes = UInt64(8 + max(length, 60) + 4 + 12)
    return Scheduler.cycles(nanoseconds: bytes * 8 * 1_000_000_000 / bitsPerSecond)
  }

  /// Puts a frame on the wire at virtual time `time` (default: now; a sender whose event ran a little late passes the
  /// time it was due, so its frames keep their spacing). Returns false when the queue was full and the frame dropped.
  @discardableResult
  public func send(_ frame: [UInt8], at time: UInt64? = nil) -> Bool {
    guard queued < Self.queueCapacity else {
      dropped += 1
      return false
    }
    sent += 1
    queue.append(frame)
    if !arrivalScheduled { scheduleArrival(sentAt: min(time ?? scheduler.now, scheduler.now)) }
    return true
  }

  /// Drops every waiting frame, counted in `dropped` (a machine reset: the card is gone for a moment).
  public func clear() {
    dropped += queued
    queue.removeAll()
    queueHead = 0
    arrivalScheduled = false
    busyUntil = 0
  }

  private func scheduleArrival(sentAt: UInt64) {
    guard queueHead < queue.count else { return }
    let length = queue[queueHead].count
    let arrival = max(sentAt, busyUntil) &+ Self.slotCycles(length: length)
    busyUntil = arrival
    arrivalScheduled = true
    scheduler.schedule(at: arrival, device: "wire", what: "a frame arrives at the card") { [unowned self] in
      arrivalScheduled = false
      guard queueHead < queue.count else { return }
      let frame = queue[queueHead]
      queueHead += 1
      if queueHead > 4096 && queueHead * 2 > queue.count {
        queue.removeFirst(queueHead)
        queueHead = 0
      }
      deliver(frame)
      scheduleArrival(sentAt: arrival)
    }
  }
}

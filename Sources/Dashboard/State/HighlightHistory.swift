/// When each highlighted thing last changed, counted in frames that saw the machine advance: a value is drawn
/// `changed` for `changedFrames` frames, then `fading` until `fadeFrames`, then normally. A paused machine does not
/// advance the count, so its highlights stay. This history belongs to the dashboard, never to the Machine.
public struct HighlightHistory: Sendable, Equatable {
  /// The PIC registers whose bits are tracked.
  public enum PICRegister: Sendable, Hashable {
    case irr, isr, imr
  }

  /// A thing that can light up.
  public enum Key: Sendable, Hashable {
    /// A bit of IRR, ISR or IMR for IRQ 0–15.
    case pic(PICRegister, irq: Int)
    /// A processor register: 0–7 the general registers in encoding order, 8 EIP, 9 EFLAGS, 10… segments.
    case register(Int)
    case descriptor(DescriptorRef)
    /// A vector's delivery count.
    case vector(Int)
    /// An event the teaching kernel pushed on its event queue, by its free-running index.
    case kernelEvent(UInt32)
    /// A teaching-kernel task whose state (or what it waits on) changed, by its table index.
    case kernelTask(Int)
  }

  public static let changedFrames: UInt64 = 3
  public static let fadeFrames: UInt64 = 12

  /// Frames that saw the machine advance.
  public private(set) var frame: UInt64 = 0
  private var lastChanged: [Key: UInt64] = [:]

  public init() {}

  /// Starts a new frame; entries older than the fade are forgotten.
  public mutating func advance() {
    frame += 1
    if frame % 16 == 0 {
      let now = frame
      lastChanged = lastChanged.filter { now - $0.value <= HighlightHistory.fadeFrames }
    }
  }

  /// Records that `key` changed in the current frame.
  public mutating func mark(_ key: Key) { lastChanged[key] = frame }

  /// `changed`, `fading` or nil (draw normally) for `key` now.
  public func role(_ key: Key) -> Role? {
    guard let when = lastChanged[key] else { return nil }
    let age = frame - when
    if age < HighlightHistory.changedFrames { return .changed }
    if age <= HighlightHistory.fadeFrames { return .fading }
    return nil
  }
}

import Emulator

/// Everything the dashboard remembers between frames, as one value: focus, zoom, scroll offsets, selection, the
/// input target, a pending Ctrl-A prefix, help, theme, the accumulated interrupt log and the highlight history.
/// Key handling returns a new state; `observe` folds a new snapshot in; `compose` only reads it.
public struct DashboardState: Sendable {
  /// What the last keys started: nothing, Ctrl-A (QEMU's prefix), or Ctrl-A m waiting for a hex digit.
  public enum Prefix: Sendable, Equatable {
    case none
    case controlA
    case maskDigit
  }

  public var focused: PaneID = .pic
  /// The focused pane fills the screen.
  public var zoomed = false
  /// First row shown, per pane (for the log and serial panes: rows up from the newest).
  public var scroll: [PaneID: Int] = [:]
  /// The IDT pane keeps the vector in flight in view until scrolled by hand.
  public var idtFollowsInFlight = true
  public var selectedDescriptor: DescriptorRef? = nil
  public var inputTarget: InputTarget = .keyboard
  public var prefix: Prefix = .none
  public var helpVisible = false
  /// Which theme is in use; the caller owns the list of themes.
  public var themeIndex = 0
  public var log = InterruptLog()
  public var history = HighlightHistory()
  /// Counts a virtual second back, for the Stats pane's rates.
  public var rates = InterruptRates()
  /// The bytes of the selected descriptor's buffer, supplied by the caller (the snapshot carries no buffer memory).
  public var descriptorPreview: [UInt8]? = nil

  public init() {}

  public func scrollOffset(_ pane: PaneID) -> Int { scroll[pane] ?? 0 }

  /// Folds a new snapshot into the log and the highlight history. Call once per snapshot, not per redraw.
  public mutating func observe(_ snapshot: MachineSnapshot, previous: MachineSnapshot?) {
    // A snapshot cannot have skipped more records than the machine ever finished (guards against a bogus count).
    let skipped = snapshot.traceSkipped <= snapshot.traceSequence ? snapshot.traceSkipped : 0
    log.append(snapshot.trace, skipped: skipped)
    rates.observe(snapshot)
    let advanced = previous.map { $0.processor.cycles != snapshot.processor.cycles } ?? true
    if advanced || !snapshot.trace.isEmpty { history.advance() }
    ChangeDetector.mark(snapshot, previous: previous, into: &history)
    if let selected = selectedDescriptor {
      let count = selected.ring == .rx ? snapshot.nic.rxRing.count : snapshot.nic.txRing.count
      selectedDescriptor = count == 0 ? nil : DescriptorRef(selected.ring, min(selected.index, count - 1))
    }
  }

  /// The guest-physical buffer of the selected descriptor and how many bytes to preview: the caller reads them from
  /// guest memory (on the machine's queue) and puts them in `descriptorPreview`. The snapshot carries no buffers.
  public func previewRequest(in snapshot: MachineSnapshot) -> (address: UInt64, length: Int)? {
    guard let selected = selectedDescriptor else { return nil }
    switch selected.ring {
    case .rx:
      guard let slot = snapshot.nic.rxRing.first(where: { $0.index == selected.index }) else { return nil }
      // A descriptor the card has not filled has length 0: show the start of the buffer anyway.
      return (slot.bufferAddress, Int(slot.length == 0 ? 64 : slot.length))
    case .tx:
      guard let slot = snapshot.nic.txRing.first(where: { $0.index == selected.index }) else { return nil }
      return (slot.bufferAddress, Int(slot.length))
    }
  }
}

/// The built-in teaching kernel's own state, read out of guest memory through its ELF symbols: the event queue
/// between its interrupt handlers and its deferred work, and its task table. The layouts are documented next to
/// their C definitions in Guest/kernel/kernel.h; this reader follows them field by field.
///
/// Reads go through `CPU.peekTranslate`, a page walk with no side effects, so a snapshot never disturbs the
/// guest. `read(from:)` is nil for any other kernel (the symbols are absent) and while the memory is not mapped.
public struct TeachingKernelView: Sendable, Equatable {
  /// One entry of the kernel's event queue (`struct event`, 12 bytes).
  public struct Event: Sendable, Equatable {
    public enum Kind: UInt32, Sendable, Equatable {
      /// A slot never written.
      case none = 0
      /// The timer's top half ran; payload = `ticks` (the timer keeps at most one pending).
      case timer = 1
      /// The keyboard's top half read a set-1 scancode from port 0x60; payload = the scancode.
      case key = 2
      /// The serial top half read a byte from COM1's receive buffer; payload = the byte.
      case serial = 3
      /// The NIC's top half read ICR (which cleared it); payload = the ICR value.
      case nic = 4
      /// A task ended (fault or kill); payload = task id | vector << 8 (0xFF = killed).
      case exit = 5
    }
    /// The kind as the guest wrote it; nil when the value is none of the known kinds.
    public var kind: Kind?
    public var rawKind: UInt32
    public var payload: UInt32
    /// The kernel's `ticks` (10 ms each) when the top half pushed it.
    public var tick: UInt32
    /// The free-running index the event was written at (slot = index % capacity).
    public var index: UInt32
  }

  /// The kernel's `struct event_queue`: a ring written by the top halves at `tail` and drained at `head`.
  public struct EventQueue: Sendable, Equatable {
    public var head: UInt32
    public var tail: UInt32
    public var dropped: UInt32
    public var capacity: UInt32
    /// Events pushed but not yet taken by the bottom half (indices head ..< tail), oldest first.
    public var pending: [Event]
    /// The events already taken that the ring still holds (up to capacity − pending), oldest first.
    public var recent: [Event]
  }

  /// One slot of the kernel's `struct task` table (64 bytes).
  public struct Task: Sendable, Equatable {
    public enum State: UInt32, Sendable, Equatable {
      case free = 0, running, ready, blocked, zombie
    }
    /// What a blocked task waits for.
    public enum WaitReason: UInt32, Sendable, Equatable {
      case none = 0
      /// Console input (keyboard or COM1).
      case console
      /// A received network frame.
      case packet
      /// Its event subscription (`wait`): any of `waitMask`'s event kinds.
      case events
      /// Sleeping until `wakeTick`.
      case sleep
    }
    public var id: Int
    public var name: String
    public var state: State?
    public var blockedOn: WaitReason?
    /// The privilege level it runs at (0 or 3).
    public var ring: UInt32
    /// Timer ticks it was running when the timer fired: its CPU time in 10 ms units.
    public var ticks: UInt32
    public var wakeTick: UInt32
    /// Bit n: subscribed to event kind n.
    public var waitMask: UInt32
    /// How many times the scheduler switched to it.
    public var switches: UInt32
    /// Whether it is the task `current_task` names.
    public var isCurrent: Bool
  }

  public var eventQueue: EventQueue
  /// The slots in use (state not free), in table order.
  public var tasks: [Task]
  /// `ticks`: timer interrupts since boot.
  public var ticks: UInt32
  /// `current_task`.
  public var currentTask: UInt32

  /// Field offsets and sizes, as kernel.h documents them.
  enum Layout {
    static let eventQueueHeader: UInt32 = 16
    static let eventSize = 12
    static let taskSize = 64
    static let taskCount = 8
    static let nameLength = 12
  }

  /// Decodes the kernel's structures from `machine`'s memory; nil when the kernel lacks the symbols (another kernel)
  /// or the memory is not mapped.
  public static func read(from machine: Machine) -> TeachingKernelView? {
    guard let symbols = machine.kernel?.symbols,
      let queueAddress = symbols.address(of: "event_queue"),
      let tasksAddress = symbols.address(of: "tasks"),
      let currentAddress = symbols.address(of: "current_task"),
      let ticksAddress = symbols.address(of: "ticks")
    else { return nil }
    let cpu = machine.cpu
    guard let header = peekBytes(cpu, queueAddress, count: Int(Layout.eventQueueHeader)),
      let current = peekBytes(cpu, currentAddress, count: 4).map({ word($0, 0) }),
      let ticks = peekBytes(cpu, ticksAddress, count: 4).map({ word($0, 0) }),
      let table = peekBytes(cpu, tasksAddress, count: Layout.taskSize * Layout.taskCount)
    else { return nil }
    let head = word(header, 0)
    let tail = word(header, 4)
    let capacity = word(header, 12)
    guard capacity > 0, capacity <= 4096,
      let ring = peekBytes(cpu, queueAddress &+ Layout.eventQueueHeader, count: Int(capacity) * Layout.eventSize)
    else { return nil }

    func event(_ index: UInt32) -> Event {
      let offset = Int(index % capacity) * Layout.eventSize
      let raw = word(ring, offset)
      return Event(
        kind: Event.Kind(rawValue: raw), rawKind: raw, payload: word(ring, offset + 4), tick: word(ring, offset + 8),
        index: index)
    }
    // A sane queue has 0 ≤ tail − head ≤ capacity; anything else is a guest caught mid-update or corrupted.
    let count = min(tail &- head, capacity)
    let pending = (0..<count).map { event(head &+ $0) }
    let historyCount = min(head, capacity - count)
    let recent = (0..<historyCount).map { event(head &- historyCount &+ $0) }.filter { $0.rawKind != 0 }
    let queue = EventQueue(
      head: head, tail: tail, dropped: word(header, 8), capacity: capacity, pending: pending, recent: recent)

    var tasks: [Task] = []
    for id in 0..<Layout.taskCount {
      let base = id * Layout.taskSize
      let stateRaw = word(table, base + 12)
      guard stateRaw != Task.State.free.rawValue else { continue }
      let nameBytes = table[base..<base + Layout.nameLength].prefix { $0 != 0 }
      tasks.append(
        Task(
          id: id, name: String(decoding: nameBytes, as: UTF8.self), state: Task.State(rawValue: stateRaw),
          blockedOn: Task.WaitReason(rawValue: word(table, base + 16)), ring: word(table, base + 20),
          ticks: word(table, base + 24), wakeTick: word(table, base + 36), waitMask: word(table, base + 40),
          switches: word(table, base + 44), isCurrent: UInt32(id) == current))
    }
    return TeachingKernelView(eventQueue: queue, tasks: tasks, ticks: ticks, currentTask: current)
  }

  /// `count` bytes at linear `address` through the observer's page walk (`CPU.peekTranslate`: no accessed or dirty
  /// bit, no CR2, no TLB fill), translated once per page and copied from RAM in one piece; nil when any byte is
  /// unmapped or not RAM (device memory is never read). The same answer as `peekLinearBytes`, without its per-byte
  /// optionals: a snapshot takes this every frame.
  static func peekBytes(_ cpu: CPU, _ address: UInt32, count: Int) -> [UInt8]? {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(max(0, count))
    var linear = address
    var left = count
    while left > 0 {
      let chunk = min(left, 0x1000 - Int(linear & 0xFFF))
      guard let physical = cpu.peekTranslate(linear), cpu.memory.contains(physical, count: chunk) else { return nil }
      bytes.append(contentsOf: UnsafeRawBufferPointer(start: cpu.memory.bytes + Int(physical), count: chunk))
      linear &+= UInt32(chunk)
      left -= chunk
    }
    return bytes
  }

  private static func word(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
    UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
      | UInt32(bytes[offset + 3]) << 24
  }
}

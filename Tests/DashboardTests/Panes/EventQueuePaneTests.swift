import Testing

@testable import Dashboard
@testable import Emulator

/// The Event queue pane with the teaching kernel's queue and tasks, against hand-built views: encodings from
/// Guest/kernel/kernel.h (event kinds, task states, wait reasons), set-1 scancodes from the IBM PC keyboard table
/// (0x1E is A, break = make | 0x80, 0x1C Enter), ICR causes from the 8254x manual (table 13-65: RXT0 = bit 7,
/// TXQE = bit 1, TXDW = bit 0), exception mnemonics from the SDM (vector 6 is #UD).
struct EventQueuePaneTests {
  typealias Event = TeachingKernelView.Event
  typealias Task = TeachingKernelView.Task

  static func event(_ kind: Event.Kind, _ payload: UInt32, tick: UInt32, index: UInt32) -> Event {
    Event(kind: kind, rawKind: kind.rawValue, payload: payload, tick: tick, index: index)
  }

  static func task(
    _ id: Int, _ name: String, _ state: Task.State, _ wait: Task.WaitReason = .none, ticks: UInt32, ring: UInt32 = 3,
    switches: UInt32 = 0, current: Bool = false
  ) -> Task {
    Task(
      id: id, name: name, state: state, blockedOn: wait, ring: ring, ticks: ticks, wakeTick: 0, waitMask: 0,
      switches: switches, isCurrent: current)
  }

  /// Idle (ready, 40 ticks), the shell blocked on the console, spin running; the key A pressed and released at
  /// tick 1200 (taken) and a frame's RXT0 at tick 1234 still pending; the PIT due in 1 ms.
  static func kernelSnapshot(
    cycles: UInt64 = 5_000_000, shell: Task.State = .blocked, tail: UInt32 = 13,
    _ edit: (inout MachineSnapshot) -> Void = { _ in }
  ) -> MachineSnapshot {
    SnapshotFixture.make(cycles: cycles) {
      $0.pendingEvents = [
        Scheduler.PendingEvent(time: cycles + 100_000, device: "pit", what: "channel 0 terminal count")
      ]
      let recent = [event(.key, 0x1E, tick: 1200, index: 10), event(.key, 0x9E, tick: 1200, index: 11)]
      let pending = tail > 12 ? [event(.nic, 0x80, tick: 1234, index: 12)] : []
      $0.kernel = TeachingKernelView(
        eventQueue: .init(head: 12, tail: tail, dropped: 0, capacity: 64, pending: pending, recent: recent),
        tasks: [
          task(0, "idle", .ready, ticks: 40, ring: 0, switches: 7),
          task(1, "shell", shell, shell == .blocked ? .console : .none, ticks: 3, switches: 5),
          task(2, "spin", .running, ticks: 12, switches: 9, current: true),
        ], ticks: 1234, currentTask: 2)
      edit(&$0)
    }
  }

  @Test func atTheFullLayoutsSizeEveryTaskTheQueueAndOneMachineLineFit() {
    // 37×6 is the pane's inside at 160×50.
    let (canvas, _) = SnapshotFixture.render(.events, Self.kernelSnapshot(), width: 37, height: 6)
    #expect(
      SnapshotFixture.trimmed(canvas) == [
        "pit in 1.00ms 8042 FIFO 0 wire 0",
        "kernel queue 1/64 tick 1234",
        "›  1234 nic    0080 RXT0",
        " 0 idle   ready                40",
        " 1 shell  blocked: console      3",
        " 2 spin   running              12",
      ])
    // The running task is a bar across the whole row.
    #expect(canvas.styleRuns.contains { $0 == Canvas.StyleRun(row: 5, column: 0, length: 37, style: .role(.active)) })
  }

  /// Five tasks in the 37×6 pane: three fit with a line counting the rest, and the running one (the last) is kept.
  @Test func tasksThatDoNotFitAreCountedAndTheRunningOneStays() {
    let snapshot = Self.kernelSnapshot {
      $0.kernel?.tasks = [
        Self.task(0, "idle", .ready, ticks: 40, ring: 0),
        Self.task(1, "shell", .blocked, .console, ticks: 3),
        Self.task(2, "spin", .ready, ticks: 12),
        Self.task(3, "spin", .ready, ticks: 11),
        Self.task(4, "spin", .running, ticks: 10, current: true),
      ]
    }
    let (canvas, _) = SnapshotFixture.render(.events, snapshot, width: 37, height: 6)
    #expect(
      SnapshotFixture.trimmed(canvas) == [
        "pit in 1.00ms 8042 FIFO 0 wire 0",
        "kernel queue 1/64 tick 1234",
        " 0 idle   ready                40",
        " 1 shell  blocked: console      3",
        " 4 spin   running              10",
        "… 2 more tasks (F3 zooms)",
      ])
  }

  @Test func withRoomTheHistoryHeadingsAndTheMachinesFullLinesAppear() {
    let (canvas, _) = SnapshotFixture.render(.events, Self.kernelSnapshot(), width: 50, height: 13)
    #expect(
      SnapshotFixture.trimmed(canvas) == [
        "in 1.00ms  pit      channel 0 terminal count",
        "8042 OBF - FIFO 0 host 0",
        "wire queued 0 dropped 0",
        "kernel queue 1/64 tick 1234",
        "   tick kind   payload",
        "   1200 key    1e 'a' make",
        "   1200 key    9e 'a' break",
        "›  1234 nic    0080 RXT0",
        "id name   state             ticks",
        " 0 idle   ready                40",
        " 1 shell  blocked: console      3",
        " 2 spin   running              12",
        "",
      ])
    // Taken events are history (dim); the pending one is not.
    #expect(canvas.style(of: "9e 'a' break", row: 6) == .role(.dim))
    #expect(canvas.style(of: "0080 RXT0", row: 7) == .role(.value))
  }

  @Test func wideLayoutsAddRingSwitchesAndTheEventsIndex() {
    let (canvas, _) = SnapshotFixture.render(.events, Self.kernelSnapshot(), width: 78, height: 13)
    let lines = SnapshotFixture.trimmed(canvas)
    #expect(lines[3] == "kernel event queue 1/64 pending tick 1234")
    #expect(lines[7] == "›  1234 nic    0080 RXT0  #12")
    #expect(lines[8] == "id name   state             ticks ring switches")
    #expect(lines[9] == " 0 idle   ready                40    0        7")
  }

  @Test func eventsPushedSinceThePreviousSnapshotAndAChangedTaskStateLightUp() {
    // Before: the frame's event not yet pushed (tail 12) and the shell ready; now: pushed, and the shell blocked.
    let before = Self.kernelSnapshot(cycles: 4_000_000, shell: .ready, tail: 12)
    let now = Self.kernelSnapshot()
    var state = DashboardState()
    state.observe(before, previous: nil)
    state.observe(now, previous: before)
    let (canvas, _) = SnapshotFixture.render(.events, now, previous: before, state: state, width: 50, height: 13)
    #expect(canvas.style(of: "0080 RXT0", row: 7) == .role(.changed))
    #expect(canvas.style(of: "9e 'a' break", row: 6) == .role(.dim))  // pushed before: not new
    #expect(canvas.style(of: "blocked: console", row: 10) == .role(.changed))
    #expect(canvas.style(of: "ready", row: 9) == .role(.value))  // idle did not change
  }

  @Test func payloadsDecodeAsTheirDevicesDefineThem() {
    let payloads = [
      Self.event(.key, 0x1C, tick: 1, index: 0),  // Enter make
      Self.event(.key, 0xAA, tick: 1, index: 1),  // left Shift break
      Self.event(.serial, 0x41, tick: 2, index: 2),
      Self.event(.nic, 0x83, tick: 3, index: 3),  // RXT0 | TXQE | TXDW
      Self.event(.exit, 1 | 6 << 8, tick: 4, index: 4),  // the shell faulted with #UD
      Self.event(.exit, 2 | 0xFF << 8, tick: 5, index: 5),  // spin was killed
      Self.event(.timer, 1234, tick: 1234, index: 6),
    ].map(KernelEventText.payload)
    #expect(
      payloads == [
        "1c Enter make", "aa LShift break", "41 'A'", "0083 RXT0 TXQE TXDW", "task 1 #UD invalid opcode",
        "task 2 killed", "ticks=1234",
      ])
  }

  @Test func aBlockedTaskSaysWhatItWaitsOn() {
    var waiting = Self.task(1, "shell", .blocked, .events, ticks: 0)
    waiting.waitMask = 1 << 1 | 1 << 2 | 1 << 4  // what the shell's `wait` subscribes to: timer, key, nic
    var sleeping = Self.task(3, "sleepy", .blocked, .sleep, ticks: 0)
    sleeping.wakeTick = 1500
    #expect(KernelEventText.state(waiting) == "blocked: timer,key,nic")
    #expect(KernelEventText.state(sleeping) == "blocked: until t1500")
    #expect(KernelEventText.state(Self.task(1, "shell", .blocked, .packet, ticks: 0)) == "blocked: packet")
  }

  @Test func aDroppedEventCountIsAWarning() {
    let snapshot = Self.kernelSnapshot { $0.kernel?.eventQueue.dropped = 3 }
    let (canvas, _) = SnapshotFixture.render(.events, snapshot, width: 37, height: 6)
    #expect(SnapshotFixture.trimmed(canvas)[1] == "kernel queue 1/64 tick 1234 dropped 3")
    #expect(canvas.style(of: "dropped 3", row: 1) == .role(.warning))
  }
}

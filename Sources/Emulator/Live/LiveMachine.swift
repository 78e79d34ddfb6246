import Dispatch
import Synchronization

/// A machine that runs live: one owner, one serial queue, commands in from any thread, snapshots out.
///
/// Threading model: the `Machine` is confined to `queue`. A `DispatchSourceTimer` on that queue runs it in slices
/// sized so virtual time keeps pace with wall time × speed (or as fast as the host allows at `speed(nil)`); a
/// halted guest sleeps until its next device event is due in wall time. Other threads only `send` command values
/// (kept in a mutex-guarded inbox and applied at the next slice boundary, stamped with the virtual time they took
/// effect) and ask for `snapshot()`s (taken on the queue between slices). Nothing else touches the machine.
public final class LiveMachine: @unchecked Sendable {
  // @unchecked: every mutable property below is touched only on `queue` (the inbox has its own mutex).

  /// How a live session is written out: called on the machine's queue with each script line, in order.
  public typealias RecordSink = @Sendable (String) -> Void

  public static let speedLadder: [Double?] = [0.001, 0.01, 0.1, 0.25, 0.5, 1, 2, 5, 10, 100, nil]
  /// How long one slice may run on the host before the queue takes other work (snapshots, commands).
  static let sliceBudgetNanoseconds: UInt64 = 8_000_000
  /// How often a busy guest is run, and the longest a halted one sleeps.
  static let tickNanoseconds: UInt64 = 4_000_000
  static let longestSleepNanoseconds: UInt64 = 250_000_000

  public let queue = DispatchQueue(label: "irqscope.machine", qos: .userInteractive)
  private let machine: Machine
  private let inbox = Mutex<[MachineCommand]>([])
  private let timer: DispatchSourceTimer
  private var started = false

  private var paused: Bool
  private var speed: Double?
  private var wallAnchor: UInt64 = 0
  private var cycleAnchor: UInt64 = 0
  private var runningToInterrupt = false
  private var stopOnDelivery = false
  private var stopReason: String?
  /// Why a debugger holds the machine (the status line's text); nil when none does. See `hold(reason:)`.
  private var heldReason: String?
  /// A slice is already queued to follow the last one (speed max).
  private var continuationQueued = false
  private var snapshotNumber: UInt64 = 0
  private var traceCursor: UInt64 = 0
  private var recorder: RecordSink?
  private var recordedUpTo: UInt64 = 0
  private let minimumHaltedSleepNanoseconds: UInt64

  /// Takes ownership of `machine` (already booted): from now on touch it only through `withMachine`.
  ///
  /// `minimumHaltedSleep`: the shortest a halted, paced guest sleeps. Zero (the default) wakes it at each device
  /// event, so what it sends (COM1, the NIC) leaves on time in wall time. An observer that takes a snapshot every
  /// frame can pass more (the dashboard passes 100 ms, well under the quarter second after which a live machine
  /// stops catching up): `snapshot()` brings a paced machine up to the wall clock first, so every frame is as
  /// current as before, while a guest idling on a 100 Hz timer runs its ticks in each frame's catch-up instead of
  /// waking two threads per tick. Virtual time, and so every stamp and latency in the trace, is the same either
  /// way; only when the host does the work changes.
  public init(
    machine: Machine, speed: Double? = 1, paused: Bool = false, record: RecordSink? = nil,
    minimumHaltedSleep: Duration = .zero
  ) {
    let (seconds, attoseconds) = minimumHaltedSleep.components
    minimumHaltedSleepNanoseconds =
      UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds)) / 1_000_000_000
    self.machine = machine
    self.speed = speed
    self.paused = paused
    self.recorder = record
    timer = DispatchSource.makeTimerSource(queue: queue)
    let previous = machine.cpu.onDelivery
    machine.cpu.onDelivery = { [unowned self] delivery in
      previous?(delivery)
      if stopOnDelivery { self.machine.requestStop() }
    }
    recordedUpTo = machine.cpu.cycles
    timer.setEventHandler { [unowned self] in runSlice() }
  }

  deinit {
    timer.setEventHandler {}
    if !started { timer.resume() }  // a suspended source must not be released
    timer.cancel()
  }

  // MARK: From any thread

  /// Starts running (or waiting, when created paused).
  public func start() {
    queue.async { [self] in
      guard !started else { return }
      started = true
      reanchor()
      timer.schedule(deadline: .now())
      timer.resume()
    }
  }

  /// Queues a command; it takes effect at the next slice boundary.
  public func send(_ command: MachineCommand) {
    inbox.withLock { $0.append(command) }
    queue.async { [self] in
      guard started else { return }
      runSlice()
    }
  }

  /// A snapshot of the machine now (between slices), with the trace records finished since the previous one.
  public func snapshot() -> MachineSnapshot {
    queue.sync {
      if started { catchUp() }
      snapshotNumber &+= 1
      let host = MachineSnapshot.Host(
        paused: paused || heldReason != nil, speed: speed,
        keysQueued: machine.keyboard.state.keyboard.hostQueued,
        keysDropped: machine.keyboard.state.overruns &+ machine.untypedCharacters,
        stopReason: heldReason ?? stopReason)
      let snapshot = machine.snapshot(number: snapshotNumber, traceFrom: traceCursor, host: host)
      traceCursor = snapshot.traceSequence
      return snapshot
    }
  }

  /// Runs `body` on the machine's queue with the machine (for set-up, tests and the gdb stub).
  public func withMachine<T: Sendable>(_ body: (Machine) throws -> T) rethrows -> T {
    try queue.sync { try body(machine) }
  }

  /// Stops running; writes the final `wait` of a recording so a replay ends at the same virtual time, and
  /// finishes the trace. Returns the virtual time the machine stopped at.
  @discardableResult
  public func stop() -> UInt64 {
    queue.sync {
      applyCommands()
      if started { timer.suspend() }
      started = false
      recordWait()
      machine.tracer.flush()
      return machine.cpu.cycles
    }
  }

  // MARK: Held by a debugger (on the queue only: from a debugger's own dispatch sources and CPU hooks)

  /// Holds the machine for a debugger (the gdb stub): no slice runs until `release(resume:)`, while snapshots and
  /// commands go on as when paused. Keys typed meanwhile wait in the keyboard's host queue: no virtual time passes.
  /// Called from inside a run (a CPU debug stop), the caller also makes that run return (`Machine.requestStop()`).
  public func hold(reason: String) {
    dispatchPrecondition(condition: .onQueue(queue))
    heldReason = reason
    runningToInterrupt = false
  }

  /// Ends a hold. `resume` (the debugger said continue or step) also ends a pause; without it (the debugger went
  /// away) the machine runs on, or stays paused, as it was.
  public func release(resume: Bool) {
    dispatchPrecondition(condition: .onQueue(queue))
    heldReason = nil
    if resume {
      paused = false
      stopReason = nil
    }
    // Wall time spent held is not virtual time to catch up.
    reanchor()
    if started { timer.schedule(deadline: .now()) }
  }

  // MARK: On the queue

  private func reanchor() {
    wallAnchor = DispatchTime.now().uptimeNanoseconds
    cycleAnchor = machine.cpu.cycles
  }

  /// Brings a paced machine up to the wall clock (it may have slept until its next event, or longer: see
  /// `minimumHaltedSleep`). Before commands, so a command's stamp, and every latency after it, is honest; before
  /// snapshots, so a frame shows the machine as it is now.
  private func catchUp() {
    guard !paused && heldReason == nil && !runningToInterrupt && machine.exitStatus == nil && speed != nil else {
      return
    }
    let target = pacedTarget(at: DispatchTime.now().uptimeNanoseconds)
    if target > machine.cpu.cycles && target &- machine.cpu.cycles <= virtualCycles(wallNanoseconds: 250_000_000) {
      machine.run(until: target)
    }
  }

  private func runSlice() {
    guard started else { return applyCommands() }
    catchUp()
    applyCommands()
    if paused || heldReason != nil || machine.exitStatus != nil {
      timer.schedule(deadline: .now() + .milliseconds(250))  // nothing to run: commands wake the queue
      return
    }
    let sliceStart = DispatchTime.now().uptimeNanoseconds
    let target = runningToInterrupt ? .max : pacedTarget(at: sliceStart)
    // Run in chunks until the target or the host budget for this slice is used up.
    let chunk = Scheduler.nominalHz / 1000  // 1 ms of virtual time
    stopOnDelivery = runningToInterrupt
    while machine.cpu.cycles < target && machine.exitStatus == nil && heldReason == nil {
      let before = runningToInterrupt ? machine.cpu.vectorDeliveriesTotal : 0
      machine.run(until: min(target, machine.cpu.cycles &+ chunk))
      if runningToInterrupt && machine.cpu.vectorDeliveriesTotal != before {
        runningToInterrupt = false
        paused = true
        stopReason = "stopped at the next interrupt"
        break
      }
      if DispatchTime.now().uptimeNanoseconds &- sliceStart >= Self.sliceBudgetNanoseconds { break }
    }
    stopOnDelivery = false
    if machine.exitStatus != nil { stopReason = "the guest exited (status \(machine.exitStatus ?? 0))" }
    if paused || heldReason != nil || machine.exitStatus != nil {
      timer.schedule(deadline: .now() + .milliseconds(250))
      return
    }
    if let speed, !runningToInterrupt {
      // The host fell behind by more than a quarter second: give up catching up (re-anchor) rather than run flat
      // out for ever; the status line's speed figure shows the truth.
      if target > machine.cpu.cycles && target &- machine.cpu.cycles > virtualCycles(wallNanoseconds: 250_000_000) {
        reanchor()
      }
      // A halted guest sleeps until its next device event is due in wall time.
      if machine.cpu.halted {
        let next = machine.scheduler.nextEventTime
        if next > machine.cpu.cycles {
          let wait = wallNanoseconds(virtualCycles: next &- machine.cpu.cycles, speed: speed)
          let sleep = min(max(wait, minimumHaltedSleepNanoseconds, 1_000_000), Self.longestSleepNanoseconds)
          timer.schedule(deadline: .now() + .nanoseconds(Int(sleep)))
          return
        }
      }
      timer.schedule(deadline: .now() + .nanoseconds(Int(Self.tickNanoseconds)))
    } else if !continuationQueued {
      // Flat out (or running to an interrupt): the next slice goes to the back of the queue at once, behind any
      // snapshot or command waiting there. Re-arming the timer instead cost a timer thread's wake-up per slice.
      continuationQueued = true
      queue.async { [self] in
        continuationQueued = false
        runSlice()
      }
    }
  }

  /// The virtual time a paced machine should have reached at wall time `now` (`.max` at speed max).
  private func pacedTarget(at now: UInt64) -> UInt64 {
    guard speed != nil else { return .max }
    return cycleAnchor &+ virtualCycles(wallNanoseconds: now &- wallAnchor)
  }

  private func virtualCycles(wallNanoseconds: UInt64) -> UInt64 {
    guard let speed else { return .max }
    return UInt64(Double(wallNanoseconds) * speed * Double(Scheduler.nominalHz) / 1e9)
  }

  private func wallNanoseconds(virtualCycles: UInt64, speed: Double) -> UInt64 {
    let value = Double(virtualCycles) / (speed * Double(Scheduler.nominalHz)) * 1e9
    return value >= Double(UInt64.max / 2) ? UInt64.max / 2 : UInt64(value)
  }

  private func applyCommands() {
    let commands = inbox.withLock { inbox in
      let taken = inbox
      inbox.removeAll()
      return taken
    }
    for command in commands { apply(command) }
  }

  private func apply(_ command: MachineCommand) {
    switch command {
    case .pause:
      paused = true
      runningToInterrupt = false
      stopReason = "paused"
    case .resume:
      paused = false
      runningToInterrupt = false
      stopReason = nil
      reanchor()
    case .togglePause:
      apply(paused || runningToInterrupt ? .resume : .pause)
    case .speed(let value):
      speed = value.map { max(0.000_001, $0) }
      reanchor()
    case .faster, .slower:
      let ladder = Self.speedLadder
      let index =
        ladder.firstIndex { $0 == speed } ?? ladder.firstIndex { ($0 ?? .infinity) >= (speed ?? .infinity) } ?? 5
      let next = command == .faster ? min(index + 1, ladder.count - 1) : max(index - 1, 0)
      apply(.speed(ladder[next]))
    case .step where heldReason != nil, .stepToInterrupt where heldReason != nil:
      break  // the debugger holding the machine steps it
    case .step:
      paused = true
      runningToInterrupt = false
      machine.run(cycles: 1)
      stopReason = "paused after one step"
    case .stepToInterrupt:
      paused = false
      runningToInterrupt = true
      stopReason = "running to the next interrupt"
    default:
      recordWait()
      let toggledIRQ: Int?
      if case .toggleMask(let irq) = command { toggledIRQ = irq } else { toggledIRQ = nil }
      machine.apply(command)
      if let recorder {
        var maskedAfter: Bool?
        if let irq = toggledIRQ, (0..<16).contains(irq) {
          let imr = irq < 8 ? machine.pics.master.imr : machine.pics.slave.imr
          maskedAfter = imr & (1 << UInt8(irq & 7)) != 0
        }
        if let line = Machine.scriptLine(for: command, maskedAfter: maskedAfter) { recorder(line) }
      }
    }
  }

  /// Writes the virtual time that passed since the last recorded line as a `wait`.
  private func recordWait() {
    guard let recorder else { return }
    let now = machine.cpu.cycles
    if now > recordedUpTo { recorder("wait \(now &- recordedUpTo)cycles") }
    recordedUpTo = now
  }
}

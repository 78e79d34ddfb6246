import ArgumentParser
import Dashboard
import Dispatch
import Emulator
import Foundation
import Synchronization

/// `irqscope bench ui`: how fast the dashboard composes a frame, how long a key takes to reach the guest's IRQ 1
/// handler, and what an idle dashboard costs the host.
struct BenchUI: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ui",
    abstract: "Frame composition time, key-to-IRQ1-handler latency, and the idle dashboard's CPU use.",
    discussion: """
      1. compose: a full frame (every pane, status line, key bar) from a snapshot of the built-in kernel after it
         booted and took some keys and packets, at 160x50 and 240x70; median and best over --frames frames.
      2. key latency: the wall time from a key event entering the dashboard's input layer (KeyDispatch) to the
         guest's IRQ 1 handler starting, with the machine live at --speed 1; median and worst over --keys keys.
      3. idle: this irqscope binary launched with no arguments (the dashboard) in a 160x50 pseudo-terminal whose
         other end reads at once; after the teaching kernel's prompt, the CPU time of all its threads over
         --idle-seconds, guest in hlt, 30 fps; then F10.
      4. drawing: bench cpu's workload live at --speed max while the main thread takes a snapshot and composes a
         160x50 frame 30 times a second, against the same workload headless; medians of --runs alternating runs.
      """)

  @Option(help: "Frames to compose at each size.")
  var frames: Int = 300

  @Option(help: "Keys to time.")
  var keys: Int = 40

  @Option(help: "Seconds of idle dashboard to measure (0 skips it).")
  var idleSeconds: Double = 30

  @Option(help: "Runs of the drawing-versus-headless comparison (0 skips it).")
  var runs: Int = 9

  @Flag(help: "Also time each pane (and the bars) alone on an idle guest's frame, at 160x50.")
  var parts = false

  func run() throws {
    let boot = try MachineOptions.parse([]).bootMachine()
    let machine = boot.machine
    machine.run(cycles: Scheduler.nominalHz / 2)  // boot to the prompt
    _ = machine.type("help\n")
    try? machine.injectBurst(20)
    machine.run(cycles: Scheduler.nominalHz / 10)
    let (previous, snapshot, state) = Self.twoFrames(of: machine, apart: Scheduler.nominalHz / 100)
    for (width, height) in [(160, 50), (240, 70)] {
      let times = Self.sortedTimes(max(1, frames)) {
        let frame = compose(
          snapshot: snapshot, previous: previous, state: state, size: (width, height), wallSeconds: 1.0 / 30)
        precondition(frame.0.width == width)
      }.map { $0 / 1e6 }
      print(
        String(
          format: "compose %dx%d: median %.3f ms, best %.3f ms (%d frames)", width, height, times[times.count / 2],
          times[0], times.count))
    }
    if parts { try partTimes() }
    try keyLatency()
    if idleSeconds > 0 { try idle() }
    if runs > 0 { try drawing() }
  }

  /// Each part of a 160x50 frame alone, composed from two snapshots 1/30 s apart of the built-in kernel idle at
  /// its prompt (the frame the idle figure draws): median microseconds over --frames.
  private func partTimes() throws {
    let machine = try MachineOptions.parse([]).bootMachine().machine
    machine.run(cycles: Scheduler.nominalHz)
    let (previous, snapshot, state) = Self.twoFrames(of: machine, apart: Scheduler.nominalHz / 30)
    var line: [String] = []
    for part in FramePart.allCases {
      var canvas = Canvas(width: 160, height: 50)
      let times = Self.sortedTimes(max(1, frames)) {
        part.draw(snapshot: snapshot, previous: previous, state: state, size: (160, 50), on: &canvas)
      }
      line.append(String(format: "%@ %.0f", part.rawValue, times[times.count / 2] / 1e3))
    }
    print("compose parts, idle 160x50, median µs: " + line.joined(separator: ", "))
  }

  /// Two snapshots of `machine` `cycles` apart, folded into a dashboard state as the dashboard would.
  static func twoFrames(of machine: Machine, apart cycles: UInt64) -> (MachineSnapshot, MachineSnapshot, DashboardState)
  {
    let previous = machine.snapshot(number: 1, traceFrom: 0)
    machine.run(cycles: cycles)
    let snapshot = machine.snapshot(number: 2, traceFrom: previous.traceSequence)
    var state = DashboardState()
    state.observe(previous, previous: nil)
    state.observe(snapshot, previous: previous)
    return (previous, snapshot, state)
  }

  /// The wall time of `body`, `count` times, in nanoseconds, sorted.
  static func sortedTimes(_ count: Int, _ body: () -> Void) -> [Double] {
    (0..<count).map { _ in
      let start = DispatchTime.now().uptimeNanoseconds
      body()
      return Double(DispatchTime.now().uptimeNanoseconds - start)
    }.sorted()
  }

  /// Guest MIPS with the dashboard drawing against headless, on bench cpu's workload (10 M iterations).
  private func drawing() throws {
    guard let workload = BuiltInKernels.benchCPU else { throw ValidationError("the built-in workload is missing") }
    let iterations: UInt32 = 10_000_000
    var headless: [Double] = []
    var live: [Double] = []
    for _ in 0..<runs {
      let machine = try BenchHarness.machine(
        booting: workload, name: "bench-cpu.elf", patch: ["iterations": iterations])
      let seconds = BenchHarness.seconds { BenchHarness.runToExit(machine) }
      headless.append(Double(machine.cpu.instructions) / seconds / 1e6)

      let drawn = try BenchHarness.machine(booting: workload, name: "bench-cpu.elf", patch: ["iterations": iterations])
      // The wall time of the guest's exit itself, not of the next frame that notices it (up to 33 ms later).
      let exitedAt = Atomic<UInt64>(0)
      let exit = drawn.debugExit.onExit
      drawn.debugExit.onExit = { status in
        exitedAt.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed)
        exit?(status)
      }
      let liveMachine = LiveMachine(machine: drawn, speed: nil)
      var state = DashboardState()
      var previous: MachineSnapshot?
      let start = DispatchTime.now().uptimeNanoseconds
      liveMachine.start()
      while true {
        let snapshot = liveMachine.snapshot()
        if snapshot.exitStatus != nil { break }
        state.observe(snapshot, previous: previous)
        _ = compose(snapshot: snapshot, previous: previous, state: state, size: (160, 50), wallSeconds: 1.0 / 30)
        previous = snapshot
        usleep(33_333)
      }
      let exited = exitedAt.load(ordering: .relaxed)
      let wall = Double((exited > start ? exited : DispatchTime.now().uptimeNanoseconds) - start) / 1e9
      let instructions = liveMachine.withMachine { $0.cpu.instructions }
      liveMachine.stop()
      live.append(Double(instructions) / wall / 1e6)
    }
    // Each live run against the headless run just before it: the VM's speed drifts over seconds, and a ratio of
    // neighbours is steadier than a ratio of medians.
    let ratios = zip(live, headless).map { $0 / $1 }
    print(
      String(
        format:
          "guest speed: headless median %.1f MIPS, live --speed max with the dashboard drawing %.1f MIPS; live/headless median of %d pairs %.0f%%",
        BenchHarness.median(headless), BenchHarness.median(live), ratios.count, BenchHarness.median(ratios) * 100))
  }

  /// Keys typed through the dashboard's own dispatch into a live machine; the IRQ 1 handler's start is seen by
  /// the delivery hook on the machine's queue.
  private func keyLatency() throws {
    let boot = try MachineOptions.parse([]).bootMachine()
    let live = LiveMachine(machine: boot.machine, speed: 1)
    let handlerStarts = Mutex<[UInt64]>([])
    live.withMachine { machine in
      machine.run(cycles: Scheduler.nominalHz / 2)
      let previous = machine.cpu.onDelivery
      let vector = { UInt8(machine.pics.state.master.base) &+ 1 }
      machine.cpu.onDelivery = { record in
        previous?(record)
        if record.kind == .external && record.vector == vector() {
          let now = DispatchTime.now().uptimeNanoseconds
          handlerStarts.withLock { $0.append(now) }
        }
      }
    }
    live.start()
    var latencies: [Double] = []
    var state = DashboardState()
    for _ in 0..<max(1, keys) {
      let seen = handlerStarts.withLock { $0.count }
      let start = DispatchTime.now().uptimeNanoseconds
      let (next, actions) = KeyDispatch.handle(.character("x"), state: state)
      state = next
      for case .machine(let command) in actions { live.send(command) }
      // The make code's IRQ 1 (the break code follows ~1 ms later): wait for it, at most a second.
      var arrived: UInt64?
      while arrived == nil && DispatchTime.now().uptimeNanoseconds - start < 1_000_000_000 {
        arrived = handlerStarts.withLock { $0.count > seen ? $0[seen] : nil }
        if arrived == nil { usleep(100) }
      }
      guard let arrived else { throw ValidationError("the guest never took IRQ 1 for a typed key") }
      latencies.append(Double(arrived - start) / 1e6)
      usleep(20_000)  // let the break code's interrupt pass before the next key
      handlerStarts.withLock { $0.removeAll() }
    }
    live.stop()
    latencies.sort()
    print(
      String(
        format: "key → IRQ 1 handler: median %.2f ms, worst %.2f ms (%d keys, --speed 1)",
        latencies[latencies.count / 2], latencies[latencies.count - 1], latencies.count))
  }

  /// The real dashboard idle: `irqscope` itself in a 160x50 pseudo-terminal (see `IdleDashboardProbe`).
  private func idle() throws {
    let result = try IdleDashboardProbe().measure(seconds: idleSeconds)
    print(
      String(
        format:
          "idle dashboard (irqscope in a 160x50 pseudo-terminal, guest in hlt, 30 fps): %.2f%% of one core over %.0f s, %.0f bytes/s to the terminal",
        result.cpuFraction * 100, result.seconds, result.bytesPerSecond))
  }
}

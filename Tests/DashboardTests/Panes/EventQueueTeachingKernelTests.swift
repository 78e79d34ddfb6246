import Testing

@testable import Dashboard
@testable import Emulator

/// The Event queue pane against the real built-in kernel, booted: after `spin` the task table holds the shell, idle
/// and spin, and a typed A shows as its set-1 make (0x1E) and break (0x9E) codes in the kernel's queue history.
@Suite(.serialized)
struct EventQueueTeachingKernelTests {
  /// Runs in 1 ms steps until COM1's output ends with `suffix`, for at most `milliseconds` of virtual time.
  static func run(_ machine: Machine, untilSerialEndsWith suffix: String, milliseconds: Int) -> Bool {
    for _ in 0..<milliseconds {
      machine.run(cycles: Scheduler.cycles(nanoseconds: 1_000_000))
      if String(decoding: machine.uart.output, as: UTF8.self).hasSuffix(suffix) { return true }
    }
    return false
  }

  @Test func afterSpinThePaneListsShellIdleAndSpinAndATypedKeyIsAKeyboardEvent() throws {
    let kernel = try #require(BuiltInKernel.teaching)
    let machine = Machine()
    try machine.boot(kernel: kernel.bytes, fileName: kernel.name)
    #expect(Self.run(machine, untilSerialEndsWith: "kernel$ ", milliseconds: 500))
    _ = machine.type("spin\n")
    #expect(Self.run(machine, untilSerialEndsWith: "kernel$ ", milliseconds: 300))
    machine.run(cycles: Scheduler.cycles(nanoseconds: 30_000_000))  // a few time slices for spin

    let before = machine.snapshot(number: 1)
    _ = machine.type("a")
    machine.run(cycles: Scheduler.cycles(nanoseconds: 5_000_000))
    let now = machine.snapshot(number: 2, traceFrom: before.traceSequence)
    var state = DashboardState()
    state.observe(before, previous: nil)
    state.observe(now, previous: before)

    // At 160×50 (37×6 inside the frame): one row per task, each with a state the kernel can be in here.
    let (small, _) = SnapshotFixture.render(.events, now, previous: before, state: state, width: 37, height: 6)
    let rows = SnapshotFixture.trimmed(small)
    func row(_ name: String) -> String? { rows.first { $0.dropFirst(3).hasPrefix(name + " ") } }
    let shell = try #require(row("shell"), "\(rows)")
    let idle = try #require(row("idle"), "\(rows)")
    let spin = try #require(row("spin"), "\(rows)")
    #expect(["running", "ready", "blocked: console"].contains { shell.contains($0) }, "\(shell)")
    #expect(["running", "ready"].contains { idle.contains($0) }, "\(idle)")
    #expect(["running", "ready"].contains { spin.contains($0) }, "\(spin)")
    // Exactly one task runs, and it is drawn as the active bar.
    let running = rows.indices.filter { rows[$0].contains("running") }
    #expect(running.count == 1)
    if let index = running.first { #expect(small.style(of: "running", row: index) == .role(.active)) }

    // Zoomed, the history reaches back to the key: A's make and break, new since the previous snapshot.
    let (large, _) = SnapshotFixture.render(.events, now, previous: before, state: state, width: 78, height: 40)
    let lines = SnapshotFixture.trimmed(large)
    let make = try #require(lines.firstIndex { $0.contains("key    1e 'a' make") }, "\(lines)")
    #expect(lines.contains { $0.contains("key    9e 'a' break") })
    #expect(large.style(of: "1e 'a' make", row: make) == .role(.changed))
  }

  /// SDM vol. 3 §4.8: a processor walk sets the accessed bit of every paging entry it uses (and dirty on a write),
  /// and §4.7: a failed one writes CR2. The snapshot's read of the kernel's structures must do neither: clear A and
  /// D in the entries that map `event_queue` and `tasks`, snapshot, and they are still clear.
  @Test func readingTheKernelsStructuresSetsNoAccessedOrDirtyBitAndLeavesCR2() throws {
    let kernel = try #require(BuiltInKernel.teaching)
    let machine = Machine()
    try machine.boot(kernel: kernel.bytes, fileName: kernel.name)
    #expect(Self.run(machine, untilSerialEndsWith: "kernel$ ", milliseconds: 500))
    let cpu = machine.cpu
    let memory = cpu.memory
    #expect(cpu.cr0 & 0x8000_0000 != 0)  // paging is on, so the walk is exercised
    var entries: [UInt32] = []
    for name in ["event_queue", "tasks", "current_task", "ticks"] {
      let linear = try #require(machine.kernel?.symbols.address(of: name))
      let pde = (cpu.cr3 & 0xFFFF_F000) + (linear >> 22) * 4
      entries.append(pde)
      if memory.read32(pde) & 0x80 == 0 {  // a 4 KiB page: its PTE too
        entries.append((memory.read32(pde) & 0xFFFF_F000) + ((linear >> 12) & 0x3FF) * 4)
      }
    }
    for entry in entries { memory.write32(entry, memory.read32(entry) & ~0x60) }
    let cr2 = cpu.cr2
    let snapshot = machine.snapshot()
    #expect(snapshot.kernel?.tasks.map(\.name) == ["idle", "shell"])
    for entry in entries { #expect(memory.read32(entry) & 0x60 == 0, "entry at \(Format.hex(entry, 8))") }
    #expect(cpu.cr2 == cr2)
    // The page-at-a-time copy agrees with the byte-wise observer walk, here across the event queue's 784 bytes.
    let queue = try #require(machine.kernel?.symbols.address(of: "event_queue"))
    #expect(TeachingKernelView.peekBytes(cpu, queue, count: 784) == cpu.peekLinearBytes(queue, count: 784))
    #expect(TeachingKernelView.peekBytes(cpu, 0xFFFF_F000, count: 16) == nil)  // not mapped by this kernel
  }
}

import Dispatch
import Foundation
import Synchronization
import Testing

@testable import Emulator

/// The live machine: commands from other threads at random wall times, recorded with their virtual-time stamps,
/// must replay in `run --headless` to the same trace and the same final state, byte for byte.
@Suite(.serialized)
struct LiveMachineTests {
  /// A booted machine whose trace is collected as JSON lines (the `--trace` format).
  final class TracedMachine: @unchecked Sendable {
    let machine = Machine()
    var lines: [String] = []

    init(kernel: [UInt8], name: String) throws {
      try machine.boot(kernel: kernel, fileName: name)
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      machine.tracer.onEvent = { [unowned self] event in
        lines.append(String(decoding: (try? encoder.encode(event)) ?? Data(), as: UTF8.self))
      }
    }

    var dump: String { MachineDump(machine).json() }
  }

  static func netKernel() throws -> [UInt8] {
    try #require(BuiltInKernels.benchNet, "bench-net.elf is a resource of the Emulator target")
  }

  /// Drives a live machine from another thread with every kind of guest-visible command, then replays the
  /// recording headless.
  @Test(arguments: [UInt64(1), 2, 3])
  func liveSessionReplaysHeadlessByteForByte(seed: UInt64) throws {
    let kernel = try Self.netKernel()
    let live = try TracedMachine(kernel: kernel, name: "bench-net.elf")
    let recording = Mutex<[String]>([])
    let machine = LiveMachine(
      machine: live.machine, speed: 20, record: { line in recording.withLock { $0.append(line) } })
    machine.start()

    var random = SplitMix(seed: seed)
    let commands: [MachineCommand] = [
      .packet(.udp(length: nil, payload: Array("hello".utf8))), .type("ab\n"), .key(.c, modifiers: [.leftCtrl]),
      .toggleMask(irq: 1), .type("x"), .toggleMask(irq: 1), .burst(count: 5, length: nil), .packet(.arp),
      .mask(irq: 11), .packet(.udp(length: 200, payload: nil)), .unmask(irq: 11), .serial(Array("hi\u{3}".utf8)),
      .unmask(irq: 7), .spurious(irq: 7), .mask(irq: 7), .spurious(irq: 7), .press(.leftShift), .release(.leftShift),
      .nmi, .packet(.udp(length: nil, payload: nil)),
    ]
    let pauses = commands.map { _ in Double(random.next() % 4000) / 1_000_000 }  // 0–4 ms before each
    let done = DispatchSemaphore(value: 0)
    let sender = Thread {
      for (command, pause) in zip(commands, pauses) {
        Thread.sleep(forTimeInterval: pause)
        machine.send(command)
      }
      done.signal()
    }
    sender.start()
    done.wait()
    // Let the guest run on after the last command (at least 2 ms of virtual time), so the glitch it sent is taken
    // even on a slow host (under the thread sanitizer a slice may not have run since): wall time alone is no
    // guarantee of virtual time.
    let lastApplied = machine.withMachine { $0.cpu.cycles }
    for _ in 0..<400 where machine.snapshot().processor.cycles < lastApplied + 200_000 {
      Thread.sleep(forTimeInterval: 0.005)
    }
    machine.stop()
    let liveTrace = live.lines
    let liveDump = live.dump
    let script = recording.withLock { $0 }.joined(separator: "\n")
    #expect(script.contains("packet payload \"hello\""))
    #expect(script.contains("key leftCtrl+c"))
    #expect(script.contains("mask 1") && script.contains("unmask 1"))

    let replay = try TracedMachine(kernel: kernel, name: "bench-net.elf")
    let session = HeadlessSession(machine: replay.machine)
    session.print = { _ in }
    let parsed = try Script(text: script, fileName: "recorded.irqs", isKeyName: { Key(name: $0) != nil })
    let outcome = session.run(script: parsed, limits: .init())
    #expect(outcome.status == 0, "\(outcome.summary)")
    #expect(replay.lines.count == liveTrace.count)
    if let index = zip(replay.lines, liveTrace).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
      Issue.record("first difference at record \(index):\n replay \(replay.lines[index])\n live   \(liveTrace[index])")
    }
    #expect(replay.lines == liveTrace, "the replayed trace differs from the live one")
    #expect(replay.dump == liveDump, "the replayed final state differs from the live one")
    #expect(liveTrace.contains { $0.contains("\"kind\":\"rx\"") }, "packets reached the ring")
    #expect(liveTrace.contains { $0.contains("\"kind\":\"spurious\"") }, "the glitch on IRQ 7 was traced as spurious")
  }

  @Test func pauseStopsVirtualTimeAndStepRunsOneCycle() throws {
    let live = try TracedMachine(kernel: try Self.netKernel(), name: "bench-net.elf")
    let machine = LiveMachine(machine: live.machine, speed: nil, paused: true)
    machine.start()
    let first = machine.snapshot()
    Thread.sleep(forTimeInterval: 0.02)
    let second = machine.snapshot()
    #expect(first.processor.cycles == second.processor.cycles, "a paused machine does not run")
    #expect(second.host.paused)
    machine.send(.step)
    let third = machine.snapshot()
    #expect(third.processor.cycles == second.processor.cycles + 1)
    machine.send(.resume)
    Thread.sleep(forTimeInterval: 0.02)
    #expect(machine.snapshot().processor.cycles > third.processor.cycles)
    machine.stop()
  }

  /// With a long minimum sleep the machine's own timer hardly wakes it, yet every snapshot is current: it brings
  /// the paced machine up to the wall clock first. Virtual time between two snapshots covers at least the wall time
  /// between them (and, paced at speed 1, the run as a whole never gets ahead of the wall clock).
  @Test func aSnapshotCatchesAHaltedPacedMachineUpToTheWallClock() throws {
    let kernel = try #require(BuiltInKernel.teaching)
    let booted = Machine()
    try booted.boot(kernel: kernel.bytes, fileName: kernel.name)
    booted.run(cycles: Scheduler.nominalHz / 2)  // to the prompt: the idle task waits in hlt for each 10 ms tick
    let machine = LiveMachine(machine: booted, speed: 1, minimumHaltedSleep: .seconds(10))
    let startCycles = booted.cpu.cycles
    let wallStart = DispatchTime.now().uptimeNanoseconds
    machine.start()
    Thread.sleep(forTimeInterval: 0.05)
    for _ in 0..<3 {
      let first = machine.snapshot()
      let afterFirst = DispatchTime.now().uptimeNanoseconds
      Thread.sleep(forTimeInterval: 0.12)
      let beforeSecond = DispatchTime.now().uptimeNanoseconds
      let second = machine.snapshot()
      let wallCycles = (beforeSecond - afterFirst) * Scheduler.nominalHz / 1_000_000_000
      #expect(second.processor.cycles - first.processor.cycles >= wallCycles)
      #expect(second.processor.halted, "the guest is idle")
    }
    let wallEnd = DispatchTime.now().uptimeNanoseconds
    let ran = machine.stop() - startCycles
    // A run stops at the first instruction boundary past its target: allow a millisecond.
    #expect(ran <= (wallEnd - wallStart) * Scheduler.nominalHz / 1_000_000_000 + Scheduler.nominalHz / 1000)
  }

  @Test func runToTheNextInterruptStopsAtItsHandler() throws {
    let live = try TracedMachine(kernel: try Self.netKernel(), name: "bench-net.elf")
    let machine = LiveMachine(machine: live.machine, speed: nil, paused: true)
    machine.start()
    // Let the driver start (it enables the receiver and unmasks IRQ 11), then stop and ask for the next interrupt.
    machine.send(.resume)
    Thread.sleep(forTimeInterval: 0.05)
    machine.send(.pause)
    let before = machine.withMachine { $0.cpu.deliveriesPerVector }
    machine.send(.packet(.arp))
    machine.send(.stepToInterrupt)
    var snapshot = machine.snapshot()
    for _ in 0..<200 where !snapshot.host.paused {
      Thread.sleep(forTimeInterval: 0.005)
      snapshot = machine.snapshot()
    }
    #expect(snapshot.host.paused)
    let (after, eip) = machine.withMachine { m in (m.cpu.deliveriesPerVector, m.cpu.eip) }
    let taken = (0..<256).filter { after[$0] != before[$0] }
    #expect(taken.count == 1 && taken.map { after[$0] - before[$0] } == [1], "exactly one delivery")
    let vector = try #require(taken.first)
    let gate = try #require(snapshot.vectors[vector].gate)
    #expect(eip == gate.offset, "stopped at the handler's first instruction, as the IDT gate gives it")
    machine.stop()
  }
}

/// A small seeded generator (SplitMix64) so the random wall times are reproducible per seed.
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Reading the trace ring by sequence number.
struct TraceReadingTests {
  @Test func aSnapshotCarriesTheRecordsFinishedSinceThePreviousOneWhileTheRingIsYoung() {
    let machine = Machine()
    for index in 0..<5 { machine.noteDropped(source: "host", detail: "record \(index)") }
    let first = machine.snapshot(number: 1, traceFrom: 0)
    #expect(first.trace.map(\.detail) == (0..<5).map { "record \($0)" })
    #expect(first.traceSkipped == 0)
    #expect(first.traceSequence == 5)
    machine.noteDropped(source: "host", detail: "record 5")
    let second = machine.snapshot(number: 2, traceFrom: first.traceSequence)
    #expect(second.trace.map(\.sequence) == [5])
    #expect(second.traceSkipped == 0)
  }

  @Test func overTheLimitOnlyTheNewestAreCarriedAndTheRestCounted() {
    let machine = Machine()
    let total = MachineSnapshot.traceLimit + 10
    for index in 0..<total { machine.noteDropped(source: "host", detail: "record \(index)") }
    let snapshot = machine.snapshot(number: 1, traceFrom: 0)
    #expect(snapshot.trace.count == MachineSnapshot.traceLimit)
    #expect(snapshot.trace.first?.sequence == 10)
    #expect(snapshot.traceSkipped == 10)
  }

  @Test func virtualTimeInNanosecondsDoesNotOverflowAfterThreeMinutes() {
    let cycles: UInt64 = 200 * Scheduler.nominalHz + 3  // 200 s and 30 ns at 100 MHz
    #expect(Scheduler.nanoseconds(cycles: cycles) == 200_000_000_030)
    #expect(TraceEvent(kind: .nmi, cycle: cycles, source: "nmi").timeNanoseconds == 200_000_000_030)
  }
}

/// Kernel variables read by name, through the walk that changes nothing.
struct SymbolPeekTests {
  @Test func aKernelVariableIsReadByItsSymbolWithoutTouchingThePageTables() throws {
    let kernel = try #require(BuiltInKernel.teaching)
    let machine = Machine()
    try machine.boot(kernel: kernel.bytes, fileName: kernel.name)
    machine.run(cycles: Scheduler.nominalHz / 5)  // 200 ms: paging on, the timer ticking at 100 Hz
    let cr3 = machine.cpu.cr3
    let directory = (0..<1024).map { machine.memory.read32(cr3 & 0xFFFF_F000 + UInt32($0 * 4)) }
    let address = try #require(machine.kernel?.symbols.address(of: "ticks"))
    let bytes = try #require(machine.peekSymbol("ticks", count: 4))
    let value = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
    // The kernel's identity map puts the variable at the same physical address.
    #expect(value == machine.memory.read32(address))
    #expect((15...25).contains(value), "about 20 ticks of a 100 Hz timer in 200 ms, not \(value)")
    #expect(directory == (0..<1024).map { machine.memory.read32(cr3 & 0xFFFF_F000 + UInt32($0 * 4)) })
    #expect(machine.peekSymbol("no_such_symbol") == nil)
  }
}

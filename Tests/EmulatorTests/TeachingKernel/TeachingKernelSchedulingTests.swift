import Testing

@testable import Emulator

/// Tasks and the timer: a CPU-bound ring-3 task is preempted every 10 ms tick, so the shell still answers; waiting
/// for a key by polling the 8042 costs the CPU the whole wait, waiting in `hlt` costs it almost nothing
/// (the CPU's halted cycles, `cyclesWithoutInstruction`, against the cycles it executed instructions).
@Suite(.serialized)
struct TeachingKernelSchedulingTests {
  @Test func theShellAnswersWhileASpinTaskRunsAndPsShowsBoth() throws {
    let run = try TeachingKernelRun.atPrompt()
    #expect(try run.command("spin").hasPrefix("spin: started task 2"))
    run.wait(milliseconds: 50)
    let ps = try run.command("ps")
    let spin = try #require(ps.split(separator: "\n").first { $0.contains("spin") })
    #expect(spin.contains("  3  ") && (spin.contains("ready") || spin.contains("running")))
    #expect(ps.split(separator: "\n").contains { $0.contains("shell") && $0.contains("running") })
    let view = try #require(TeachingKernelView.read(from: run.machine))
    let task = try #require(view.tasks.first { $0.name == "spin" })
    #expect(task.ticks >= 3)  // it had the CPU for several of the ~5 ticks
    #expect(task.switches >= 3)  // and lost it to the timer each time
    #expect(try run.command("kill 2") == "kill: task 2\n")
    run.wait(milliseconds: 20)
    #expect(TeachingKernelView.read(from: run.machine)?.tasks.map(\.name) == ["idle", "shell"])
  }

  /// Busy (not halted) cycles — instructions, port-access time, REP iterations — over `milliseconds` of virtual time while the shell waits for a key with
  /// `command`, then the key.
  private func executedCycles(waitingWith command: String, milliseconds: Int) throws -> (UInt64, String) {
    let run = try TeachingKernelRun.atPrompt()
    let mark = run.session.serialText.count
    _ = run.machine.type(command + "\n")
    run.wait(milliseconds: 30)
    let cpu = run.machine.cpu
    let before = cpu.cycles - cpu.haltedCycles
    run.wait(milliseconds: milliseconds)
    let executed = cpu.cycles - cpu.haltedCycles - before
    try run.script("type \"k\"\n" + #"expect serial "kernel\$ $" within 100ms"#)
    return (executed, run.serial(since: mark))
  }

  @Test func busyWaitingCostsTheCPUTheWholeWaitAndIdleWaitingAlmostNothing() throws {
    let (busy, busyOutput) = try executedCycles(waitingWith: "busy", milliseconds: 100)
    let (idle, idleOutput) = try executedCycles(waitingWith: "idle", milliseconds: 100)
    let window = Scheduler.cycles(nanoseconds: 100_000_000)
    #expect(busy > window * 9 / 10)  // spinning on port 0x64: busy nearly every cycle
    #expect(idle < window / 100)  // halted but for the timer's ten interrupts
    #expect(busyOutput.contains("idle task 0 ms"))
    #expect(idleOutput.contains("; CPU time: shell 0 ms"))
  }
}

import Foundation
import Testing

@testable import Emulator

/// The dashboard's reading of the kernel's event queue and task table through ELF symbols (TeachingKernelView),
/// checked against what was injected: scancode set 1 from the 8042 with translation ('a' makes 0x1E and breaks
/// 0x9E; Enter 0x1C / 0x9C), ICR's RXT0 bit (0x80, 8254x manual table 13-65) for a received frame, and the task
/// states and event kinds documented in Guest/kernel/kernel.h.
@Suite(.serialized)
struct TeachingKernelViewTests {
  @Test func atThePromptTheShellIsBlockedOnTheConsoleAndTheIdleTaskRuns() throws {
    let run = try TeachingKernelRun.atPrompt()
    run.wait(milliseconds: 20)
    let view = try #require(TeachingKernelView.read(from: run.machine))
    #expect(view.tasks.map(\.name) == ["idle", "shell"])
    #expect(view.tasks[0].ring == 0)
    #expect(view.tasks[0].state == .running)
    #expect(view.tasks[0].isCurrent)
    #expect(view.tasks[1].ring == 3)
    #expect(view.tasks[1].state == .blocked)
    #expect(view.tasks[1].blockedOn == .console)
    #expect(view.eventQueue.capacity == 64)
    #expect(view.eventQueue.pending.isEmpty)
    #expect(view.eventQueue.dropped == 0)
    // About 100 ticks per second of virtual time have passed since the PIT was programmed.
    let seconds = Double(run.machine.cpu.cycles) / Double(Scheduler.nominalHz)
    #expect(abs(Double(view.ticks) - seconds * 100) <= 3)
  }

  @Test func aTypedKeyIsQueuedAsItsSetOneScancodesAtTheCurrentTick() throws {
    let run = try TeachingKernelRun.atPrompt()
    _ = run.machine.type("a")
    run.wait(milliseconds: 20)
    let view = try #require(TeachingKernelView.read(from: run.machine))
    let keys = view.eventQueue.recent.filter { $0.kind == .key }
    #expect(keys.map(\.payload) == [0x1E, 0x9E])
    #expect(keys.allSatisfy { view.ticks - $0.tick <= 2 })
    // The bottom half took them: nothing pending, and the shell echoed the character.
    #expect(view.eventQueue.pending.isEmpty)
    #expect(run.session.serialText.hasSuffix("kernel$ a"))
  }

  @Test func aReceivedFrameIsQueuedWithTheICRItsTopHalfRead() throws {
    let run = try TeachingKernelRun.atPrompt()
    try run.machine.injectPacket(payload: Array("view me".utf8))
    run.wait(milliseconds: 5)
    let view = try #require(TeachingKernelView.read(from: run.machine))
    let nic = try #require(view.eventQueue.recent.last { $0.kind == .nic })
    #expect(nic.payload & 0x80 != 0)  // RXT0: receiver timer interrupt (a frame was stored)
  }

  @Test func readLeavesTheShellBlockedOnAPacketAndWaitOnItsEventSubscription() throws {
    let run = try TeachingKernelRun.atPrompt()
    _ = run.machine.type("read\n")
    run.wait(milliseconds: 30)
    var view = try #require(TeachingKernelView.read(from: run.machine))
    #expect(view.tasks[1].blockedOn == .packet)
    try run.script(#"packet payload "x""# + "\n" + #"expect serial "kernel\$ $" within 100ms"#)

    _ = run.machine.type("wait\n")
    run.wait(milliseconds: 30)
    view = try #require(TeachingKernelView.read(from: run.machine))
    #expect(view.tasks[1].blockedOn == .events)
    #expect(view.tasks[1].waitMask == 1 << 1 | 1 << 2 | 1 << 4)  // timer, key, nic
  }

  @Test func aFaultingTaskIsQueuedAsAnExitEventWithItsVector() throws {
    let run = try TeachingKernelRun.atPrompt()
    _ = try run.command("ud2")
    let view = try #require(TeachingKernelView.read(from: run.machine))
    let exit = try #require(view.eventQueue.recent.last { $0.kind == .exit })
    #expect(exit.payload == 1 | 6 << 8)  // task 1 (the shell), vector 6 (#UD)
  }

  @Test func anotherKernelHasNoView() throws {
    let machine = Machine()
    try machine.boot(kernel: try #require(BuiltInKernels.benchNet), fileName: "bench-net.elf")
    machine.run(cycles: 100_000)
    #expect(TeachingKernelView.read(from: machine) == nil)
  }
}

import Foundation
import Testing

@testable import Emulator

/// The shell's commands end to end: typed on the emulated keyboard, answered on COM1 (the console's mirror).
/// Expected texts come from the issue's command list and the exception names it gives (the classic names of
/// vectors 0–18); vectors from the Intel SDM vol. 3, table 6-1.
@Suite(.serialized)
struct TeachingKernelShellTests {
  @Test func helpListsEveryCommand() throws {
    let run = try TeachingKernelRun.atPrompt()
    let help = try run.command("help")
    let commands = [
      "help", "irqs", "ps", "read", "poll", "wait", "busy", "idle", "spin", "div0", "ud2", "int3", "gp", "pf", "df",
      "cli", "sti", "mask N", "unmask N", "noeoi", "send", "uptime",
    ]
    for command in commands { #expect(help.contains(command), "help does not mention \(command)") }
  }

  @Test func uptimeCountsTicksOfTenMilliseconds() throws {
    let run = try TeachingKernelRun.atPrompt()
    run.wait(milliseconds: 400)
    let output = try run.command("uptime")
    let ticks = try #require(output.firstMatch(of: /\((\d+) ticks of 10 ms\)/).flatMap { Int($0.1) })
    let seconds = Double(run.machine.cpu.cycles) / Double(Scheduler.nominalHz)
    #expect(abs(Double(ticks) - seconds * 100) <= 3)
    #expect(output.hasPrefix("up 0.4"))
  }

  @Test func unknownCommandsAreNamed() throws {
    let run = try TeachingKernelRun.atPrompt()
    #expect(try run.command("frobnicate") == "frobnicate: unknown command (try help)\n")
  }

  @Test(arguments: [
    ("div0", "Division By Zero", 0), ("ud2", "Invalid Opcode", 6), ("int3", "Breakpoint", 3),
    ("gp", "General Protection Fault", 13), ("pf", "Page Fault", 14), ("df", "Double Fault", 8),
  ])
  func exceptionCommandsNameTheirExceptionAndTheShellComesBack(command: String, name: String, vector: Int) throws {
    let run = try TeachingKernelRun.atPrompt()
    let output = try run.command(command)
    #expect(output.contains("*** \(name) (vector \(vector)) in task shell"), "\(output)")
    #expect(output.hasSuffix("restarting the shell\nshell: ring 3, type help\n"))
    // The trace saw the CPU deliver that vector.
    #expect(run.events.contains { $0.vector == vector && ($0.kind == .exception || $0.kind == .software) })
    // And the new shell answers.
    #expect(try run.command("uptime").hasPrefix("up "))
  }

  @Test func doubleFaultComesFromASegmentNotPresentWhileDeliveringDivisionByZero() throws {
    let run = try TeachingKernelRun.atPrompt()
    _ = try run.command("df")
    // SDM table 6-5: #NP (contributory) while delivering #DE (contributory) becomes #DF, error code 0.
    let exceptions = run.events.filter { $0.kind == .exception }.compactMap(\.vector)
    #expect(exceptions.suffix(1) == [8])
    // The kernel put gate 0 back.
    let cpu = run.machine.cpu
    let gate0 = try #require(cpu.peekLinearBytes(cpu.idtr.base, count: 8))
    #expect(gate0[5] & 0x80 != 0)
  }

  @Test func readBlocksUntilAPacketArrivesAndPrintsItsPayload() throws {
    let run = try TeachingKernelRun.atPrompt()
    let mark = run.session.serialText.count
    _ = run.machine.type("read\n")
    run.wait(milliseconds: 100)
    #expect(run.serial(since: mark) == "read\nread: blocked until a packet arrives\n")
    try run.script(
      #"packet payload "hello, kernel""# + "\n" + #"expect serial "kernel\$ $" within 50ms"#)
    #expect(run.serial(since: mark).hasSuffix("read: 60 bytes, UDP payload \"hello, kernel\"\nkernel$ "))
  }

  @Test func pollCountsItsPollsUntilAFrameIsReady() throws {
    let run = try TeachingKernelRun.atPrompt()
    let mark = run.session.serialText.count
    _ = run.machine.type("poll\n")
    try run.script(
      "wait 30ms\n" + #"packet payload "polled""# + "\n" + #"expect serial "kernel\$ $" within 100ms"#)
    let output = run.serial(since: mark)
    let polls = try #require(output.firstMatch(of: /ready after (\d+) polls/).flatMap { Int($0.1) })
    #expect(polls > 100)  // 30 ms of asking, each poll a system call
    #expect(output.contains("UDP payload \"polled\""))
  }

  @Test func waitPrintsEachEventFromOneQueueUntilAKey() throws {
    let run = try TeachingKernelRun.atPrompt()
    let mark = run.session.serialText.count
    _ = run.machine.type("wait\n")
    try run.script(
      """
      wait 20ms
      packet payload "first"
      wait 20ms
      type "q"
      expect serial "kernel\\$ $" within 100ms
      """)
    let output = run.serial(since: mark)
    #expect(output.contains(#"network, 60 bytes, UDP payload "first""#))
    #expect(output.contains("key 'q'"))
    #expect(output.range(of: "network")!.lowerBound < output.range(of: "key 'q'")!.lowerBound)
  }

  @Test func irqsAgreesWithTheTrace() throws {
    let run = try TeachingKernelRun.atPrompt()
    for n in 0..<3 {
      try run.machine.injectPacket(payload: Array("frame \(n)".utf8))
      run.wait(milliseconds: 2)
    }
    let keyboardBefore = run.events.filter { $0.kind == .irq && $0.vector == 0x21 }.count
    let output = try run.command("irqs")
    func count(_ vector: String) -> Int? {
      output.split(separator: "\n").first { $0.hasPrefix("  \(vector) ") }
        .flatMap { Int($0.split(separator: " ")[1]) }
    }
    let trace = run.events
    #expect(count("0x2b") == trace.filter { $0.kind == .irq && $0.vector == 0x2B }.count)
    #expect(count("0x2b") == 3)
    // "irqs\n": five make codes and the first four break codes reach the kernel before the command runs; the last
    // break (Enter's) may come before or after.
    let keyboard = try #require(count("0x21"))
    #expect(keyboard == keyboardBefore + 9 || keyboard == keyboardBefore + 10)
    let timer = try #require(count("0x20"))
    #expect(timer <= trace.filter { $0.kind == .irq && $0.vector == 0x20 }.count)
    #expect(timer >= 1)
  }

  @Test func sendPutsAUDPDatagramOnTheWire() throws {
    let run = try TeachingKernelRun.atPrompt()
    let output = try run.command("send")
    #expect(output.hasPrefix("send: 72-byte frame queued"))
    run.wait(milliseconds: 1)
    let sent = run.events.filter { $0.kind == .tx }
    #expect(sent.count == 1)
    #expect(sent.first?.frameLength == 72)  // 14 Ethernet + 20 IPv4 + 8 UDP + 30 bytes of text
  }

  @Test func maskingIRQ1HoldsTypingUntilUnmasked() throws {
    let run = try TeachingKernelRun.atPrompt()
    #expect(try run.command("mask 1") == "IRQ 1 masked\n")
    let mark = run.session.serialText.count
    try run.script("type \"ab\"\nwait 50ms")
    #expect(run.serial(since: mark) == "")
    // The IMR bit cleared (as a guest's OCW1 would): the request waiting in IRR is delivered.
    try run.script("unmask 1\nwait 50ms")
    #expect(run.serial(since: mark).hasPrefix("a"))
  }

  @Test func keysTypedWhileInterruptsAreOffArriveAfterSti() throws {
    let run = try TeachingKernelRun.atPrompt()
    let mark = run.session.serialText.count
    _ = run.machine.type("cli 100\n")
    try run.script("wait 30ms\ntype \"z\"\nwait 150ms")
    let output = run.serial(since: mark)
    let on = try #require(output.range(of: "sti: interrupts on again\n"))
    #expect(output[on.upperBound...].hasPrefix("kernel$ z"))
  }

  @Test func noeoiStopsTheKeyboardUntilTheTimerSendsASpecificEOI() throws {
    let run = try TeachingKernelRun.atPrompt()
    _ = try run.command("noeoi")
    run.wait(milliseconds: 50)  // the next keyboard interrupt (Enter's break code) got no EOI
    #expect(run.machine.pics.state.master.isr & 0x02 != 0)  // IR1 stays in service
    let mark = run.session.serialText.count
    _ = run.machine.type("ab")
    run.wait(milliseconds: 1_000)
    #expect(run.serial(since: mark) == "")  // IRQ 1 waits behind its own ISR bit
    run.wait(milliseconds: 4_200)
    #expect(run.machine.pics.state.master.isr & 0x02 == 0)
    // The timer's bottom half cleared it after 5 s, then the waiting keys came through.
    #expect(run.serial(since: mark).hasSuffix("the timer sent a specific EOI (0x61)\nab"))
  }

  @Test func stiReportsTheInterruptFlagAndBothMasks() throws {
    let run = try TeachingKernelRun.atPrompt()
    #expect(try run.command("sti") == "sti: IF=1, IMR master 0xe8, slave 0xf7\n")
  }
}

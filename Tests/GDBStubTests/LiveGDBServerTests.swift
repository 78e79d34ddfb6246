import Dispatch
import Emulator
import Foundation
import Glibc
import Testing

@testable import GDBStub

/// The stub on a live machine (the dashboard's), through its socket: the machine runs on its own queue at full
/// speed while the test speaks the protocol and takes snapshots as the panes do. Waits are for replies (bounded
/// by a generous wall-clock limit so a stub that stops answering fails instead of hanging); nothing is timed.
@Suite struct LiveGDBServerTests {
  typealias Client = GDBServerTests.Client

  private func framed(_ payload: String) -> String { String(decoding: PacketEncoder.frame(payload), as: UTF8.self) }

  /// Reads until `expected` has arrived in full (or 60 s of wall time pass); returns what arrived.
  private func receive(_ client: Client, _ expected: String) -> String {
    var text = ""
    let deadline = DispatchTime.now().uptimeNanoseconds + 60_000_000_000
    while text.count < expected.count && DispatchTime.now().uptimeNanoseconds < deadline {
      let (more, closed) = client.drain()
      text += more
      if closed { break }
      if more.isEmpty { usleep(2000) }
    }
    return text
  }

  /// Takes snapshots until `condition` holds (or 60 s of wall time pass); returns the last.
  private func snapshot(of live: LiveMachine, until condition: (MachineSnapshot) -> Bool) -> MachineSnapshot {
    let deadline = DispatchTime.now().uptimeNanoseconds + 60_000_000_000
    var snapshot = live.snapshot()
    while !condition(snapshot) && DispatchTime.now().uptimeNanoseconds < deadline {
      usleep(2000)
      snapshot = live.snapshot()
    }
    return snapshot
  }

  /// The debug kernel's machine, live at full speed and served on a free port, both started; `body` gets them and
  /// the kernel, and both are stopped after it.
  func served(
    waitForClient: Bool, _ body: (LiveMachine, LiveGDBServer, DebugKernel.Built) throws -> Void
  ) throws {
    let (machine, kernel) = try DebugMachine.boot()
    let live = LiveMachine(machine: machine, speed: nil)
    let server = try LiveGDBServer.start(on: live, port: 0, waitForClient: waitForClient)
    defer {
      server.stop()
      live.stop()
    }
    live.start()
    try body(live, server, kernel)
  }

  @Test func aBreakpointHoldsTheLiveMachineKeysWaitAndStepsShowInSnapshots() throws {
    try served(waitForClient: true) { live, server, kernel in
      let handler = try #require(kernel.symbols["keyboard_handler"])
      // -S: held before the first instruction, at the Multiboot entry point, until a client comes.
      let waiting = live.snapshot()
      #expect(waiting.host.stopReason == "halted by gdb: waiting for a client on 127.0.0.1:\(server.port) (-S)")
      #expect(waiting.host.paused)
      #expect(waiting.processor.eip == kernel.symbols["_start"])

      let client = try Client(port: server.port)
      client.send("+" + framed("?"))
      #expect(receive(client, "+" + framed("T05thread:01;")) == "+" + framed("T05thread:01;"))
      #expect(live.snapshot().host.stopReason == "halted by gdb: attached")

      // Run until the kernel has set up its keyboard (100 ms of virtual time), then Ctrl-C.
      client.send(framed("c"))
      _ = receive(client, "+")
      _ = snapshot(of: live) { $0.virtualNanoseconds > 100_000_000 }
      client.send("\u{03}")
      #expect(receive(client, framed("T02thread:01;")) == framed("T02thread:01;"))
      let interrupted = live.snapshot()
      #expect(interrupted.host.stopReason == "halted by gdb: Ctrl-C")

      // Held: time stands still for every snapshot, and a key typed now does not reach the guest yet (the kernel
      // remaps IRQ 1 to vector 0x21).
      let keyboardIRQs = interrupted.vectors[0x21].deliveries
      live.send(.type("a"))
      let afterTyping = live.snapshot()
      #expect(afterTyping.processor.cycles == interrupted.processor.cycles)
      #expect(afterTyping.vectors[0x21].deliveries == keyboardIRQs)
      #expect(afterTyping.host.stopReason == "halted by gdb: Ctrl-C")

      // gdb continues: the key arrives (IRQ 1) and the breakpoint in its handler holds the machine there.
      client.send(framed("Z0,\(String(handler, radix: 16)),1") + framed("c"))
      let hit = "+" + framed("OK") + "+" + framed("T05swbreak:;thread:01;")
      #expect(receive(client, hit) == hit)
      let atBreakpoint = live.snapshot()
      #expect(atBreakpoint.host.stopReason == "halted by gdb: breakpoint at keyboard_handler")
      #expect(atBreakpoint.processor.eip == handler)
      #expect(atBreakpoint.vectors[0x21].deliveries == keyboardIRQs + 1)
      #expect(live.snapshot().processor.cycles == atBreakpoint.processor.cycles)

      // stepi: the next snapshot shows the CPU one instruction on (llvm-objdump's next instruction).
      client.send(framed("s"))
      #expect(receive(client, "+" + framed("T05thread:01;")) == "+" + framed("T05thread:01;"))
      let stepped = live.snapshot()
      #expect(stepped.host.stopReason == "halted by gdb: step")
      #expect(stepped.processor.eip == (try DebugMachine.nextInstruction(kernel, after: handler)))
      #expect(stepped.processor.instructions == atBreakpoint.processor.instructions + 1)

      // Detach: the breakpoint is gone and the machine runs on.
      client.send(framed("D"))
      #expect(receive(client, "+" + framed("OK")) == "+" + framed("OK"))
      let running = snapshot(of: live) { $0.processor.cycles > stepped.processor.cycles }
      #expect(running.processor.cycles > stepped.processor.cycles)
      #expect(running.host.stopReason == nil)
      #expect(!running.host.paused)
    }
  }

  @Test func aClientThatGoesAwayLeavesTheMachinePausedAsItWas() throws {
    try served(waitForClient: false) { live, server, _ in
      _ = snapshot(of: live) { $0.processor.cycles > 1_000_000 }
      let client = try Client(port: server.port)
      client.send("+" + framed("?"))
      #expect(receive(client, "+" + framed("T05thread:01;")) == "+" + framed("T05thread:01;"))
      // Paused from the dashboard while gdb holds it, then gdb goes away: still paused, time still.
      live.send(.pause)
      let held = live.snapshot()
      #expect(held.host.stopReason == "halted by gdb: attached")
      // The client hangs up (shutdown, not close: the Client closes its descriptor once, when it goes).
      shutdown(client.fd, Int32(SHUT_RDWR))
      let after = snapshot(of: live) { $0.host.stopReason != held.host.stopReason }
      #expect(after.host.stopReason == "paused")
      #expect(after.host.paused)
      #expect(live.snapshot().processor.cycles == held.processor.cycles)
      #expect(!server.isConnected)
    }
  }

  @Test func aClientThatGoesAwayLeavesARunningMachineRunning() throws {
    try served(waitForClient: false) { live, server, _ in
      let client = try Client(port: server.port)
      client.send("+" + framed("?"))
      #expect(receive(client, "+" + framed("T05thread:01;")) == "+" + framed("T05thread:01;"))
      let held = live.snapshot()
      shutdown(client.fd, Int32(SHUT_RDWR))
      let after = snapshot(of: live) { $0.processor.cycles > held.processor.cycles }
      #expect(after.processor.cycles > held.processor.cycles)
      #expect(after.host.stopReason == nil)
    }
  }

  @Test func theStatusLineNamesTheSymbolOfABreakpointOrAWatchpoint() throws {
    let kernel = try DebugMachine.kernel.get()
    let symbols = SymbolTable(elf: try ELF32(kernel.elf))
    let handler = try #require(kernel.symbols["keyboard_handler"])
    let ticks = try #require(kernel.symbols["ticks"])
    let hex = String(ticks, radix: 16)
    #expect(
      LiveGDBServer.describe(.softwareBreakpoint(handler + 3), symbols: symbols) == "breakpoint at keyboard_handler+0x3"
    )
    #expect(
      LiveGDBServer.describe(.watchpoint(kind: .write, address: ticks), symbols: symbols)
        == "watchpoint 0x" + String(repeating: "0", count: 8 - hex.count) + hex + " (ticks)")
    #expect(LiveGDBServer.describe(.step, symbols: symbols) == "step")
    #expect(LiveGDBServer.describe(.softwareBreakpoint(0xFFFF_FFF0), symbols: .empty) == "breakpoint at 0xfffffff0")
  }
}

extension LiveGDBServerTests {
  /// Debian's real gdb, in batch mode, against a live machine in this process (the dashboard's machine without
  /// the terminal): the test types a key once the kernel runs, as a person at the dashboard would.
  @Test func realGdbBreaksInTheKeyboardHandlerOfALiveMachineStepsAndDetaches() throws {
    try served(waitForClient: true) { live, server, kernel in
      let handler = try #require(kernel.symbols["keyboard_handler"])
      let commands = [
        "set tcp auto-retry on", "set tcp connect-timeout 120", "set architecture i386",
        "target remote 127.0.0.1:\(server.port)", "break keyboard_handler", "continue", "info registers eip",
        "stepi", "info registers eip", "monitor info pic", "delete", "detach",
      ]
      let gdb = Process()
      gdb.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
      gdb.arguments =
        ["300", try GdbEndToEndTests.gdb().path, "-batch", "-nx"] + commands.flatMap { ["-ex", $0] }
        + [kernel.path.path]
      let pipe = Pipe()
      gdb.standardOutput = pipe
      gdb.standardError = pipe
      try gdb.run()
      // Once gdb has let the kernel run for 100 ms of virtual time (its keyboard set up), type a key.
      _ = snapshot(of: live) { $0.host.stopReason == nil && $0.virtualNanoseconds > 100_000_000 }
      live.send(.type("a"))
      let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      gdb.waitUntilExit()
      let context = Comment(rawValue: "gdb said:\n\(output)")

      let breakLine = try #require(output.split(separator: "\n").first { $0.hasPrefix("Breakpoint 1 at 0x") }, context)
      let breakAddress = try #require(
        UInt32(breakLine.dropFirst("Breakpoint 1 at 0x".count).prefix(while: \.isHexDigit), radix: 16))
      #expect(breakAddress >= handler && breakAddress < handler + 16, context)
      #expect(output.contains("Breakpoint 1, keyboard_handler ()"), context)
      let eipLines = output.split(separator: "\n").filter { $0.hasPrefix("eip ") }
      try #require(eipLines.count == 2, context)
      #expect(GdbEndToEndTests.register("eip", in: String(eipLines[0])) == breakAddress, context)
      #expect(
        GdbEndToEndTests.register("eip", in: String(eipLines[1]))
          == (try DebugMachine.nextInstruction(kernel, after: breakAddress)), context)
      // IRQ 1 in service while gdb holds the CPU in its handler.
      #expect(output.contains("ISR 00000010  IMR 11111100"), context)
      #expect(output.contains("[Inferior 1 (Remote target) detached]"), context)

      // Detached: the machine runs on, and no longer says gdb holds it.
      let detached = live.snapshot()
      let running = snapshot(of: live) { $0.processor.cycles > detached.processor.cycles }
      #expect(running.processor.cycles > detached.processor.cycles, context)
      #expect(running.host.stopReason == nil, context)
    }
  }
}

import Testing

@testable import Emulator
@testable import GDBStub

/// The CPU's debug traps on a running machine: breakpoints stop before the instruction at their address executes,
/// a step executes exactly one instruction, watchpoints stop after the access (as the SDM's data breakpoints in
/// DR0–DR3 do: they are traps), and nothing is armed when nothing is set.
@Suite struct DebugTrapTests {
  /// Boots the kernel and runs it until kmain waits in `sti; hlt` with its IDT loaded.
  private func running() throws -> (Machine, DebugKernel.Built) {
    let (machine, kernel) = try DebugMachine.boot()
    machine.run(cycles: Scheduler.cycles(nanoseconds: 1_000_000))
    return (machine, kernel)
  }

  private func read32(_ machine: Machine, _ address: UInt32) -> UInt32 { machine.memory.read32(address) }

  @Test func breakpointStopsBeforeTheHandlersFirstInstruction() throws {
    let (machine, kernel) = try running()
    let handler = try #require(kernel.symbols["keyboard_handler"])
    let keys = try #require(kernel.symbols["keys"])
    var stops: [(StopReason, UInt32, UInt32)] = []
    machine.cpu.debugTraps.onStop = { reason in
      stops.append((reason, machine.cpu.eip, machine.memory.read32(keys)))
      return .proceed
    }
    machine.cpu.insertBreakpoint(handler)
    _ = machine.type("a")
    machine.run(cycles: Scheduler.cycles(nanoseconds: 20_000_000))
    // Press and release: two IRQ1s, each stopping at the handler's address before it counted the key.
    try #require(stops.count == 2)
    #expect(stops[0].0 == .softwareBreakpoint(handler))
    #expect(stops[0].1 == handler)
    #expect(stops[0].2 == 0)
    #expect(stops[1].2 == 1)
    #expect(read32(machine, keys) == 2)
  }

  @Test func stepExecutesExactlyOneInstruction() throws {
    let (machine, kernel) = try running()
    let handler = try #require(kernel.symbols["keyboard_handler"])
    let next = try DebugMachine.nextInstruction(kernel, after: handler)
    var stops: [(StopReason, UInt32)] = []
    machine.cpu.debugTraps.onStop = { reason in
      stops.append((reason, machine.cpu.eip))
      if case .softwareBreakpoint = reason {
        machine.cpu.removeBreakpoint(handler)
        return .step
      }
      return .proceed
    }
    machine.cpu.insertBreakpoint(handler)
    _ = machine.type("a")
    machine.run(cycles: Scheduler.cycles(nanoseconds: 20_000_000))
    try #require(stops.count == 2)  // the release's IRQ finds no breakpoint any more
    #expect(stops[1].0 == .step)
    #expect(stops[1].1 == next)
  }

  @Test func hardwareBreakpointsAreReportedAsSuch() throws {
    let (machine, kernel) = try running()
    let handler = try #require(kernel.symbols["timer_handler"])
    var reasons: [StopReason] = []
    machine.cpu.debugTraps.onStop = { reason in
      reasons.append(reason)
      machine.cpu.removeBreakpoint(handler, hardware: true)
      return .proceed
    }
    machine.cpu.insertBreakpoint(handler, hardware: true)
    machine.run(cycles: Scheduler.cycles(nanoseconds: 120_000_000))  // the PIT ticks every 54.9 ms
    #expect(reasons == [.hardwareBreakpoint(handler)])
  }

  @Test func writeWatchpointStopsAfterTheWritingInstruction() throws {
    let (machine, kernel) = try running()
    let ticks = try #require(kernel.symbols["ticks"])
    let timer = try #require(kernel.symbols["timer_handler"])
    let keyboard = try #require(kernel.symbols["keyboard_handler"])
    var stops: [(StopReason, UInt32, UInt32)] = []
    machine.cpu.debugTraps.onStop = { reason in
      stops.append((reason, machine.memory.read32(ticks), machine.cpu.eip))
      return .proceed
    }
    let before = read32(machine, ticks)
    machine.cpu.insertWatchpoint(ticks, length: 4, kind: .write)
    machine.run(cycles: Scheduler.cycles(nanoseconds: 120_000_000))
    try #require(stops.count >= 1)
    #expect(stops[0].0 == .watchpoint(kind: .write, address: ticks))
    #expect(stops[0].1 == before + 1)  // the write has happened
    #expect(stops[0].2 > timer && stops[0].2 < keyboard)  // inside timer_handler, past the increment
    #expect(stops.count == Int(read32(machine, ticks) - before))
  }

  @Test func readWatchpointIgnoresWritesWhileAccessWatchpointSeesThem() throws {
    let (machine, kernel) = try running()
    let scancode = try #require(kernel.symbols["last_scancode"])
    var reasons: [StopReason] = []
    machine.cpu.debugTraps.onStop = { reason in
      reasons.append(reason)
      return .proceed
    }
    // The kernel only ever writes last_scancode.
    machine.cpu.insertWatchpoint(scancode, length: 1, kind: .read)
    _ = machine.type("a")
    machine.run(cycles: Scheduler.cycles(nanoseconds: 20_000_000))
    #expect(reasons.isEmpty)
    machine.cpu.removeWatchpoint(scancode, length: 1, kind: .read)
    machine.cpu.insertWatchpoint(scancode, length: 1, kind: .access)
    _ = machine.type("a")
    machine.run(cycles: Scheduler.cycles(nanoseconds: 20_000_000))
    #expect(reasons == [.watchpoint(kind: .access, address: scancode), .watchpoint(kind: .access, address: scancode)])
    #expect(machine.memory.read8(scancode) == 0x9E)  // the release of 'a' (make 0x1E | 0x80), after XLAT to set 1
  }

  @Test func watchpointSeesRepStosThatWouldGoInBulk() throws {
    // REP STOSD over a watched doubleword: the bulk fill is bypassed while watching, so the write is seen.
    let (machine, _) = try DebugMachine.boot()
    let code: [UInt8] = [
      0xBF, 0x00, 0x00, 0x20, 0x00,  // mov edi, 0x200000
      0xB9, 0x00, 0x04, 0x00, 0x00,  // mov ecx, 0x400
      0x31, 0xC0,  // xor eax, eax
      0xF3, 0xAB,  // rep stosd
      0xF4,  // hlt
    ]
    for (i, byte) in code.enumerated() { machine.memory.write8(0x30_0000 + UInt32(i), byte) }
    machine.memory.write32(0x20_0800, 0xFFFF_FFFF)
    machine.cpu.eip = 0x30_0000
    var reasons: [StopReason] = []
    machine.cpu.debugTraps.onStop = { reason in
      reasons.append(reason)
      return .proceed
    }
    machine.cpu.insertWatchpoint(0x20_0800, length: 4, kind: .write)
    machine.run(cycles: 10_000)
    #expect(reasons == [.watchpoint(kind: .write, address: 0x20_0800)])
    #expect(machine.memory.read32(0x20_0800) == 0)
    #expect(machine.memory.read32(0x20_0FFC) == 0)
  }

  @Test func requestedStopIsServedWhileTheCPUIsHalted() throws {
    let (machine, _) = try running()
    var reasons: [StopReason] = []
    machine.cpu.debugTraps.onStop = { reason in
      reasons.append(reason)
      return .proceed
    }
    machine.cpu.requestDebugStop()
    machine.run(cycles: 1000)
    #expect(reasons == [.requested])
  }

  @Test func nothingSetLeavesTheHotLoopUnarmed() throws {
    let (machine, kernel) = try running()
    let handler = try #require(kernel.symbols["keyboard_handler"])
    let debugBit: UInt32 = 64  // CPU.Attention.debug
    #expect(machine.cpu.debugTraps.onStop == nil)
    machine.cpu.insertBreakpoint(handler)
    machine.cpu.insertWatchpoint(0x20_0000, length: 4, kind: .write)
    #expect(machine.cpu.debugTraps.watching)
    machine.cpu.removeAllDebugTraps()
    #expect(!machine.cpu.debugTraps.watching)
    #expect(machine.cpu.debugTraps.softwareBreakpoints.isEmpty)
    #expect(machine.cpu.attention & debugBit == 0)
    machine.cpu.insertBreakpoint(handler)
    #expect(machine.cpu.attention & debugBit != 0)
  }
}

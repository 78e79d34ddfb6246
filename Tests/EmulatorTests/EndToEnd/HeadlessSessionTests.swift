import Foundation
import Testing

@testable import Emulator

/// The headless runner: scripts against a real kernel, exit statuses, determinism of the trace.
@Suite(.serialized)
struct HeadlessSessionTests {
  static let keyboardKernel = Result { try KeyboardKernel.build().elf }

  func session(kernel: [UInt8]) throws -> HeadlessSession {
    let machine = Machine()
    try machine.boot(kernel: kernel, fileName: "keyboard-kernel.elf")
    let session = HeadlessSession(machine: machine)
    session.print = { _ in }
    return session
  }

  /// A Multiboot kernel whose `_start` is the given AT&T assembly.
  static func kernel(entry: String) throws -> [UInt8] {
    try Toolchain.buildKernel(sources: [
      "boot.S": """
      .section .multiboot, "a"
      .align 4
      .long 0x1BADB002, 0, -0x1BADB002
      .text
      .globl _start
      _start:
      \(entry)
      """
    ])
  }

  func script(_ text: String) throws -> Script {
    try Script(text: text, fileName: "test.irqs", isKeyName: { Key(name: $0) != nil })
  }

  @Test func scriptTypesAndExpectsTheScreen() throws {
    let session = try session(kernel: try Self.keyboardKernel.get())
    let outcome = session.run(
      script: try script("wait 5ms\ntype \"a\"\nexpect screen \"^a\" within 50ms\n"), limits: .init())
    #expect(outcome.status == 0)
  }

  @Test func failedExpectationExitsWithOneAndShowsTheScreen() throws {
    let session = try session(kernel: try Self.keyboardKernel.get())
    var printed = ""
    session.print = { printed += $0 }
    let outcome = session.run(script: try script("wait 1ms\nexpect screen \"zebra\" within 5ms"), limits: .init())
    #expect(outcome.status == 1)
    #expect(printed.contains("test.irqs:2: expectation failed"))
    #expect(printed.contains("screen:"))
  }

  @Test func guestDebugExitStatusBecomesTheExitStatus() throws {
    // mov al, 2; out 0xF4, al  →  QEMU's isa-debug-exit convention: (2 << 1) | 1 = 5
    let kernel = try Self.kernel(
      entry: """
          movb $2, %al
          outb %al, $0xF4
        1: hlt
          jmp 1b
        """)
    let outcome = try session(kernel: kernel).run(script: nil, limits: .init(maxCycles: 1_000_000))
    #expect(outcome.status == 5)
  }

  @Test func sameKernelAndScriptGiveTheSameTraceByteForByte() throws {
    func traceBytes() throws -> Data {
      let session = try session(kernel: try Self.keyboardKernel.get())
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      var data = Data()
      session.machine.tracer.onEvent = { data += (try? encoder.encode($0)) ?? Data() }
      _ = session.run(script: try script("wait 3ms\ntype \"ab\\n\"\nwait 20ms\npress Up\nwait 5ms"), limits: .init())
      return data
    }
    let first = try traceBytes()
    #expect(first.count > 0)
    #expect(try traceBytes() == first)
  }

  @Test func pressingIntoAFullKeyboardFIFOIsTracedAsDropped() throws {
    let session = try session(kernel: try Self.keyboardKernel.get())
    var dropped: [TraceEvent] = []
    session.machine.tracer.onEvent = { if $0.kind == .dropped { dropped.append($0) } }
    session.machine.setMask(irq: 1, masked: true)  // nobody drains the 8042: the keyboard FIFO fills up
    for _ in 0..<20 { session.machine.press(.a) }
    session.machine.tracer.deliver()  // records reach onEvent when a run ends, or when asked
    #expect(session.machine.keyboard.state.overruns > 0)
    #expect(dropped.count == session.machine.keyboard.state.overruns)
    #expect(dropped.allSatisfy { $0.source == "keyboard" })
  }

  @Test func tripleFaultResetsTheMachineAndBootsTheKernelAgain() throws {
    // Load an empty IDT and fault: #UD → #GP → #DF → triple fault.
    let kernel = try Self.kernel(
      entry: """
          lidt empty
          ud2
        .data
        empty: .word 0
               .long 0
        """)
    let session = try session(kernel: kernel)
    var resets: [TraceEvent] = []
    session.machine.tracer.onEvent = { if $0.kind == .reset { resets.append($0) } }
    _ = session.run(script: nil, limits: .init(maxCycles: 1_000))
    #expect(session.machine.resets.count >= 2)  // it boots again and faults again
    #expect(resets.first?.detail?.contains("triple fault") == true)
    #expect(session.machine.cpu.tripleFaults >= 2)
  }
}

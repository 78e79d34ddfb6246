import Conformance
import Foundation
import Testing

@testable import GDBStub

/// Debian's real gdb, in batch mode, against `irqscope run --headless --gdb PORT -S` running the debug kernel with
/// a script that types a key. The expectations come from the kernel itself (llvm-nm symbols, llvm-objcopy bytes,
/// llvm-objdump instruction boundaries), the SDM (an interrupt gate clears IF) and QEMU's Multiboot selectors.
@Suite struct GdbEndToEndTests {
  /// The irqscope executable built next to this test binary (`swift build --build-tests` and `swift test` build it).
  static func irqscope() throws -> URL {
    let me = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
    var directory = me.deletingLastPathComponent()
    // The test binary may sit inside an .xctest bundle directory.
    while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("irqscope").path) {
      let parent = directory.deletingLastPathComponent()
      guard parent.path != directory.path else {
        throw ToolLocator.Failure(description: "no irqscope executable near \(me.path): run swift build --build-tests")
      }
      directory = parent
    }
    return directory.appendingPathComponent("irqscope")
  }

  static func gdb() throws -> URL {
    for path in ["/usr/bin/gdb", "/usr/local/bin/gdb"] where FileManager.default.isExecutableFile(atPath: path) {
      return URL(fileURLWithPath: path)
    }
    throw ToolLocator.Failure(description: "gdb is not installed: apt-get install gdb (.ci/run does)")
  }

  /// A port nobody listens on now: bind port 0 and read back what the system chose.
  static func freePort() throws -> UInt16 {
    try GDBListener(port: 0).port
  }

  /// The value gdb's `info registers` prints for `name` (its hex column).
  static func register(_ name: String, in output: String) -> UInt32? {
    for line in output.split(separator: "\n") {
      let fields = line.split(separator: " ", omittingEmptySubsequences: true)
      guard fields.count >= 2, fields[0] == name, fields[1].hasPrefix("0x") else { continue }
      return UInt32(fields[1].dropFirst(2), radix: 16)
    }
    return nil
  }

  @Test func gdbBreaksInTheKeyboardHandlerStepsWatchesAndDetaches() throws {
    let kernel = try DebugMachine.kernel.get()
    let handler = try #require(kernel.symbols["keyboard_handler"])
    let stackTop = try #require(kernel.symbols["stack_top"])
    let directory = kernel.path.deletingLastPathComponent()
    let script = directory.appendingPathComponent("key.irqs")
    try "wait 200ms\ntype \"a\"\nwait 300ms\n".write(to: script, atomically: true, encoding: .utf8)
    let trace = directory.appendingPathComponent("trace.jsonl")
    let dump = directory.appendingPathComponent("dump.json")
    let emulatorErrors = directory.appendingPathComponent("irqscope.err")
    _ = FileManager.default.createFile(atPath: emulatorErrors.path, contents: nil)
    let port = try Self.freePort()

    let emulator = Process()
    emulator.executableURL = try Self.irqscope()
    emulator.arguments = [
      "run", "--headless", "--kernel", kernel.path.path, "--script", script.path, "--gdb", "\(port)", "-S",
      "--trace", trace.path, "--dump", dump.path, "--debugcon", "none",
    ]
    emulator.standardError = try FileHandle(forWritingTo: emulatorErrors)
    emulator.standardOutput = FileHandle.nullDevice
    try emulator.run()
    defer { if emulator.isRunning { emulator.terminate() } }

    let second = "exec 3<>/dev/tcp/127.0.0.1/\(port) && cat <&3; echo second client closed"
    let commands = [
      "set tcp auto-retry on", "set tcp connect-timeout 120", "set architecture i386",
      "target remote 127.0.0.1:\(port)", "break keyboard_handler", "continue", "info registers",
      "x/4xw keyboard_handler", "stepi", "info registers eip", "monitor info pic", "shell bash -c '\(second)'",
      "delete", "watch ticks", "continue", "delete", "detach",
    ]
    let gdb = Process()
    // coreutils' timeout: a stub that stopped answering fails the test instead of hanging it.
    gdb.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
    gdb.arguments =
      ["300", try Self.gdb().path, "-batch", "-nx"] + commands.flatMap { ["-ex", $0] } + [kernel.path.path]
    let pipe = Pipe()
    gdb.standardOutput = pipe
    gdb.standardError = pipe
    try gdb.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    gdb.waitUntilExit()
    emulator.waitUntilExit()
    let errors = String(decoding: (try? Data(contentsOf: emulatorErrors)) ?? Data(), as: UTF8.self)
    let context = Comment(rawValue: "gdb said:\n\(output)\nirqscope said:\n\(errors)")

    // The breakpoint: gdb puts it after the handler's prologue and it hits when IRQ1 arrives.
    let breakLine = try #require(output.split(separator: "\n").first { $0.hasPrefix("Breakpoint 1 at 0x") }, context)
    let breakAddress = try #require(
      UInt32(breakLine.dropFirst("Breakpoint 1 at 0x".count).prefix(while: \.isHexDigit), radix: 16))
    #expect(breakAddress >= handler && breakAddress < handler + 16, context)
    #expect(output.contains("Breakpoint 1, keyboard_handler ()"), context)

    // info registers: where the CPU stands in the handler.
    let registers = String(output[try #require(output.range(of: "eax "), context).lowerBound...])
    #expect(Self.register("eip", in: registers) == breakAddress, context)
    #expect(Self.register("cs", in: registers) == 0x08, context)
    for segment in ["ss", "ds", "es", "fs", "gs"] { #expect(Self.register(segment, in: registers) == 0x10, context) }
    let eflags = try #require(Self.register("eflags", in: registers), context)
    #expect(eflags & 0x200 == 0, context)  // an interrupt gate clears IF
    let esp = try #require(Self.register("esp", in: registers), context)
    #expect(esp < stackTop && esp > stackTop - 8192, context)

    // x/4xw: the handler's first 16 bytes as the image holds them.
    let bytes = try DebugMachine.imageBytes(kernel, at: handler, count: 16)
    let words = (0..<4).map { i -> String in
      let word = CommandHandler.littleEndian(bytes[(4 * i)..<(4 * i + 4)])
      return String(format: "0x%08x", word)
    }
    #expect(output.contains("<keyboard_handler>:\t" + words.joined(separator: "\t")), context)

    // stepi: one instruction on, as llvm-objdump decodes it.
    let eipLines = output.split(separator: "\n").filter { $0.hasPrefix("eip ") }
    try #require(eipLines.count == 2, context)
    let stepped = Self.register("eip", in: String(eipLines[1]))
    #expect(stepped == (try DebugMachine.nextInstruction(kernel, after: breakAddress)), context)

    // monitor info pic: IRQ1 in service, IRQ0 and IRQ1 unmasked.
    #expect(output.contains("master 8259A: IRR"), context)
    #expect(output.contains("ISR 00000010  IMR 11111100"), context)

    // The second client was refused while gdb held the machine.
    #expect(output.contains("second client closed"), context)
    #expect(errors.contains("refused a second client"), context)

    // The watchpoint on the tick counter fires with the old and new values.
    #expect(output.contains("Hardware watchpoint 2: ticks"), context)
    let old = output.components(separatedBy: "Old value = ").dropFirst().first.flatMap {
      Int($0.prefix(while: \.isNumber))
    }
    let new = output.components(separatedBy: "New value = ").dropFirst().first.flatMap {
      Int($0.prefix(while: \.isNumber))
    }
    #expect(old != nil && new == old.map { $0 + 1 }, context)

    // Detached, the guest ran on to the end of the script: every tick of 500 ms at 18.2 Hz (54.9 ms each: 9 of
    // them) and both IRQ1s (press and release) were delivered.
    #expect(output.contains("[Inferior 1 (Remote target) detached]"), context)
    #expect(emulator.terminationStatus == 0, context)
    #expect(errors.contains("ran to the end"), context)
    let lines = try String(contentsOf: trace, encoding: .utf8).split(separator: "\n")
    #expect(lines.filter { $0.contains(#""irq":0,"kind":"irq""#) }.count == 9, context)
    #expect(lines.filter { $0.contains(#""irq":1,"kind":"irq""#) }.count == 2, context)
  }
}

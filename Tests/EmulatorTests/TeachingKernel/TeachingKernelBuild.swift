import Conformance
import Foundation

@testable import Emulator

/// The teaching kernel built from Guest/kernel by its own script (Guest/kernel/build.sh) into a scratch directory,
/// with the clang and ld.lld that `ToolLocator` finds: the tests prove the source, and the staleness test compares
/// the result with the committed Sources/Emulator/Resources/kernel.elf.
struct TeachingKernelBuild: Sendable {
  let elf: [UInt8]

  /// Built once per test process.
  static let shared = Result { try TeachingKernelBuild.build() }

  /// The repository's root, found from this file's place in it (Tests/EmulatorTests/TeachingKernel/).
  static var repositoryRoot: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
  }

  static func build() throws -> TeachingKernelBuild {
    let directory = try ToolLocator.makeScratchDirectory(prefix: "irqscope-teaching-kernel")
    defer { try? FileManager.default.removeItem(at: directory) }
    let output = directory.appendingPathComponent("kernel.elf")
    let script = repositoryRoot.appendingPathComponent("Guest/kernel/build.sh")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [script.path, output.path]
    var environment = ProcessInfo.processInfo.environment
    environment["CLANG"] = try ToolLocator.locate("clang").path
    environment["LLD"] = try ToolLocator.locate("ld.lld").path
    process.environment = environment
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let messages = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw ToolLocator.Failure(
        description: "Guest/kernel/build.sh failed: " + String(decoding: messages, as: UTF8.self))
    }
    return TeachingKernelBuild(elf: [UInt8](try Data(contentsOf: output)))
  }
}

/// A booted teaching kernel under a headless session, with the trace kept.
final class TeachingKernelRun {
  let machine: Machine
  let session: HeadlessSession
  private final class Log { var events: [TraceEvent] = [] }
  private let log = Log()

  /// The shell's prompt (Guest/kernel/shell.c).
  static let prompt = "kernel$ "

  init() throws {
    let kernel = try TeachingKernelBuild.shared.get()
    machine = Machine()
    try machine.boot(kernel: kernel.elf, fileName: "kernel.elf")
    machine.tracer.onEvent = { [log] in log.events.append($0) }
    session = HeadlessSession(machine: machine)
    session.print = { _ in }
  }

  /// Boots to the shell's first prompt.
  static func atPrompt() throws -> TeachingKernelRun {
    let run = try TeachingKernelRun()
    try run.script(#"expect serial "kernel\$ " within 300ms"#)
    return run
  }

  /// Runs script lines (the README's language); throws with the session's report when an expectation fails.
  func script(_ text: String) throws {
    let script = try Script(text: text, fileName: "test.irqs", isKeyName: { Key(name: $0) != nil })
    var report = ""
    session.print = { report += $0 + "\n" }
    let outcome = session.run(script: script, limits: HeadlessSession.Limits())
    session.print = { _ in }
    guard outcome.status == 0 else {
      throw ToolLocator.Failure(description: "\(outcome.summary)\n\(report)\nserial:\n\(session.serialText)")
    }
  }

  /// Types a command line and waits for the prompt that follows its output.
  func command(_ line: String, within milliseconds: Int = 200) throws -> String {
    let before = session.serialText.count
    _ = machine.type(line + "\n")
    let end = machine.cpu.cycles + Scheduler.cycles(nanoseconds: UInt64(milliseconds) * 1_000_000)
    while machine.cpu.cycles < end {
      machine.run(cycles: Scheduler.cycles(nanoseconds: 1_000_000))
      let output = String(session.serialText.dropFirst(before))
      if let echoEnd = output.range(of: line + "\r\n"), output[echoEnd.upperBound...].hasSuffix(Self.prompt) {
        return String(output[echoEnd.upperBound...].dropLast(Self.prompt.count)).replacingOccurrences(
          of: "\r\n", with: "\n")
      }
    }
    throw ToolLocator.Failure(
      description: "no prompt after \(line) within \(milliseconds) ms; serial:\n\(session.serialText)")
  }

  /// Runs the machine for `milliseconds` of virtual time.
  func wait(milliseconds: Int) {
    machine.run(cycles: Scheduler.cycles(nanoseconds: UInt64(milliseconds) * 1_000_000))
  }

  /// Serial output after `mark` characters, with the kernel's CR LF as LF.
  func serial(since mark: Int) -> String {
    String(session.serialText.dropFirst(mark)).replacingOccurrences(of: "\r\n", with: "\n")
  }

  var events: [TraceEvent] {
    machine.tracer.flush()
    return log.events
  }

  func address(_ symbol: String) throws -> UInt32 {
    guard let address = machine.kernel?.symbols.address(of: symbol) else {
      throw ToolLocator.Failure(description: "kernel.elf has no symbol \(symbol)")
    }
    return address
  }
}

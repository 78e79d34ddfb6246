import ArgumentParser
import Emulator
import Foundation

/// Carries out `run --headless`: reads the inputs, wires the output streams, runs the session, writes the dump.
struct HeadlessCommand {
  let options: Run

  func execute() -> Int32 {
    do {
      return try runChecked()
    } catch let error as InputError {
      FileHandle.standardError.write(Data("irqscope: \(error.message)\n".utf8))
      return 2
    } catch {
      FileHandle.standardError.write(Data("irqscope: \(error)\n".utf8))
      return 2
    }
  }

  struct InputError: Error { let message: String }

  private func runChecked() throws -> Int32 {
    guard (2...3072).contains(options.machine.memory) else {
      throw InputError(message: "--memory \(options.machine.memory): RAM must be between 2 and 3072 MiB")
    }
    let kernelName = options.machine.kernel ?? "kernel.elf"
    let kernelBytes: [UInt8]
    if let path = options.machine.kernel {
      kernelBytes = try read(path, what: "kernel")
    } else {
      guard let teaching = BuiltInKernel.teaching else {
        throw InputError(message: "the built-in teaching kernel is missing from this build; pass --kernel FILE")
      }
      kernelBytes = teaching.bytes
    }
    var script: Script?
    var captures: [String: PcapCapture] = [:]
    if let path = options.script {
      let text = String(decoding: try read(path, what: "script"), as: UTF8.self)
      do {
        script = try Script(text: text, fileName: path, isKeyName: { Key(name: $0) != nil })
        captures = try HeadlessSession.loadCaptures(for: script!)
      } catch {
        throw InputError(message: error.description)
      }
    }
    let pcapRate = try options.machine.pcapRate.map { text in
      guard let rate = PacketRate.perSecond(text) else {
        throw InputError(message: "--pcap-rate \(text): write a rate of frames per second such as 1000/s")
      }
      return rate
    }
    if pcapRate != nil && options.machine.pcap == nil {
      throw InputError(message: "--pcap-rate needs --pcap FILE")
    }
    var capture: PcapCapture?
    if let path = options.machine.pcap {
      do {
        capture = try PcapCapture(contentsOf: URL(fileURLWithPath: path))
      } catch {
        throw InputError(message: error.description)
      }
    }
    guard let rtcStart = RTC146818.parseTime(options.rtc) else {
      throw InputError(message: "--rtc \(options.rtc): write a UTC time as YYYY-MM-DDTHH:MM:SS")
    }
    let machine = Machine(configuration: Machine.Configuration(memoryBytes: options.machine.memory << 20))
    machine.rtc.setTime(rtcStart)
    do {
      try machine.boot(kernel: kernelBytes, fileName: kernelName, commandLine: options.machine.append)
    } catch {
      throw InputError(message: error.description)
    }

    let traceFile = try options.trace.map { try OutputStream(path: $0) }
    if let traceFile {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      machine.tracer.onEvent = { event in
        if let data = try? encoder.encode(event) { traceFile.write(data + Data("\n".utf8)) }
      }
    }
    let serialFile = try options.serial.map { try OutputStream(path: $0) }
    if let serialFile { machine.uart.onTransmit = { serialFile.write(Data([$0])) } }
    if options.debugcon != "none" {
      let console = try OutputStream(path: options.debugcon)
      machine.debugConsole.onOutput = { console.write(Data([$0])) }
    }

    var limit = options.maxCycles
    if let seconds = options.maxSeconds {
      guard seconds > 0, seconds < 1e6 else { throw InputError(message: "--max-seconds \(seconds) is out of range") }
      let cycles = UInt64(seconds * Double(Scheduler.nominalHz))
      limit = min(limit ?? .max, cycles)
    }
    if limit == nil && script == nil { limit = 10 * Scheduler.nominalHz }

    if let capture { machine.replay(capture, ratePerSecond: pcapRate, whenReceiverEnabled: true) }
    let gdb = try GdbWiring(options: options).start(on: machine)
    let session = HeadlessSession(machine: machine)
    session.captures = captures
    let outcome = session.run(script: script, limits: HeadlessSession.Limits(maxCycles: limit))
    gdb?.finish(exitStatus: outcome.status)
    machine.tracer.flush()
    if let path = options.dump {
      let output = try OutputStream(path: path)
      output.write(Data((MachineDump(machine).json() + "\n").utf8))
    }
    FileHandle.standardError.write(Data("irqscope: \(outcome.summary)\n".utf8))
    return outcome.status
  }

  private func read(_ path: String, what: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw InputError(message: "\(path): cannot read the \(what) file (does it exist, and is it readable?)")
    }
    return [UInt8](data)
  }
}

/// A file (or standard output for "-") that output streams are written to.
final class OutputStream: @unchecked Sendable {
  private let handle: FileHandle

  init(path: String) throws {
    if path == "-" {
      handle = .standardOutput
      return
    }
    guard let handle = OutputStream.openForWriting(path) else {
      throw HeadlessCommand.InputError(message: "\(path): cannot create the file")
    }
    self.handle = handle
  }

  /// Opens (creating or truncating) a file for writing in place. Not `FileManager.createFile`, which writes a new
  /// file and renames it over the old one: given `/dev/null` or a FIFO it would replace the device with a file.
  static func openForWriting(_ path: String) -> FileHandle? {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { return nil }
    return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
  }

  func write(_ data: Data) { handle.write(data) }
}

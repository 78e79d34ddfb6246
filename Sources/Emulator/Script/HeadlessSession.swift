import Foundation

/// Runs a machine in virtual time only, driven by an optional script: the engine behind `irqscope run --headless`.
///
/// Exit status: 0 the run reached its end, 1 an expectation failed, the guest's isa-debug-exit status when it
/// wrote port 0xF4 (`(value << 1) | 1`). Bad input (status 2) is caught before a session starts.
public final class HeadlessSession {
  public struct Limits: Sendable {
    /// Stop after this much virtual time (cycles); nil = no limit.
    public var maxCycles: UInt64?
    public init(maxCycles: UInt64? = nil) { self.maxCycles = maxCycles }
  }

  public struct Outcome: Sendable, Equatable {
    public var status: Int32
    /// Why the run ended, for a person.
    public var summary: String
  }

  public let machine: Machine
  /// Everything COM1 transmitted so far.
  public private(set) var serialOutput: [UInt8] = []
  /// Called with each line of script output (`dump`) and each failure report.
  public var print: (String) -> Void = { Swift.print($0) }
  /// Called with each dump the script asks for.
  public var onDump: ((MachineDump) -> Void)?
  /// The captures the script's `pcap` lines name, by the path written in the script (see `loadCaptures`).
  public var captures: [String: PcapCapture] = [:]

  public init(machine: Machine) {
    self.machine = machine
    let previous = machine.uart.onTransmit
    machine.uart.onTransmit = { [unowned self] byte in
      serialOutput.append(byte)
      previous?(byte)
    }
  }

  /// Reads every capture the script names (relative paths from the script's directory), before the run starts, so
  /// a broken file is reported with its script line and byte offset and nothing runs half-way.
  public static func loadCaptures(for script: Script) throws(ScriptError) -> [String: PcapCapture] {
    var captures: [String: PcapCapture] = [:]
    let directory = URL(fileURLWithPath: script.fileName).deletingLastPathComponent()
    for line in script.lines {
      guard case .pcap(let path, _) = line.command, captures[path] == nil else { continue }
      let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path)
      do {
        captures[path] = try PcapCapture(contentsOf: url)
      } catch {
        throw ScriptError(fileName: script.fileName, line: line.number, message: error.description)
      }
    }
    return captures
  }

  public var serialText: String { String(decoding: serialOutput, as: UTF8.self) }
  public var screenText: String { machine.vga.textLines().joined(separator: "\n") }

  /// Runs the script (if any) and then, without a script, until the guest exits or the limit is reached.
  public func run(script: Script?, limits: Limits) -> Outcome {
    let deadline = limits.maxCycles.map { machine.cpu.cycles &+ $0 } ?? UInt64.max
    if let script {
      for (index, line) in script.lines.enumerated() {
        if let exit = guestExit() { return unmetExpectations(after: index, in: script) ?? exit }
        if machine.cpu.cycles >= deadline {
          return unmetExpectations(after: index, in: script) ?? limitReached(limits)
        }
        if let failure = execute(line, script: script, deadline: deadline) {
          // An expectation cut short by the guest's exit is judged, with the rest, on the final state.
          if machine.exitStatus != nil, line.isExpectation {
            return unmetExpectations(after: index, in: script) ?? failure
          }
          return failure
        }
      }
      if let exit = guestExit() { return exit }
      machine.tracer.flush()
      return Outcome(status: 0, summary: "script \(script.fileName) ran to the end")
    }
    while machine.cpu.cycles < deadline {
      machine.run(until: min(deadline, machine.cpu.cycles &+ Scheduler.nominalHz / 100))
      if let exit = guestExit() { return exit }
    }
    machine.tracer.flush()
    return limitReached(limits)
  }

  /// When the run ends before the script does (the guest exited, the time limit), the `expect` lines from
  /// `index` on are checked against the final state: the first one that does not hold fails the run.
  private func unmetExpectations(after index: Int, in script: Script) -> Outcome? {
    for line in script.lines[index...] {
      let met: Bool
      switch line.command {
      case .expectScreen(let pattern, _):
        met = (try? Regex(pattern)).map { screenText.contains($0) } ?? true
      case .expectSerial(let pattern, _):
        met = (try? Regex(pattern)).map { serialText.contains($0) } ?? true
      case .expectRx(let count, _):
        met = machine.nic.framesDelivered >= count
      default:
        continue
      }
      guard !met else { continue }
      machine.tracer.flush()
      let why = machine.exitStatus.map { "the guest exited (status \($0))" } ?? "the run's time limit was reached"
      var report = "\(script.fileName):\(line.number): expectation failed: \(why) before `\(line.text)` held"
      switch line.command {
      case .expectScreen: report += "\nscreen:\n\(screenText)"
      case .expectSerial: report += "\nserial output:\n\(serialText)"
      default: report += "\nthe card delivered \(machine.nic.framesDelivered) frame(s)"
      }
      print(report)
      return Outcome(status: 1, summary: "expectation failed at \(script.fileName):\(line.number)")
    }
    return nil
  }

  private func guestExit() -> Outcome? {
    guard let status = machine.exitStatus else { return nil }
    machine.tracer.flush()
    return Outcome(status: status, summary: "the guest exited through port 0xF4 with status \(status)")
  }

  private func limitReached(_ limits: Limits) -> Outcome {
    let seconds = Double(limits.maxCycles ?? 0) / Double(Scheduler.nominalHz)
    return Outcome(status: 0, summary: "stopped after \(seconds) s of virtual time (--max-cycles/--max-seconds)")
  }

  /// Executes one script line; returns an outcome when the run must end here.
  private func execute(_ line: Script.Line, script: Script, deadline: UInt64) -> Outcome? {
    switch line.command {
    case .wait(let cycles):
      machine.run(until: min(deadline, machine.cpu.cycles &+ cycles))
    case .type(let text):
      machine.apply(.type(text))
    case .press(let name):
      if let key = Key(name: name) { machine.apply(.press(key)) }
    case .release(let name):
      if let key = Key(name: name) { machine.apply(.release(key)) }
    case .key(let name, let modifiers):
      if let key = Key(name: name) { machine.apply(.key(key, modifiers: modifiers.compactMap { Key(name: $0) })) }
    case .serial(let bytes):
      machine.apply(.serial(bytes))
    case .mask(let irq):
      machine.apply(.mask(irq: irq))
    case .unmask(let irq):
      machine.apply(.unmask(irq: irq))
    case .nmi:
      machine.apply(.nmi)
    case .spurious(let irq):
      if let problem = machine.apply(.spurious(irq: irq)) { print("\(script.fileName):\(line.number): \(problem)") }
    case .reset:
      machine.apply(.reset)
    case .packet(let spec):
      machine.apply(.packet(spec))  // lengths and payloads were checked when the script was parsed
    case .burst(let count, let length):
      machine.apply(.burst(count: count, length: length))
    case .pcap(let path, let rate):
      guard let capture = captures[path] else {
        print("\(script.fileName):\(line.number): \(path): the capture was not loaded before the run")
        return Outcome(status: 2, summary: "capture \(path) missing")
      }
      machine.replay(capture, ratePerSecond: rate)
    case .expectRx(let count, let within):
      let end = min(deadline, machine.cpu.cycles &+ within)
      let step = Scheduler.cycles(nanoseconds: 100_000)  // look every 100 µs of virtual time
      while machine.nic.framesDelivered < count {
        if let exit = guestExit() { return exit }
        if machine.cpu.cycles >= end {
          machine.tracer.flush()
          let nic = machine.nic.state
          let milliseconds = Double(within) / Double(Scheduler.nominalHz) * 1000
          var report = "\(script.fileName):\(line.number): expectation failed: the card delivered "
          report += "\(nic.framesDelivered) frame(s), not \(count), within \(milliseconds) ms of virtual time\n"
          report += "injected \(nic.framesInjected), delivered \(nic.framesDelivered), missed \(nic.framesMissed)"
          report += " \(nic.missedByReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" })"
          report += ", on the wire \(machine.wire.queued), RDH \(nic.rdh) RDT \(nic.rdt) RCTL 0x"
          report += String(nic.rctl, radix: 16)
          print(report)
          return Outcome(status: 1, summary: "expectation failed at \(script.fileName):\(line.number)")
        }
        machine.run(until: min(end, machine.cpu.cycles &+ step))
      }
    case .dump:
      let dump = MachineDump(machine)
      onDump?(dump)
      print(dump.json())
    case .expectScreen(let pattern, let within), .expectSerial(let pattern, let within):
      let onScreen: Bool
      if case .expectScreen = line.command { onScreen = true } else { onScreen = false }
      // The pattern was checked when the script was parsed.
      guard let regex = try? Regex(pattern) else { return nil }
      let end = min(deadline, machine.cpu.cycles &+ within)
      let step = Scheduler.cycles(nanoseconds: 1_000_000)  // look once per millisecond of virtual time
      while true {
        let text = onScreen ? screenText : serialText
        if text.contains(regex) { return nil }
        if let exit = guestExit() { return exit }
        if machine.cpu.cycles >= end { break }
        machine.run(until: min(end, machine.cpu.cycles &+ step))
      }
      machine.tracer.flush()
      let seconds = Double(within) / Double(Scheduler.nominalHz) * 1000
      var report = "\(script.fileName):\(line.number): expectation failed: \(onScreen ? "screen" : "serial")"
      report += " did not match \"\(pattern)\" within \(seconds) ms of virtual time\n"
      report += onScreen ? "screen:\n\(screenText)" : "serial output:\n\(serialText)"
      print(report)
      return Outcome(status: 1, summary: "expectation failed at \(script.fileName):\(line.number)")
    }
    return nil
  }
}

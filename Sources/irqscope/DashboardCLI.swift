import ArgumentParser
import CursesUI
import Dashboard
import Dispatch
import Emulator
import Foundation

/// `irqscope` (the default subcommand): the live dashboard.
struct DashboardCLI: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dashboard",
    abstract: "Boot a kernel and watch its interrupts live (the default when irqscope is run without a command).",
    discussion: """
      Type to send keys to the guest (IRQ 1 through the 8042). Hotkeys: F1 help, F10 or Ctrl-A q quit,
      Ctrl-A m <hex digit> mask or unmask an IRQ line, Ctrl-A p a packet, Ctrl-A b a burst, Ctrl-A n an NMI,
      Ctrl-A space pause, Ctrl-A s step, Ctrl-A i run to the next interrupt, Ctrl-A + / - speed.
      Without a terminal on standard output, use `irqscope run --headless`.
      """)

  @OptionGroup var machineOptions: MachineOptions
  @OptionGroup var gdbOptions: GdbOptions

  @Option(
    help: "Virtual seconds per wall second: 1 (the 100 MHz nominal clock), any factor such as 0.01 or 10, or max.")
  var speed: SpeedArgument = SpeedArgument(value: 1)

  @Option(help: "Frames drawn per second at most.")
  var fps: Int = 30

  @Option(help: "Write the session (every key, hotkey and packet, stamped with virtual time) as a headless script.")
  var record: String?

  @Option(help: "A built-in theme (default, light, high-contrast, monochrome) or a theme file's path.")
  var theme: String?

  @Flag(help: "No colours: the monochrome theme (so does a non-empty NO_COLOR).")
  var noColor = false

  @Flag(help: "Start paused (Ctrl-A space runs).")
  var paused = false

  func validate() throws {
    guard (1...240).contains(fps) else { throw ValidationError("--fps must be from 1 to 240") }
  }

  func run() throws {
    try requireInteractiveTerminal()
    let gdbPort: UInt16?
    do {
      gdbPort = try gdbOptions.port()
    } catch {
      FileHandle.standardError.write(Data("irqscope: \(error.message)\n".utf8))
      throw ExitCode(2)
    }
    let boot: BootedMachine
    do {
      boot = try machineOptions.bootMachine()
    } catch {
      FileHandle.standardError.write(Data("irqscope: \(error.description)\n".utf8))
      throw ExitCode(2)
    }
    // The live machine's clock is the host's (headless runs start at a fixed date instead).
    let now = Int64(Date().timeIntervalSince1970)
    boot.machine.rtc.setTime(now)
    let environment = ProcessInfo.processInfo.environment
    // A theme named on the command line or in the environment is read now, so a broken file is reported before
    // the terminal is taken over.
    do {
      let choice = ThemeSelection.choose(
        option: theme, noColor: noColor, environment: environment, terminalColours: Int.max)
      _ = try BuiltInThemes.theme(for: choice.choice)
    } catch {
      FileHandle.standardError.write(Data("irqscope: \(error)\n".utf8))
      throw ExitCode(2)
    }
    var recordFile: FileHandle?
    if let record {
      guard let file = OutputStream.openForWriting(record) else {
        FileHandle.standardError.write(Data("irqscope: \(record): cannot create the file\n".utf8))
        throw ExitCode(2)
      }
      recordFile = file
      file.write(Data(RecordingHeader.text(options: machineOptions, rtc: now).utf8))
    }
    let sink: LiveMachine.RecordSink? = recordFile.map { file in
      let writer = RecordWriter(handle: file)
      return { line in writer.write(line) }
    }
    // Every frame's snapshot brings the machine up to the wall clock, so a halted guest need not wake the host
    // between frames; its own wake-up only stands in when frames stop coming (a blocked terminal).
    let live = LiveMachine(
      machine: boot.machine, speed: speed.value, paused: paused, record: sink,
      minimumHaltedSleep: DashboardSession.machineWakeInterval)
    let gdb = try gdbPort.map { try LiveGdbWiring.start(on: live, port: $0, waitForClient: gdbOptions.waitForGdb) }
    defer { gdb?.stop() }
    let terminal = try Terminal()
    do {
      var session = try DashboardSession(live: live, terminal: terminal, fps: fps) { colours in
        ThemeSelection.choose(option: theme, noColor: noColor, environment: environment, terminalColours: colours)
      }
      try session.run()
    } catch {
      live.stop()
      terminal.close()
      try? recordFile?.close()
      FileHandle.standardError.write(Data("irqscope: \(error)\n".utf8))
      throw ExitCode(2)
    }
    live.stop()
    terminal.close()
    try? recordFile?.close()
  }
}

/// Writes recorded script lines; used only from the machine's queue, one line at a time.
final class RecordWriter: @unchecked Sendable {
  private let handle: FileHandle

  init(handle: FileHandle) { self.handle = handle }

  func write(_ line: String) { handle.write(Data((line + "\n").utf8)) }
}

import Dashboard
import Emulator
import Foundation

/// The pipeline behind `irqscope snapshot`: check every input, run the scenario headless, take two snapshots a
/// dashboard frame apart, fold them into a `DashboardState` as the dashboard does, compose and render.
struct SnapshotFrame {
  enum Format: String, CaseIterable {
    case svg, txt, ansi
  }

  /// The virtual time between the two snapshots, and the wall time the panes are told passed: one frame at 30 fps.
  static let frameCycles = Scheduler.nominalHz / 30
  static let frameSeconds = 1.0 / 30

  let command: SnapshotCommand

  /// The frame in each `--out` file's format, in the order of the `--out` options.
  func render() throws(SnapshotError) -> [String] {
    var formats: [Format] = []
    for path in command.out { formats.append(try outputFormat(path)) }
    let (width, height) = try canvasSize()
    let focus = try focusedPane()
    let theme = try chosenTheme()
    let rtcStart = try startTime()
    let (script, captures) = try loadScript()

    // The scenario runs twice from the same inputs: once to its end (the frame shown), once stopped a frame
    // earlier (the `previous` the dashboard would hold). Headless runs are deterministic, so the shorter run is
    // exactly the longer one's past.
    let (machine, start) = try boot(rtcStart: rtcStart)
    let session = HeadlessSession(machine: machine)
    session.captures = captures
    var reports: [String] = []
    session.print = { reports.append($0) }
    let outcome = session.run(
      script: script, limits: HeadlessSession.Limits(maxCycles: script == nil ? 10 * Scheduler.nominalHz : nil))
    if machine.exitStatus == nil && outcome.status != 0 {
      throw SnapshotError(status: outcome.status, message: (reports + [outcome.summary]).joined(separator: "\n"))
    }
    let elapsed = machine.cpu.cycles &- start

    // The Stats pane's rates are over the last virtual second: a second back as well, or the boot itself when the
    // scenario is shorter (as a dashboard in its first second measures from its first frame).
    let second = InterruptRates.windowCycles
    let rateBase =
      elapsed > second
      ? try earlierSnapshot(at: elapsed - second, rtcStart, script, captures)
      : try boot(rtcStart: rtcStart).0.snapshot(number: 0, traceFrom: 0)
    let previous =
      elapsed > Self.frameCycles ? try earlierSnapshot(at: elapsed - Self.frameCycles, rtcStart, script, captures) : nil
    let current = machine.snapshot(
      number: previous == nil ? 1 : 2, traceFrom: previous?.traceSequence ?? 0, host: Self.host(machine))

    var state = DashboardState()
    if let focus { state.focused = focus }
    state.rates.observe(rateBase)
    if let previous { state.observe(previous, previous: nil) }
    state.observe(current, previous: previous)
    if let request = state.previewRequest(in: current) {
      state.descriptorPreview = machine.peekPhysical(
        UInt32(truncatingIfNeeded: request.address), count: min(request.length, 2048))
    }
    let (canvas, _) = compose(
      snapshot: current, previous: previous, state: state, size: (width, height), wallSeconds: Self.frameSeconds)

    return formats.map { format in
      switch format {
      case .txt: return TextRenderer.render(canvas)
      case .ansi: return ANSIRenderer.render(canvas, theme: theme)
      case .svg:
        var renderer = SVGRenderer()
        let scenario = command.script.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "boot"
        renderer.title = "irqscope: \(scenario)"
        return renderer.render(canvas, theme: theme)
      }
    }
  }

  /// The scenario run again from the same inputs, stopped `cycles` after boot: the shown run's past.
  private func earlierSnapshot(
    at cycles: UInt64, _ rtcStart: Int64, _ script: Script?, _ captures: [String: PcapCapture]
  ) throws(SnapshotError) -> MachineSnapshot {
    let (earlier, _) = try boot(rtcStart: rtcStart)
    let session = HeadlessSession(machine: earlier)
    session.captures = captures
    session.print = { _ in }  // an expectation cut short by the time limit is not a failure here
    _ = session.run(script: script, limits: HeadlessSession.Limits(maxCycles: cycles))
    return earlier.snapshot(number: 1, traceFrom: 0, host: Self.host(earlier))
  }

  /// What the status line shows about the host: running at 1×, nothing stopped, the keyboard's host queue.
  static func host(_ machine: Machine) -> MachineSnapshot.Host {
    MachineSnapshot.Host(
      paused: false, speed: 1, keysQueued: machine.keyboard.state.keyboard.hostQueued,
      keysDropped: machine.keyboard.state.overruns &+ machine.untypedCharacters)
  }

  // MARK: Inputs

  private func outputFormat(_ path: String) throws(SnapshotError) -> Format {
    let suffix = URL(fileURLWithPath: path).pathExtension.lowercased()
    guard let format = Format(rawValue: suffix) else {
      throw SnapshotError(
        status: 2,
        message: "--out \(path): the extension picks the format; write FILE.svg, FILE.txt or FILE.ansi")
    }
    return format
  }

  private func canvasSize() throws(SnapshotError) -> (Int, Int) {
    let parts = command.size.lowercased().split(separator: "x", omittingEmptySubsequences: false)
    guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), (20...1000).contains(width),
      (10...500).contains(height)
    else {
      throw SnapshotError(
        status: 2,
        message: "--size \(command.size): write COLUMNSxROWS such as 160x50 (20 to 1000 columns, 10 to 500 rows)")
    }
    return (width, height)
  }

  private func focusedPane() throws(SnapshotError) -> PaneID? {
    guard let name = command.focus else { return nil }
    guard let index = SnapshotCommand.paneNames.firstIndex(of: name) else {
      throw SnapshotError(
        status: 2,
        message: "--focus \(name): no such pane; the panes are \(SnapshotCommand.paneNames.joined(separator: ", "))")
    }
    return PaneID.allCases[index]
  }

  /// The theme as the dashboard picks it, for a renderer with every colour (`NO_COLOR` and `IRQSCOPE_THEME` count).
  private func chosenTheme() throws(SnapshotError) -> Theme {
    let selection = ThemeSelection.choose(
      option: command.theme, noColor: command.noColor, environment: ProcessInfo.processInfo.environment,
      terminalColours: Int.max)
    do {
      return try BuiltInThemes.theme(for: selection.choice)
    } catch {
      throw SnapshotError(status: 2, message: error.description)
    }
  }

  private func startTime() throws(SnapshotError) -> Int64 {
    guard let time = RTC146818.parseTime(command.rtc) else {
      throw SnapshotError(status: 2, message: "--rtc \(command.rtc): write a UTC time as YYYY-MM-DDTHH:MM:SS")
    }
    return time
  }

  /// The script and the captures its `pcap` lines name, read before anything runs.
  private func loadScript() throws(SnapshotError) -> (Script?, [String: PcapCapture]) {
    guard let path = command.script else { return (nil, [:]) }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw SnapshotError(
        status: 2, message: "\(path): cannot read the script file (does it exist, and is it readable?)")
    }
    do {
      let script = try Script(
        text: String(decoding: data, as: UTF8.self), fileName: path, isKeyName: { Key(name: $0) != nil })
      return (script, try HeadlessSession.loadCaptures(for: script))
    } catch {
      throw SnapshotError(status: 2, message: error.description)
    }
  }

  /// A machine booted from the shared options with the clock set; returns it and the cycle count it starts at.
  private func boot(rtcStart: Int64) throws(SnapshotError) -> (Machine, UInt64) {
    let booted: BootedMachine
    do {
      booted = try command.machineOptions.bootMachine()
    } catch {
      throw SnapshotError(status: 2, message: error.description)
    }
    booted.machine.rtc.setTime(rtcStart)
    return (booted.machine, booted.machine.cpu.cycles)
  }
}

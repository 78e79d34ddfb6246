import Foundation
import Testing

/// `irqscope keys` in a tmux pane of the test's own: keys typed with send-keys come back named, and on every way
/// out — quit, SIGINT, SIGTERM, SIGHUP, SIGTSTP, a crash — the terminal is as it was: `stty -a` shows icanon and
/// echo, tmux reports the alternate screen left, the cursor visible and mouse reporting off.
@Suite(.serialized, .enabled(if: TmuxSession.tmuxPath != nil, "tmux is not installed; .ci/run installs it"))
struct TerminalRestoreTests {
  /// Starts `irqscope keys` and waits until it owns the terminal: its screen drawn, raw mode without echo, the
  /// alternate screen on, the cursor hidden. (What the restore must then undo, so the checks after it can fail.)
  func started() throws -> TmuxSession {
    let session = try TmuxSession()
    let owned = try session.wait {
      try session.screen().first == "irqscope keys" && session.format("#{alternate_on}") == "1"
    }
    #expect(owned, "irqscope keys never drew its screen: \((try? session.screen()) ?? [])")
    let modes = sttyModes(try session.sttyNow())
    #expect(modes.contains("-icanon") && modes.contains("-echo"))
    #expect(try session.format("#{cursor_flag}") == "0")
    #expect(try session.format("#{mouse_standard_flag}") == "1")
    return session
  }

  /// After the program ended: `status`, and the terminal back in cooked mode with echo, on the main screen,
  /// cursor visible, no mouse reporting, no application keypad.
  func expectRestored(_ session: TmuxSession, status expected: Int, sourceLocation: SourceLocation = #_sourceLocation)
    throws
  {
    let ended = session.wait { session.exitStatus() != nil }
    #expect(ended, "irqscope keys did not end", sourceLocation: sourceLocation)
    #expect(session.exitStatus() == expected, sourceLocation: sourceLocation)
    let modes = sttyModes((try? String(contentsOfFile: session.path("stty"), encoding: .utf8)) ?? "")
    #expect(modes.contains("icanon") && modes.contains("echo"), "stty -a: \(modes)", sourceLocation: sourceLocation)
    #expect(!modes.contains("-icanon") && !modes.contains("-echo"), sourceLocation: sourceLocation)
    #expect(try session.format("#{alternate_on}") == "0", sourceLocation: sourceLocation)
    #expect(try session.format("#{cursor_flag}") == "1", sourceLocation: sourceLocation)
    #expect(try session.format("#{mouse_standard_flag}#{mouse_any_flag}") == "00", sourceLocation: sourceLocation)
    #expect(try session.format("#{keypad_cursor_flag}") == "0", sourceLocation: sourceLocation)
  }

  /// The names on the screen, oldest first (resize events left out).
  func namedKeys(_ session: TmuxSession) throws -> [String] {
    let entries = try session.screen().dropFirst(3).compactMap { line -> (Int, String)? in
      let fields = line.split(separator: " ", maxSplits: 1)
      guard fields.count == 2, let number = Int(fields[0]) else { return nil }
      return (number, fields[1].trimmingCharacters(in: .whitespaces))
    }
    return entries.sorted { $0.0 < $1.0 }.map(\.1).filter { $0 != "resize" }
  }

  @Test func f10QuitsAfterEveryKeyWasNamed() throws {
    let session = try started()
    try session.send(["F5", "C-a", "Up", "Left", "M-x", "Home", "NPage", "BTab", "C-c"])
    try session.send(["é"], literal: true)
    // An X10 mouse report (ESC [ M, then button, column, row, each + 32, 1-based): button 1 at row 13, column 41.
    try session.sendBytes([0x1B, 0x5B, 0x4D, 32 + 0, 32 + 41, 32 + 13])
    let expected = [
      "F5", "Ctrl-A", "Up", "Left", "Alt-x", "Home", "PgDn", "Shift-Tab", "Ctrl-C", "é", "mouse press 1 at 12,40",
    ]
    let named = try session.wait { try namedKeys(session) == expected }
    #expect(named, "\((try? namedKeys(session)) ?? [])")
    try session.run(["resize-window", "-x", "80", "-y", "24"])
    let resized = try session.wait { try session.screen().contains("terminal 80x24, colours: 256") }
    #expect(resized, "\((try? session.screen().prefix(3)) ?? [])")
    try session.send(["F10"])
    try expectRestored(session, status: 0)
  }

  @Test(arguments: [SIGINT, SIGTERM, SIGHUP])
  func terminatingSignalsRestoreAndEndWithTheSignalsStatus(signal: Int32) throws {
    let session = try started()
    kill(try session.applicationPID(), signal)
    try expectRestored(session, status: 128 + Int(signal))
  }

  @Test func stopRestoresContinueSetsUpAgainThenF10Quits() throws {
    let session = try started()
    let pid = try session.applicationPID()
    kill(pid, SIGTSTP)
    #expect(session.wait { TmuxSession.state(of: pid) == "T" }, "SIGTSTP did not stop irqscope")
    let stopped = sttyModes(try session.sttyNow())
    #expect(stopped.contains("icanon") && stopped.contains("echo"), "stty -a while stopped: \(stopped)")
    #expect(try session.format("#{alternate_on}#{cursor_flag}#{mouse_standard_flag}") == "010")
    kill(pid, SIGCONT)
    let again = try session.wait {
      try session.format("#{alternate_on}") == "1" && session.screen().first == "irqscope keys"
    }
    #expect(again, "SIGCONT did not set the terminal up again")
    #expect(sttyModes(try session.sttyNow()).contains("-icanon"))
    #expect(try session.format("#{cursor_flag}#{mouse_standard_flag}") == "01")
    try session.send(["C-a"])
    let typed = try session.wait { try namedKeys(session) == ["Ctrl-A"] }
    #expect(typed, "keys after SIGCONT: \((try? namedKeys(session)) ?? [])")
    try session.send(["F10"])
    try expectRestored(session, status: 0)
  }

  /// A terminal without colours (a VT100 has neither colours nor an alternate screen): attributes only, keys
  /// still named, the modes still restored.
  @Test func aTerminalWithoutColoursGetsAttributesOnly() throws {
    let session = try TmuxSession(term: "vt100")
    let drawn = try session.wait { try session.screen().contains("terminal 100x30, colours: none") }
    #expect(drawn, "\((try? session.screen().prefix(3)) ?? [])")
    try session.send(["C-a"])
    let typed = try session.wait { try namedKeys(session) == ["Ctrl-A"] }
    #expect(typed, "\((try? namedKeys(session)) ?? [])")
    try session.send(["q"])
    #expect(session.wait { session.exitStatus() != nil })
    #expect(session.exitStatus() == 0)
    let modes = sttyModes((try? String(contentsOfFile: session.path("stty"), encoding: .utf8)) ?? "")
    #expect(modes.contains("icanon") && modes.contains("echo"), "stty -a: \(modes)")
  }

  /// SIGSEGV as a bad pointer would raise it, SIGILL as Swift's own traps do, SIGABRT as abort(): restored by
  /// the C handler, then the crash goes on, so the shell sees 128 + the signal (139, 132, 134).
  @Test(arguments: [SIGSEGV, SIGILL, SIGABRT])
  func crashSignalsRestoreAndKeepTheCrashStatus(signal: Int32) throws {
    let session = try started()
    kill(try session.applicationPID(), signal)
    try expectRestored(session, status: 128 + Int(signal))
  }
}

@Suite struct NotATerminalTests {
  @Test func keysWithoutATerminalExitsTwoPointingToTheHeadlessRun() throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try TmuxSession.irqscopePath)
    process.arguments = ["keys"]
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 2)
    #expect(message.contains("irqscope run --headless"))
    #expect(message.split(separator: "\n").count == 1)
  }
}

import CTerminalGuard
import Foundation

/// A tmux server of the test's own (its own socket, no config file) running `irqscope keys` in a 100×30 pane
/// through a shell that records what happened after it ended: the exit status, `stty -a`, and stderr.
/// The pane stays open afterwards (`exec sleep`), so tmux can still report the pane's modes.
final class TmuxSession {
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  static var tmuxPath: String? {
    let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
    return paths.map { "\($0)/tmux" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  /// The `irqscope` executable built next to the test bundle (both live in the build products directory).
  static var irqscopePath: String {
    get throws {
      let bundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
      let candidate = bundle.appendingPathComponent("irqscope").path
      guard FileManager.default.isExecutableFile(atPath: candidate) else {
        throw Failure(description: "no irqscope executable at \(candidate); run swift build --build-tests first")
      }
      return candidate
    }
  }

  let socket: String
  let directory: URL
  private let tmux: String

  /// Runs `irqscope ARGUMENTS` (by default `keys`) with extra environment variables.
  init(
    rows: Int = 30, columns: Int = 100, term: String = "tmux-256color", arguments: [String] = ["keys"],
    environment: [String: String] = [:]
  ) throws {
    guard let tmux = Self.tmuxPath else { throw Failure(description: "tmux is not installed") }
    self.tmux = tmux
    socket = "irqscope-test-\(getpid())-\(UUID().uuidString.prefix(8))"
    directory = FileManager.default.temporaryDirectory.appendingPathComponent(socket)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let binary = try Self.irqscopePath
    let words = arguments.map { "'\($0)'" }.joined(separator: " ")
    let extra = environment.sorted { $0.key < $1.key }.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
    // No core files from the crash tests; the Swift backtracer reports without waiting for a key.
    let script = """
      ulimit -c 0
      env TERM=\(term) LANG=C.UTF-8 SWIFT_BACKTRACE=interactive=no \(extra) '\(binary)' \(words) 2>'\(path("stderr"))'
      echo $? >'\(path("status.tmp"))'
      stty -a >'\(path("stty"))'
      mv '\(path("status.tmp"))' '\(path("status"))'
      exec sleep 600
      """
    try script.write(to: directory.appendingPathComponent("run.sh"), atomically: true, encoding: .utf8)
    try run(["new-session", "-d", "-x", "\(columns)", "-y", "\(rows)", "sh '\(path("run.sh"))'"])
  }

  deinit {
    _ = try? run(["kill-server"])
    try? FileManager.default.removeItem(at: directory)
    // tmux 3.3 leaves the socket file behind after kill-server.
    let base = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
    try? FileManager.default.removeItem(atPath: "\(base)/tmux-\(getuid())/\(socket)")
  }

  func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  @discardableResult
  func run(_ arguments: [String]) throws -> String {
    let (status, text) = try Self.spawn(
      tmux, ["-L", socket, "-f", "/dev/null"] + arguments, output: path("tmux-output"))
    guard status == 0 else { throw Failure(description: "tmux \(arguments.joined(separator: " ")): \(text)") }
    return text
  }

  /// Runs `program` and waits for it, output to a file. Not Foundation's Process: the tmux server that new-session
  /// starts outlives its client and inherits what the client had — a pipe it holds never reaches end-of-file, and
  /// the test runner's blocked signal mask would reach the program under test. posix_spawn with an empty mask and
  /// default actions gives the pane what a login shell would.
  static func spawn(_ program: String, _ arguments: [String], output: String) throws -> (Int32, String) {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    var attributes = posix_spawnattr_t()
    let error = irq_spawn_attributes_init(&attributes, 0)
    guard error == 0 else { throw Failure(description: "posix_spawnattr: error \(error)") }
    defer { posix_spawnattr_destroy(&attributes) }
    let argv = ([program] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let code = posix_spawn(&pid, program, &actions, &attributes, argv, environ)
    guard code == 0 else { throw Failure(description: "posix_spawn \(program): \(String(cString: strerror(code)))") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    // WIFEXITED / WEXITSTATUS by hand (macros): low 7 bits 0 = exited, status in bits 8–15.
    return (status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F), text)
  }

  /// The pane's text, one string per row.
  func screen() throws -> [String] { try run(["capture-pane", "-p"]).components(separatedBy: "\n") }

  /// A tmux format evaluated for the pane: "#{alternate_on}", "#{cursor_flag}", …
  func format(_ format: String) throws -> String {
    try run(["display-message", "-p", format]).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Keys by tmux name (F10, C-a, M-x, Up) or, with `literal`, text typed as is.
  func send(_ keys: [String], literal: Bool = false) throws {
    try run(["send-keys"] + (literal ? ["-l"] : []) + keys)
  }

  /// Bytes written to the pane's input as they are (for sequences tmux has no key name for).
  func sendBytes(_ bytes: [UInt8]) throws {
    try run(["send-keys", "-H"] + bytes.map { String(format: "%02x", $0) })
  }

  /// The irqscope process: the child of the pane's shell.
  func applicationPID() throws -> pid_t {
    let shell = try format("#{pane_pid}")
    let pids = try FileManager.default.contentsOfDirectory(atPath: "/proc").compactMap { Int32($0) }
    for pid in pids {
      guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
      else { continue }
      let fields = stat[stat.index(after: close)...].split(separator: " ")
      if fields.count > 1, String(fields[1]) == shell, stat.contains("(irqscope)") { return pid }
    }
    throw Failure(description: "no irqscope process under the pane's shell \(shell)")
  }

  /// The process state letter from /proc (R, S, T for stopped, …).
  static func state(of pid: pid_t) -> Character? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return nil }
    return stat[stat.index(after: close)...].split(separator: " ").first?.first
  }

  /// `stty -a` for the pane's terminal, read from outside while the program runs or is stopped.
  func sttyNow() throws -> String {
    try Self.spawn("/bin/stty", ["-a", "-F", try format("#{pane_tty}")], output: path("stty-now")).1
  }

  /// The exit status the shell saw, once the program has ended.
  func exitStatus() -> Int? {
    (try? String(contentsOfFile: path("status"), encoding: .utf8)).flatMap {
      Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
    }
  }

  /// Polls `condition` until it holds or `seconds` pass (a generous bound for a loaded machine, not a timing
  /// assertion); returns whether it held.
  @discardableResult
  func wait(seconds: Double = 30, until condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if try condition() { return true }
      usleep(50_000)
    }
    return try condition()
  }
}

/// The mode words of `stty -a` ("icanon", "-echo", …).
func sttyModes(_ text: String) -> Set<String> {
  Set(text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init))
}

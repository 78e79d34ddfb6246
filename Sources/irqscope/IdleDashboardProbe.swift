import ArgumentParser
import CTerminalGuard
import Dispatch
import Foundation
import Glibc
import Synchronization

/// `bench ui`'s idle figure, taken on the real thing: this same `irqscope` binary started as a user starts it, with
/// no arguments, in a pseudo-terminal of the given size whose other end reads everything at once (a terminal that is
/// never slow). Once the teaching kernel shows its prompt and the guest waits in `hlt`, the process's CPU time — all
/// its threads, from /proc/PID/task/*/schedstat, in nanoseconds — is read over the measured seconds; then F10.
struct IdleDashboardProbe {
  struct Result {
    var cpuFraction: Double
    var seconds: Double
    var bytesPerSecond: Double
  }

  var columns: UInt16 = 160
  var rows: UInt16 = 50

  func measure(seconds: Double) throws -> Result {
    var name = [CChar](repeating: 0, count: 128)
    let master = irq_pty_open_master(columns, rows, &name, name.count)
    guard master >= 0 else { throw failure("posix_openpt") }
    defer { close(master) }

    let output = OutputCounter()
    let reader = Thread { output.drain(master) }
    reader.start()
    let pid = try spawnDashboard(
      terminal: String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    defer { finish(pid, master: master) }

    guard output.wait(for: Array("kernel$".utf8), seconds: 60) else {
      throw ValidationError("the dashboard never showed the teaching kernel's prompt")
    }
    Thread.sleep(forTimeInterval: 2)  // the guest settles in hlt; the first frames' full redraws are over
    let (cpuBefore, bytesBefore) = (cpuNanoseconds(pid), output.count)
    let start = DispatchTime.now().uptimeNanoseconds
    Thread.sleep(forTimeInterval: seconds)
    let (cpuAfter, bytesAfter) = (cpuNanoseconds(pid), output.count)
    let wall = Double(DispatchTime.now().uptimeNanoseconds - start)
    return Result(
      cpuFraction: Double(cpuAfter - cpuBefore) / wall, seconds: wall / 1e9,
      bytesPerSecond: Double(bytesAfter - bytesBefore) / (wall / 1e9))
  }

  /// This binary with no arguments (the dashboard), the pseudo-terminal as its controlling terminal and its standard
  /// input, output and error, in a session of its own, with an empty signal mask and default signal actions.
  private func spawnDashboard(terminal: String) throws -> pid_t {
    let program = try ownExecutable()
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, terminal, O_RDWR, 0)
    posix_spawn_file_actions_adddup2(&actions, 0, 1)
    posix_spawn_file_actions_adddup2(&actions, 0, 2)
    var attributes = posix_spawnattr_t()
    let error = irq_spawn_attributes_init(&attributes, 1)
    guard error == 0 else { throw ValidationError("posix_spawnattr: error \(error)") }
    defer { posix_spawnattr_destroy(&attributes) }
    let environment = [
      "TERM=xterm-256color", "LANG=C.UTF-8", "PATH=" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"),
    ]
    let argv: [UnsafeMutablePointer<CChar>?] = [strdup(program), nil]
    let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var pid: pid_t = 0
    let code = posix_spawn(&pid, program, &actions, &attributes, argv, envp)
    guard code == 0 else { throw ValidationError("posix_spawn \(program): error \(code)") }
    return pid
  }

  private func ownExecutable() throws -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard length > 0 else { throw failure("readlink(/proc/self/exe)") }
    return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// F10, as a terminal sends it; the process is killed if it has not quit within five seconds.
  private func finish(_ pid: pid_t, master: Int32) {
    let f10 = Array("\u{1B}[21~".utf8)
    _ = f10.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count) }
    var status: Int32 = 0
    for _ in 0..<50 {
      if waitpid(pid, &status, WNOHANG) == pid { return }
      usleep(100_000)
    }
    kill(pid, SIGKILL)
    waitpid(pid, &status, 0)
  }

  /// CPU time of every thread of `pid` so far: the first field of each /proc/PID/task/TID/schedstat.
  private func cpuNanoseconds(_ pid: pid_t) -> UInt64 {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
    return tasks.reduce(0) { total, task in
      let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/schedstat", encoding: .utf8)) ?? ""
      return total + (UInt64(text.split(separator: " ").first ?? "") ?? 0)
    }
  }

  private func failure(_ call: String) -> ValidationError {
    ValidationError("\(call): errno \(errno)")
  }
}

/// The terminal's side of the pseudo-terminal: reads whatever the dashboard writes, counts it, and keeps the last
/// bytes to look for a text in.
private final class OutputCounter: Sendable {
  private let state = Mutex<(count: Int, tail: [UInt8])>((0, []))

  var count: Int { state.withLock { $0.count } }

  func drain(_ descriptor: Int32) {
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let got = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if got < 0 && errno == EINTR { continue }
      guard got > 0 else { return }  // EIO once the dashboard has closed its end
      state.withLock { state in
        state.count += got
        state.tail = Array((state.tail + buffer[..<got]).suffix(4096))
      }
    }
  }

  func wait(for text: [UInt8], seconds: Double) -> Bool {
    let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
    while DispatchTime.now().uptimeNanoseconds < deadline {
      if state.withLock({ $0.tail.firstRange(of: text) != nil }) { return true }
      usleep(50_000)
    }
    return false
  }
}

import CTerminalGuard
import Foundation
import Testing

/// While curses owns the screen, what the process writes to stderr goes to a hidden file; teardown prints it.
/// The test points this process's fd 2 at a file of its own for a moment (restored before it checks).
@Suite struct StderrParkingTests {
  @Test func stderrWrittenWhileParkedAppearsOnlyAfterUnparking() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("irqscope-stderr-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: url) }
    let target = open(url.path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
    try #require(target >= 0)
    defer { close(target) }
    let original = dup(2)
    try #require(original >= 0)
    dup2(target, 2)
    let parked = irq_guard_park_stderr()
    let line = "written while parked\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    let whileParked = (try? String(contentsOf: url, encoding: .utf8)) ?? "?"
    irq_guard_unpark_stderr()
    let afterwards = (try? String(contentsOf: url, encoding: .utf8)) ?? "?"
    irq_guard_unpark_stderr()  // a second call changes nothing
    dup2(original, 2)
    close(original)
    #expect(parked == 0)
    #expect(whileParked == "")
    #expect(afterwards == line)
  }
}

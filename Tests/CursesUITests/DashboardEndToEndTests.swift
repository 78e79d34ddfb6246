import Foundation
import Testing

/// The dashboard used as a person would, in a tmux pane of the test's own at 160×50 (NO_COLOR, so the capture is
/// plain text): the teaching kernel boots, typed keys reach its shell through IRQ 1, `Ctrl-A m 1` masks the line
/// so keys wait in IRR, unmasking lets them in, `Ctrl-A p` delivers a packet through IRQ 11, resizing to 80×24 and
/// 40×10 and back redraws, and F10 leaves the terminal as it was.
@Suite(.serialized, .enabled(if: TmuxSession.tmuxPath != nil, "tmux is not installed; .ci/run installs it"))
struct DashboardEndToEndTests {
  func launch() throws -> TmuxSession {
    let session = try TmuxSession(rows: 50, columns: 160, arguments: [], environment: ["NO_COLOR": "1"])
    let booted = try session.wait(seconds: 60) { try session.screen().contains { $0.contains("kernel$") } }
    #expect(booted, "the teaching kernel's prompt never showed: \((try? session.screen()) ?? [])")
    return session
  }

  /// The master PIC's row `name` (IRR, ISR or IMR) as eight bits, IRQ 0 first, from the PIC pane's text.
  func masterRow(_ name: String, _ screen: [String]) -> [Int]? {
    guard let base = screen.firstIndex(where: { $0.contains("master base") }) else { return nil }
    guard let line = screen[base...].first(where: { $0.contains("│\(name) ") }) else { return nil }
    let pane = line[line.range(of: "│\(name) ")!.upperBound...]
    let bits = pane.split(separator: " ").prefix(8).compactMap { Int($0) }
    return bits.count == 8 ? bits : nil
  }

  /// The Stats pane's count for a device ("  1 keyboard      4 …"), wherever the pane sits on the row.
  func statsCount(_ device: String, _ screen: [String]) -> Int? {
    for line in screen {
      // The log pane may name the device too ("keyboard IRQ1"): take the occurrence a number follows.
      for label in line.ranges(of: " \(device) ") {
        if let count = Int(line[label.upperBound...].split(separator: " ").first ?? "") { return count }
      }
    }
    return nil
  }

  /// The guest screen's lines (the left pane at 160 columns).
  func guestLines(_ screen: [String]) -> [String] { screen.map { String($0.prefix(82)) } }

  @Test func typingMaskingAPacketResizingAndQuitting() throws {
    let session = try launch()
    // Typing: the shell echoes it and runs the command; IRQ 1 was taken (the Stats pane counts it).
    try session.send(["help"], literal: true)
    try session.send(["Enter"])
    let helped = try session.wait { try guestLines(session.screen()).contains { $0.contains("interrupts per vector") } }
    #expect(helped, "help never ran: \((try? session.screen()) ?? [])")
    let keyboardCounted = try session.wait { (try statsCount("keyboard", session.screen()) ?? 0) > 0 }
    #expect(keyboardCounted, "the Stats pane never counted IRQ 1: \((try? session.screen()) ?? [])")

    // Ctrl-A m 1 masks IRQ 1 (OCW1): typed keys leave a request in IRR and reach nobody.
    try session.send(["C-a", "m", "1"])
    #expect(try session.wait { try masterRow("IMR", session.screen())?[1] == 1 }, "IMR bit 1 set")
    try session.send(["xyz"], literal: true)
    let waiting = try session.wait { try masterRow("IRR", session.screen())?[1] == 1 }
    #expect(waiting, "a keyboard request waits in IRR: \((try? session.screen()) ?? [])")
    usleep(300_000)
    #expect(try !guestLines(session.screen()).contains { $0.contains("kernel$ x") }, "no key got through")

    // Ctrl-A m 1 again: the waiting keys arrive, in order.
    try session.send(["C-a", "m", "1"])
    #expect(try session.wait { try masterRow("IMR", session.screen())?[1] == 0 })
    let arrived = try session.wait { try guestLines(session.screen()).contains { $0.contains("kernel$ xyz") } }
    #expect(arrived, "the keys typed while masked arrived: \((try? session.screen()) ?? [])")
    try session.send(["BSpace", "BSpace", "BSpace"])

    // A packet: `read` blocks until it arrives through the ring and IRQ 11 (slave IR3, master IR2).
    try session.send(["read"], literal: true)
    try session.send(["Enter"])
    #expect(try session.wait { try guestLines(session.screen()).contains { $0.contains("blocked until a packet") } })
    try session.send(["C-a", "p"])
    let received = try session.wait {
      try guestLines(session.screen()).contains { $0.contains("UDP payload \"irqscope packet #000001") }
    }
    #expect(received, "the packet reached the guest: \((try? session.screen()) ?? [])")
    #expect(try session.screen().contains { $0.contains("recv 1") }, "the DMA ring pane counts the frame")
    // The Stats pane counts IRQ 11 (the log scrolls past it quickly: the timer ticks 100 times a second).
    let nicCounted = try session.screen().contains { line in
      guard let range = line.range(of: " 11 NIC ") else { return false }
      return (Int(line[range.upperBound...].split(separator: " ").first ?? "") ?? 0) >= 1
    }
    #expect(nicCounted, "the Stats pane counts IRQ 11: \((try? session.screen()) ?? [])")

    // Resize to 80×24 (the guest screen and one pane), 40×10 (too small: says so), and back.
    try session.run(["resize-window", "-x", "80", "-y", "24"])
    #expect(try session.wait { try session.screen().contains { $0.contains("PIC 8259A") } })
    try session.run(["resize-window", "-x", "40", "-y", "10"])
    #expect(try session.wait { try session.screen().contains { $0.contains("too small") && $0.contains("40×10") } })
    try session.run(["resize-window", "-x", "160", "-y", "50"])
    #expect(try session.wait { try session.screen().contains { $0.contains("Interrupt log") } })

    // F10: exit status 0, the terminal cooked with echo, the main screen back, the cursor visible.
    try session.send(["F10"])
    #expect(session.wait { session.exitStatus() != nil })
    #expect(session.exitStatus() == 0)
    let modes = sttyModes((try? String(contentsOfFile: session.path("stty"), encoding: .utf8)) ?? "")
    #expect(modes.contains("icanon") && modes.contains("echo"), "stty -a: \(modes)")
    #expect(try session.format("#{alternate_on}") == "0")
    #expect(try session.format("#{cursor_flag}") == "1")
  }

  /// A frame reaches the terminal in one write: ncurses 6.4, until a screen has been through endwin once, flushes
  /// after every cursor movement, and an idle frame (the timer's IRQ 0 rows, counters, fading highlights) went
  /// out as some 25 writes, each waking the terminal. Counted from the kernel's tally of write system calls.
  @Test func anIdleFrameGoesOutInOneWrite() throws {
    let session = try launch()
    let pid = try session.applicationPID()
    func writes() throws -> Int {
      let io = try String(contentsOfFile: "/proc/\(pid)/io", encoding: .utf8)
      let line = try #require(io.split(separator: "\n").first { $0.hasPrefix("syscw:") })
      return try #require(Int(line.split(separator: " ").last ?? ""))
    }
    let before = try writes()
    Thread.sleep(forTimeInterval: 2)
    let during = try writes() - before
    // 2 s at 30 fps is 60 frames; a few more writes (the machine's queue wake-ups) are allowed, not 25 a frame.
    #expect(during <= 60 * 3, "\(during) write calls in 2 s of idle frames")
    try session.send(["F10"])
    #expect(session.wait { session.exitStatus() != nil })
  }

  @Test(arguments: [("INT", SIGINT), ("TERM", SIGTERM), ("HUP", SIGHUP)])
  func aSignalRestoresTheTerminal(name: String, signal: Int32) throws {
    let session = try launch()
    kill(try session.applicationPID(), signal)
    #expect(session.wait { session.exitStatus() != nil })
    #expect(session.exitStatus() == 128 + Int(signal), "SIG\(name) ends with 128 + its number")
    let modes = sttyModes((try? String(contentsOfFile: session.path("stty"), encoding: .utf8)) ?? "")
    #expect(modes.contains("icanon") && modes.contains("echo"))
    #expect(try session.format("#{alternate_on}") == "0")
  }

  @Test func recordedSessionNamesItsReplayCommand() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("irqscope-record-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let record = directory.appendingPathComponent("demo.irqs").path
    let session = try TmuxSession(
      rows: 50, columns: 160, arguments: ["--record", record], environment: ["NO_COLOR": "1"])
    #expect(try session.wait(seconds: 60) { try session.screen().contains { $0.contains("kernel$") } })
    try session.send(["ps"], literal: true)
    try session.send(["Enter"])
    try session.send(["C-a", "m", "4"])
    try session.send(["F10"])
    #expect(session.wait { session.exitStatus() != nil })
    let text = try String(contentsOfFile: record, encoding: .utf8)
    #expect(text.contains("irqscope run --headless --rtc "))
    #expect(text.contains("type \"p\"") && text.contains("type \"s\"") && text.contains("type \"\\n\""))
    #expect(text.contains("mask 4"))
    #expect(text.split(separator: "\n").last?.hasPrefix("wait ") == true, "ends with the time after the last key")
  }
}

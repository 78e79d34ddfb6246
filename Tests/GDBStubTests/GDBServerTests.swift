import Emulator
import Foundation
import Glibc
import Testing

@testable import GDBStub

/// The server on a machine, in this process: a client's bytes are sent before the machine runs (the kernel buffers
/// them), the machine runs on the test's thread and serves them when it stops, and the replies are read afterwards.
@Suite struct GDBServerTests {
  /// A plain TCP client on 127.0.0.1.
  final class Client {
    let fd: Int32

    init(port: UInt16) throws {
      fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_port = port.bigEndian
      address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
      let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      }
      guard result == 0 else { throw GDBSocketError(description: "connect failed: \(errno)") }
    }

    deinit { close(fd) }

    func send(_ text: String) {
      let bytes = Array(text.utf8)
      _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Everything received so far, and whether the server closed the connection.
    func drain() -> (text: String, closed: Bool) {
      var out: [UInt8] = []
      var buffer = [UInt8](repeating: 0, count: 4096)
      while true {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, 0) > 0 else { return (String(decoding: out, as: UTF8.self), false) }
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return (String(decoding: out, as: UTF8.self), true) }
        out += buffer[0..<count]
      }
    }
  }

  private func framed(_ payload: String) -> String { String(decoding: PacketEncoder.frame(payload), as: UTF8.self) }

  @Test func ctrlCStopsARunningMachineAndDetachLetsItGo() throws {
    let (machine, kernel) = try DebugMachine.boot()
    let ticks = try #require(kernel.symbols["ticks"])
    let server = try GDBServer(machine: machine, port: 0)
    var holds: [StopReason?] = []
    server.onHold = { holds.append($0) }
    server.start(waitForClient: false)
    let client = try Client(port: server.port)
    // Attach, ask why it stopped, continue, interrupt, detach: all sent at once.
    client.send("+" + framed("?") + framed("c") + "\u{03}" + framed("D"))
    machine.run(cycles: Scheduler.cycles(nanoseconds: 200_000_000))
    let (text, closed) = client.drain()
    #expect(text == "+" + framed("T05thread:01;") + "+" + framed("T02thread:01;") + "+" + framed("OK"))
    #expect(closed)
    #expect(!server.isConnected)
    #expect(holds == [.requested, nil, .requested, nil])
    // Detached, the guest ran on: the PIT's 18.2 Hz ticks over 200 ms are 3.
    #expect(machine.memory.read32(ticks) == 3)
  }

  @Test func aSecondClientIsRefusedAndTheFirstKeepsItsSession() throws {
    let (machine, _) = try DebugMachine.boot()
    let server = try GDBServer(machine: machine, port: 0)
    var log: [String] = []
    server.log = { log.append($0) }
    server.start(waitForClient: false)
    let first = try Client(port: server.port)
    let second = try Client(port: server.port)
    first.send("+" + framed("QStartNoAckMode") + framed("qC") + framed("D"))
    machine.run(cycles: Scheduler.cycles(nanoseconds: 10_000_000))
    #expect(second.drain() == ("", true))
    #expect(log.contains { $0.contains("refused a second client") })
    // After no-ack mode the stub sends no more '+'.
    #expect(first.drain().text == "+" + framed("OK") + framed("QC01") + framed("OK"))
  }

  @Test func aBadChecksumIsAnsweredWithAMinusAndTheRetryServed() throws {
    let (machine, _) = try DebugMachine.boot()
    let server = try GDBServer(machine: machine, port: 0)
    server.start(waitForClient: true)
    let client = try Client(port: server.port)
    client.send("$g#00" + framed("qAttached") + "-" + framed("D"))
    machine.run(cycles: 1000)
    let text = client.drain().text
    // '-' for the broken packet, the reply to qAttached, the same reply again after our '-', then OK.
    #expect(text == "-" + "+" + framed("1") + framed("1") + "+" + framed("OK"))
  }

  @Test func theRunsEndIsReportedToAWaitingGdb() throws {
    let (machine, _) = try DebugMachine.boot()
    let server = try GDBServer(machine: machine, port: 0)
    server.start(waitForClient: true)
    let client = try Client(port: server.port)
    client.send("+" + framed("c"))
    machine.run(cycles: 1000)
    server.finish(exitStatus: 3)
    #expect(client.drain() == ("+" + framed("W03"), true))
  }
}

extension GDBServerTests {
  @Test func ctrlCIsStillHeardAfterAMachineReset() throws {
    let (machine, _) = try DebugMachine.boot()
    let server = try GDBServer(machine: machine, port: 0)
    server.start(waitForClient: true)
    let client = try Client(port: server.port)
    client.send("+" + framed("c"))
    machine.run(cycles: 1000)
    // A reset through the 8042 (command 0xFE) cancels every scheduled event.
    machine.io.write(0x64, size: 1, value: 0xFE)
    #expect(machine.resets.count == 1)
    client.send("\u{03}" + framed("D"))
    machine.run(cycles: Scheduler.cycles(nanoseconds: 5_000_000))
    #expect(client.drain().text == "+" + framed("T02thread:01;") + "+" + framed("OK"))
  }
}

import ArgumentParser
import Emulator
import Foundation
import GDBStub

/// `--gdb PORT`, `-s` and `-S` for the dashboard: the gdb stub on the live machine, served from its queue.
enum LiveGdbWiring {
  /// Starts listening before the terminal is taken over, so a busy port is reported plainly (exit 2).
  static func start(on live: LiveMachine, port: UInt16, waitForClient: Bool) throws -> LiveGDBServer {
    do {
      let server = try LiveGDBServer.start(on: live, port: port, waitForClient: waitForClient) { message in
        // Standard error is parked while the dashboard runs and shown when it ends.
        FileHandle.standardError.write(Data("irqscope: \(message)\n".utf8))
      }
      return server
    } catch {
      FileHandle.standardError.write(Data("irqscope: --gdb \(port): \(error.description)\n".utf8))
      throw ExitCode(2)
    }
  }
}

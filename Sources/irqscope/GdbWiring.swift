import Emulator
import Foundation
import GDBStub

/// `--gdb PORT`, `-s` and `-S` for `run --headless`: starts the gdb stub on the machine before the run and ends it
/// after, telling a waiting gdb how the run ended.
struct GdbWiring {
  /// QEMU's `-s`: the port it means.
  static let defaultPort = 1234

  let port: Int?
  let waitForClient: Bool

  init(options: Run) {
    port = options.gdb ?? (options.gdbShorthand ? Self.defaultPort : nil)
    waitForClient = options.waitForGdb
  }

  /// Starts the stub on `machine` (nil without --gdb/-s); bad options are input errors.
  func start(on machine: Machine) throws -> GDBServer? {
    guard let port else {
      if waitForClient {
        throw HeadlessCommand.InputError(message: "-S waits for gdb: give the port with --gdb PORT, or -s for 1234")
      }
      return nil
    }
    guard (0...65535).contains(port) else {
      throw HeadlessCommand.InputError(message: "--gdb \(port): a TCP port is between 0 and 65535")
    }
    let server: GDBServer
    do {
      server = try GDBServer(machine: machine, port: UInt16(port))
    } catch {
      throw HeadlessCommand.InputError(message: "--gdb \(port): \(error.description)")
    }
    server.log = { FileHandle.standardError.write(Data("irqscope: \($0)\n".utf8)) }
    server.onKill = {
      machine.tracer.flush()
      FileHandle.standardError.write(Data("irqscope: killed by gdb\n".utf8))
      exit(0)
    }
    FileHandle.standardError.write(Data("irqscope: gdb stub listening on 127.0.0.1:\(server.port)\n".utf8))
    server.start(waitForClient: waitForClient)
    return server
  }
}

import Emulator
import Foundation
import GDBStub

/// `--gdb PORT`, `-s` and `-S` for `run --headless`: starts the gdb stub on the machine before the run and ends it
/// after, telling a waiting gdb how the run ended.
struct GdbWiring {
  let options: GdbOptions

  init(options: Run) {
    self.options = options.gdbOptions
  }

  /// Starts the stub on `machine` (nil without --gdb/-s); bad options are input errors.
  func start(on machine: Machine) throws -> GDBServer? {
    let port: UInt16
    do {
      guard let chosen = try options.port() else { return nil }
      port = chosen
    } catch {
      throw HeadlessCommand.InputError(message: error.message)
    }
    let server: GDBServer
    do {
      server = try GDBServer(machine: machine, port: port)
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
    server.start(waitForClient: options.waitForGdb)
    return server
  }
}

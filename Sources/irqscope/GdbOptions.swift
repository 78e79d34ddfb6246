import ArgumentParser

/// `--gdb PORT`, `-s` and `-S`, shared by `run --headless` and the dashboard (QEMU's spelling of the same).
struct GdbOptions: ParsableArguments {
  /// QEMU's `-s`: the port it means.
  static let defaultPort = 1234

  @Option(help: "Serve gdb's remote protocol on 127.0.0.1:PORT (gdb: target remote :PORT).")
  var gdb: Int?

  @Flag(name: .customShort("s"), help: "Shorthand for --gdb 1234, as QEMU's -s.")
  var gdbShorthand = false

  @Flag(name: .customShort("S"), help: "Wait for gdb to connect before the first instruction, as QEMU's -S.")
  var waitForGdb = false

  /// A bad combination or port, in words for the person who typed it.
  struct Problem: Error {
    let message: String
  }

  /// The port to listen on, or nil without --gdb/-s.
  func port() throws(Problem) -> UInt16? {
    guard let port = gdb ?? (gdbShorthand ? Self.defaultPort : nil) else {
      if waitForGdb { throw Problem(message: "-S waits for gdb: give the port with --gdb PORT, or -s for 1234") }
      return nil
    }
    guard (0...65535).contains(port) else { throw Problem(message: "--gdb \(port): a TCP port is between 0 and 65535") }
    return UInt16(port)
  }
}

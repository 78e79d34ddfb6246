import ArgumentParser
import Emulator
import Foundation

/// The options every command that boots a machine shares: the dashboard, `run --headless` and `snapshot`.
struct MachineOptions: ParsableArguments {
  @Option(
    help:
      "The Multiboot kernel (ELF32, or any file with a Multiboot a.out-kludge header); default: the built-in teaching kernel."
  )
  var kernel: String?

  @Option(help: "RAM in MiB.")
  var memory: Int = 32

  @Option(help: "The kernel command line (Multiboot cmdline after the file name, as QEMU's -append).")
  var append: String = ""

  @Option(
    help:
      "Replay this libpcap capture into the network card at its recorded pace, from when the guest enables the receiver."
  )
  var pcap: String?

  @Option(help: "Replay the capture at this many frames per second of virtual time instead (e.g. 1000/s).")
  var pcapRate: String?

}

/// `--speed 1|N|max`.
struct SpeedArgument: ExpressibleByArgument, Sendable {
  /// Virtual seconds per wall second; nil = as fast as the host allows.
  var value: Double?

  init(value: Double?) { self.value = value }

  init?(argument: String) {
    if argument == "max" {
      value = nil
    } else if let number = Double(argument), number > 0, number <= 1_000_000 {
      value = number
    } else {
      return nil
    }
  }

  static var defaultCompletionKind: CompletionKind { .list(["1", "max"]) }
}

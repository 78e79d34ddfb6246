import ArgumentParser
import Emulator
import Foundation

/// `irqscope run`: boot a kernel and run it.
struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Boot a Multiboot kernel and run it.",
    discussion: """
      With --headless the machine runs in virtual time only, as fast as the host allows: the same kernel, script and
      options give the same trace, byte for byte. Exit status: 0 the run reached its end, 1 an expectation failed,
      2 bad input (kernel, script, options), or the guest's isa-debug-exit status ((value << 1) | 1).
      """)

  @Flag(help: "Run without the dashboard, in virtual time only.")
  var headless = false

  @Option(
    help:
      "The Multiboot kernel (ELF32, or any file with a Multiboot a.out-kludge header); default: the built-in teaching kernel."
  )
  var kernel: String?

  @Option(
    help:
      "A script of commands to run (wait, type, press, release, mask, unmask, nmi, packet, burst, pcap, expect, dump).")
  var script: String?

  @Option(help: "Write the interrupt trace here, one JSON object per line.")
  var trace: String?

  @Option(help: "Write the machine state here as JSON when the run ends.")
  var dump: String?

  @Option(help: "Copy COM1's output to this file, or - for standard output.")
  var serial: String?

  @Option(help: "Copy the debug console (port 0xE9) to this file, - for standard output, or none.")
  var debugcon: String = "-"

  @Option(help: "Stop after this many cycles of virtual time (100 MHz nominal clock).")
  var maxCycles: UInt64?

  @Option(help: "Stop after this many seconds of virtual time (default 10 without a script).")
  var maxSeconds: Double?

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

  @Option(help: "Start the real-time clock (CMOS) at this UTC time, YYYY-MM-DDTHH:MM:SS.")
  var rtc: String = "2026-01-01T00:00:00"

  @Option(help: "Serve gdb's remote protocol on 127.0.0.1:PORT (gdb: target remote :PORT).")
  var gdb: Int?

  @Flag(name: .customShort("s"), help: "Shorthand for --gdb 1234, as QEMU's -s.")
  var gdbShorthand = false

  @Flag(name: .customShort("S"), help: "Wait for gdb to connect before the first instruction, as QEMU's -S.")
  var waitForGdb = false

  func run() throws {
    guard headless else {
      FileHandle.standardError.write(Data("irqscope: the dashboard is not built yet; use run --headless\n".utf8))
      throw ExitCode(2)
    }
    let status = HeadlessCommand(options: self).execute()
    throw ExitCode(status)
  }
}

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

  @OptionGroup var machine: MachineOptions

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

  @Option(help: "Start the real-time clock (CMOS) at this UTC time, YYYY-MM-DDTHH:MM:SS.")
  var rtc: String = "2026-01-01T00:00:00"

  @OptionGroup var gdbOptions: GdbOptions

  func run() throws {
    guard headless else {
      // `run` without --headless is the dashboard (the same as `irqscope` alone).
      var dashboard = DashboardCLI()
      dashboard.machineOptions = machine
      dashboard.gdbOptions = gdbOptions
      try dashboard.run()
      return
    }
    let status = HeadlessCommand(options: self).execute()
    throw ExitCode(status)
  }
}

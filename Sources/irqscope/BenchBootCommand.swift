import ArgumentParser
import Emulator
import Foundation

struct BenchBoot: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "boot",
    abstract: "Virtual cycles and host milliseconds from reset to the teaching kernel's shell prompt.",
    discussion: """
      Boots the built-in teaching kernel (Guest/kernel/) with tracing off and stops when COM1 has sent the shell's
      prompt ("kernel$ "): the kernel's whole start-up — GDT, IDT, PIC, PIT, paging, the card found over PCI, the
      shell started in ring 3 by the first timer tick — and its log written to COM1 at 115200 baud. The virtual
      figure is the cycle at which the prompt's last byte went out (100 MHz nominal clock); the host figure is the
      wall time the emulator took to get there.
      """)

  @Option(help: "How many runs; the median and the best are printed.")
  var runs: Int = 5

  @Option(help: "Give up after this many virtual seconds without a prompt.")
  var limit: Double = 5

  /// The shell's prompt (Guest/kernel/shell.c).
  static let prompt = Array("kernel$ ".utf8)

  func run() throws {
    guard let kernel = BuiltInKernel.teaching else { throw ValidationError("the built-in teaching kernel is missing") }
    var hostFigures: [Double] = []
    var cycleFigures: [Double] = []
    for _ in 0..<max(1, runs) {
      let machine = try BenchHarness.machine(booting: kernel.bytes, name: kernel.name)
      final class Watch { var output: [UInt8] = [], promptCycle: UInt64? }
      let watch = Watch()
      machine.uart.onTransmit = { [unowned machine] byte in
        watch.output.append(byte)
        if watch.promptCycle == nil && watch.output.suffix(Self.prompt.count).elementsEqual(Self.prompt) {
          watch.promptCycle = machine.cpu.cycles
        }
      }
      let end = UInt64(limit * Double(Scheduler.nominalHz))
      let step = Scheduler.cycles(nanoseconds: 100_000)  // look every 100 µs of virtual time
      let seconds = BenchHarness.seconds {
        while watch.promptCycle == nil && machine.cpu.cycles < end { machine.run(cycles: step) }
      }
      guard let cycles = watch.promptCycle else {
        throw ValidationError("no shell prompt on COM1 within \(limit) virtual seconds")
      }
      hostFigures.append(seconds * 1000)
      cycleFigures.append(Double(cycles))
      print(
        String(
          format: "prompt after %llu cycles (%.2f ms of virtual time), %llu instructions, %.1f ms of host time",
          cycles, Double(cycles) / Double(Scheduler.nominalHz) * 1000, machine.cpu.instructions, seconds * 1000))
    }
    print(
      String(
        format: "bench boot: median %.0f cycles, %.1f host ms; best %.1f host ms (%d runs)",
        BenchHarness.median(cycleFigures), BenchHarness.median(hostFigures), hostFigures.min() ?? 0, hostFigures.count)
    )
  }
}

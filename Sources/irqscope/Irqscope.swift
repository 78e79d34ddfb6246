import ArgumentParser

/// `irqscope`: watch the PC interrupt path happen.
@main
struct Irqscope: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "irqscope",
    abstract: "An i386 PC emulator that shows the interrupt path: devices, the 8259A PICs, the IDT, the CPU.",
    discussion: """
      Watch the built-in teaching kernel (or any Multiboot kernel) live: type to fire IRQ 1, F1 for help:
        irqscope [--kernel kernel.elf]
      Boot a Multiboot kernel headless, with a script, a trace and a dump:
        irqscope run --headless --kernel kernel.elf --script demo.irqs --trace trace.jsonl
      Measure the emulator:
        irqscope bench cpu
        irqscope bench irq
      Check the CPU against the host processor:
        irqscope conformance --cases 1000000
      """,
    subcommands: [DashboardCLI.self, Run.self, Bench.self, ConformanceCommand.self, Keys.self, SnapshotCommand.self],
    defaultSubcommand: DashboardCLI.self
  )
}

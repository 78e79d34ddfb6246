import ArgumentParser
import Emulator
import Foundation

/// `irqscope bench …`: how fast the emulator runs, in host time.
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Measure the emulator's speed.",
    subcommands: [BenchCPU.self, BenchIRQ.self, BenchNet.self, BenchSnapshot.self, BenchUI.self, BenchBoot.self])
}

/// Shared by the benchmarks: boot a kernel with tracing off and time how long the host takes to run it.
enum BenchHarness {
  /// Runs a workload kernel until it exits through port 0xF4 (or 2⁴⁰ cycles pass).
  static func runToExit(_ machine: Machine) {
    while machine.exitStatus == nil && machine.cpu.cycles < 1 << 40 { machine.run(cycles: 1 << 30) }
  }

  static func machine(
    booting kernel: [UInt8], name: String, commandLine: String = "", patch: [String: UInt32] = [:]
  ) throws -> Machine {
    let machine = Machine(configuration: Machine.Configuration(tracing: false))
    do {
      try machine.boot(kernel: kernel, fileName: name, commandLine: commandLine)
    } catch {
      throw ValidationError(error.description)
    }
    for (symbol, value) in patch {
      guard let address = machine.kernel?.symbols.address(of: symbol) else {
        throw ValidationError("\(name): no symbol \(symbol) to patch")
      }
      machine.memory.write32(address, value)
    }
    return machine
  }

  static func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  }

  static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
}

struct BenchCPU: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cpu",
    abstract: "Guest MIPS on a fixed integer workload (ALU, loads and stores, calls, branches).",
    discussion: """
      The workload (Guest/bench/cpu-workload.S) executes exactly 21·K + 14 instructions; the benchmark checks the
      count and the loop's checksum against a model, then prints millions of guest instructions per host second.
      With --kernel it times any Multiboot kernel that exits through port 0xF4 instead (e.g. the yardsticks).
      """)

  @Option(help: "Loop iterations K.")
  var iterations: UInt32 = 20_000_000

  @Option(help: "How many runs; the median and the best are printed.")
  var runs: Int = 3

  @Option(help: "Time this Multiboot kernel instead of the built-in workload.")
  var kernel: String?

  func run() throws {
    var figures: [Double] = []
    for _ in 0..<max(1, runs) {
      let machine: Machine
      if let kernel {
        guard let data = FileManager.default.contents(atPath: kernel) else {
          throw ValidationError("\(kernel): cannot read the kernel file")
        }
        machine = try BenchHarness.machine(booting: [UInt8](data), name: kernel)
      } else {
        guard let workload = BuiltInKernels.benchCPU else { throw ValidationError("the built-in workload is missing") }
        machine = try BenchHarness.machine(booting: workload, name: "bench-cpu.elf", patch: ["iterations": iterations])
      }
      let seconds = BenchHarness.seconds { BenchHarness.runToExit(machine) }
      let instructions = machine.cpu.instructions
      if kernel == nil { try verify(machine, instructions: instructions) }
      let mips = Double(instructions) / seconds / 1e6
      figures.append(mips)
      print(String(format: "%llu instructions in %.3f s: %.1f MIPS", instructions, seconds, mips))
    }
    print(
      String(
        format: "bench cpu: median %.1f MIPS, best %.1f MIPS (%d runs)", BenchHarness.median(figures),
        figures.max() ?? 0, figures.count))
  }

  /// The instruction count and the checksum must match the model, or the figure means nothing.
  private func verify(_ machine: Machine, instructions: UInt64) throws {
    let expected = 21 * UInt64(iterations) + 14
    guard instructions == expected else {
      throw ValidationError("executed \(instructions) instructions, the workload has exactly \(expected)")
    }
    guard let resultAddress = machine.kernel?.symbols.address(of: "result") else { return }
    let result = machine.memory.read32(resultAddress)
    guard result == Self.model(iterations: iterations) else {
      throw ValidationError(
        String(format: "checksum %08X differs from the model's %08X", result, Self.model(iterations: iterations)))
    }
  }

  /// The loop of cpu-workload.S in Swift: the checksum (EBP) the guest must end with.
  static func model(iterations: UInt32) -> UInt32 {
    var word: UInt32 = 0x1234_5678
    var ecx = iterations
    var edx: UInt32 = 0
    var ebp: UInt32 = 0x9E37_79B9
    while ecx != 0 {
      var eax = (word &+ ecx) ^ 0x5A5A_5A5A
      eax = (eax << 3) &- edx
      word = eax
      ebp = (ebp &+ eax).rotatedLeft(by: 5)
      edx &+= 1
      ecx &-= 1
    }
    return ebp
  }
}

extension UInt32 {
  func rotatedLeft(by n: UInt32) -> UInt32 { (self << n) | (self >> (32 - n)) }
}

struct BenchIRQ: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "irq",
    abstract: "Timer interrupts delivered per host second: PIT at its fastest, a minimal handler (EOI, IRET).",
    discussion: """
      The guest (Guest/bench/irq-workload.S) programs PIT channel 0 in mode 2 with count 2 (596,591 interrupts per
      virtual second) and counts them in its handler. The whole path runs for each one: the PIT's OUT edge, the
      8259A's IRR and priority logic, INTR, INTA, the IDT gate, the handler's EOI, IRET, HLT.
      """)

  @Option(help: "Virtual seconds to run.")
  var seconds: Double = 2

  @Option(help: "How many runs; the median and the best are printed.")
  var runs: Int = 3

  @Flag(help: "Keep the interrupt trace on, as the dashboard does.")
  var tracing = false

  func run() throws {
    guard let workload = BuiltInKernels.benchIRQ else { throw ValidationError("the built-in workload is missing") }
    var figures: [Double] = []
    for _ in 0..<max(1, runs) {
      let machine = Machine(configuration: Machine.Configuration(tracing: tracing))
      try machine.boot(kernel: workload, fileName: "bench-irq.elf")
      guard let ticksAddress = machine.kernel?.symbols.address(of: "ticks") else {
        throw ValidationError("bench-irq.elf has no ticks symbol")
      }
      let cycles = UInt64(seconds * Double(Scheduler.nominalHz))
      let elapsed = BenchHarness.seconds { machine.run(cycles: cycles) }
      let delivered = machine.memory.read32(ticksAddress)
      let rate = Double(delivered) / elapsed
      figures.append(rate)
      print(String(format: "%u interrupts in %.3f s of host time: %.0f per second", delivered, elapsed, rate))
    }
    print(
      String(
        format: "bench irq: median %.0f interrupts/s, best %.0f (%d runs)", BenchHarness.median(figures),
        figures.max() ?? 0, figures.count))
  }
}

@testable import Dashboard
@testable import Emulator

/// Snapshots of a real machine: the e1000 driver kernel (bench-net.elf, shipped in the Emulator's resources) booted
/// and run, with packets injected, so the composed screen shows what the Machine really produces.
enum LiveSnapshot {
  struct Pair {
    var previous: MachineSnapshot
    var current: MachineSnapshot
  }

  /// Two snapshots 10 ms of virtual time apart, after 10 ms of boot and a few packets.
  static func make() throws -> Pair {
    guard let kernel = BuiltInKernels.benchNet else { throw LiveSnapshotError.missingKernel }
    let machine = Machine(configuration: .init(memoryBytes: 32 << 20))
    try machine.boot(kernel: kernel, fileName: "bench-net.elf")
    machine.run(cycles: Scheduler.nominalHz / 100)
    let previous = machine.snapshot(number: 1)
    try machine.injectBurst(3)
    machine.run(cycles: Scheduler.nominalHz / 100)
    let current = machine.snapshot(number: 2, traceFrom: previous.traceSequence)
    return Pair(previous: previous, current: current)
  }
}

enum LiveSnapshotError: Error {
  case missingKernel
}

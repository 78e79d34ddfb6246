import Foundation

@testable import Emulator

/// The e1000 driver kernel of Guest/net, built from its source for the network tests: the same clang and ld.lld
/// commands, flags and linker script as Guest/build-bench.sh, so the tests prove the source and not only the
/// committed Sources/Emulator/Resources/bench-net.elf.
///
/// Symbols the tests read back (see Guest/net/driver.c): `nic_bar0`, `nic_irq_line`, `nic_mac`, `driver_ready`,
/// `rx_frames`, `rx_bytes`, `rx_interrupts`, `rx_log` (64 × 64 bytes: the start of frame n in row n % 64),
/// `rx_log_length` (64 × u16), `rx_ring` and `rx_buffers` (16 × 2048), `tx_ring`, `mpc_total`, `rxo_seen`,
/// `rxdmt0_seen`, `tx_frames`, `rx_eop_missing`, `exception_vector`, and the IRQ entry `nic_entry`.
struct NetDriverKernel: Sendable {
  let elf: [UInt8]
  let symbols: [String: UInt32]

  /// The ring the driver sets up: 16 descriptors of 2048-byte buffers.
  static let ringSize = 16
  static let bufferSize = 2048
  /// Rows of `rx_log` and how many bytes of each frame a row keeps.
  static let logRows = 64
  static let logRowBytes = 64

  /// Built once per test process; every network suite shares it.
  static let shared = Result { try NetDriverKernel.build() }

  /// The repository's root, found from this file's place in it (Tests/EmulatorTests/EndToEnd/).
  static var repositoryRoot: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
  }

  /// Compiles Guest/net/driver.c and boot.S and links them with Guest/bench/link.ld, as Guest/build-bench.sh does.
  static func build() throws -> NetDriverKernel {
    let guest = repositoryRoot.appendingPathComponent("Guest")
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("irqscope-net-driver-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let target = "--target=i386-unknown-none-elf"
    let driver = directory.appendingPathComponent("driver.o").path
    let boot = directory.appendingPathComponent("boot.o").path
    let output = directory.appendingPathComponent("bench-net.elf")
    try Toolchain.run(
      "clang",
      [
        target, "-ffreestanding", "-fno-pic", "-fno-stack-protector", "-mgeneral-regs-only", "-O2", "-Wall", "-c",
        guest.appendingPathComponent("net/driver.c").path, "-o", driver,
      ], in: directory)
    try Toolchain.run(
      "clang", [target, "-c", guest.appendingPathComponent("net/boot.S").path, "-o", boot], in: directory)
    try Toolchain.run(
      "ld.lld",
      ["-m", "elf_i386", "-T", guest.appendingPathComponent("bench/link.ld").path, "-o", output.path, boot, driver],
      in: directory)
    let kernel = Toolchain.Kernel(elf: [UInt8](try Data(contentsOf: output)), path: output, directory: directory)
    return NetDriverKernel(elf: kernel.elf, symbols: try kernel.nm())
  }

  /// The address of a symbol the driver must define.
  func address(_ name: String) throws -> UInt32 {
    guard let address = symbols[name] else { throw Toolchain.Failure(description: "the driver has no symbol \(name)") }
    return address
  }
}

/// A machine running the driver kernel, with its whole trace kept, and readers for the driver's variables.
final class NetDriverRun {
  let machine: Machine
  let kernel: NetDriverKernel
  /// Every trace event, in order (the tracer itself keeps only the most recent ones).
  var events: [TraceEvent] { log.events }
  private let log = EventLog()

  private final class EventLog { var events: [TraceEvent] = [] }

  /// Boots the driver with `commandLine` (`quiet`, `slow=N`, `echo`, `serial`) and runs until it has set the card
  /// up and waits for interrupts (`driver_ready`).
  init(commandLine: String = "quiet", tracing: Bool = true) throws {
    kernel = try NetDriverKernel.shared.get()
    machine = Machine(configuration: Machine.Configuration(tracing: tracing))
    try machine.boot(kernel: kernel.elf, fileName: "bench-net.elf", commandLine: commandLine)
    if tracing { machine.tracer.onEvent = { [log] in log.events.append($0) } }
    let oneMillisecond = Scheduler.cycles(nanoseconds: 1_000_000)
    var waited = 0
    while try value("driver_ready") == 0 && waited < 100 {
      machine.run(cycles: oneMillisecond)
      waited += 1
    }
    guard try value("driver_ready") == 1 else {
      throw Toolchain.Failure(description: "the driver did not get ready in 100 ms:\n\(screen)")
    }
  }

  /// A 32-bit driver variable.
  func value(_ symbol: String) throws -> UInt32 { machine.memory.read32(try kernel.address(symbol)) }

  func bytes(_ symbol: String, offset: Int = 0, count: Int) throws -> [UInt8] {
    let start = try kernel.address(symbol) &+ UInt32(offset)
    guard let bytes = machine.memory.read(start, count: count) else {
      throw Toolchain.Failure(description: "\(symbol)+\(offset) is outside RAM")
    }
    return bytes
  }

  /// The first bytes of the n-th frame the driver received (counted from 0), as it logged them.
  func logged(frame n: Int) throws -> [UInt8] {
    let row = n % NetDriverKernel.logRows
    let length = Int(machine.memory.read16(try kernel.address("rx_log_length") &+ UInt32(2 * row)))
    return try bytes(
      "rx_log", offset: row * NetDriverKernel.logRowBytes, count: min(length, NetDriverKernel.logRowBytes))
  }

  /// The length the driver logged for the n-th frame.
  func loggedLength(frame n: Int) throws -> Int {
    Int(machine.memory.read16(try kernel.address("rx_log_length") &+ UInt32(2 * (n % NetDriverKernel.logRows))))
  }

  /// The receive buffer of ring slot `slot`.
  func buffer(slot: Int, count: Int) throws -> [UInt8] {
    try bytes("rx_buffers", offset: slot * NetDriverKernel.bufferSize, count: count)
  }

  /// Runs for `microseconds` of virtual time.
  func run(microseconds: UInt64) { machine.run(cycles: Scheduler.cycles(nanoseconds: microseconds * 1_000)) }

  var screen: String { machine.vga.textLines().joined(separator: "\n") }

  func events(_ kind: TraceEvent.Kind) -> [TraceEvent] { events.filter { $0.kind == kind } }

  /// IRQ 11 deliveries (flushing the tracer first so none waits for its EOI in the trace).
  var nicInterrupts: [TraceEvent] {
    machine.tracer.flush()
    return events.filter { $0.kind == .irq && $0.irq == 11 }
  }
}

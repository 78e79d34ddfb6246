import ArgumentParser
import Emulator
import Foundation

struct BenchNet: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "net",
    abstract: "Received frames per host second through the whole path: wire, DMA, IRQ 11 through the cascade, driver.",
    discussion: """
      The guest (Guest/net/, built into bench-net.elf, run with `quiet`) is an e1000 driver with a 16-descriptor ring:
      for each interrupt it reads ICR, walks the descriptors while DD is set, logs each frame and gives the buffer
      back through RDT, then sends EOI to both PICs. The host puts UDP datagrams on the wire at a fixed virtual
      interval; each is DMA-written into the ring, raises ICR.RXT0, IRQ 11, the slave 8259A, the master's IR2, INTR.
      The figure counts frames the card delivered per host second; the run is checked: the driver must have counted
      every delivered frame and byte, and the frames the card missed are reported.
      """)

  @Option(help: "Frames to inject per run.")
  var frames: Int = 400_000

  @Option(help: "Virtual microseconds between frames (the guest must keep up: 2 µs is 500,000 frames/s).")
  var interval: Double = 2

  @Option(help: "Frame length in bytes (60–1514).")
  var length: Int = 64

  @Option(help: "How many runs; the median and the best are printed.")
  var runs: Int = 3

  func run() throws {
    guard let kernel = BuiltInKernels.benchNet else { throw ValidationError("the built-in driver kernel is missing") }
    guard frames > 0, interval > 0, (60...1514).contains(length) else {
      throw ValidationError("--frames and --interval must be positive, --length 60–1514")
    }
    // A pool of distinct datagrams, made before the clock starts: the generator is not part of the path.
    let pool = try (1...256).map { try EthernetFrame.udp(to: E1000.defaultMAC, sequence: UInt32($0), length: length) }
    let spacing = max(1, Scheduler.cycles(nanoseconds: UInt64(interval * 1000)))
    var figures: [Double] = []
    for _ in 0..<max(1, runs) {
      let machine = try BenchHarness.machine(booting: kernel, name: "bench-net.elf", commandLine: "quiet")
      let symbols = try ["driver_ready", "rx_frames", "rx_bytes", "mpc_total"].map { name in
        guard let address = machine.kernel?.symbols.address(of: name) else {
          throw ValidationError("bench-net.elf has no symbol \(name)")
        }
        return address
      }
      machine.run(cycles: Scheduler.nominalHz / 100)  // 10 ms: the driver sets the card up
      guard machine.memory.read32(symbols[0]) == 1 else { throw ValidationError("the driver did not start") }
      let feeder = FrameFeeder(machine: machine, pool: pool, count: frames, spacing: spacing)
      let instructionsBefore = machine.cpu.instructions
      let elapsed = BenchHarness.seconds {
        feeder.start()
        while !feeder.done || machine.wire.queued > 0 { machine.run(cycles: 1_000_000) }
        machine.run(cycles: 1_000_000)  // 10 ms more: the driver drains the ring
      }
      let nic = machine.nic.state
      let guestFrames = Int(machine.memory.read32(symbols[1]))
      let guestBytes = machine.memory.read32(symbols[2])
      guard nic.framesInjected == frames, nic.framesDelivered + nic.framesMissed == frames else {
        throw ValidationError("injected \(nic.framesInjected) of \(frames); delivered + missed must equal injected")
      }
      guard guestFrames == nic.framesDelivered, guestBytes == UInt32(truncatingIfNeeded: guestFrames * length) else {
        throw ValidationError(
          "the driver counted \(guestFrames) frames (\(guestBytes) bytes), the card delivered \(nic.framesDelivered)")
      }
      let rate = Double(nic.framesDelivered) / elapsed
      figures.append(rate)
      let perFrame = Double(machine.cpu.instructions - instructionsBefore) / Double(max(1, nic.framesDelivered))
      print(
        String(
          format: "%d frames delivered, %d missed (driver's MPC total %u), %.0f guest instructions per frame, "
            + "%.3f s of host time: %.0f frames/s",
          nic.framesDelivered, nic.framesMissed, machine.memory.read32(symbols[3]), perFrame, elapsed, rate))
    }
    print(
      String(
        format: "bench net: median %.0f frames/s, best %.0f (%d runs)", BenchHarness.median(figures),
        figures.max() ?? 0, figures.count))
  }
}

/// Puts one frame on the wire every `spacing` cycles of virtual time, `count` in all.
private final class FrameFeeder {
  let machine: Machine
  let pool: [[UInt8]]
  let count: Int
  let spacing: UInt64
  private var sent = 0

  init(machine: Machine, pool: [[UInt8]], count: Int, spacing: UInt64) {
    self.machine = machine
    self.pool = pool
    self.count = count
    self.spacing = spacing
  }

  var done: Bool { sent == count }

  func start() { next() }

  private func next() {
    machine.inject(frame: pool[sent % pool.count])
    sent += 1
    guard sent < count else { return }
    machine.scheduler.schedule(after: spacing, device: "bench", what: "inject a frame") { [unowned self] in next() }
  }
}

import ArgumentParser
import Emulator
import Foundation

struct BenchSnapshot: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "snapshot",
    abstract: "Host time to take Machine.snapshot() of a busy machine (the dashboard takes one per frame).",
    discussion: """
      The machine runs bench-net.elf (its e1000 driver) with tracing on and takes bursts of frames until the trace
      ring has wrapped (more than InterruptTracer.capacity records). Then the card's receive and transmit rings are
      re-programmed through its registers (MMIO, as a driver would) to 256 descriptors each, in RAM the host fills
      with descriptors, half of them done (DD). Every snapshot holds the IDT, 256 + 256 ring slots, the VGA cells,
      the code window, the scheduler's queue and the serial tail, plus trace records:
      - per frame (the figure the target applies to): as the dashboard takes them, the records finished since the
        previous snapshot, with the machine run for one 30 Hz frame of virtual time between snapshots while frames
        arrive at --rate per second (the host gives the descriptors back, as a driver would);
      - full window: the newest MachineSnapshot.traceLimit records every time (a pane opened on a full ring: the
        most one snapshot ever converts).
      The target is under 50 µs per frame.
      """)

  @Option(help: "Snapshots to time in each mode; the median and the best are printed.")
  var count: Int = 300

  @Option(help: "Frames per virtual second arriving at the card in the per-frame mode.")
  var rate: Int = 3000

  /// Where the host puts the 256-descriptor rings and their buffers (above the driver's memory in 32 MiB).
  static let rxRingBase: UInt32 = 0x0100_0000
  static let txRingBase: UInt32 = 0x0101_0000
  static let bufferBase: UInt32 = 0x0110_0000
  static let descriptors: UInt32 = 256

  func run() throws {
    guard count > 0 else { throw ValidationError("--count must be positive") }
    let machine = try Self.busyMachine()
    let traceFrom = machine.tracer.nextSequence &- UInt64(MachineSnapshot.traceLimit)
    var times: [Double] = []
    times.reserveCapacity(count)
    var check = machine.snapshot(traceFrom: traceFrom)
    guard check.nic.rxRing.count == Int(Self.descriptors), check.nic.txRing.count == Int(Self.descriptors),
      check.trace.count == MachineSnapshot.traceLimit
    else {
      throw ValidationError(
        "the busy machine is not as described: \(check.nic.rxRing.count) RX and \(check.nic.txRing.count) TX slots, "
          + "\(check.trace.count) trace records")
    }
    for index in 0..<count {
      let start = DispatchTime.now().uptimeNanoseconds
      check = machine.snapshot(number: UInt64(index), traceFrom: traceFrom)
      let end = DispatchTime.now().uptimeNanoseconds
      times.append(Double(end - start) / 1000)
    }
    let window = (median: BenchHarness.median(times), best: times.min() ?? 0)

    // Dashboard cadence: one 30 Hz frame of virtual time between snapshots, frames arriving meanwhile.
    let frame = Scheduler.nominalHz / 30
    let arrivals = max(1, rate / 30)
    let registers = machine.nicPCI.bar(0)
    var cursor = machine.tracer.nextSequence
    var records: [Double] = []
    times.removeAll()
    for index in 0..<count {
      let head = machine.mmio.read(registers + 0x2810, size: 4)
      machine.mmio.write(registers + 0x2818, size: 4, value: (head + Self.descriptors - 1) % Self.descriptors)
      for arrival in 0..<arrivals {
        _ = machine.inject(
          frame: try EthernetFrame.udp(to: E1000.defaultMAC, sequence: UInt32(arrival), length: 64),
          at: machine.cpu.cycles + UInt64(arrival) * frame / UInt64(arrivals))
      }
      machine.run(cycles: frame)
      let start = DispatchTime.now().uptimeNanoseconds
      check = machine.snapshot(number: UInt64(count + index), traceFrom: cursor)
      let end = DispatchTime.now().uptimeNanoseconds
      cursor = check.traceSequence
      times.append(Double(end - start) / 1000)
      records.append(Double(check.trace.count))
    }
    print(
      String(
        format: "bench snapshot: per frame median %.1f µs, best %.1f µs (%d snapshots, median %.0f new trace records "
          + "each at %d frames/s); full window of %d records median %.1f µs, best %.1f µs; each with %d + %d ring "
          + "slots and %d IDT vectors", BenchHarness.median(times), times.min() ?? 0, times.count,
        BenchHarness.median(records), rate, MachineSnapshot.traceLimit, window.median, window.best,
        check.nic.rxRing.count, check.nic.txRing.count, check.vectors.count))
  }

  /// bench-net.elf with its driver running, the trace ring wrapped, and both of the card's rings 256 long.
  static func busyMachine() throws -> Machine {
    guard let kernel = BuiltInKernels.benchNet else { throw ValidationError("the built-in driver kernel is missing") }
    let machine = Machine(configuration: Machine.Configuration(tracing: true))
    do {
      try machine.boot(kernel: kernel, fileName: "bench-net.elf", commandLine: "quiet")
    } catch {
      throw ValidationError(error.description)
    }
    machine.run(cycles: Scheduler.nominalHz / 100)  // 10 ms: the driver sets the card up
    var rounds = 0
    while machine.tracer.nextSequence < UInt64(InterruptTracer.capacity) * 5 / 4 {
      try machine.injectBurst(64)
      machine.run(cycles: Scheduler.nominalHz / 1000)
      rounds += 1
      guard rounds < 10_000 else { throw ValidationError("the trace did not fill: is the driver running?") }
    }
    // The host fills both rings in RAM, then points the card at them through its registers.
    for slot in 0..<descriptors {
      let buffer = UInt64(bufferBase + slot * 2048)
      for (ring, status) in [(rxRingBase, UInt8(slot % 2 == 0 ? 0x03 : 0)), (txRingBase, UInt8(0x01))] {
        let address = ring + slot * 16
        machine.memory.write32(address, UInt32(truncatingIfNeeded: buffer))
        machine.memory.write32(address + 4, UInt32(truncatingIfNeeded: buffer >> 32))
        machine.memory.write16(address + 8, 64)
        machine.memory.write8(address + 11, ring == txRingBase ? 0x0B : 0)
        machine.memory.write8(address + 12, status)
      }
    }
    let registers = machine.nicPCI.bar(0)
    let writes: [(UInt32, UInt32)] = [
      (0x2800, rxRingBase), (0x2804, 0), (0x2808, descriptors * 16), (0x2810, 0), (0x2818, descriptors / 2),
      (0x3800, txRingBase), (0x3804, 0), (0x3808, descriptors * 16), (0x3810, 0), (0x3818, 0),
    ]
    for (offset, value) in writes { machine.mmio.write(registers + offset, size: 4, value: value) }
    return machine
  }
}

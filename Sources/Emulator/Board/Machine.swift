import Synchronization

/// The PC: RAM, the port and MMIO maps, the CPU and the devices wired as on a PC with QEMU's BIOS left behind.
///
///     PIT channel 0 → IRQ0   keyboard (8042) → IRQ1   slave PIC → IRQ2   COM1 → IRQ4   NIC → IRQ11
///
/// Everything runs in virtual time: `run(until:)` alternates between the CPU (up to the next device event) and the
/// Scheduler's due events. Nothing here reads the wall clock, so the same kernel and inputs give the same run.
/// The machine is not thread-safe: confine it to one queue (the dashboard's machine queue, or the headless runner).
public final class Machine {
  public struct Configuration: Sendable {
    /// RAM in bytes (a multiple of 4 KiB, at least 2 MiB).
    public var memoryBytes: Int = 32 << 20
    /// Whether to keep the interrupt trace (off for benchmarks that measure the bare path).
    public var tracing = true

    public init(memoryBytes: Int = 32 << 20, tracing: Bool = true) {
      self.memoryBytes = memoryBytes
      self.tracing = tracing
    }
  }

  public let configuration: Configuration
  public let memory: PhysicalMemory
  public let io = IOBus()
  public let mmio = MMIOMap()
  public let scheduler = Scheduler()
  public let cpu: CPU
  public let pics: PICPair
  public let pit: PIT8254
  public let portB: SystemControlPortB
  public let keyboard: Keyboard8042
  /// The MC146818A clock and CMOS RAM at 0x70/0x71, IRQ 8.
  public let rtc: RTC146818
  public let uart: UART16550
  public let vga: VGAText
  public let debugExit = DebugExit()
  public let post = POSTPort()
  public let debugConsole = DebugConsole()
  public let portA = SystemControlPortA()
  /// PCI bus 0: the host bridge at 00:00.0 and the network card at 00:03.0 (QEMU's slot for the first NIC).
  public let pci = PCIBus()
  public let hostBridgePCI = PCIConfigSpace(vendor: 0x8086, device: 0x1237, classCode: 0x06_0000, revision: 2)
  public let nicPCI: PCIConfigSpace
  public let nic: E1000
  /// The cable into the card: injected frames arrive over it at line rate.
  public let wire: EthernetWire
  /// The sequence number of the last generated frame.
  public internal(set) var packetSequence: UInt32 = 0
  /// Captures being replayed onto the wire.
  var replays: [PcapReplay] = []
  public let tracer = InterruptTracer()
  private let irqRouter: IRQRouter

  /// The kernel image, kept so a reset can boot it again as QEMU's `-kernel` does after a triple fault.
  public private(set) var kernel: LoadedKernel?
  private var kernelImage: (bytes: [UInt8], fileName: String, commandLine: String)?
  /// Why the machine reset, oldest first (triple faults, 8042 and port 0x92 reset requests).
  public private(set) var resets: [String] = []

  public init(configuration: Configuration = Configuration()) {
    self.configuration = configuration
    memory = PhysicalMemory(size: configuration.memoryBytes)
    cpu = CPU(memory: memory, io: io, mmio: mmio)
    pics = PICPair()
    irqRouter = IRQRouter(pics: pics, scheduler: scheduler, tracer: configuration.tracing ? tracer : nil)
    pit = PIT8254(scheduler: scheduler, irq0: IRQLine(irq: 0, sink: irqRouter))
    portB = SystemControlPortB(pit: pit)
    keyboard = Keyboard8042(
      scheduler: scheduler, irq: IRQLine(irq: 1, sink: irqRouter), irq12: IRQLine(irq: 12, sink: irqRouter))
    rtc = RTC146818(scheduler: scheduler, irq: IRQLine(irq: 8, sink: irqRouter), memoryBytes: configuration.memoryBytes)
    uart = UART16550(scheduler: scheduler, irq: IRQLine(irq: 4, sink: irqRouter))
    vga = VGAText(memory: memory)
    let nic = E1000(memory: memory, scheduler: scheduler, irq: IRQLine(irq: Machine.nicIRQ, sink: irqRouter))
    self.nic = nic
    // As SeaBIOS leaves the card: memory decoding and bus mastering on, BAR0 at QEMU's usual address, IRQ 11.
    nicPCI = PCIConfigSpace(
      vendor: E1000.pciVendorID, device: E1000.pciDeviceID, classCode: 0x02_0000, revision: 3,
      subsystemVendor: 0x8086, subsystem: 0x001E, interruptLine: UInt8(Machine.nicIRQ), interruptPin: 1,
      command: 0x0007)
    nicPCI.defineMemoryBAR(0, size: E1000.mmioSize, base: Machine.nicMMIOBase)
    wire = EthernetWire(scheduler: scheduler) { [unowned nic] frame in nic.receive(frame) }
    connectDevices()
    powerOn()
  }

  /// Where BAR0 puts the card's registers until the guest moves them, and its IRQ line.
  public static let nicMMIOBase: UInt32 = 0xFEBC_0000
  public static let nicIRQ = 11

  private func connectDevices() {
    let picTap = PICPortTap(machine: self)
    io.map(0x20...0x21, to: picTap)
    io.map(0xA0...0xA1, to: picTap)
    io.map(0x4D0...0x4D1, to: picTap)
    io.map(0x40...0x43, to: pit)
    io.map(0x61...0x61, to: portB)
    io.map(0x60...0x60, to: keyboard)
    io.map(0x64...0x64, to: keyboard)
    io.map(0x70...0x71, to: rtc)
    rtc.onNMIDisableChange = { [unowned(unsafe) self] disabled in cpu.setNMIMasked(disabled) }
    io.map(0x3F8...0x3FF, to: uart)
    io.map(0x3C0...0x3CF, to: vga)
    io.map(0x3D4...0x3D5, to: vga)
    io.map(0x3DA...0x3DA, to: vga)
    io.map(0xF4...0xF4, to: debugExit)
    io.map(0x80...0x80, to: post)
    io.map(0xE9...0xE9, to: debugConsole)
    io.map(0x92...0x92, to: portA)
    io.map(0xCF8...0xCFF, to: pci)
    pci.attach(hostBridgePCI, device: 0)
    pci.attach(nicPCI, device: 3)
    mmio.map(base: Machine.nicMMIOBase, size: E1000.mmioSize, to: nic)
    nicPCI.onBARChange = { [unowned(unsafe) self] index, base in
      if index == 0 { mmio.move(nic, to: base) }
    }
    nicPCI.onCommandChange = { [unowned(unsafe) self] command in
      mmio.setEnabled(nic, command & 0x0002 != 0)  // memory space enable
      nic.busMasterEnabled = command & 0x0004 != 0
      nic.interruptDisabled = command & 0x0400 != 0
    }

    // The machine owns every object these closures are stored in, so they never outlive it; `unowned(unsafe)`
    // spares the reference counting on paths that run a million times per second.
    // Device I/O happens in the middle of a CPU slice: bring the clock up to date first, and end the slice early
    // when the I/O scheduled an event before its end.
    io.willAccess = { [unowned(unsafe) self] in scheduler.now = cpu.cycles }
    scheduler.onEarlierEvent = { [unowned(unsafe) self] time in cpu.limitRun(to: time) }
    mmio.willAccess = { [unowned(unsafe) self] in scheduler.now = cpu.cycles }

    pics.onINTRChange = { [unowned(unsafe) self] level in cpu.setINTR(level) }
    cpu.acknowledgeInterrupt = { [unowned(unsafe) self] in acknowledgeInterrupt() }
    if configuration.tracing {
      cpu.onDelivery = { [unowned(unsafe) self] record in tracer.delivered(record) }
    }
    cpu.onTripleFault = { [unowned(unsafe) self] reason in reset(reason: reason) }
    if configuration.tracing { traceNetwork() }
    keyboard.onReset = { [unowned(unsafe) self] in reset(reason: "reset requested through the 8042 (command 0xFE)") }
    portA.onReset = { [unowned(unsafe) self] in reset(reason: "reset requested through port 0x92") }
    debugExit.onExit = { [unowned(unsafe) self] _ in cpu.requestStop() }
  }

  /// Puts every device in the state QEMU's BIOS leaves before it boots a kernel.
  private func powerOn() {
    scheduler.cancelAll()
    pics.resetToBIOSState()
    pit.resetToBIOSState()
    keyboard.resetToBIOSState()
    rtc.reset()
    vga.clearToBIOSState()
    wire.clear()
    replays.removeAll()
    nic.reset()
    nicPCI.reset()
    // SeaBIOS makes the PCI interrupt lines 10 and 11 level-triggered in the ELCR.
    pics.portWrite(0x4D1, size: 1, value: 0x0C)
    // COM1 with 8 data bits, no parity, 1 stop bit: a kernel that never programs the UART prints whole bytes, as
    // it does under QEMU (whose UART sends 8 bits whatever LCR says).
    uart.portWrite(UART16550.com1Base + 3, size: 1, value: 0x03)
    cpu.reset()
    cpu.setINTR(pics.intr)
  }

  // MARK: Booting

  /// Loads a Multiboot kernel and sets the CPU up as `qemu-system-i386 -kernel` hands over to it.
  public func boot(kernel bytes: [UInt8], fileName: String, commandLine: String = "") throws(LoadError) {
    let loaded = try MultibootLoader.load(bytes, fileName: fileName, into: memory, commandLine: commandLine)
    kernel = loaded
    kernelImage = (bytes, fileName, commandLine)
    tracer.symbolizer = { [symbols = loaded.symbols] in symbols.describe($0) }
    enter(loaded)
  }

  private func enter(_ loaded: LoadedKernel) {
    cpu.gdtr = TableRegister(base: loaded.gdtBase, limit: loaded.gdtLimit)
    cpu.idtr = TableRegister(base: 0, limit: 0x3FF)  // the real-mode table the BIOS leaves behind
    cpu.setSegment(.cs, CPU.flatSegment(selector: 0x08, code: true))
    for s in [SegmentRegister.ds, .es, .fs, .gs, .ss] {
      cpu.setSegment(s, CPU.flatSegment(selector: 0x10, code: false))
    }
    cpu[.eax] = MultibootLoader.bootMagic
    cpu[.ebx] = loaded.multibootInfoAddress
    cpu[.esp] = loaded.initialESP
    cpu.eip = loaded.entry
    cpu.eflags = 0x2
  }

  /// Resets the whole machine and, if a kernel was booted, boots it again.
  public func reset(reason: String) {
    resets.append(reason)
    if configuration.tracing { tracer.reset(reason: reason, at: cpu.cycles) }
    let now = cpu.cycles
    let lostFrames = wire.queued + replayFramesPending
    if lostFrames > 0 {
      noteDropped(source: "nic", detail: "\(lostFrames) frame(s) on their way to the card were lost: the machine reset")
    }
    powerOn()
    cpu.cycles = now
    // RAM keeps its contents across a reset, as on a PC; the kernel image is loaded again, as QEMU's -kernel does.
    if let image = kernelImage {
      if let loaded = try? MultibootLoader.load(
        image.bytes, fileName: image.fileName, into: memory, commandLine: image.commandLine)
      {
        enter(loaded)
      }
    }
    cpu.requestStop()
  }

  // MARK: Running

  /// Set by `requestStop()`, from any thread; the run loop takes it back when it returns.
  private let stopFlag = Atomic<Bool>(false)

  /// Makes the current `run(until:)` return at the next instruction boundary. Safe to call from any thread.
  public func requestStop() {
    stopFlag.store(true, ordering: .relaxed)
    cpu.requestStop()
  }

  /// Runs the machine until virtual time reaches `time` (in cycles), the guest requests an exit, or a stop is
  /// requested (`requestStop()`).
  public func run(until time: UInt64) {
    while cpu.cycles < time && debugExit.exitStatus == nil {
      if stopFlag.load(ordering: .relaxed) && stopFlag.exchange(false, ordering: .relaxed) { break }
      scheduler.now = cpu.cycles
      scheduler.runDue()
      let limit = min(time, scheduler.nextEventTime)
      if limit > cpu.cycles { cpu.run(until: limit) }
    }
    scheduler.now = cpu.cycles
    scheduler.runDue()
    if tracer.onEvent != nil { tracer.deliver() }
  }

  /// Runs for `cycles` of virtual time.
  public func run(cycles: UInt64) { run(until: cpu.cycles &+ cycles) }

  /// The guest's isa-debug-exit status, once it wrote to port 0xF4.
  public var exitStatus: Int32? { debugExit.exitStatus }

  // MARK: Interrupts

  /// The INTA cycle, traced: the PIC's registers before and after, the vector, the IRQ it served.
  private func acknowledgeInterrupt() -> UInt8 {
    guard configuration.tracing else { return pics.acknowledge() }
    let before = pics.packedRegisters
    let ack = pics.acknowledgeCycle()
    tracer.acknowledged(ack, polled: false, before: before, after: pics.packedRegisters, at: cpu.cycles)
    noteRequests()
    return ack.vector
  }

  /// Tells the tracer which requests the PICs now hold, so latency runs from the moment each became deliverable.
  fileprivate func noteRequests() {
    let m = pics.master
    let s = pics.slave
    tracer.requestsChanged(
      irr: UInt16(m.irr) | UInt16(s.irr) << 8, imr: UInt16(m.imr) | UInt16(s.imr) << 8, at: scheduler.now)
  }

  /// Both PICs' IRR, ISR and IMR.
  public func picRegisters() -> TraceEvent.PICRegisters {
    let state = pics.state
    return TraceEvent.PICRegisters(
      masterIRR: state.master.irr, masterISR: state.master.isr, masterIMR: state.master.imr,
      slaveIRR: state.slave.irr, slaveISR: state.slave.isr, slaveIMR: state.slave.imr)
  }

  /// Sets or clears IRQ line `irq`'s mask bit by writing OCW1, exactly as a guest would.
  public func setMask(irq: Int, masked: Bool) {
    guard (0..<16).contains(irq) else { return }
    let port: UInt16 = irq < 8 ? 0x21 : 0xA1
    let bit = UInt8(1) << UInt8(irq & 7)
    let imr = UInt8(truncatingIfNeeded: pics.portRead(port, size: 1))
    picPortWritten(port, size: 1, value: UInt32(masked ? imr | bit : imr & ~bit))
  }

  /// Raises IRQ 7 or 15 and withdraws it between INTR and INTA, as a glitching line does on real hardware: the
  /// guest then sees the PIC's spurious vector. Returns false when the line is masked (nothing reaches INTR).
  @discardableResult
  public func spurious(irq: Int) -> Bool { pics.glitch(irq: irq) }

  // MARK: Host input

  /// Presses a key on the PS/2 keyboard; an event the full FIFO cannot take is counted and traced as dropped.
  public func press(_ key: Key) { tracingDrops(of: key, pressed: true) { keyboard.press(key) } }

  public func release(_ key: Key) { tracingDrops(of: key, pressed: false) { keyboard.release(key) } }

  /// Characters typed that no key of a US keyboard types (dropped, and traced as such).
  public private(set) var untypedCharacters = 0

  /// Types text with the US layout (it queues on the host side until the keyboard's FIFO can take each key, so
  /// nothing is lost); returns how many characters have no key.
  public func type(_ text: String) -> Int {
    let untypable = keyboard.type(text)
    untypedCharacters &+= untypable
    if untypable > 0 {
      noteDropped(source: "keyboard", detail: "\(untypable) character(s) of \"\(text)\" have no key on a US keyboard")
    }
    return untypable
  }

  private func tracingDrops(of key: Key, pressed: Bool, _ body: () -> Void) {
    let before = keyboard.state.overruns
    body()
    let dropped = keyboard.state.overruns - before
    if dropped > 0 {
      noteDropped(
        source: "keyboard",
        detail: "\(key.rawValue) \(pressed ? "press" : "release") lost: the keyboard's 16-byte FIFO is full (overrun)")
    }
  }

  /// Records dropped host input in the trace.
  public func noteDropped(source: String, detail: String) {
    if configuration.tracing { tracer.dropped(source: source, detail: detail, at: cpu.cycles) }
  }

  fileprivate func picPortWritten(_ port: UInt16, size: Int, value: UInt32) {
    guard configuration.tracing else { return pics.portWrite(port, size: size, value: value) }
    let isrBefore = UInt16(pics.master.isr & ~0x04) | UInt16(pics.slave.isr) << 8
    pics.portWrite(port, size: size, value: value)
    let isrAfter = UInt16(pics.master.isr & ~0x04) | UInt16(pics.slave.isr) << 8
    let cleared = isrBefore & ~isrAfter
    if cleared != 0 { tracer.endOfInterrupt(cleared: cleared, at: cpu.cycles) }
    noteRequests()
  }

  /// A read of a PIC port; with an OCW3 poll armed it acts as INTA, and is traced as an interrupt serviced by
  /// polling (no gate, no handler; its EOI is matched as usual).
  fileprivate func picPortRead(_ port: UInt16, size: Int) -> UInt32 {
    let slavePort = port == 0xA0 || port == 0xA1
    let polling = (port == 0x20 || port == 0x21) && pics.master.poll || slavePort && pics.slave.poll
    guard configuration.tracing, polling else { return pics.portRead(port, size: size) }
    let before = pics.packedRegisters
    let value = pics.portRead(port, size: size)
    let byte = UInt8(truncatingIfNeeded: value)
    if byte & 0x80 != 0 {
      let level = Int(byte & 7)
      let irq = slavePort ? 8 + level : level
      let chip = slavePort ? pics.slave : pics.master
      let ack = PICPair.Acknowledge(vector: chip.base | UInt8(level), irq: irq, autoEOI: chip.autoEOI)
      tracer.acknowledged(ack, polled: true, before: before, after: pics.packedRegisters, at: cpu.cycles)
    }
    noteRequests()
    return value
  }
}

/// Forwards device IRQ lines to the PIC pair, telling the tracer when each line changes.
private final class IRQRouter: IRQSink {
  // The machine owns all three and this router.
  unowned(unsafe) let pics: PICPair
  unowned(unsafe) let scheduler: Scheduler
  unowned(unsafe) let tracer: InterruptTracer?

  init(pics: PICPair, scheduler: Scheduler, tracer: InterruptTracer?) {
    self.pics = pics
    self.scheduler = scheduler
    self.tracer = tracer
  }

  func setIRQ(_ irq: Int, level: Bool) {
    pics.setIRQ(irq, level: level)
    guard let tracer else { return }
    tracer.requestsChanged(
      irr: UInt16(pics.master.irr) | UInt16(pics.slave.irr) << 8,
      imr: UInt16(pics.master.imr) | UInt16(pics.slave.imr) << 8, at: scheduler.now)
  }
}

/// The PIC ports as the guest sees them, with writes observed so EOIs reach the trace.
private final class PICPortTap: PortDevice {
  unowned(unsafe) let machine: Machine

  init(machine: Machine) { self.machine = machine }

  func portRead(_ port: UInt16, size: Int) -> UInt32 { machine.picPortRead(port, size: size) }

  func portWrite(_ port: UInt16, size: Int, value: UInt32) {
    machine.picPortWritten(port, size: size, value: value)
  }
}

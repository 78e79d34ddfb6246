import Testing

@testable import Dashboard
@testable import Emulator

/// Snapshots for pane tests: a real one from a machine at power-on (so every field is what the Machine makes), then
/// edited to the exact state a test works out by hand.
enum SnapshotFixture {
  /// A power-on machine's snapshot with the PIC pair initialised as the BIOS leaves it (bases 0x20 and 0x28, nothing
  /// requested, in service or masked), `cycles` and `instructions` set.
  static func make(cycles: UInt64 = 0, _ edit: (inout MachineSnapshot) -> Void = { _ in }) -> MachineSnapshot {
    var snapshot = powerOn
    snapshot.processor.cycles = cycles
    snapshot.pic = pic()
    edit(&snapshot)
    return snapshot
  }

  private static let powerOn: MachineSnapshot = Machine(configuration: .init(memoryBytes: 2 << 20)).snapshot()

  /// A PIC pair with the given registers (master and slave bytes) and bases 0x20 / 0x28.
  static func pic(
    irr: UInt16 = 0, isr: UInt16 = 0, imr: UInt16 = 0, elcr: UInt16 = 0, intr: Bool = false, slaveINT: Bool = false,
    edit: (inout PIC8259State, inout PIC8259State) -> Void = { _, _ in }
  ) -> PICPairState {
    var master = PIC8259State()
    var slave = PIC8259State()
    master.base = 0x20
    slave.base = 0x28
    master.irr = UInt8(irr & 0xFF)
    slave.irr = UInt8(irr >> 8)
    master.isr = UInt8(isr & 0xFF)
    slave.isr = UInt8(isr >> 8)
    master.imr = UInt8(imr & 0xFF)
    slave.imr = UInt8(imr >> 8)
    master.elcr = UInt8(elcr & 0xFF)
    slave.elcr = UInt8(elcr >> 8)
    edit(&master, &slave)
    return PICPairState(master: master, slave: slave, intr: intr, slaveINT: slaveINT)
  }

  /// A 32-bit interrupt (or trap) gate descriptor, as the SDM's figure 6-2 lays it out.
  static func gate(selector: UInt16, offset: UInt32, type: UInt32 = 0xE, dpl: UInt32 = 0, present: Bool = true)
    -> IDTGate
  {
    let low = UInt32(selector) << 16 | offset & 0xFFFF
    let high = offset & 0xFFFF_0000 | (present ? 0x8000 : 0) | dpl << 13 | type << 8
    return IDTGate(low: low, high: high)
  }

  /// An IRQ trace record as the tracer writes it.
  static func irqEvent(
    irq: Int, vector: Int, cycle: UInt64, eoi: UInt64? = nil, latency: UInt64? = nil,
    source: String = "keyboard", handler: String? = nil
  ) -> TraceEvent {
    var event = TraceEvent(kind: .irq, cycle: cycle, source: source)
    event.irq = irq
    event.vector = vector
    event.eoiCycle = eoi
    event.latencyCycles = latency
    event.handlerSymbol = handler
    return event
  }

  /// Draws one pane into a canvas of exactly its content size (no frame).
  static func render(
    _ pane: PaneID, _ snapshot: MachineSnapshot, previous: MachineSnapshot? = nil,
    state: DashboardState = DashboardState(), width: Int, height: Int, wallSeconds: Double = 0
  ) -> (Canvas, [ClickTarget]) {
    var canvas = Canvas(width: width, height: height)
    let context = PaneContext(snapshot: snapshot, previous: previous, state: state, wallSeconds: wallSeconds)
    let targets = drawPane(pane, context, in: canvas.bounds, on: &canvas)
    return (canvas, targets)
  }

  /// Lines with trailing spaces removed, for comparisons that do not care about the pane's width.
  static func trimmed(_ canvas: Canvas) -> [String] {
    canvas.lines.map { line in
      var line = line
      while line.last == " " { line.removeLast() }
      return line
    }
  }
}

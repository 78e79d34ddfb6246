import Emulator

/// The processor: general registers, EIP with its symbol, EFLAGS decoded (IF first and loud), selectors, control
/// and table registers, CPL, the pins, cycles, live MIPS and how busy the CPU was since the previous snapshot.
enum RegistersPane: Pane {
  /// General registers in pairs, by encoding index (EAX 0, ECX 1, EDX 2, EBX 3, ESP 4, EBP 5, ESI 6, EDI 7).
  static let pairs: [(String, Int, String, Int)] = [
    ("EAX", 0, "EBX", 3), ("ECX", 1, "EDX", 2), ("ESI", 6, "EDI", 7), ("EBP", 5, "ESP", 4),
  ]
  /// EFLAGS bits shown by name when set (IF is shown apart, always).
  static let flags: [(String, UInt32)] = [
    ("OF", 1 << 11), ("DF", 1 << 10), ("TF", 1 << 8), ("SF", 1 << 7), ("ZF", 1 << 6), ("AF", 1 << 4),
    ("PF", 1 << 2), ("CF", 1 << 0), ("NT", 1 << 14), ("RF", 1 << 16), ("VM", 1 << 17), ("AC", 1 << 18),
  ]

  static func draw(_ context: PaneContext, in area: Rect, on canvas: inout Canvas) -> [ClickTarget] {
    let cpu = context.snapshot.processor
    var line = LineWriter(area)
    for (leftName, left, rightName, right) in pairs {
      line.put(leftName + " ", .label, on: &canvas)
      line.put(Format.hex(cpu.registers[left], 8), context.role(.register(left), otherwise: .value), on: &canvas)
      line.put("  " + rightName + " ", .label, on: &canvas)
      line.put(Format.hex(cpu.registers[right], 8), context.role(.register(right), otherwise: .value), on: &canvas)
      line.newline()
    }
    line.put("EIP ", .label, on: &canvas)
    line.put(Format.hex(cpu.eip, 8), context.role(.register(8), otherwise: .value), on: &canvas)
    let linearEIP = cpu.segment(.cs).base &+ cpu.eip
    if let symbol = context.snapshot.symbols.describe(linearEIP) { line.put(" " + symbol, .symbol, on: &canvas) }
    line.newline()
    drawFlags(cpu, context: context, line: &line, on: &canvas)
    drawSegments(cpu, context: context, line: &line, on: &canvas)
    line.put("CR0 ", .label, on: &canvas)
    line.put(Format.hex(cpu.cr0, 8), .value, on: &canvas)
    line.put("  CR2 ", .label, on: &canvas)
    line.put(Format.hex(cpu.cr2, 8), .value, on: &canvas)
    line.newline()
    line.put("CR3 ", .label, on: &canvas)
    line.put(Format.hex(cpu.cr3, 8), .value, on: &canvas)
    line.put("  CPL ", .label, on: &canvas)
    line.put("\(cpu.cpl)", .value, on: &canvas)
    line.newline()
    line.put("GDTR ", .label, on: &canvas)
    line.put(Format.hex(cpu.gdtr.base, 8) + "/" + Format.hex(cpu.gdtr.limit, 4), .value, on: &canvas)
    line.put(" IDTR ", .label, on: &canvas)
    line.put(Format.hex(cpu.idtr.base, 8) + "/" + Format.hex(cpu.idtr.limit, 4), .value, on: &canvas)
    line.newline()
    drawPins(cpu, line: &line, on: &canvas)
    drawSpeed(context, line: &line, on: &canvas)
    return []
  }

  static func drawFlags(
    _ cpu: MachineSnapshot.Processor, context: PaneContext, line: inout LineWriter, on canvas: inout Canvas
  ) {
    line.put("EFL ", .label, on: &canvas)
    line.put(Format.hex(cpu.eflags, 8), context.role(.register(9), otherwise: .value), on: &canvas)
    let interruptsOn = cpu.eflags & (1 << 9) != 0
    line.put(" ", on: &canvas)
    line.put(interruptsOn ? "IF=1" : "IF=0", interruptsOn ? .active : .warning, on: &canvas)
    for (name, bit) in flags where cpu.eflags & bit != 0 { line.put(" " + name, .value, on: &canvas) }
    line.put(" IOPL\((cpu.eflags >> 12) & 3)", .value, on: &canvas)
    line.newline()
  }

  static func drawSegments(
    _ cpu: MachineSnapshot.Processor, context: PaneContext, line: inout LineWriter, on canvas: inout Canvas
  ) {
    // ES, CS, SS, DS, FS, GS in encoding order; shown CS DS ES / SS FS GS.
    for group in [[1, 3, 0], [2, 4, 5]] {
      for (position, index) in group.enumerated() where index < cpu.segments.count {
        let segment = cpu.segments[index]
        line.put((position == 0 ? "" : " ") + segment.name.uppercased() + " ", .label, on: &canvas)
        line.put(Format.hex(segment.selector, 4), context.role(.register(10 + index), otherwise: .value), on: &canvas)
      }
      line.newline()
    }
  }

  static func drawPins(_ cpu: MachineSnapshot.Processor, line: inout LineWriter, on canvas: inout Canvas) {
    line.put("cycles ", .label, on: &canvas)
    line.put(String(cpu.cycles), .value, on: &canvas)
    line.put(cpu.halted ? " HLT" : " run", cpu.halted ? .dim : .good, on: &canvas)
    if cpu.intr { line.put(" INTR", .active, on: &canvas) }
    if cpu.nmiPending { line.put(" NMI", .warning, on: &canvas) }
    if cpu.interruptShadow { line.put(" shadow", .dim, on: &canvas) }
    line.newline()
  }

  /// Live MIPS over the wall time between the snapshots, and the share of cycles spent executing vs halted.
  static func drawSpeed(_ context: PaneContext, line: inout LineWriter, on canvas: inout Canvas) {
    let cpu = context.snapshot.processor
    guard let before = context.previous?.processor, cpu.cycles > before.cycles else {
      line.put("MIPS -  busy -  halted -", .dim, on: &canvas)
      line.newline()
      return
    }
    let instructions = Double(cpu.instructions &- before.instructions)
    let cycles = Double(cpu.cycles - before.cycles)
    let halted = Double(min(cpu.haltedCycles &- before.haltedCycles, cpu.cycles - before.cycles))
    let mips = context.wallSeconds > 0 ? Format.fixed(instructions / context.wallSeconds / 1e6, 1) : "-"
    line.put(mips + " MIPS", .value, on: &canvas)
    line.put("  busy " + Format.fixed((cycles - halted) / cycles * 100, 0) + "%", .value, on: &canvas)
    line.put("  halted " + Format.fixed(halted / cycles * 100, 0) + "%", .dim, on: &canvas)
    line.newline()
  }
}

import Emulator

/// Both 8259As as rows of bits, one column per IR input: the device wired there, IRR, ISR, IMR, and edge/level from
/// the ELCR; above each chip its vector base, its modes (AEOI, SFNM, special mask) and its INT output. A bit that
/// changed is drawn `changed` and then `fading` (the highlight history), so a short pulse is seen. Each IMR bit is a
/// click target that flips it.
enum PICPane: Pane {
  /// Cells per IR column; the row label takes one column's width too.
  static let columnWidth = 4

  /// Cells one chip takes: the label column and eight IR columns.
  static let chipWidth = columnWidth * 9

  static func draw(_ context: PaneContext, in area: Rect, on canvas: inout Canvas) -> [ClickTarget] {
    let pic = context.snapshot.pic
    var targets: [ClickTarget] = []
    // Side by side when both chips fit with a gap, else the slave under the master.
    let sideBySide = area.width >= 2 * chipWidth + 2
    var line = LineWriter(sideBySide ? area.splitLeft(chipWidth).left : area)
    drawChip(
      pic.master, name: "master", firstIRQ: 0, int: pic.intr, intName: "INTR", context: context,
      line: &line, targets: &targets, on: &canvas)
    if sideBySide { line = LineWriter(area.splitLeft(chipWidth + 2).rest) }
    drawChip(
      pic.slave, name: "slave ", firstIRQ: 8, int: pic.slaveINT, intName: "INT", context: context,
      line: &line, targets: &targets, on: &canvas)
    return targets
  }

  static func drawChip(
    _ chip: PIC8259State, name: String, firstIRQ: Int, int: Bool, intName: String, context: PaneContext,
    line: inout LineWriter, targets: inout [ClickTarget], on canvas: inout Canvas
  ) {
    line.put(name, .header, on: &canvas)
    line.put(" base ", .label, on: &canvas)
    line.put(Format.hex(chip.base, 2), .value, on: &canvas)
    line.put(" AEOI", chip.autoEOI ? .good : .dim, on: &canvas)
    line.put(" SFNM", chip.specialFullyNested ? .good : .dim, on: &canvas)
    line.put(" SMM", chip.specialMask ? .good : .dim, on: &canvas)
    line.put(" " + intName, int ? .active : .dim, on: &canvas)
    line.newline()
    let irqs = Array(firstIRQ..<(firstIRQ + 8))
    row("IRQ", irqs: irqs, line: &line, on: &canvas) { irq in (String(irq), .role(.header)) }
    row("dev", irqs: irqs, line: &line, on: &canvas) { irq in
      let device = Board.shortName(irq: irq)
      return (device ?? "", .role(.label))
    }
    let registers: [(String, UInt8, HighlightHistory.PICRegister, Role)] = [
      ("IRR", chip.irr, .irr, .irr), ("ISR", chip.isr, .isr, .isr), ("IMR", chip.imr, .imr, .imr),
    ]
    for (label, bits, register, setRole) in registers {
      if register == .imr {
        for (position, irq) in irqs.enumerated() {
          let rect = Rect(x: line.area.x + columnWidth * (position + 1), y: line.row, width: columnWidth, height: 1)
          if !rect.intersection(line.area).isEmpty { targets.append(ClickTarget(rect, .toggleMask(irq: irq))) }
        }
      }
      row(label, irqs: irqs, line: &line, on: &canvas) { irq in
        let set = bits & (1 << (irq - firstIRQ)) != 0
        return (set ? "1" : "0", context.role(.pic(register, irq: irq), otherwise: set ? setRole : .dim))
      }
    }
    row("trig", irqs: irqs, line: &line, on: &canvas) { irq in
      let level = chip.levelTriggeredMode || chip.elcr & (1 << (irq - firstIRQ)) != 0
      return (level ? "L" : "E", .role(level ? .warning : .dim))
    }
  }

  /// One row: a label, then a right-aligned cell per IR input.
  static func row(
    _ label: String, irqs: [Int], line: inout LineWriter, on canvas: inout Canvas,
    cell: (Int) -> (String, CellStyle)
  ) {
    guard !line.isFull else { return }
    line.put(Format.pad(label, columnWidth), .label, on: &canvas)
    for irq in irqs {
      let (text, style) = cell(irq)
      line.put(String(repeating: " ", count: max(0, columnWidth - text.count)), on: &canvas)
      line.put(text, style, on: &canvas)
    }
    line.newline()
  }
}

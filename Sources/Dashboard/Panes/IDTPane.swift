import Emulator

/// Every IDT vector: number, what it is for, times taken, gate type, present and DPL, selector:offset and the
/// handler's symbol; the vector in flight highlighted and, until the user scrolls, kept in view.
///
/// Narrower than `fullWidth` (a side column of the 160×50 layout) the pane drops the gate type and selector:offset
/// and spells "what" short, as htop drops columns, so the handler still shows; zoomed (F3) it has them all.
enum IDTPane: Pane {
  static let header =
    "## " + Format.pad("what", 18) + " " + Format.pad("taken", 6, right: true) + " " + Format.pad("type", 6)
    + " PD " + Format.pad("sel:offset", 13) + " handler"
  static let narrowHeader = "## " + Format.pad("what", 9) + " " + Format.pad("taken", 6, right: true) + " PD handler"
  /// The full row up to the handler, plus room for a short symbol.
  static let fullWidth = 66

  static func draw(_ context: PaneContext, in area: Rect, on canvas: inout Canvas) -> [ClickTarget] {
    let snapshot = context.snapshot
    let vectors = snapshot.vectors
    let narrow = area.width < fullWidth
    var line = LineWriter(area)
    line.put(narrow ? narrowHeader : header, .header, on: &canvas)
    line.newline()
    guard !vectors.isEmpty else {
      line.put("IDTR limit " + Format.hex(snapshot.processor.idtr.limit, 4) + ": no vectors", .dim, on: &canvas)
      return []
    }
    let inFlight = InFlight.vector(snapshot)
    let rows = line.rowsLeft
    let first = firstRow(context, count: vectors.count, rows: rows, inFlight: inFlight)
    let pic = snapshot.pic
    for vector in vectors[first...] where !line.isFull {
      let current = vector.number == inFlight
      let row = Row(
        vector: vector, current: current, width: area.width, masterBase: pic.master.base,
        slaveBase: pic.slave.base, takenStyle: context.role(.vector(vector.number), otherwise: .value),
        symbols: snapshot.symbols)
      memo.row(vector.number, row, line.row, of: area, on: &canvas) { canvas in
        if current { canvas.fill(Rect(x: area.x, y: line.row, width: area.width, height: 1), style: .role(.active)) }
        var row = line
        drawRow(vector, context: context, current: current, narrow: narrow, line: &row, on: &canvas)
      }
      line.newline()
    }
    return []
  }

  /// Everything a row is drawn from (`drawRow` reads the PIC only for its vector bases; the width decides whether
  /// it is narrow). The symbol table counts by identity: the machine's own, shared by every snapshot (holding it
  /// keeps the identity from being reused).
  struct Row: Equatable, Sendable {
    var vector: MachineSnapshot.Vector
    var current: Bool
    var width: Int
    var masterBase: UInt8
    var slaveBase: UInt8
    var takenStyle: CellStyle
    var symbols: SymbolTable

    static func == (left: Row, right: Row) -> Bool {
      left.vector == right.vector && left.current == right.current && left.width == right.width
        && left.masterBase == right.masterBase && left.slaveBase == right.slaveBase
        && left.takenStyle == right.takenStyle && left.symbols.isSameTable(as: right.symbols)
    }
  }

  private static let memo = RowMemo<Int, Row>()

  /// The first vector shown: around the one in flight while following it, else the scroll offset (clamped).
  static func firstRow(_ context: PaneContext, count: Int, rows: Int, inFlight: Int?) -> Int {
    let last = max(0, count - rows)
    if context.state.idtFollowsInFlight, let inFlight {
      return min(max(0, inFlight - rows / 3), last)
    }
    return min(context.state.scrollOffset(.idt), last)
  }

  static func drawRow(
    _ vector: MachineSnapshot.Vector, context: PaneContext, current: Bool, narrow: Bool = false,
    line: inout LineWriter, on canvas: inout Canvas
  ) {
    let base: Role = current ? .active : .value
    let pic = context.snapshot.pic
    line.put(Format.hex(vector.number, 2) + " ", current ? .active : .label, on: &canvas)
    let what = narrow ? shortName(vector.number, pic: pic) : Board.vectorName(vector.number, pic: pic)
    line.put(Format.pad(what, narrow ? 9 : 18) + " ", base, on: &canvas)
    let taken = Format.pad(String(vector.deliveries), 6, right: true)
    line.put(taken, current ? .role(.active) : context.role(.vector(vector.number), otherwise: .value), on: &canvas)
    guard let gate = vector.gate else {
      line.put(" unreadable", .dim, on: &canvas)
      return
    }
    let quiet: Role = current ? .active : (gate.present ? base : .dim)
    if !narrow { line.put(" " + Format.pad(gate.kind.shortName, 6), quiet, on: &canvas) }
    line.put(
      " " + (gate.present ? "P" : "-") + "\(gate.dpl) ", gate.present ? (current ? .active : .good) : .dim,
      on: &canvas)
    if !narrow { line.put(Format.hex(gate.selector, 4) + ":" + Format.hex(gate.offset, 8), quiet, on: &canvas) }
    guard gate.present else { return }
    if let symbol = context.snapshot.symbols.describe(gate.offset) {
      line.put((narrow ? "" : " ") + symbol, current ? .active : .symbol, on: &canvas)
    } else if narrow {
      line.put(Format.hex(gate.offset, 8), quiet, on: &canvas)
    }
  }

  /// "what" in at most 9 cells: `IRQ1 kbd`, an exception's mnemonic (`#GP`), or the name cut short.
  static func shortName(_ vector: Int, pic: PICPairState) -> String {
    if let irq = Board.irq(forVector: vector, pic: pic) {
      return "IRQ\(irq)" + (Board.shortName(irq: irq).map { " " + $0 } ?? "")
    }
    let name = Board.vectorName(vector, pic: pic)
    if name.hasPrefix("#"), let mnemonic = name.split(separator: " ").first { return String(mnemonic) }
    return name
  }
}

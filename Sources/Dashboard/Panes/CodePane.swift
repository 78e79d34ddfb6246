import Emulator
import Synchronization

/// Disassembly around EIP with the kernel's symbols: a label line where a symbol starts, EIP's line marked.
///
/// x86 cannot be decoded backwards, so the listing starts at the symbol containing EIP when it lies in the window,
/// else at the first byte of the window from which decoding lands exactly on EIP.
enum CodePane: Pane {
  static func draw(_ context: PaneContext, in area: Rect, on canvas: inout Canvas) -> [ClickTarget] {
    let snapshot = context.snapshot
    let cpu = snapshot.processor
    let eip = cpu.segment(.cs).base &+ cpu.eip
    let symbols = snapshot.symbols
    let listing = cachedInstructions(snapshot.code, eip: eip, codeSize32: cpu.cr0 & 1 != 0, symbols: symbols)
    var line = LineWriter(area)
    guard let eipIndex = listing.firstIndex(where: { $0.address == eip }) else {
      line.put("EIP " + Format.hex(eip, 8) + ": no readable code", .dim, on: &canvas)
      return []
    }
    // About a third of the rows above EIP's line, counting symbol label lines.
    var first = eipIndex
    var rowsAbove = 0
    while first > 0 && rowsAbove < area.height / 3 {
      first -= 1
      rowsAbove += symbols.name(at: listing[first].address) == nil ? 1 : 2
    }
    for instruction in listing[first...] where !line.isFull {
      if let name = symbols.name(at: instruction.address) {
        line.put(name + ":", .symbol, on: &canvas)
        line.newline()
        if line.isFull { break }
      }
      let current = instruction.address == eip
      if current { canvas.fill(Rect(x: area.x, y: line.row, width: area.width, height: 1), style: .role(.active)) }
      line.put(current ? "▶ " : "  ", current ? .active : .dim, on: &canvas)
      line.put(Format.hex(instruction.address, 8) + "  ", current ? .active : .label, on: &canvas)
      line.put(instruction.text, current ? .active : .value, on: &canvas)
      line.newline()
    }
    return []
  }

  /// What a listing is decoded from; the same inputs give the same listing. The symbol table counts by identity
  /// (see `IDTPane.RowKey`).
  struct ListingKey: Equatable {
    var code: MachineSnapshot.CodeWindow
    var eip: UInt32
    var codeSize32: Bool
    var symbols: SymbolTable

    static func == (left: ListingKey, right: ListingKey) -> Bool {
      left.eip == right.eip && left.codeSize32 == right.codeSize32 && left.code == right.code
        && left.symbols.isSameTable(as: right.symbols)
    }
  }

  /// The last listing decoded. An idle guest sits on one `hlt` frame after frame, and decoding the window again
  /// (start after start until one lands on EIP) was the costliest step of an idle frame.
  private static let lastListing = Mutex<(key: ListingKey, listing: [DisassembledInstruction])?>(nil)

  static func cachedInstructions(
    _ code: MachineSnapshot.CodeWindow, eip: UInt32, codeSize32: Bool, symbols: SymbolTable
  ) -> [DisassembledInstruction] {
    let key = ListingKey(code: code, eip: eip, codeSize32: codeSize32, symbols: symbols)
    if let last = lastListing.withLock({ $0 }), last.key == key { return last.listing }
    let disassembler = Disassembler(codeSize32: codeSize32, symbolizer: { symbols.describe($0) })
    let listing = instructions(code, eip: eip, disassembler: disassembler, symbols: symbols)
    lastListing.withLock { $0 = (key, listing) }
    return listing
  }

  /// The instructions of the window, decoded from a start that lands on EIP (empty when none does).
  static func instructions(
    _ code: MachineSnapshot.CodeWindow, eip: UInt32, disassembler: Disassembler, symbols: SymbolTable
  ) -> [DisassembledInstruction] {
    let eipOffset = Int(eip &- code.start)
    guard eipOffset >= 0, eipOffset < code.bytes.count else { return [] }
    var starts: [Int] = []
    if let (_, offset) = symbols.symbol(containing: eip), Int(offset) <= eipOffset {
      starts.append(eipOffset - Int(offset))
    }
    starts += Array(0...eipOffset)
    for start in starts {
      let listing = decode(code, from: start, disassembler: disassembler)
      if listing.contains(where: { $0.address == eip }) { return listing }
    }
    return []
  }

  static func decode(
    _ code: MachineSnapshot.CodeWindow, from start: Int, disassembler: Disassembler
  ) -> [DisassembledInstruction] {
    var listing: [DisassembledInstruction] = []
    var offset = start
    while offset < code.bytes.count {
      let base = offset
      let instruction = disassembler.decode(at: code.start &+ UInt32(offset)) { i in
        base + i < code.bytes.count ? code.bytes[base + i] : nil
      }
      guard instruction.length > 0 else { break }
      // An instruction cut off by the end of the window is not shown.
      if offset + instruction.length > code.bytes.count && instruction.text == "(bad)" { break }
      listing.append(instruction)
      offset += instruction.length
    }
    return listing
  }
}

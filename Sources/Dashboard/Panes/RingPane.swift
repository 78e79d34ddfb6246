import Emulator

/// The network card's descriptor rings as they lie in guest memory: index, buffer address, length, DD/EOP, who owns
/// each slot (the card from RDH up to RDT, the driver the rest), RDH and RDT marked; the counters; and a hex + ASCII
/// preview of the selected descriptor's buffer. The snapshot carries no buffer memory: the caller reads the bytes and
/// passes them in `DashboardState.descriptorPreview`.
enum RingPane: Pane {
  /// Receive descriptor status bits (82540EM manual, table 3-2): descriptor done, end of packet.
  static let dd: UInt8 = 0x01
  static let eop: UInt8 = 0x02
  /// Transmit descriptor command bit EOP (table 3-10).
  static let txEOP: UInt8 = 0x01

  static func draw(_ context: PaneContext, in area: Rect, on canvas: inout Canvas) -> [ClickTarget] {
    let nic = context.snapshot.nic
    let selected = context.state.selectedDescriptor
    var line = LineWriter(area)
    var targets: [ClickTarget] = []
    let previewRows = selected == nil ? 0 : 1 + min(4, max(0, area.height / 4))
    let free = max(0, area.height - 4 - previewRows)
    let txRows = nic.txRing.isEmpty ? 1 : min(nic.txRing.count, max(1, free / 3))
    let rxRows = max(1, free - txRows)

    line.put("RX", .header, on: &canvas)
    line.put(" RDH \(nic.rdh) RDT \(nic.rdt)", .value, on: &canvas)
    line.put("  recv \(nic.framesDelivered)", .good, on: &canvas)
    line.put(" missed \(nic.framesMissed)", nic.framesMissed > 0 ? .warning : .dim, on: &canvas)
    line.newline()
    line.put(" # buffer    len  DD EOP own", .header, on: &canvas)
    line.newline()
    let rx = nic.rxRing.map { slot in
      Row(
        descriptor: DescriptorRef(.rx, slot.index), address: slot.bufferAddress, length: slot.length,
        done: slot.status & dd != 0, endOfPacket: slot.status & eop != 0, card: slot.ownedByCard,
        marks: (slot.index == Int(nic.rdh) ? "H" : "") + (slot.index == Int(nic.rdt) ? "T" : ""))
    }
    drawRows(rx, rows: rxRows, context: context, line: &line, targets: &targets, on: &canvas)
    line.put("TX", .header, on: &canvas)
    line.put(" TDH \(nic.tdh) TDT \(nic.tdt)", .value, on: &canvas)
    line.put("  sent \(nic.framesSent)", .good, on: &canvas)
    line.newline()
    let tx = nic.txRing.map { slot in
      Row(
        descriptor: DescriptorRef(.tx, slot.index), address: slot.bufferAddress, length: slot.length,
        done: slot.status & dd != 0, endOfPacket: slot.command & txEOP != 0, card: slot.queued,
        marks: (slot.index == Int(nic.tdh) ? "H" : "") + (slot.index == Int(nic.tdt) ? "T" : ""))
    }
    drawRows(tx, rows: txRows, context: context, line: &line, targets: &targets, on: &canvas)
    drawMissed(nic, line: &line, on: &canvas)
    if let selected { drawPreview(selected, bytes: context.state.descriptorPreview, line: &line, on: &canvas) }
    return targets
  }

  struct Row {
    var descriptor: DescriptorRef
    var address: UInt64
    var length: UInt16
    var done: Bool
    var endOfPacket: Bool
    var card: Bool
    var marks: String
  }

  /// `rows` rows of a ring, scrolled so the selected descriptor is in view.
  static func drawRows(
    _ ring: [Row], rows: Int, context: PaneContext, line: inout LineWriter, targets: inout [ClickTarget],
    on canvas: inout Canvas
  ) {
    guard !ring.isEmpty else {
      line.put("   (ring not set up)", .dim, on: &canvas)
      line.newline()
      return
    }
    let selected = context.state.selectedDescriptor
    var first = 0
    if let selected, selected.ring == ring[0].descriptor.ring, selected.index >= rows {
      first = min(selected.index - rows + 1, ring.count - rows)
    }
    for row in ring.dropFirst(max(0, first)).prefix(rows) where !line.isFull {
      let isSelected = row.descriptor == selected
      let rect = Rect(x: line.area.x, y: line.row, width: line.area.width, height: 1)
      targets.append(ClickTarget(rect, .selectDescriptor(row.descriptor)))
      if isSelected { canvas.fill(rect, style: .role(.selected)) }
      let base: Role = isSelected ? .selected : .value
      line.put(
        Format.pad(String(row.descriptor.index), 2, right: true) + " ", isSelected ? .selected : .label, on: &canvas)
      line.put(
        Format.hex(row.address, 8) + " " + Format.pad(String(row.length), 4, right: true) + " ",
        isSelected ? .role(.selected) : context.role(.descriptor(row.descriptor), otherwise: base), on: &canvas)
      line.put(row.done ? "DD" : "··", row.done ? (isSelected ? .selected : .good) : .dim, on: &canvas)
      line.put(row.endOfPacket ? " EOP" : " ···", row.endOfPacket ? base : .dim, on: &canvas)
      line.put(row.card ? " card" : " drv ", base, on: &canvas)
      if !row.marks.isEmpty { line.put(" ◀" + row.marks, .active, on: &canvas) }
      line.newline()
    }
  }

  static func drawMissed(_ nic: E1000State, line: inout LineWriter, on canvas: inout Canvas) {
    guard !line.isFull else { return }
    if nic.missedByReason.isEmpty {
      line.put("missed: none", .dim, on: &canvas)
    } else {
      let reasons = nic.missedByReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
      line.put("missed: " + reasons.joined(separator: ", "), .warning, on: &canvas)
    }
    line.newline()
  }

  static func drawPreview(_ selected: DescriptorRef, bytes: [UInt8]?, line: inout LineWriter, on canvas: inout Canvas) {
    guard !line.isFull else { return }
    let name = (selected.ring == .rx ? "RX" : "TX") + " #\(selected.index)"
    guard let bytes else {
      line.put(name + ": buffer bytes not available", .dim, on: &canvas)
      line.newline()
      return
    }
    line.put(name + " buffer, \(bytes.count) bytes", .header, on: &canvas)
    line.newline()
    let perLine = line.area.width >= 5 + 16 * 3 + 16 ? 16 : 8
    var offset = 0
    while offset < bytes.count && !line.isFull {
      let chunk = bytes[offset..<min(offset + perLine, bytes.count)]
      line.put(Format.hex(offset, 4) + " ", .label, on: &canvas)
      let hex = chunk.map { Format.hex($0, 2) }.joined(separator: " ")
      line.put(Format.pad(hex, perLine * 3) + " ", .value, on: &canvas)
      line.put(String(chunk.map { (0x20..<0x7F).contains($0) ? Character(UnicodeScalar($0)) : "." }), .dim, on: &canvas)
      line.newline()
      offset += perLine
    }
  }
}

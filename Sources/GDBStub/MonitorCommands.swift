import Emulator

/// gdb's `monitor` commands (qRcmd), in the spirit of QEMU's monitor: views of the interrupt path and ways to
/// poke it while gdb holds the CPU.
struct MonitorCommands {
  let machine: Machine

  static let help = """
    irqscope monitor commands:
      info pic      both 8259As: IRR, ISR, IMR, vector base, ELCR, and the INTR pin
      info idt      the IDT's present gates (runs of identical gates folded), with handler symbols
      info irq      interrupts delivered per IRQ line since power-on
      info ring     the network card's receive and transmit rings
      nmi           raise an NMI (taken at the next instruction boundary once the CPU runs)
      irq N         pulse IRQ line N (0-15): an edge the PIC latches in IRR
      mask N        set line N's IMR bit (written as OCW1, as a guest would)
      unmask N      clear line N's IMR bit
      packet [TEXT] put a UDP datagram on the wire to the network card (payload TEXT if given)
      help          this list

    """

  func run(_ command: String) -> String {
    let words = command.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    switch (words.first, words.count) {
    case (nil, _), ("help", 1): return Self.help
    case ("info", 2) where words[1] == "pic": return pic()
    case ("info", 2) where words[1] == "idt": return idt()
    case ("info", 2) where words[1] == "irq": return irqCounts()
    case ("info", 2) where words[1] == "ring": return ring()
    case ("nmi", 1):
      machine.cpu.raiseNMI()
      return "NMI raised: the CPU takes it at the next instruction boundary once it runs\n"
    case ("irq", 2): return line(words[1]).map(pulse) ?? badLine(words[1])
    case ("mask", 2), ("unmask", 2):
      guard let irq = line(words[1]) else { return badLine(words[1]) }
      machine.setMask(irq: irq, masked: words[0] == "mask")
      return pic()
    case ("packet", _):
      let text = command.drop(while: { $0 == " " || $0 == "\t" }).dropFirst("packet".count)
        .drop(while: { $0 == " " || $0 == "\t" })
      do {
        try machine.injectPacket(payload: text.isEmpty ? nil : Array(text.utf8))
      } catch {
        return "packet refused: \(error)\n"
      }
      return "a UDP datagram (sequence \(machine.packetSequence)) is on the wire to the card\n"
    default:
      return "unknown monitor command \"\(command)\"; try \"monitor help\"\n"
    }
  }

  private func line(_ text: String) -> Int? {
    guard let n = Int(text), (0..<16).contains(n) else { return nil }
    return n
  }

  private func badLine(_ text: String) -> String { "\(text): give an IRQ line from 0 to 15\n" }

  private func bits(_ value: UInt8) -> String {
    let binary = String(value, radix: 2)
    return String(repeating: "0", count: 8 - binary.count) + binary
  }

  private func hex(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }

  func pic() -> String {
    let state = machine.pics.state
    var out = ""
    for (name, chip) in [("master", state.master), ("slave ", state.slave)] {
      out += "\(name) 8259A: IRR \(bits(chip.irr))  ISR \(bits(chip.isr))  IMR \(bits(chip.imr))"
      out += "  (IRR 0x\(hex(UInt32(chip.irr), width: 2)) ISR 0x\(hex(UInt32(chip.isr), width: 2))"
      out += " IMR 0x\(hex(UInt32(chip.imr), width: 2)))  base 0x\(hex(UInt32(chip.base), width: 2))"
      out += "  ELCR 0x\(hex(UInt32(chip.elcr), width: 2))\n"
    }
    out += "INTR \(state.intr ? "high" : "low"); bit n is IRn (IR7 on the left)\n"
    return out
  }

  func idt() -> String {
    let cpu = machine.cpu
    let base = cpu.idtr.base
    let count = min(256, (Int(cpu.idtr.limit) + 1) / 8)
    var out = "IDT base 0x\(hex(base, width: 8)) limit 0x\(hex(UInt32(cpu.idtr.limit), width: 4))\n"
    var runStart: Int?
    var runText = ""
    func flush(_ end: Int) {
      guard let start = runStart else { return }
      let vectors =
        start == end
        ? "0x\(hex(UInt32(start), width: 2))" : "0x\(hex(UInt32(start), width: 2))-0x\(hex(UInt32(end), width: 2))"
      out += vectors.padding(toLength: 10, withPad: " ", startingAt: 0) + runText + "\n"
      runStart = nil
    }
    for vector in 0..<count {
      let address = base &+ UInt32(vector * 8)
      guard let low = cpu.peekLinear32(address), let high = cpu.peekLinear32(address &+ 4) else {
        flush(vector - 1)
        out += "0x\(hex(UInt32(vector), width: 2))  not readable (unmapped)\n"
        continue
      }
      let text = gate(low: low, high: high)
      if runStart != nil && text == runText { continue }
      flush(vector - 1)
      if let text {
        runStart = vector
        runText = text
      }
    }
    flush(count - 1)
    if count == 0 { out += "(empty)\n" }
    return out
  }

  /// One gate as text, or nil when it is not present.
  private func gate(low: UInt32, high: UInt32) -> String? {
    guard high & 0x8000 != 0 else { return nil }
    let type = (high >> 8) & 0x1F
    let selector = low >> 16
    let offset = (high & 0xFFFF_0000) | (low & 0xFFFF)
    let dpl = (high >> 13) & 3
    let name: String
    switch type {
    case 0x0E: name = "interrupt gate"
    case 0x0F: name = "trap gate     "
    case 0x06: name = "16-bit int    "
    case 0x07: name = "16-bit trap   "
    case 0x05: name = "task gate     "
    default: name = "type 0x\(hex(type, width: 2))     "
    }
    var text = "\(name)  \(hex(selector, width: 4)):\(hex(offset, width: 8))  DPL\(dpl)"
    if let symbol = machine.kernel?.symbols.describe(offset) { text += "  \(symbol)" }
    return text
  }

  func irqCounts() -> String {
    let tracer = machine.tracer
    var out = "IRQ  source     delivered\n"
    for irq in 0..<16 {
      let source = tracer.sources[irq] ?? ""
      out += "\(irq)".padding(toLength: 5, withPad: " ", startingAt: 0)
      out += source.padding(toLength: 11, withPad: " ", startingAt: 0) + "\(tracer.interruptsPerIRQ[irq])\n"
    }
    if !machine.configuration.tracing { out += "(tracing is off: no counts are kept)\n" }
    return out
  }

  func ring() -> String {
    let nic = machine.nic.state
    var out = "e1000 receive ring: base 0x\(String(nic.rdba, radix: 16)) length \(nic.rdlen) bytes"
    out += "  RDH \(nic.rdh) RDT \(nic.rdt)  RCTL 0x\(hex(nic.rctl, width: 8))\n"
    for slot in nic.rxRing.prefix(64) {
      out += "  rx[\(slot.index)] buffer 0x\(String(slot.bufferAddress, radix: 16)) length \(slot.length)"
      out += " status 0x\(hex(UInt32(slot.status), width: 2))\(slot.ownedByCard ? " (card's)" : "")\n"
    }
    out +=
      "transmit ring: base 0x\(String(nic.tdba, radix: 16)) length \(nic.tdlen) bytes  TDH \(nic.tdh) TDT \(nic.tdt)\n"
    out += "frames injected \(nic.framesInjected), delivered \(nic.framesDelivered), missed \(nic.framesMissed)"
    out += ", sent \(nic.framesSent); ICR 0x\(hex(nic.icr, width: 8)) IMS 0x\(hex(nic.ims, width: 8))\n"
    return out
  }

  private func pulse(_ irq: Int) -> String {
    let state = machine.pics.state
    let chip = irq < 8 ? state.master : state.slave
    let bit = UInt8(1) << UInt8(irq & 7)
    if chip.lastInput & bit != 0 {
      return "IRQ \(irq) is already high (its device holds it)\n" + pic()
    }
    machine.pics.setIRQ(irq, level: true)
    machine.pics.setIRQ(irq, level: false)
    return "IRQ \(irq) pulsed\n" + pic()
  }
}

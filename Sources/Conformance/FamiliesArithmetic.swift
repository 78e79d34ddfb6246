/// The arithmetic, shift, multiply/divide, bit and BCD families (see `Family` for the forms each covers).
extension CaseGenerator {
  mutating func aluClassic() -> GeneratedCase? {
    let op = below(8)
    let undefined = [1, 4, 6].contains(op) ? Undefined.logic : 0
    switch below(6) {
    case 0, 2:
      code.append(UInt8(op * 8 + (chance(50) ? 0 : 2)))
      _ = modrm(reg: below(8), size: 1)
    case 1, 3:
      let w = wideWidth()
      prefix(w)
      code.append(UInt8(op * 8 + (chance(50) ? 1 : 3)))
      _ = modrm(reg: below(8), size: w)
    case 4:
      code.append(UInt8(op * 8 + 4))
      immediate(1)
    default:
      let w = wideWidth()
      prefix(w)
      code.append(UInt8(op * 8 + 5))
      immediate(w)
    }
    return finish(.aluClassic, undefinedFlags: undefined)
  }

  mutating func aluGroup1() -> GeneratedCase? {
    let op = below(8)
    let undefined = [1, 4, 6].contains(op) ? Undefined.logic : 0
    switch below(3) {
    case 0:
      code.append(chance(80) ? 0x80 : 0x82)
      _ = modrm(reg: op, size: 1)
      immediate(1)
    case 1:
      let w = wideWidth()
      prefix(w)
      code.append(0x81)
      _ = modrm(reg: op, size: w)
      immediate(w)
    default:
      let w = wideWidth()
      prefix(w)
      code.append(0x83)
      _ = modrm(reg: op, size: w)
      immediate(1)
    }
    return finish(.aluGroup1, undefinedFlags: undefined)
  }

  mutating func incDec() -> GeneratedCase? {
    let op = below(2)
    if chance(30) {
      prefix(wideWidth())
      code.append(UInt8(0x40 + op * 8 + below(8)))
    } else {
      let w = width()
      prefix(w)
      code.append(w == 1 ? 0xFE : 0xFF)
      _ = modrm(reg: op, size: w)
    }
    return finish(.incDec)
  }

  mutating func negNotTest() -> GeneratedCase? {
    let w = width()
    switch below(3) {
    case 0:
      let op = pick([0, 1, 2, 3])  // /1 is the undocumented alias of TEST /0 that the processor executes
      prefix(w)
      code.append(w == 1 ? 0xF6 : 0xF7)
      _ = modrm(reg: op, size: w)
      if op < 2 { immediate(w) }
      return finish(.negNotTest, undefinedFlags: op < 2 ? Undefined.logic : 0)
    case 1:
      prefix(w)
      code.append(w == 1 ? 0x84 : 0x85)
      _ = modrm(reg: below(8), size: w)
    default:
      prefix(w)
      code.append(w == 1 ? 0xA8 : 0xA9)
      immediate(w)
    }
    return finish(.negNotTest, undefinedFlags: Undefined.logic)
  }

  mutating func shiftRotate() -> GeneratedCase? {
    // /6 is the undocumented alias of SHL (/4) that the processor executes.
    let op = below(8)
    let w = width()
    prefix(w)
    let form = below(3)
    if form == 2 {  // count in CL: 0–31 mostly, sometimes any byte (masked to 5 bits)
      registers[1] = registers[1] & 0xFFFF_FF00 | UInt32(chance(80) ? below(32) : below(256))
    }
    code.append(UInt8([w == 1 ? 0xC0 : 0xC1, w == 1 ? 0xD0 : 0xD1, w == 1 ? 0xD2 : 0xD3][form]))
    _ = modrm(reg: op, size: w)
    var count: UInt32 = 1
    if form == 0 {
      count = UInt32(chance(85) ? below(32) : below(256))
      code.append(UInt8(count))
    } else if form == 2 {
      count = registers[1] & 0xFF
    }
    let masked = count & 0x1F
    let undefined =
      op < 4
      ? Undefined.rotate(maskedCount: masked) : Undefined.shift(op: op == 6 ? 4 : op, maskedCount: masked, width: w)
    return finish(.shiftRotate, undefinedFlags: undefined)
  }

  mutating func doubleShift() -> GeneratedCase? {
    let w = wideWidth()
    prefix(w)
    let byCL = chance(50)
    if byCL { registers[1] = registers[1] & 0xFFFF_FF00 | UInt32(chance(80) ? below(32) : below(256)) }
    code += [0x0F, pick([0xA4, 0xAC]) + (byCL ? 1 : 0)]
    let destination = modrm(reg: below(8), size: w)
    var count = registers[1] & 0xFF
    if !byCL {
      count = UInt32(chance(85) ? below(32) : below(256))
      code.append(UInt8(count))
    }
    let masked = count & 0x1F
    var undefinedRegisters: Set<Int> = []
    if masked > UInt32(w * 8) {
      // An undefined result in the window cannot be forgiven per register: draw again.
      guard case .register(let r) = destination else { return nil }
      undefinedRegisters.insert(r)
    }
    return finish(
      .doubleShift, undefinedFlags: Undefined.doubleShift(maskedCount: masked, width: w),
      undefinedRegisters: undefinedRegisters)
  }

  mutating func mulDiv() -> GeneratedCase? {
    let w = width()
    switch below(w == 1 ? 1 : 4) {
    case 0:
      let op = 4 + below(4)
      let signed = op == 5 || op == 7
      if op >= 6 && chance(85) {
        // Keep the quotient in range most of the time: a small high half, or the low half sign-extended.
        let low = registers[0]
        switch w {
        case 1: registers[0] = low & 0xFFFF_00FF | (signed ? (low & 0x80 != 0 ? 0xFF00 : 0) : 0)
        case 2: registers[2] = registers[2] & 0xFFFF_0000 | (signed ? (low & 0x8000 != 0 ? 0xFFFF : 0) : 0)
        default: registers[2] = signed ? (low & 0x8000_0000 != 0 ? 0xFFFF_FFFF : 0) : 0
        }
      }
      prefix(w)
      code.append(w == 1 ? 0xF6 : 0xF7)
      pinned = 0b101  // EAX and EDX hold the dividend
      let source = modrm(reg: op, size: w)
      if op >= 6 {
        // Faulting divisions (#DE) are kept a fifth of the time; the rest are drawn again.
        if divisionFaults(signed: signed, width: w, divisor: read(source, width: w)) && !chance(20) { return nil }
        return finish(.mulDiv, undefinedFlags: Undefined.divide)
      }
    case 1:
      prefix(w)
      code += [0x0F, 0xAF]
      _ = modrm(reg: below(8), size: w)
    case 2:
      prefix(w)
      code.append(0x69)
      _ = modrm(reg: below(8), size: w)
      immediate(w)
    default:
      prefix(w)
      code.append(0x6B)
      _ = modrm(reg: below(8), size: w)
      immediate(1)
    }
    return finish(.mulDiv, undefinedFlags: Undefined.multiply)
  }

  /// Whether DIV/IDIV of the accumulator by `divisor` raises #DE: a zero divisor or a quotient out of range.
  func divisionFaults(signed: Bool, width: Int, divisor: UInt32) -> Bool {
    if divisor == 0 { return true }
    let bits = width * 8
    let dividend: UInt64
    switch width {
    case 1: dividend = UInt64(registers[0] & 0xFFFF)
    case 2: dividend = UInt64(registers[2] & 0xFFFF) << 16 | UInt64(registers[0] & 0xFFFF)
    default: dividend = UInt64(registers[2]) << 32 | UInt64(registers[0])
    }
    if !signed { return dividend / UInt64(divisor) > (UInt64(1) << bits) - 1 }
    let shift = UInt64(64 - 2 * bits)
    let signedDividend = Int64(bitPattern: dividend << shift) >> Int64(shift)
    let signedDivisor = Int64(bitPattern: UInt64(divisor) << UInt64(64 - bits)) >> Int64(64 - bits)
    let (quotient, overflow) = signedDividend.dividedReportingOverflow(by: signedDivisor)
    return overflow || quotient < -(Int64(1) << (bits - 1)) || quotient > (Int64(1) << (bits - 1)) - 1
  }

  mutating func bitScan() -> GeneratedCase? {
    let w = wideWidth()
    prefix(w)
    code += [0x0F, chance(50) ? 0xBC : 0xBD]
    let destination = below(8)
    let source = modrm(reg: destination, size: w)
    if chance(20) {  // a zero source, often enough to matter
      switch source {
      case .register(let r): registers[r] = w == 2 ? registers[r] & 0xFFFF_0000 : 0
      case .memory(let offset): poke(0, width: w, at: offset)
      }
    }
    let zero = read(source, width: w) == 0
    return finish(.bitScan, undefinedFlags: Undefined.bitScan, undefinedRegisters: zero ? [destination] : [])
  }

  mutating func cmov() -> GeneratedCase? {
    let w = wideWidth()
    prefix(w)
    code += [0x0F, UInt8(0x40 + below(16))]
    _ = modrm(reg: below(8), size: w)
    return finish(.cmov)
  }

  mutating func setcc() -> GeneratedCase? {
    code += [0x0F, UInt8(0x90 + below(16))]
    _ = modrm(reg: below(8), size: 1)
    return finish(.setcc)
  }

  mutating func bitTest() -> GeneratedCase? {
    let w = wideWidth()
    prefix(w)
    if chance(50) {
      code += [0x0F, pick([0xA3, 0xAB, 0xB3, 0xBB])]
      _ = modrm(reg: below(8), size: w, allowMemory: false)
    } else {
      code += [0x0F, 0xBA]
      _ = modrm(reg: 4 + below(4), size: w)
      code.append(UInt8(below(chance(80) ? 32 : 256)))
    }
    return finish(.bitTest, undefinedFlags: Undefined.bitTest)
  }

  /// BT* m,r: the bit offset register is signed and selects a word (dword) at EA + 2 (4) × (offset >> 4 (5)), which
  /// may lie before or after the operand's own word; both stay inside the window.
  mutating func bitString() -> GeneratedCase? {
    let w = wideWidth()
    if chance(25) { code.append(0xF0) }  // LOCK: BTS/BTR/BTC only; BT with LOCK is #UD
    let opcode: UInt8 = pick([0xA3, 0xAB, 0xB3, 0xBB])
    if code.first == 0xF0 && opcode == 0xA3 && chance(70) { code.removeAll() }
    prefix(w)
    code += [0x0F, opcode]
    let offsetRegister = addressRegister()
    pinned |= 1 << offsetRegister
    let slots = ConformanceLayout.windowSize / w
    let operandSlot = below(slots)
    let accessedSlot = below(slots)
    let bit = below(w * 8)
    let bitOffset = (accessedSlot - operandSlot) * w * 8 + bit
    _ = modrm(reg: offsetRegister, size: w, memoryOnly: true, at: operandSlot * w)
    if w == 2 {
      registers[offsetRegister] =
        registers[offsetRegister] & 0xFFFF_0000 | UInt32(UInt16(truncatingIfNeeded: bitOffset))
    } else {
      registers[offsetRegister] = UInt32(bitPattern: Int32(bitOffset))
    }
    return finish(.bitString, undefinedFlags: Undefined.bitTest)
  }

  mutating func bcd() -> GeneratedCase? {
    // DAA DAS AAA AAS, and AAM AAD with base 10 most of the time, any base otherwise (AAM 0 raises #DE).
    let base: UInt8 = chance(60) ? 10 : UInt8(below(256))
    let (bytes, undefined): ([UInt8], UInt32) = pick([
      ([0x27], Undefined.daa), ([0x2F], Undefined.daa), ([0x37], Undefined.aaa), ([0x3F], Undefined.aaa),
      ([0xD4, base], Undefined.aam), ([0xD5, base], Undefined.aam),
    ])
    code += bytes
    return finish(.bcd, undefinedFlags: undefined)
  }
}

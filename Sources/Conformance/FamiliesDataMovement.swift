import Emulator

/// The data-movement, exchange, LEA and flag/conversion families (see `Family` for the forms each covers).
extension CaseGenerator {
  mutating func dataMovement() -> GeneratedCase? {
    switch below(9) {
    case 0, 1:  // MOV r/m,r and r,r/m
      let w = width()
      prefix(w)
      code.append((w == 1 ? 0x88 : 0x89) + (chance(50) ? 2 : 0))
      _ = modrm(reg: below(8), size: w)
    case 2:  // MOV r/m,imm
      let w = width()
      prefix(w)
      code.append(w == 1 ? 0xC6 : 0xC7)
      _ = modrm(reg: 0, size: w)
      immediate(w)
    case 3:  // MOV r,imm
      let w = width()
      prefix(w)
      code.append((w == 1 ? 0xB0 : 0xB8) + UInt8(below(8)))
      immediate(w)
    case 4:  // MOV AL/eAX,moffs and moffs,AL/eAX
      let w = width()
      if chance(20) { code.append(pick([0x26, 0x36, 0x3E])) }
      prefix(w)
      code.append((w == 1 ? 0xA0 : 0xA1) + (chance(50) ? 2 : 0))
      append(ConformanceLayout.windowAddress &+ UInt32(below(ConformanceLayout.windowSize - w + 1)), width: 4)
    case 5, 6:  // MOVZX/MOVSX r16/r32, r/m8 or r/m16
      let destination = wideWidth()
      let opcode: UInt8 = pick([0xB6, 0xB7, 0xBE, 0xBF])
      prefix(destination)
      code += [0x0F, opcode]
      _ = modrm(reg: below(8), size: opcode & 1 == 0 ? 1 : 2)
    case 7:  // XLAT: AL ← [EBX + AL]
      let offset = below(ConformanceLayout.windowSize)
      registers[3] = ConformanceLayout.windowAddress &+ UInt32(offset) &- (registers[0] & 0xFF)
      if chance(20) { code.append(pick([0x26, 0x2E, 0x36, 0x3E])) }
      code.append(0xD7)
    default:  // NOP, 66 NOP, the multi-byte NOP 0F 1F /0 (its memory operand is never accessed)
      switch below(4) {
      case 0: code.append(0x90)
      case 1: code += [0x66, 0x90]
      case 2: code += [0xF3, 0x90]  // PAUSE
      default:
        prefix(wideWidth())
        code += [0x0F, 0x1F]
        _ = modrm(reg: 0, size: 4)
      }
    }
    return finish(.dataMovement)
  }

  mutating func exchange() -> GeneratedCase? {
    switch below(5) {
    case 0:  // XCHG r/m,r
      let w = width()
      prefix(w)
      code.append(w == 1 ? 0x86 : 0x87)
      _ = modrm(reg: below(8), size: w)
      return finish(.exchange)
    case 1:  // XCHG eAX,r (90+r; 90 itself is NOP)
      prefix(wideWidth())
      code.append(0x90 + UInt8(below(8)))
      return finish(.exchange)
    case 2:  // XADD r/m,r: the sum's flags are ADD's
      let w = width()
      prefix(w)
      code += [0x0F, w == 1 ? 0xC0 : 0xC1]
      _ = modrm(reg: below(8), size: w)
      return finish(.exchange)
    case 3:  // CMPXCHG r/m,r: equal to the accumulator half the time
      let w = width()
      prefix(w)
      code += [0x0F, w == 1 ? 0xB0 : 0xB1]
      pinned = 1  // EAX is the comparand
      let destination = modrm(reg: below(8), size: w)
      if chance(50) {
        let mask: UInt32 = w == 1 ? 0xFF : w == 2 ? 0xFFFF : 0xFFFF_FFFF
        registers[0] = registers[0] & ~mask | read(destination, width: w)
      }
      return finish(.exchange)
    default:  // BSWAP r32; with 0x66 the result is undefined (SDM: BSWAP, "16-bit register … undefined")
      let r = below(8)
      let sixteen = chance(10)
      if sixteen { code.append(0x66) }
      code += [0x0F, 0xC8 + UInt8(r)]
      return finish(.exchange, undefinedRegisters: sixteen ? [r] : [])
    }
  }

  /// LEA computes the address without touching memory, so every form, any register values and 16-bit addressing
  /// (0x67) can be checked; a register operand is #UD.
  mutating func lea() -> GeneratedCase? {
    let w = wideWidth()
    let address16 = chance(30)
    if address16 { code.append(0x67) }
    prefix(w)
    code.append(0x8D)
    let reg = UInt8(below(8))
    if chance(3) {  // LEA r, r: #UD
      code.append(0xC0 | reg << 3 | UInt8(below(8)))
      return finish(.lea)
    }
    let mod = UInt8(below(3))
    let rm = UInt8(below(8))
    code.append(mod << 6 | reg << 3 | rm)
    if address16 {
      if mod == 1 { immediate(1) }
      if mod == 2 || (mod == 0 && rm == 6) { immediate(2) }
    } else {
      if rm == 4 { code.append(UInt8(below(256))) }  // SIB: any scale, index (100 = none), base
      let sibBase = code.last.map { $0 & 7 } ?? 0
      if mod == 1 { immediate(1) }
      if mod == 2 || (mod == 0 && rm == 5) || (mod == 0 && rm == 4 && sibBase == 5) { immediate(4) }
    }
    return finish(.lea)
  }

  mutating func flagsAndConversions() -> GeneratedCase? {
    // CBW/CWDE, CWD/CDQ, LAHF, SAHF, CMC, CLC, STC, CLD, STD, and SALC (D6, undocumented: AL ← CF ? FF : 0, which
    // the processor executes in 32-bit mode): one to four of them in a row.
    let forms: [[UInt8]] = [
      [0x98], [0x66, 0x98], [0x99], [0x66, 0x99], [0x9F], [0x9E], [0xF5], [0xF8], [0xF9], [0xFC], [0xFD], [0xD6],
    ]
    for _ in 0..<(1 + below(4)) { code += pick(forms) }
    return finish(.flagsAndConversions)
  }
}

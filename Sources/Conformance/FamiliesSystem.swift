import Emulator

/// The segment, prefix and fault families (see `Family` for the forms each covers).
extension CaseGenerator {
  mutating func segments() -> GeneratedCase? {
    switch below(6) {
    case 5:  // ARPL r/m16, r16: raises the destination's RPL to the source's, ZF says whether it did
      code.append(0x63)
      let destination = modrm(reg: below(8), size: 2)
      if case .register(let r) = destination { registers[r] = registers[r] & 0xFFFF_0000 | UInt32(selector()) }
    case 0:  // MOV r/m,Sreg: a 32-bit register gets the selector zero-extended (P6 and later), memory 16 bits
      let w = wideWidth()
      prefix(w)
      code.append(0x8C)
      _ = modrm(reg: chance(95) ? below(6) : 6 + below(2), size: 2)  // Sreg 6 and 7 do not exist: #UD
    case 1:  // MOV Sreg,r/m (ES SS DS FS GS; CS is #UD)
      let sreg = pick([0, 2, 3, 4, 5, 5, 1])
      let value = UInt32(sreg == 2 && chance(60) ? 0x2B : selector())
      if chance(40) { code.append(0x66) }  // no effect: the selector is 16 bits either way
      code.append(0x8E)
      let source = nonStackRegister()
      if chance(50) {
        code.append(0xC0 | UInt8(sreg << 3 | source))
        registers[source] = registers[source] & 0xFFFF_0000 | value
      } else {
        guard case .memory(let offset) = modrm(reg: sreg, size: 2, memoryOnly: true) else { return nil }
        poke(value, width: 2, at: offset)
      }
    case 2:  // a segment load, then an access through it: null, read-only code, or a usable data segment
      let sreg = pick([0, 3, 4, 5])
      let source = pick([0, 1, 2, 3])
      registers[source] = registers[source] & 0xFFFF_0000 | UInt32(pick([0x2B, 0x23, 0x33, 0, 3, 0x28]))
      code += [0x8E, 0xC0 | UInt8(sreg << 3 | source)]
      code.append([0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65][sreg])
      code += [chance(50) ? 0x8B : 0x89, 0x05 | UInt8(pick([5, 6, 7]) << 3)]  // MOV EBP..EDI ↔ [disp32]
      append(ConformanceLayout.windowAddress &+ UInt32(below(ConformanceLayout.windowSize - 3)), width: 4)
    case 3:  // a memory operand with a segment override: FS/GS are null (#GP(0)), CS is read-only
      let w = width()
      let op = below(8)
      code.append(pick([0x26, 0x2E, 0x36, 0x3E, 0x26, 0x36, 0x3E, 0x64, 0x65]))
      prefix(w)
      code.append(UInt8(op * 8) + (w == 1 ? 0 : 1) + (chance(50) ? 2 : 0))
      _ = modrm(reg: below(8), size: w, memoryOnly: true)
      return finish(.segments, undefinedFlags: [1, 4, 6].contains(op) ? Undefined.logic : 0)
    default:  // LDS LES LSS LFS LGS r,m16:32 (or m16:16): the far pointer in the window
      let w = wideWidth()
      let opcode: [UInt8] = pick([[0xC5], [0xC4], [0x0F, 0xB2], [0x0F, 0xB4], [0x0F, 0xB5]])
      prefix(w)
      code += opcode
      let reg = nonStackRegister()
      guard case .memory(let offset) = modrm(reg: reg, size: w + 2, memoryOnly: true) else { return nil }
      let value = UInt32(opcode == [0x0F, 0xB2] && chance(70) ? 0x2B : selector())
      poke(value, width: 2, at: offset + w)
    }
    return finish(.segments)
  }

  /// The lockable read-modify-write forms with a memory destination: (opcode bytes, ModRM reg or nil for a
  /// register operand, operand size, immediate bytes).
  mutating func lockableForm(width w: Int) -> (opcode: [UInt8], reg: Int?, immediate: Int, undefined: UInt32) {
    switch below(6) {
    case 0:  // ADD OR ADC SBB AND SUB XOR r/m,r
      let op = pick([0, 1, 2, 3, 4, 5, 6])
      return ([UInt8(op * 8 + (w == 1 ? 0 : 1))], nil, 0, [1, 4, 6].contains(op) ? Undefined.logic : 0)
    case 1:  // 80/81/83 /0–/6
      let op = below(7)
      let opcode: UInt8 = w == 1 ? 0x80 : pick([0x81, 0x83])
      return ([opcode], op, opcode == 0x81 ? w : 1, [1, 4, 6].contains(op) ? Undefined.logic : 0)
    case 2:  // INC DEC NOT NEG
      let op = pick([0, 1])
      return ([w == 1 ? 0xFE : 0xFF], op, 0, 0)
    case 3:
      return ([w == 1 ? 0xF6 : 0xF7], pick([2, 3]), 0, 0)
    case 4:  // XCHG (locked even without the prefix), XADD, CMPXCHG
      return (pick([[w == 1 ? 0x86 : 0x87], [0x0F, w == 1 ? 0xC0 : 0xC1], [0x0F, w == 1 ? 0xB0 : 0xB1]]), nil, 0, 0)
    default:  // BTS BTR BTC r/m, imm8 (the register-offset forms with LOCK are in the bitString family)
      return ([0x0F, 0xBA], 5 + below(3), 1, Undefined.bitTest)
    }
  }

  mutating func prefixes() -> GeneratedCase? {
    var w = width()
    if w == 1 && chance(50) { w = 4 }
    switch below(5) {
    case 0, 1:  // LOCK on a valid memory form, with redundant prefixes around it
      let form = lockableForm(width: w)
      var prefixBytes: [UInt8] = [0xF0]
      if w == 2 { prefixBytes.append(0x66) }
      for _ in 0..<below(3) { prefixBytes.append(pick([0x3E, 0x36, 0x26, w == 2 ? 0x66 : 0x3E])) }
      code += prefixBytes.shuffled(using: &random)
      code += form.opcode
      _ = modrm(reg: form.reg ?? below(8), size: w, memoryOnly: true)
      immediate(form.immediate)
      return finish(.prefixes, undefinedFlags: form.undefined)
    case 2:  // LOCK where it is #UD: a register destination, or an instruction that cannot be locked
      if chance(50) {
        let form = lockableForm(width: w)
        code.append(0xF0)
        prefix(w)
        code += form.opcode
        code.append(0xC0 | UInt8((form.reg ?? below(8)) << 3 | below(8)))
        immediate(form.immediate)
      } else {
        code.append(0xF0)
        prefix(w)
        // MOV, CMP, TEST, ADD r,r/m (the destination is a register), BT m,r, MOV r/m,imm
        let opcode = pick([0x88, 0x8A, 0x38, 0x3A, 0x84, 0x02, 0xC6]) + (w == 1 ? 0 : 1)
        code.append(UInt8(opcode))
        _ = modrm(reg: 0, size: w, memoryOnly: true)
        if opcode == 0xC6 || opcode == 0xC7 { immediate(w) }
      }
      return finish(.prefixes)
    case 3:  // repeated and redundant prefixes on ordinary instructions: 66 on byte forms, 67 and F2/F3 where they
      // change nothing (no memory operand, or no string instruction), one segment override repeated
      let segment: UInt8 = pick([0x26, 0x36, 0x3E])
      var prefixBytes: [UInt8] = []
      for _ in 0..<(1 + below(4)) { prefixBytes.append(pick([segment, 0x66, 0xF2, 0xF3, 0x67])) }
      let sizes16 = prefixBytes.contains(0x66)
      let memory = !prefixBytes.contains(0x67)
      code += prefixBytes
      let op = below(8)
      code.append(UInt8(op * 8) + (chance(30) ? 0 : 1) + (chance(50) ? 2 : 0))
      let byteForm = code.last! & 1 == 0
      _ = modrm(reg: below(8), size: byteForm ? 1 : (sizes16 ? 2 : 4), allowMemory: memory)
      return finish(.prefixes, undefinedFlags: [1, 4, 6].contains(op) ? Undefined.logic : 0)
    default:  // 15 bytes is the longest instruction; 16 or more raise #GP(0)
      let length = 14 + below(4)
      let instruction: [UInt8] = [0x89, 0x05] + le32(ConformanceLayout.windowAddress &+ UInt32(4 * below(60)))
      code += [UInt8](repeating: pick([0x3E, 0x36, 0x26]), count: length - instruction.count) + instruction
      return finish(.prefixes)
    }
  }

  mutating func faults() -> GeneratedCase? {
    switch below(9) {
    case 0:  // INT3, INT 3, INT 4: DPL 3 gates on Linux and here; INT1 (F1, ICEBP): #DB as a trap
      code += pick([[0xCC], [0xCD, 0x03], [0xCD, 0x04], [0xF1]])
    case 1:  // INTO: #OF when OF is set
      code.append(0xCE)
    case 2:  // INT n through a DPL 0 gate: #GP(n × 8 + 2); 0x80 is the system call (the oracle's own exit)
      var n = UInt8(below(256))
      while n == 0x80 || n == 3 || n == 4 { n = UInt8(below(256)) }
      code += [0xCD, n]
    case 3:  // UD2
      code += [0x0F, 0x0B]
    case 4:  // BOUND r, m32&32 / m16&16: in range or #BR
      let w = wideWidth()
      prefix(w)
      code.append(0x62)
      let reg = nonStackRegister()
      pinned |= 1 << reg
      guard case .memory(let offset) = modrm(reg: reg, size: 2 * w, memoryOnly: true) else { return nil }
      let lower = Int32(truncatingIfNeeded: Int(value() % 64) - 32)
      let upper = lower + Int32(below(64))
      poke(UInt32(bitPattern: lower), width: w, at: offset)
      poke(UInt32(bitPattern: upper), width: w, at: offset + w)
      let index = Int32(lower) + Int32(below(80)) - 8
      let mask: UInt32 = w == 2 ? 0xFFFF : 0xFFFF_FFFF
      registers[reg] = registers[reg] & ~mask | UInt32(bitPattern: index) & mask
    case 5:  // HLT, CLI, STI, CLTS, INVD, WBINVD at CPL 3: #GP(0)
      code += pick([[0xF4], [0xFA], [0xFB], [0x0F, 0x06], [0x0F, 0x08], [0x0F, 0x09]])
    case 6:  // IN, OUT, INS, OUTS with IOPL 0 and no I/O permission: #GP(0)
      code += pick([[0xE4, 0x60], [0xE5, 0x40], [0xE6, 0x80], [0xE7, 0x70], [0xEC], [0xED], [0xEE], [0xEF]])
      if chance(30) { code = [0x6C + UInt8(below(4))] }
    case 7:  // LGDT LIDT LMSW INVLPG (0F 01 /2 /3 /6 /7), LLDT LTR (0F 00 /2 /3), MOV CRn/DRn: #GP(0)
      switch below(3) {
      case 0:
        code += [0x0F, 0x01]
        _ = modrm(reg: pick([2, 3, 6, 7]), size: 6, memoryOnly: true)
      case 1:
        code += [0x0F, 0x00]
        _ = modrm(reg: pick([2, 3]), size: 2)
      default:
        code += [0x0F, pick([0x20, 0x22, 0x21, 0x23]), 0xC0 | UInt8(pick([0, 2, 3]) << 3 | below(8))]
      }
    default:  // undefined opcodes: UD0, UD2, 0F 04: #UD
      code += pick([[0x0F, 0xFF, 0xC0], [0x0F, 0x0B], [0x0F, 0x04]])
    }
    return finish(.faults)
  }
}

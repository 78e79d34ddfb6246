/// System instructions: descriptor tables (LGDT LIDT SGDT SIDT LLDT SLDT LTR STR), LAR LSL VERR VERW ARPL,
/// control and debug registers, CLTS LMSW SMSW INVLPG, CPUID, RDTSC, CLI/STI, HLT (SDM vol. 2 and vol. 3 §2.8).
extension CPU {
  func requirePrivilege0() throws(Fault) {
    guard cpl == 0 else { throw Fault.generalProtection() }
  }

  /// Group 6 (0F 00): SLDT, STR, LLDT, LTR, VERR, VERW.
  func executeGroup6() throws(Fault) {
    let m = try decodeModRM()
    switch m.reg {
    case 0, 1:  // SLDT, STR: a register destination gets the selector zero-extended to the operand size.
      let value = UInt32(m.reg == 0 ? ldtr.selector : tr.selector)
      if m.isRegister { setReg(m.rm, size: operandSize, value) } else { try write16(m.seg, m.offset, UInt16(value)) }
    case 2:  // LLDT
      try requirePrivilege0()
      let selector = try readRM16(m)
      if selector & 0xFFFC == 0 {
        ldtr = SegmentCache()
        ldtr.usable = false
        ldtr.selector = selector
        return
      }
      guard selector & 4 == 0 else { throw Fault.generalProtection(UInt32(selector & 0xFFFC)) }
      let (low, high) = try readDescriptor(selector)
      let cache = SegmentCache(selector: selector, descriptorLow: low, high: high)
      guard !cache.isCodeOrData, cache.access & 0x0F == 0x02 else {
        throw Fault.generalProtection(UInt32(selector & 0xFFFC))
      }
      guard cache.present else { throw Fault.notPresent(UInt32(selector & 0xFFFC)) }
      ldtr = cache
    case 3:  // LTR: an available TSS (type 1 or 9), which becomes busy (type 3 or 11).
      try requirePrivilege0()
      let selector = try readRM16(m)
      let code = UInt32(selector & 0xFFFC)
      guard code != 0 else { throw Fault.generalProtection() }
      guard selector & 4 == 0 else { throw Fault.generalProtection(code) }
      let (low, high) = try readDescriptor(selector)
      let cache = SegmentCache(selector: selector, descriptorLow: low, high: high)
      let type = cache.access & 0x1F
      guard type == 0x01 || type == 0x09 else { throw Fault.generalProtection(code) }
      guard cache.present else { throw Fault.notPresent(code) }
      try writeSystem8(gdtr.base &+ UInt32(selector & 0xFFF8) &+ 5, cache.access | 0x02)
      tr = cache
      tr.access |= 0x02
    case 4, 5:  // VERR, VERW: ZF tells whether the segment is readable/writable at this CPL.
      let selector = try readRM16(m)
      updateArithmeticFlags(set: try verify(selector, write: m.reg == 5) ? EFLAGS.zf : 0, mask: EFLAGS.zf)
    default:
      throw Fault.invalidOpcode
    }
  }

  private func verify(_ selector: UInt16, write: Bool) throws(Fault) -> Bool {
    guard let cache = try descriptorIfVisible(selector), cache.isCodeOrData else { return false }
    if !cache.isConforming && (cache.dpl < cpl || cache.dpl < Int(selector & 3)) { return false }
    return write ? cache.writable : cache.readable
  }

  /// The descriptor a selector names, or nil when it is null or beyond its table (LAR/LSL/VERR/VERW set ZF = 0
  /// instead of faulting).
  private func descriptorIfVisible(_ selector: UInt16) throws(Fault) -> SegmentCache? {
    guard selector & 0xFFFC != 0 else { return nil }
    let limit = selector & 4 != 0 ? (ldtr.usable ? ldtr.limit : 0) : UInt32(gdtr.limit)
    guard UInt32(selector & 0xFFF8) &+ 7 <= limit else { return nil }
    let (low, high) = try readDescriptor(selector)
    return SegmentCache(selector: selector, descriptorLow: low, high: high)
  }

  /// LAR (0F 02) and LSL (0F 03).
  func executeLARorLSL(limit: Bool) throws(Fault) {
    let m = try decodeModRM()
    let selector = try readRM16(m)
    guard let cache = try descriptorIfVisible(selector) else {
      updateArithmeticFlags(set: 0, mask: EFLAGS.zf)
      return
    }
    var valid: Bool
    if cache.isCodeOrData {
      valid = cache.isConforming || (cache.dpl >= cpl && cache.dpl >= Int(selector & 3))
    } else {
      // System types LAR accepts: TSS, LDT, call and task gates; LSL accepts those without an offset field.
      let type = cache.access & 0x0F
      let accepted: Set<UInt8> = limit ? [1, 2, 3, 9, 11] : [1, 2, 3, 4, 5, 9, 11, 12]
      valid = accepted.contains(type) && cache.dpl >= cpl && cache.dpl >= Int(selector & 3)
    }
    guard valid else {
      updateArithmeticFlags(set: 0, mask: EFLAGS.zf)
      return
    }
    let (_, high) = try readDescriptor(selector)
    let value = limit ? cache.limit : high & 0x00FF_FF00
    setReg(m.reg, size: operandSize, operandSize32 ? value : value & 0xFFFF)
    updateArithmeticFlags(set: EFLAGS.zf, mask: EFLAGS.zf)
  }

  /// Group 7 (0F 01): SGDT, SIDT, LGDT, LIDT, SMSW, LMSW, INVLPG.
  func executeGroup7() throws(Fault) {
    let m = try decodeModRM()
    switch m.reg {
    case 0, 1:  // SGDT, SIDT
      guard !m.isRegister else { throw Fault.invalidOpcode }
      let table = m.reg == 0 ? gdtr : idtr
      let linear = try linearAddress(m.seg, m.offset, size: 6, write: true)
      try probeWrite(linear, size: 6)
      try writeLinear16(linear, table.limit)
      try writeLinear32(linear &+ 2, operandSize32 ? table.base : table.base & 0x00FF_FFFF)
    case 2, 3:  // LGDT, LIDT: with a 16-bit operand size only 24 bits of the base are used.
      guard !m.isRegister else { throw Fault.invalidOpcode }
      try requirePrivilege0()
      let limit = try read16(m.seg, m.offset)
      var base = try read32(m.seg, m.offset &+ 2)
      if !operandSize32 { base &= 0x00FF_FFFF }
      if m.reg == 2 {
        gdtr = TableRegister(base: base, limit: limit)
      } else {
        idtr = TableRegister(base: base, limit: limit)
      }
    case 4:  // SMSW
      let value = cr0 & 0xFFFF
      if m.isRegister {
        setReg(m.rm, size: operandSize, operandSize32 ? cr0 : value)
      } else {
        try write16(m.seg, m.offset, UInt16(value))
      }
    case 6:  // LMSW: loads PE MP EM TS; cannot clear PE.
      try requirePrivilege0()
      let value = UInt32(try readRM16(m))
      writeCR0((cr0 & ~UInt32(0xE)) | (value & 0xF))
    case 7:  // INVLPG
      guard !m.isRegister else { throw Fault.invalidOpcode }
      try requirePrivilege0()
      flushTLB(page: segs[m.seg].base &+ m.offset)
    default:
      throw Fault.invalidOpcode
    }
  }

  /// MOV to or from CR0, CR2, CR3, CR4 (0F 20 / 0F 22) and DR0–DR7 (0F 21 / 0F 23). The mod field is ignored:
  /// these always act on registers.
  func executeMoveSpecial(_ opcode: UInt8) throws(Fault) {
    let byte = try fetch8()
    let register = Int((byte >> 3) & 7)
    let gpr = Int(byte & 7)
    try requirePrivilege0()
    switch opcode {
    case 0x20:
      switch register {
      case 0: regs[gpr] = cr0
      case 2: regs[gpr] = cr2
      case 3: regs[gpr] = cr3
      case 4: regs[gpr] = cr4
      default: throw Fault.invalidOpcode
      }
    case 0x22:
      let value = regs[gpr]
      switch register {
      case 0:
        // Setting PG without PE, or NW without CD, is a #GP(0) (SDM vol. 3, §2.5).
        if value & Self.cr0PG != 0 && value & Self.cr0PE == 0 { throw Fault.generalProtection() }
        if value & (1 << 29) != 0 && value & (1 << 30) == 0 { throw Fault.generalProtection() }
        writeCR0(value)
      case 2: cr2 = value
      case 3: writeCR3(value)
      case 4:
        guard value & ~UInt32(0x11) == 0 else { throw Fault.generalProtection() }
        writeCR4(value)
      default: throw Fault.invalidOpcode
      }
    case 0x21:
      let index = register == 4 ? 6 : register == 5 ? 7 : register
      regs[gpr] = dr[index]
    default:
      let index = register == 4 ? 6 : register == 5 ? 7 : register
      dr[index] = regs[gpr]
    }
  }

  /// CPUID: says what this processor really implements — an i486-class integer core with TSC, PSE and CMOV,
  /// and no FPU, MMX or SSE.
  /// 0F AE: the fences and CLFLUSH. With one CPU, no write-combining buffers and no caches modelled, the fences
  /// order nothing that is not already in order, and CLFLUSH has nothing to write back: all are no-ops (SDM vol. 2,
  /// LFENCE/MFENCE/SFENCE/CLFLUSH). CLFLUSH still checks its operand as a one-byte read would (segment limit,
  /// page present: SDM "the same as a byte load") without reading it, so MMIO sees no access. The other /r forms
  /// (FXSAVE, LDMXCSR …) are SSE state: #UD, like every SSE instruction here.
  func executeFenceOrFlush(_ m: ModRM) throws(Fault) {
    if m.isRegister {
      guard m.reg >= 5 else { throw Fault.invalidOpcode }
      return
    }
    guard m.reg == 7 else { throw Fault.invalidOpcode }
    let linear = try linearAddress(m.seg, m.offset, size: 1, write: false)
    _ = try translate(linear, write: false, user: cpl == 3)
  }

  func executeCPUID() {
    switch regs[0] {
    case 0:
      regs[0] = 1
      // "irqscopeI386" in EBX, EDX, ECX order.
      regs[3] = 0x7371_7269  // "irqs"
      regs[2] = 0x6570_6F63  // "cope"
      regs[1] = 0x3638_3349  // "I386"
    case 1:
      regs[0] = 0x0000_0400  // family 4, model 0, stepping 0
      regs[3] = 0
      regs[1] = 0
      regs[2] = (1 << 3) | (1 << 4) | (1 << 15)  // PSE, TSC, CMOV
    default:
      regs[0] = 0
      regs[3] = 0
      regs[1] = 0
      regs[2] = 0
    }
  }
}

/// The two-byte opcode map (0F xx), SDM vol. 2, table A-3.
extension CPU {
  func executeTwoByte(_ opcode: UInt8) throws(Fault) {
    switch opcode {
    case 0x00: try executeGroup6()
    case 0x01: try executeGroup7()
    case 0x02: try executeLARorLSL(limit: false)
    case 0x03: try executeLARorLSL(limit: true)
    case 0x06:  // CLTS
      try requirePrivilege0()
      cr0 &= ~Self.cr0TS
    case 0x08, 0x09:  // INVD, WBINVD: no caches to write back
      try requirePrivilege0()
    case 0x0B:
      throw Fault.invalidOpcode  // UD2
    case 0x18...0x1F:  // hint NOPs: PREFETCHh (0F 18 /0–/3), the multi-byte NOP (0F 1F /0), reserved NOPs
      _ = try decodeModRM()
    case 0xAE:  // LFENCE, MFENCE, SFENCE (register forms of /5 /6 /7), CLFLUSH m8 (/7)
      try executeFenceOrFlush(try decodeModRM())
    case 0x20...0x23:
      try executeMoveSpecial(opcode)
    case 0x31:  // RDTSC: the cycle counter; #GP at CPL > 0 when CR4.TSD is set
      if cr4 & 0x4 != 0 && cpl != 0 { throw Fault.generalProtection() }
      regs[0] = UInt32(truncatingIfNeeded: cycles)
      regs[2] = UInt32(truncatingIfNeeded: cycles >> 32)
    case 0x40...0x4F:  // CMOVcc: the source is read (and may fault) even when the condition is false
      let m = try decodeModRM()
      let value = try readRM(m, size: operandSize)
      if condition(opcode & 0xF) { setReg(m.reg, size: operandSize, value) }
    case 0x80...0x8F:
      let displacement = try fetchRelative(size: operandSize)
      if condition(opcode & 0xF) { try relativeJump(displacement) }
    case 0x90...0x9F:
      let m = try decodeModRM()
      try writeRM(m, size: 1, condition(opcode & 0xF) ? 1 : 0)
    case 0xA0, 0xA8:  // PUSH FS, PUSH GS
      try pushSelector(segs[opcode == 0xA0 ? 4 : 5].selector)
    case 0xA1, 0xA9:  // POP FS, POP GS
      let seg = opcode == 0xA1 ? 4 : 5
      let selector = UInt16(truncatingIfNeeded: try peekStack(0, size: operandSize))
      try loadSegment(seg, selector)
      adjustStack(UInt32(operandSize))
    case 0xA2:
      executeCPUID()
    case 0xA3: try bitTestRegister(0, try decodeModRM())
    case 0xAB: try bitTestRegister(1, try decodeModRM())
    case 0xB3: try bitTestRegister(2, try decodeModRM())
    case 0xBB: try bitTestRegister(3, try decodeModRM())
    case 0xBA: try bitTestImmediate(try decodeModRM())
    case 0xA4, 0xA5, 0xAC, 0xAD:  // SHLD, SHRD with imm8 or CL
      let m = try decodeModRM()
      let count = opcode & 1 == 0 ? UInt32(try fetch8()) : regs[1] & 0xFF
      let size = operandSize
      let source = reg(m.reg, size: size)
      let (old, at) = try loadForUpdate(m, size: size)
      try storeUpdate(m, at: at, size: size, doubleShift(left: opcode < 0xAC, old, source, count: count, size: size))
    case 0xAF:
      let m = try decodeModRM()
      let value = try readRM(m, size: operandSize)
      setReg(m.reg, size: operandSize, imulTruncated(reg(m.reg, size: operandSize), value, size: operandSize))
    case 0xB0, 0xB1:  // CMPXCHG: compare with AL/eAX; equal → store source, else load the destination into eAX
      let size = opcode == 0xB0 ? 1 : operandSize
      let m = try decodeModRM()
      let accumulator = reg(0, size: size)
      let source = reg(m.reg, size: size)
      // The destination is always written (with its old value when unequal), as the processor's bus cycle does.
      let (loaded, at) = try loadForUpdate(m, size: size)
      _ = alu(7, accumulator, loaded, size: size)
      try storeUpdate(m, at: at, size: size, loaded == accumulator ? source : loaded)
      if loaded != accumulator { setReg(0, size: size, loaded) }
    case 0xB2: try loadFarPointer(SegmentRegister.ss.rawValue)
    case 0xB4: try loadFarPointer(SegmentRegister.fs.rawValue)
    case 0xB5: try loadFarPointer(SegmentRegister.gs.rawValue)
    case 0xB6, 0xB7:  // MOVZX
      let m = try decodeModRM()
      let value = try readRM(m, size: opcode == 0xB6 ? 1 : 2)
      setReg(m.reg, size: operandSize, value)
    case 0xBE, 0xBF:  // MOVSX
      let m = try decodeModRM()
      let value =
        opcode == 0xBE
        ? UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: try readRM(m, size: 1))))
        : UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: try readRM(m, size: 2))))
      setReg(m.reg, size: operandSize, value)
    case 0xBC: try bitScan(forward: true, try decodeModRM())
    case 0xBD: try bitScan(forward: false, try decodeModRM())
    case 0xC0, 0xC1:  // XADD
      let size = opcode == 0xC0 ? 1 : operandSize
      let m = try decodeModRM()
      let source = reg(m.reg, size: size)
      let (old, at) = try loadForUpdate(m, size: size)
      let sum = alu(0, old, source, size: size)
      // SDM vol. 2, XADD: "TEMP ← SRC + DEST; SRC ← DEST; DEST ← TEMP": the destination is written last, so
      // XADD r, r with one register for both leaves the sum. (A memory store goes first: if it faults, no
      // register has changed.)
      if m.isRegister {
        setReg(m.reg, size: size, old)
        setReg(m.rm, size: size, sum)
      } else {
        try storeUpdate(m, at: at, size: size, sum)
        setReg(m.reg, size: size, old)
      }
    case 0xC8...0xCF:
      // BSWAP. With a 16-bit operand size the result is undefined; we clear the low word as Intel processors do.
      let r = Int(opcode & 7)
      if operandSize32 { regs[r] = regs[r].byteSwapped } else { setReg16(r, 0) }
    default:
      throw Fault.invalidOpcode
    }
  }
}

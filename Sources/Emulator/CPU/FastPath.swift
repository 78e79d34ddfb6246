/// The fast path of the interpreter: the instructions compiled 32-bit code executes most, in their unprefixed
/// forms, decoded straight from the fetch window.
///
/// When CS is a 32-bit segment and at least 16 bytes of the window lie ahead of EIP (`fastFetchLength`), every byte
/// of an unprefixed instruction is readable through one host pointer: no per-byte window checks, no per-byte EIP
/// stores, and the operand and address sizes are known at compile time. Everything else — prefixes, 16-bit code,
/// the last bytes of a page, rarer opcodes, and forms that raise #UD — goes through the general decoder `step()`,
/// which starts over from the same EIP. Semantics are those of the general handlers; this file only skips decoding.
extension CPU {
  /// Executes one instruction.
  @inline(__always)
  func stepFast() throws(Fault) {
    let start = eip
    instructionStart = start
    guard start &- fetchStart < fastFetchLength else { return try stepGeneral() }
    let p = UnsafeRawPointer(bitPattern: fetchAddend &+ Int(start))!
    let opcode = p.load(as: UInt8.self)
    switch fastOps[Int(opcode)] {
    // ALU Ev,Gv / Gv,Ev / eAX,Iv: ADD OR ADC SBB AND SUB XOR CMP
    case .addEvGv: try aluEvGv(0, p, start)
    case .addGvEv: try aluGvEv(0, p, start)
    case .addEAXIv: aluEAXIv(0, p, start)
    case .orEvGv: try aluEvGv(1, p, start)
    case .orGvEv: try aluGvEv(1, p, start)
    case .orEAXIv: aluEAXIv(1, p, start)
    case .adcEvGv: try aluEvGv(2, p, start)
    case .adcGvEv: try aluGvEv(2, p, start)
    case .adcEAXIv: aluEAXIv(2, p, start)
    case .sbbEvGv: try aluEvGv(3, p, start)
    case .sbbGvEv: try aluGvEv(3, p, start)
    case .sbbEAXIv: aluEAXIv(3, p, start)
    case .andEvGv: try aluEvGv(4, p, start)
    case .andGvEv: try aluGvEv(4, p, start)
    case .andEAXIv: aluEAXIv(4, p, start)
    case .subEvGv: try aluEvGv(5, p, start)
    case .subGvEv: try aluGvEv(5, p, start)
    case .subEAXIv: aluEAXIv(5, p, start)
    case .xorEvGv: try aluEvGv(6, p, start)
    case .xorGvEv: try aluGvEv(6, p, start)
    case .xorEAXIv: aluEAXIv(6, p, start)
    case .cmpEvGv: try aluEvGv(7, p, start)
    case .cmpGvEv: try aluGvEv(7, p, start)
    case .cmpEAXIv: aluEAXIv(7, p, start)
    case .twoByte:
      try fastTwoByte(p, start)
    case .incRegister:
      eip = start &+ 1
      let r = Int(opcode & 7)
      regs[r] = inc(regs[r], size: 4)
    case .decRegister:
      eip = start &+ 1
      let r = Int(opcode & 7)
      regs[r] = dec(regs[r], size: 4)
    case .pushRegister:
      eip = start &+ 1
      try push32(regs[Int(opcode & 7)])
    case .popRegister:
      eip = start &+ 1
      let value = try pop32()
      regs[Int(opcode & 7)] = value
    case .pushImmediate32:
      eip = start &+ 5
      try push32(p.loadUnaligned(fromByteOffset: 1, as: UInt32.self))
    case .pushImmediate8:
      eip = start &+ 2
      try push32(UInt32(bitPattern: Int32(p.load(fromByteOffset: 1, as: Int8.self))))
    case .jccShort:
      let next = start &+ 2
      let displacement = UInt32(bitPattern: Int32(p.load(fromByteOffset: 1, as: Int8.self)))
      try fastBranch(condition(opcode & 0xF), next, displacement)
    case .group1:
      try fastGroup1(opcode, p, start)
    case .testEbGb:
      let m = fastModRM(p + 1)
      eip = start &+ 1 &+ m.length
      testForm(size: 1, try fastRead8(m), UInt32(reg8(m.reg)))
    case .testEvGv:
      let m = fastModRM(p + 1)
      eip = start &+ 1 &+ m.length
      testForm(size: 4, try fastRead32(m), regs[m.reg])
    case .movEbGb:
      let m = fastModRM(p + 1)
      eip = start &+ 1 &+ m.length
      if m.isRegister { setReg8(m.rm, reg8(m.reg)) } else { try write8(m.seg, m.offset, reg8(m.reg)) }
    case .movEvGv:
      let m = fastModRM(p + 1)
      eip = start &+ 1 &+ m.length
      if m.isRegister { regs[m.rm] = regs[m.reg] } else { try write32(m.seg, m.offset, regs[m.reg]) }
    case .movGbEb:
      let m = fastModRM(p + 1)
      eip = start &+ 1 &+ m.length
      setReg8(m.reg, UInt8(truncatingIfNeeded: try fastRead8(m)))
    case .movGvEv:
      let m = fastModRM(p + 1)
      eip = start &+ 1 &+ m.length
      regs[m.reg] = try fastRead32(m)
    case .lea:
      let m = fastModRM(p + 1)
      guard !m.isRegister else { return try stepGeneral() }  // #UD
      eip = start &+ 1 &+ m.length
      regs[m.reg] = m.offset
    case .nop:
      eip = start &+ 1
    case .movRegister8Immediate:
      eip = start &+ 2
      setReg8(Int(opcode & 7), p.load(fromByteOffset: 1, as: UInt8.self))
    case .movRegisterImmediate:
      eip = start &+ 5
      regs[Int(opcode & 7)] = p.loadUnaligned(fromByteOffset: 1, as: UInt32.self)
    case .group2:
      try fastGroup2(opcode, p, start)
    case .retImmediate:
      eip = start &+ 3
      try fastReturn(release: UInt32(p.loadUnaligned(fromByteOffset: 1, as: UInt16.self)))
    case .ret:
      eip = start &+ 1
      try fastReturn(release: 0)
    case .movEbImmediate:
      let m = fastModRM(p + 1)
      guard m.reg == 0 else { return try stepGeneral() }  // #UD
      let length = 1 &+ m.length
      eip = start &+ length &+ 1
      let value = p.load(fromByteOffset: Int(length), as: UInt8.self)
      if m.isRegister { setReg8(m.rm, value) } else { try write8(m.seg, m.offset, value) }
    case .movEvImmediate:
      let m = fastModRM(p + 1)
      guard m.reg == 0 else { return try stepGeneral() }  // #UD
      let length = 1 &+ m.length
      eip = start &+ length &+ 4
      let value = p.loadUnaligned(fromByteOffset: Int(length), as: UInt32.self)
      if m.isRegister { regs[m.rm] = value } else { try write32(m.seg, m.offset, value) }
    case .callNear:
      let next = start &+ 5
      eip = next
      try fastCall(to: next &+ p.loadUnaligned(fromByteOffset: 1, as: UInt32.self))
    case .jmpNear:
      let next = start &+ 5
      try fastBranch(true, next, p.loadUnaligned(fromByteOffset: 1, as: UInt32.self))
    case .jmpShort:
      let next = start &+ 2
      try fastBranch(true, next, UInt32(bitPattern: Int32(p.load(fromByteOffset: 1, as: Int8.self))))
    case .group5:
      try fastGroup5(p, start)
    case .general:
      try stepGeneral()
    }
  }

  /// The general decoder, out of line so that the fast path stays compact.
  @inline(never)
  func stepGeneral() throws(Fault) {
    try step()
  }

  // MARK: Helpers (32-bit operand size throughout)

  @_transparent
  private func aluEvGv(_ op: Int, _ p: UnsafeRawPointer, _ start: UInt32) throws(Fault) {
    let m = fastModRM(p + 1)
    eip = start &+ 1 &+ m.length
    let b = regs[m.reg]
    if m.isRegister {
      let r = alu(op, regs[m.rm], b, size: 4)
      if op != 7 { regs[m.rm] = r }
    } else if op == 7 {
      _ = alu(7, try read32(m.seg, m.offset), b, size: 4)
    } else {
      let at = try fastLoadForUpdate32(m)
      try fastStoreUpdate32(m, at, alu(op, at.value, b, size: 4))
    }
  }

  @_transparent
  private func aluGvEv(_ op: Int, _ p: UnsafeRawPointer, _ start: UInt32) throws(Fault) {
    let m = fastModRM(p + 1)
    eip = start &+ 1 &+ m.length
    let r = alu(op, regs[m.reg], try fastRead32(m), size: 4)
    if op != 7 { regs[m.reg] = r }
  }

  @_transparent
  private func aluEAXIv(_ op: Int, _ p: UnsafeRawPointer, _ start: UInt32) {
    eip = start &+ 5
    let r = alu(op, regs[0], p.loadUnaligned(fromByteOffset: 1, as: UInt32.self), size: 4)
    if op != 7 { regs[0] = r }
  }

  /// Group 1 with a 32-bit operand: 0x81 (imm32) and 0x83 (imm8 sign-extended).
  @_transparent
  private func fastGroup1(_ opcode: UInt8, _ p: UnsafeRawPointer, _ start: UInt32) throws(Fault) {
    let m = fastModRM(p + 1)
    let length = 1 &+ m.length
    let imm: UInt32
    if opcode == 0x81 {
      imm = p.loadUnaligned(fromByteOffset: Int(length), as: UInt32.self)
      eip = start &+ length &+ 4
    } else {
      imm = UInt32(bitPattern: Int32(p.load(fromByteOffset: Int(length), as: Int8.self)))
      eip = start &+ length &+ 1
    }
    let op = m.reg
    if m.isRegister {
      let r = alu(op, regs[m.rm], imm, size: 4)
      if op != 7 { regs[m.rm] = r }
    } else if op == 7 {
      _ = alu(7, try read32(m.seg, m.offset), imm, size: 4)
    } else {
      let at = try fastLoadForUpdate32(m)
      try fastStoreUpdate32(m, at, alu(op, at.value, imm, size: 4))
    }
  }

  /// Group 2 with a 32-bit operand: C1 (count imm8), D1 (count 1), D3 (count CL).
  @_transparent
  private func fastGroup2(_ opcode: UInt8, _ p: UnsafeRawPointer, _ start: UInt32) throws(Fault) {
    let m = fastModRM(p + 1)
    let length = 1 &+ m.length
    let count: UInt32
    switch opcode {
    case 0xC1:
      count = UInt32(p.load(fromByteOffset: Int(length), as: UInt8.self))
      eip = start &+ length &+ 1
    case 0xD1:
      count = 1
      eip = start &+ length
    default:
      count = regs[1] & 0xFF
      eip = start &+ length
    }
    if m.isRegister && m.reg >= 4 {
      regs[m.rm] = shift32(m.reg, regs[m.rm], count: count & 0x1F)
      return
    }
    if m.isRegister && m.reg < 2 {
      regs[m.rm] = rotate32(left: m.reg == 0, regs[m.rm], count: count & 0x1F)
      return
    }
    let at = try fastLoadForUpdate32(m)
    try fastStoreUpdate32(m, at, shiftRotate(m.reg, at.value, count: count, size: 4))
  }

  /// Group 5 with a 32-bit operand: INC, DEC, CALL near, JMP near, PUSH (far forms and #UD go the general way).
  @_transparent
  private func fastGroup5(_ p: UnsafeRawPointer, _ start: UInt32) throws(Fault) {
    let m = fastModRM(p + 1)
    let next = start &+ 1 &+ m.length
    switch m.reg {
    case 0:
      eip = next
      let at = try fastLoadForUpdate32(m)
      try fastStoreUpdate32(m, at, inc(at.value, size: 4))
    case 1:
      eip = next
      let at = try fastLoadForUpdate32(m)
      try fastStoreUpdate32(m, at, dec(at.value, size: 4))
    case 2:
      eip = next
      try fastCall(to: try fastRead32(m))
    case 4:
      let target = try fastRead32(m)
      guard target <= segs[SegmentRegister.cs.rawValue].limit else { throw Fault.generalProtection() }
      eip = target
    case 6:
      eip = next
      try push32(try fastRead32(m))
    default:
      try stepGeneral()
    }
  }

  /// A relative jump (taken or not) with the CS limit check of `jump(to:)`.
  @_transparent
  func fastBranch(_ taken: Bool, _ next: UInt32, _ displacement: UInt32) throws(Fault) {
    if taken {
      let target = next &+ displacement
      guard target <= segs[SegmentRegister.cs.rawValue].limit else { throw Fault.generalProtection() }
      eip = target
    } else {
      eip = next
    }
  }

  /// CALL near with EIP already at the next instruction: `nearCall(to:)` for a 32-bit operand size.
  @_transparent
  private func fastCall(to target: UInt32) throws(Fault) {
    guard target <= segs[SegmentRegister.cs.rawValue].limit else { throw Fault.generalProtection() }
    try push32(eip)
    eip = target
  }

  /// RET near: `nearReturn(release:)` for a 32-bit operand size.
  @_transparent
  private func fastReturn(release: UInt32) throws(Fault) {
    let target = try peekStack(0, size: 4)
    guard target <= segs[SegmentRegister.cs.rawValue].limit else { throw Fault.generalProtection() }
    adjustStack(4 &+ release)
    eip = target
  }
}

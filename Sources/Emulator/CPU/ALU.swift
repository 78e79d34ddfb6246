/// The integer ALU: ADD OR ADC SBB AND SUB XOR CMP, INC, DEC, NEG, NOT (SDM vol. 2), with exact flags.
extension CPU {
  /// Performs ALU operation `op` (the opcode's bits 5–3: 0 ADD, 1 OR, 2 ADC, 3 SBB, 4 AND, 5 SUB, 6 XOR, 7 CMP)
  /// and records its flags. Returns the result (CMP's is the difference, which the caller does not store).
  @_transparent
  func alu(_ op: Int, _ a: UInt32, _ b: UInt32, size: Int) -> UInt32 {
    let mask = sizeMask(size)
    switch op {
    case 0:
      let r = (a &+ b) & mask
      setFlags(.add, result: r, a: a, b: b, mask: mask)
      return r
    case 1:
      let r = a | b
      setFlags(.logic, result: r, a: a, b: b, mask: mask)
      return r
    case 2:
      let carry: UInt32 = cf ? 1 : 0
      let r = (a &+ b &+ carry) & mask
      setFlags(.adc, result: r, a: a, b: b, mask: mask)
      flagAux = carry
      return r
    case 3:
      let borrow: UInt32 = cf ? 1 : 0
      let r = (a &- b &- borrow) & mask
      setFlags(.sbb, result: r, a: a, b: b, mask: mask)
      flagAux = borrow
      return r
    case 4:
      let r = a & b
      setFlags(.logic, result: r, a: a, b: b, mask: mask)
      return r
    case 6:
      let r = a ^ b
      setFlags(.logic, result: r, a: a, b: b, mask: mask)
      return r
    default:  // 5 SUB, 7 CMP
      let r = (a &- b) & mask
      setFlags(.sub, result: r, a: a, b: b, mask: mask)
      return r
    }
  }

  @_transparent
  func inc(_ a: UInt32, size: Int) -> UInt32 {
    let carry: UInt32 = cf ? 1 : 0
    let mask = sizeMask(size)
    let r = (a &+ 1) & mask
    setFlags(.inc, result: r, a: a, b: 1, mask: mask)
    flagAux = carry
    return r
  }

  @_transparent
  func dec(_ a: UInt32, size: Int) -> UInt32 {
    let carry: UInt32 = cf ? 1 : 0
    let mask = sizeMask(size)
    let r = (a &- 1) & mask
    setFlags(.dec, result: r, a: a, b: 1, mask: mask)
    flagAux = carry
    return r
  }

  /// The ALU forms of opcodes 0x00–0x3D: Eb,Gb / Ev,Gv / Gb,Eb / Gv,Ev / AL,Ib / eAX,Iv.
  @inline(__always)
  func executeALUForm(_ opcode: UInt8) throws(Fault) {
    let op = Int(opcode >> 3) & 7
    let size = opcode & 1 == 0 ? 1 : operandSize
    switch opcode & 7 {
    case 0, 1:
      let m = try decodeModRM()
      let b = reg(m.reg, size: size)
      if m.isRegister {
        let r = alu(op, reg(m.rm, size: size), b, size: size)
        if op != 7 { setReg(m.rm, size: size, r) }
      } else if op == 7 {
        _ = alu(op, try read(m.seg, m.offset, size: size), b, size: size)
      } else {
        let linear = try writableLinear(m, size: size)
        let r = alu(op, try readLinear(linear, size: size), b, size: size)
        try writeLinear(linear, size: size, r)
      }
    case 2, 3:
      let m = try decodeModRM()
      let r = alu(op, reg(m.reg, size: size), try readRM(m, size: size), size: size)
      if op != 7 { setReg(m.reg, size: size, r) }
    default:
      let imm = try fetchImmediate(size: size)
      let r = alu(op, reg(0, size: size), imm, size: size)
      if op != 7 { setReg(0, size: size, r) }
    }
  }

  /// The 32-bit operand-size forms of the ALU opcodes (Ev,Gv / Gv,Ev / eAX,Iv): the most common instructions in
  /// compiled code, so they get a path with the width known at compile time.
  @inline(__always)
  func executeALUForm32(_ opcode: UInt8) throws(Fault) {
    let op = Int(opcode >> 3) & 7
    switch opcode & 7 {
    case 1:
      let m = try decodeModRM()
      let b = regs[m.reg]
      if m.isRegister {
        let r = alu(op, regs[m.rm], b, size: 4)
        if op != 7 { regs[m.rm] = r }
      } else if op == 7 {
        _ = alu(op, try read32(m.seg, m.offset), b, size: 4)
      } else {
        let linear = try writableLinear(m, size: 4)
        let r = alu(op, try readLinear32(linear), b, size: 4)
        try writeLinear32(linear, r)
      }
    case 3:
      let m = try decodeModRM()
      let r = alu(op, regs[m.reg], try readRM32(m), size: 4)
      if op != 7 { regs[m.reg] = r }
    default:
      let r = alu(op, regs[0], try fetch32(), size: 4)
      if op != 7 { regs[0] = r }
    }
  }

  /// Group 1 (0x80–0x83): ALU operation `reg` on Eb/Ev with an immediate.
  @inline(__always)
  func executeGroup1(_ opcode: UInt8) throws(Fault) {
    let size = opcode & 1 == 0 ? 1 : operandSize
    let m = try decodeModRM()
    let op = m.reg
    if m.isRegister && size == 4 {
      let imm = opcode == 0x81 ? try fetch32() : UInt32(bitPattern: Int32(Int8(bitPattern: try fetch8())))
      let r = alu(op, regs[m.rm], imm, size: 4)
      if op != 7 { regs[m.rm] = r }
    } else if m.isRegister {
      let imm = opcode == 0x81 ? try fetchImmediate(size: size) : try fetchSignExtended8(size: size)
      let r = alu(op, reg(m.rm, size: size), imm, size: size)
      if op != 7 { setReg(m.rm, size: size, r) }
    } else if op == 7 {
      let imm = opcode == 0x81 ? try fetchImmediate(size: size) : try fetchSignExtended8(size: size)
      _ = alu(op, try read(m.seg, m.offset, size: size), imm, size: size)
    } else {
      let imm = opcode == 0x81 ? try fetchImmediate(size: size) : try fetchSignExtended8(size: size)
      let linear = try writableLinear(m, size: size)
      let r = alu(op, try readLinear(linear, size: size), imm, size: size)
      try writeLinear(linear, size: size, r)
    }
  }

  /// Reads an Eb/Ev operand for a read-modify-write. For memory, the write is checked first (returned as the
  /// linear address) so that the flags and the store happen only when the whole instruction can complete.
  @inline(__always)
  func loadForUpdate(_ m: ModRM, size: Int) throws(Fault) -> (value: UInt32, linear: UInt32) {
    if m.isRegister { return (reg(m.rm, size: size), 0) }
    let linear = try writableLinear(m, size: size)
    return (try readLinear(linear, size: size), linear)
  }

  @inline(__always)
  func storeUpdate(_ m: ModRM, at linear: UInt32, size: Int, _ value: UInt32) throws(Fault) {
    if m.isRegister {
      setReg(m.rm, size: size, value)
    } else {
      try writeLinear(linear, size: size, value)
    }
  }

  func testForm(size: Int, _ a: UInt32, _ b: UInt32) {
    setFlags(.logic, result: a & b, a: a, b: b, mask: sizeMask(size))
  }

  func neg(_ a: UInt32, size: Int) -> UInt32 {
    let mask = sizeMask(size)
    let r = (0 &- a) & mask
    setFlags(.sub, result: r, a: 0, b: a, mask: mask)
    return r
  }
}

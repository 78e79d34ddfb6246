/// A decoded ModRM operand: a register, or a memory location as segment and offset (SDM vol. 2, §2.1.5).
struct ModRM {
  /// The `reg` field: a register number or an opcode extension.
  var reg: Int
  /// The `rm` field when `isRegister`.
  var rm: Int
  var isRegister: Bool
  var seg: Int
  var offset: UInt32
}

extension CPU {
  // MARK: Registers by width

  @inline(__always) func reg8(_ r: Int) -> UInt8 {
    // AL CL DL BL are the low bytes of EAX..EBX; AH CH DH BH their second bytes.
    UInt8(truncatingIfNeeded: regs[r & 3] >> (UInt32(r & 4) << 1))
  }

  @inline(__always) func setReg8(_ r: Int, _ value: UInt8) {
    let shift = UInt32(r & 4) << 1
    regs[r & 3] = (regs[r & 3] & ~(0xFF << shift)) | (UInt32(value) << shift)
  }

  @inline(__always) func reg16(_ r: Int) -> UInt16 { UInt16(truncatingIfNeeded: regs[r]) }

  @inline(__always) func setReg16(_ r: Int, _ value: UInt16) {
    regs[r] = (regs[r] & 0xFFFF_0000) | UInt32(value)
  }

  /// Reads register `r` at `size` bytes (1, 2 or 4), zero-extended.
  @inline(__always) func reg(_ r: Int, size: Int) -> UInt32 {
    switch size {
    case 4: return regs[r]
    case 2: return regs[r] & 0xFFFF
    default: return UInt32(reg8(r))
    }
  }

  @inline(__always) func setReg(_ r: Int, size: Int, _ value: UInt32) {
    switch size {
    case 4: regs[r] = value
    case 2: setReg16(r, UInt16(truncatingIfNeeded: value))
    default: setReg8(r, UInt8(truncatingIfNeeded: value))
    }
  }

  /// The operand size of the current instruction for opcodes whose size is 16 or 32 bits.
  @inline(__always) var operandSize: Int { operandSize32 ? 4 : 2 }

  // MARK: ModRM decoding

  @inline(__always)
  func decodeModRM() throws(Fault) -> ModRM {
    let byte = try fetch8()
    let mod = byte >> 6
    let reg = Int((byte >> 3) & 7)
    let rm = Int(byte & 7)
    if mod == 3 { return ModRM(reg: reg, rm: rm, isRegister: true, seg: 0, offset: 0) }
    return addressSize32
      ? try decodeAddress32(mod: mod, reg: reg, rm: rm)
      : try decodeAddress16(mod: mod, reg: reg, rm: rm)
  }

  @inline(__always)
  func decodeAddress32(mod: UInt8, reg: Int, rm: Int) throws(Fault) -> ModRM {
    var offset: UInt32
    var seg = SegmentRegister.ds.rawValue
    if rm == 4 {
      let sib = try fetch8()
      let base = Int(sib & 7)
      let index = Int((sib >> 3) & 7)
      if base == 5 && mod == 0 {
        offset = try fetch32()
      } else {
        offset = regs[base]
        if base == 4 || base == 5 { seg = SegmentRegister.ss.rawValue }
      }
      if index != 4 { offset &+= regs[index] << UInt32(sib >> 6) }
    } else if rm == 5 && mod == 0 {
      offset = try fetch32()
    } else {
      offset = regs[rm]
      if rm == 5 { seg = SegmentRegister.ss.rawValue }
    }
    if mod == 1 {
      offset &+= UInt32(bitPattern: Int32(Int8(bitPattern: try fetch8())))
    } else if mod == 2 {
      offset &+= try fetch32()
    }
    if segmentOverride >= 0 { seg = segmentOverride }
    return ModRM(reg: reg, rm: rm, isRegister: false, seg: seg, offset: offset)
  }

  func decodeAddress16(mod: UInt8, reg: Int, rm: Int) throws(Fault) -> ModRM {
    let bx = regs[3] & 0xFFFF
    let bp = regs[5] & 0xFFFF
    let si = regs[6] & 0xFFFF
    let di = regs[7] & 0xFFFF
    var offset: UInt32
    var seg = SegmentRegister.ds.rawValue
    switch rm {
    case 0: offset = bx &+ si
    case 1: offset = bx &+ di
    case 2:
      offset = bp &+ si
      seg = SegmentRegister.ss.rawValue
    case 3:
      offset = bp &+ di
      seg = SegmentRegister.ss.rawValue
    case 4: offset = si
    case 5: offset = di
    case 6:
      if mod == 0 {
        offset = UInt32(try fetch16())
      } else {
        offset = bp
        seg = SegmentRegister.ss.rawValue
      }
    default: offset = bx
    }
    if mod == 1 {
      offset &+= UInt32(bitPattern: Int32(Int8(bitPattern: try fetch8())))
    } else if mod == 2 {
      offset &+= UInt32(try fetch16())
    }
    if segmentOverride >= 0 { seg = segmentOverride }
    return ModRM(reg: reg, rm: rm, isRegister: false, seg: seg, offset: offset & 0xFFFF)
  }

  // MARK: Operand access

  @inline(__always) func readRM(_ m: ModRM, size: Int) throws(Fault) -> UInt32 {
    m.isRegister ? reg(m.rm, size: size) : try read(m.seg, m.offset, size: size)
  }

  @inline(__always) func writeRM(_ m: ModRM, size: Int, _ value: UInt32) throws(Fault) {
    if m.isRegister {
      setReg(m.rm, size: size, value)
    } else {
      try write(m.seg, m.offset, size: size, value)
    }
  }

  @inline(__always) func readRM32(_ m: ModRM) throws(Fault) -> UInt32 {
    m.isRegister ? regs[m.rm] : try read32(m.seg, m.offset)
  }

  @inline(__always) func readRM16(_ m: ModRM) throws(Fault) -> UInt16 {
    m.isRegister ? reg16(m.rm) : try read16(m.seg, m.offset)
  }

  /// The linear address of a memory operand for a read-modify-write, checked for writing once so that the
  /// read, the flags and the write happen only when the whole instruction can complete.
  @inline(__always) func writableLinear(_ m: ModRM, size: Int) throws(Fault) -> UInt32 {
    let linear = try linearAddress(m.seg, m.offset, size: UInt32(size), write: true)
    try probeWrite(linear, size: size)
    return linear
  }

  @inline(__always) func readLinear(_ linear: UInt32, size: Int) throws(Fault) -> UInt32 {
    switch size {
    case 4: return try readLinear32(linear)
    case 2: return UInt32(try readLinear16(linear))
    default: return UInt32(try readLinear8(linear))
    }
  }

  @inline(__always) func writeLinear(_ linear: UInt32, size: Int, _ value: UInt32) throws(Fault) {
    switch size {
    case 4: try writeLinear32(linear, value)
    case 2: try writeLinear16(linear, UInt16(truncatingIfNeeded: value))
    default: try writeLinear8(linear, UInt8(truncatingIfNeeded: value))
    }
  }

  /// Reads an immediate of `size` bytes.
  @inline(__always) func fetchImmediate(size: Int) throws(Fault) -> UInt32 {
    switch size {
    case 4: return try fetch32()
    case 2: return UInt32(try fetch16())
    default: return UInt32(try fetch8())
    }
  }

  /// Reads an 8-bit immediate sign-extended to `size` bytes.
  @inline(__always) func fetchSignExtended8(size: Int) throws(Fault) -> UInt32 {
    UInt32(bitPattern: Int32(Int8(bitPattern: try fetch8()))) & sizeMask(size)
  }

  @inline(__always) func sizeMask(_ size: Int) -> UInt32 {
    size == 4 ? 0xFFFF_FFFF : size == 2 ? 0xFFFF : 0xFF
  }

  // MARK: Stack

  /// True when the stack segment uses ESP (B bit set), false for SP.
  @inline(__always) var stack32: Bool { segs[SegmentRegister.ss.rawValue].big }

  @_transparent func push32(_ value: UInt32) throws(Fault) {
    if stack32 {
      let sp = regs[4] &- 4
      try writeLinear32(try linearAddress(2, sp, size: 4, write: true), value)
      regs[4] = sp
    } else {
      let sp = (regs[4] &- 4) & 0xFFFF
      try write32(2, sp, value)
      setReg16(4, UInt16(sp))
    }
  }

  @inline(__always) func push16(_ value: UInt16) throws(Fault) {
    let sp = (regs[4] &- 2) & (stack32 ? 0xFFFF_FFFF : 0xFFFF)
    try write16(2, sp, value)
    if stack32 { regs[4] = sp } else { setReg16(4, UInt16(sp)) }
  }

  @inline(__always) func push(_ value: UInt32, size: Int) throws(Fault) {
    if size == 4 { try push32(value) } else { try push16(UInt16(truncatingIfNeeded: value)) }
  }

  /// PUSH Sreg. With a 32-bit operand size the stack pointer moves by 4; the slot gets the selector zero-extended or
  /// only its low 16 bits, as `model.pushSegmentWrites` says (the SDM allows both; see CPUModel).
  @inline(__always) func pushSelector(_ selector: UInt16) throws(Fault) {
    guard operandSize32 else { return try push16(selector) }
    if model.pushSegmentWrites == .zeroExtended32 { return try push32(UInt32(selector)) }
    let sp = (regs[4] &- 4) & (stack32 ? 0xFFFF_FFFF : 0xFFFF)
    try write16(2, sp, selector)
    if stack32 { regs[4] = sp } else { setReg16(4, UInt16(sp)) }
  }

  @_transparent func pop32() throws(Fault) -> UInt32 {
    if stack32 {
      let sp = regs[4]
      let value = try readLinear32(try linearAddress(2, sp, size: 4, write: false))
      regs[4] = sp &+ 4
      return value
    }
    let sp = regs[4] & 0xFFFF
    let value = try read32(2, sp)
    setReg16(4, UInt16(truncatingIfNeeded: sp &+ 4))
    return value
  }

  @inline(__always) func pop16() throws(Fault) -> UInt16 {
    let sp = regs[4] & (stack32 ? 0xFFFF_FFFF : 0xFFFF)
    let value = try read16(2, sp)
    if stack32 { regs[4] = sp &+ 2 } else { setReg16(4, UInt16(truncatingIfNeeded: sp &+ 2)) }
    return value
  }

  @inline(__always) func pop(size: Int) throws(Fault) -> UInt32 {
    size == 4 ? try pop32() : UInt32(try pop16())
  }

  /// Reads the stack slot `offset` bytes above the stack pointer without popping (for far returns and IRET,
  /// which must check everything before they change any state).
  @inline(__always)
  func peekStack(_ offset: UInt32, size: Int) throws(Fault) -> UInt32 {
    let sp = stack32 ? regs[4] &+ offset : (regs[4] &+ offset) & 0xFFFF
    return try read(2, sp, size: size)
  }

  /// Adds `delta` to ESP or SP as the stack size says.
  @_transparent func adjustStack(_ delta: UInt32) {
    if stack32 { regs[4] &+= delta } else { setReg16(4, UInt16(truncatingIfNeeded: regs[4] &+ delta)) }
  }
}

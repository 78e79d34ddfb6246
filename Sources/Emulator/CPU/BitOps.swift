/// Bit instructions: BT, BTS, BTR, BTC, BSF, BSR, BSWAP, SETcc, CMOVcc (SDM vol. 2).
extension CPU {
  /// BT/BTS/BTR/BTC with the bit offset in a register (0F A3/AB/B3/BB): for a memory operand the offset is
  /// signed and may select a bit outside the addressed doubleword (SDM: "BT — Bit Test", bit base addressing).
  func bitTestRegister(_ op: Int, _ m: ModRM) throws(Fault) {
    let size = operandSize
    let bits = UInt32(size * 8)
    let offsetValue = reg(m.reg, size: size)
    if m.isRegister {
      let bit = offsetValue % bits
      let value = reg(m.rm, size: size)
      setCarryOnly(value >> bit & 1 != 0)
      if op != 0 { setReg(m.rm, size: size, bitOp(op, value, bit)) }
      return
    }
    let signedOffset = size == 4 ? Int64(Int32(bitPattern: offsetValue)) : Int64(Int16(truncatingIfNeeded: offsetValue))
    let displacement = (signedOffset >> (size == 4 ? 5 : 4)) * Int64(size)
    let address = (m.offset &+ UInt32(truncatingIfNeeded: displacement)) & (addressSize32 ? 0xFFFF_FFFF : 0xFFFF)
    let bit = UInt32(truncatingIfNeeded: signedOffset) & (bits - 1)
    try bitTestMemory(op, ModRM(reg: m.reg, rm: m.rm, isRegister: false, seg: m.seg, offset: address), bit: bit)
  }

  /// Group 8 (0F BA): BT/BTS/BTR/BTC with an immediate bit offset, taken modulo the operand width.
  func bitTestImmediate(_ m: ModRM) throws(Fault) {
    guard m.reg >= 4 else { throw Fault.invalidOpcode }
    let size = operandSize
    let bit = UInt32(try fetch8()) % UInt32(size * 8)
    let op = m.reg - 4
    if m.isRegister {
      let value = reg(m.rm, size: size)
      setCarryOnly(value >> bit & 1 != 0)
      if op != 0 { setReg(m.rm, size: size, bitOp(op, value, bit)) }
    } else {
      try bitTestMemory(op, m, bit: bit)
    }
  }

  private func bitTestMemory(_ op: Int, _ m: ModRM, bit: UInt32) throws(Fault) {
    let size = operandSize
    if op == 0 {
      setCarryOnly(try read(m.seg, m.offset, size: size) >> bit & 1 != 0)
      return
    }
    let linear = try writableLinear(m, size: size)
    let value = try readLinear(linear, size: size)
    try writeLinear(linear, size: size, bitOp(op, value, bit))
    setCarryOnly(value >> bit & 1 != 0)
  }

  /// 0 BT (no change), 1 BTS, 2 BTR, 3 BTC.
  private func bitOp(_ op: Int, _ value: UInt32, _ bit: UInt32) -> UInt32 {
    switch op {
    case 1: return value | (1 << bit)
    case 2: return value & ~(1 << bit)
    case 3: return value ^ (1 << bit)
    default: return value
    }
  }

  /// CF receives the tested bit; ZF is kept; OF, SF, AF and PF are undefined and kept here.
  private func setCarryOnly(_ carry: Bool) {
    updateArithmeticFlags(set: carry ? EFLAGS.cf : 0, mask: EFLAGS.cf)
  }

  /// BSF (forward = true) and BSR. A zero source sets ZF and leaves the destination unchanged, as Intel and AMD
  /// processors do (the SDM calls the destination undefined).
  func bitScan(forward: Bool, _ m: ModRM) throws(Fault) {
    let size = operandSize
    let source = try readRM(m, size: size)
    if source == 0 {
      setFlagsExplicit(result: 0, mask: sizeMask(size), coa: 0)
      return
    }
    let index = forward ? UInt32(source.trailingZeroBitCount) : UInt32(31 - source.leadingZeroBitCount)
    setReg(m.reg, size: size, index)
    setFlagsExplicit(result: 1, mask: sizeMask(size), coa: 0)
  }
}

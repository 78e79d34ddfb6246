/// The fast path's share of the two-byte map (0F xx): Jcc rel32, SETcc, CMOVcc, MOVZX, MOVSX and IMUL Gv,Ev with a
/// 32-bit operand size — what compiled C uses most. The rest goes through the general decoder.
extension CPU {
  @inline(__always)
  func fastTwoByte(_ p: UnsafeRawPointer, _ start: UInt32) throws(Fault) {
    let opcode = p.load(fromByteOffset: 1, as: UInt8.self)
    switch opcode {
    case 0x80...0x8F:
      let next = start &+ 6
      try fastBranch(condition(opcode & 0xF), next, p.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
    case 0x40...0x4F:  // CMOVcc: the source is read (and may fault) even when the condition is false
      let m = fastModRM(p + 2)
      eip = start &+ 2 &+ m.length
      let value = try fastRead32(m)
      if condition(opcode & 0xF) { regs[m.reg] = value }
    case 0x90...0x9F:
      let m = fastModRM(p + 2)
      eip = start &+ 2 &+ m.length
      let value: UInt8 = condition(opcode & 0xF) ? 1 : 0
      if m.isRegister { setReg8(m.rm, value) } else { try write8(m.seg, m.offset, value) }
    case 0xAF:
      let m = fastModRM(p + 2)
      eip = start &+ 2 &+ m.length
      let value = try fastRead32(m)
      regs[m.reg] = imulTruncated(regs[m.reg], value, size: 4)
    case 0xB6:
      let m = fastModRM(p + 2)
      eip = start &+ 2 &+ m.length
      regs[m.reg] = try fastRead8(m)
    case 0xB7:
      let m = fastModRM(p + 2)
      eip = start &+ 2 &+ m.length
      regs[m.reg] = try fastRead16(m)
    case 0xBE:
      let m = fastModRM(p + 2)
      eip = start &+ 2 &+ m.length
      regs[m.reg] = UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: try fastRead8(m))))
    case 0xBF:
      let m = fastModRM(p + 2)
      eip = start &+ 2 &+ m.length
      regs[m.reg] = UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: try fastRead16(m))))
    default:
      try stepGeneral()
    }
  }
}

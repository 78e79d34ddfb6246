/// Shifts and rotates: group 2 (ROL ROR RCL RCR SHL SHR SAL SAR), SHLD and SHRD (SDM vol. 2, "SAL/SAR/SHL/SHR",
/// "RCL/RCR/ROL/ROR", "SHLD", "SHRD").
///
/// The count is masked to 5 bits; a masked count of 0 changes nothing, not even the flags. Flags the SDM leaves
/// undefined (OF for counts other than 1, AF) get a deterministic value; the conformance tests mask them.
extension CPU {
  /// Shift or rotate `value` (of `size` bytes) by `rawCount` with group-2 operation `op` (the ModRM reg field).
  func shiftRotate(_ op: Int, _ value: UInt32, count rawCount: UInt32, size: Int) -> UInt32 {
    let count = rawCount & 0x1F
    if count == 0 { return value }
    let bits = UInt32(size * 8)
    let mask = sizeMask(size)
    let sign = (mask >> 1) &+ 1
    let v = value & mask
    switch op {
    case 0:  // ROL
      let n = count % bits
      let r = n == 0 ? v : ((v << n) | (v >> (bits - n))) & mask
      let carry = r & 1 != 0
      let overflow = (r & sign != 0) != carry
      replaceCarryOverflow(flagBits(cf: carry, of: overflow))
      return r
    case 1:  // ROR
      let n = count % bits
      let r = n == 0 ? v : ((v >> n) | (v << (bits - n))) & mask
      let carry = r & sign != 0
      let overflow = (r & sign != 0) != (r & (sign >> 1) != 0)
      replaceCarryOverflow(flagBits(cf: carry, of: overflow))
      return r
    case 2:  // RCL: rotate through CF, a (bits+1)-bit rotation
      let n = size == 4 ? count : count % (bits + 1)
      if n == 0 { return v }
      var wide = UInt64(v) | (cf ? UInt64(1) << UInt64(bits) : 0)
      let width = UInt64(bits) + 1
      let wideMask = (UInt64(1) << width) - 1
      wide = ((wide << UInt64(n)) | (wide >> (width - UInt64(n)))) & wideMask
      let r = UInt32(truncatingIfNeeded: wide) & mask
      let carry = wide >> UInt64(bits) & 1 != 0
      let overflow = (r & sign != 0) != carry
      replaceCarryOverflow(flagBits(cf: carry, of: overflow))
      return r
    case 3:  // RCR
      let n = size == 4 ? count : count % (bits + 1)
      if n == 0 { return v }
      let overflow = (v & sign != 0) != cf
      var wide = UInt64(v) | (cf ? UInt64(1) << UInt64(bits) : 0)
      let width = UInt64(bits) + 1
      let wideMask = (UInt64(1) << width) - 1
      wide = ((wide >> UInt64(n)) | (wide << (width - UInt64(n)))) & wideMask
      let r = UInt32(truncatingIfNeeded: wide) & mask
      let carry = wide >> UInt64(bits) & 1 != 0
      replaceCarryOverflow(flagBits(cf: carry, of: overflow))
      return r
    case 4, 6:  // SHL/SAL
      let r = count >= 32 ? 0 : (v << count) & mask
      let carry = count <= bits ? (v >> (bits - count)) & 1 != 0 : false
      let overflow = (r & sign != 0) != carry
      setFlagsExplicit(result: r, mask: mask, coa: flagBits(cf: carry, of: overflow) | EFLAGS.af)
      return r
    case 5:  // SHR
      let r = v >> count
      let carry = count <= bits ? (v >> (count - 1)) & 1 != 0 : false
      setFlagsExplicit(result: r, mask: mask, coa: flagBits(cf: carry, of: v & sign != 0) | EFLAGS.af)
      return r
    default:  // 7 SAR
      let signed = Int64(Int32(bitPattern: v << (32 - bits))) >> Int64(32 - bits)  // sign-extend to 64
      let r = UInt32(truncatingIfNeeded: signed >> Int64(count)) & mask
      let carry = (signed >> Int64(count - 1)) & 1 != 0
      setFlagsExplicit(result: r, mask: mask, coa: flagBits(cf: carry, of: false) | EFLAGS.af)
      return r
    }
  }

  /// SHL, SHR, SAL, SAR on a 32-bit register: the common case, without the generic width handling.
  @_transparent
  func shift32(_ op: Int, _ v: UInt32, count: UInt32) -> UInt32 {
    if count == 0 { return v }
    let r: UInt32
    let carry: Bool
    let overflow: Bool
    switch op {
    case 5:
      r = v &>> count
      carry = (v &>> (count &- 1)) & 1 != 0
      overflow = v & 0x8000_0000 != 0
    case 7:
      r = UInt32(bitPattern: Int32(bitPattern: v) &>> Int32(count))
      carry = (Int32(bitPattern: v) &>> Int32(count &- 1)) & 1 != 0
      overflow = false
    default:
      r = v &<< count
      carry = (v &>> (32 &- count)) & 1 != 0
      overflow = (r & 0x8000_0000 != 0) != carry
    }
    setFlagsExplicit(result: r, mask: 0xFFFF_FFFF, coa: flagBits(cf: carry, of: overflow) | EFLAGS.af)
    return r
  }

  /// ROL and ROR on a 32-bit value, as `shiftRotate` computes them (the count is already masked to 5 bits).
  @_transparent
  func rotate32(left: Bool, _ v: UInt32, count: UInt32) -> UInt32 {
    if count == 0 { return v }
    if left {
      let r = (v &<< count) | (v &>> (32 &- count))
      let carry = r & 1 != 0
      replaceCarryOverflow(flagBits(cf: carry, of: (r & 0x8000_0000 != 0) != carry))
      return r
    }
    let r = (v &>> count) | (v &<< (32 &- count))
    replaceCarryOverflow(flagBits(cf: r & 0x8000_0000 != 0, of: (r & 0x8000_0000 != 0) != (r & 0x4000_0000 != 0)))
    return r
  }

  /// SHLD (left = true) and SHRD: shift `dest` by `count`, filling from `source`.
  func doubleShift(left: Bool, _ dest: UInt32, _ source: UInt32, count rawCount: UInt32, size: Int) -> UInt32 {
    let count = rawCount & 0x1F
    if count == 0 { return dest }
    let bits = UInt64(size * 8)
    let mask = sizeMask(size)
    let sign = (mask >> 1) &+ 1
    let d = UInt64(dest & mask)
    let src = UInt64(source & mask)
    let n = UInt64(count)
    // For 16-bit operands with counts above 16 the SDM leaves the result undefined; Intel processors shift the
    // 48-bit value dest:source:dest, which is what `wide` models (for 32 bits the count never exceeds the width).
    let wide = (d << (2 * bits)) | (src << bits) | d
    let r: UInt32
    let carry: Bool
    if size == 4 {
      if left {
        r = UInt32(truncatingIfNeeded: (d << n) | (src >> (bits - n)))
        carry = (d >> (bits - n)) & 1 != 0
      } else {
        r = UInt32(truncatingIfNeeded: (d >> n) | (src << (bits - n)))
        carry = (d >> (n - 1)) & 1 != 0
      }
    } else if left {
      r = UInt32(truncatingIfNeeded: wide >> (2 * bits - n)) & mask
      carry = (wide >> (3 * bits - n)) & 1 != 0
    } else {
      r = UInt32(truncatingIfNeeded: wide >> n) & mask
      carry = (wide >> (n - 1)) & 1 != 0
    }
    let overflow = (r & sign) != (dest & sign)
    setFlagsExplicit(result: r, mask: mask, coa: flagBits(cf: carry, of: overflow) | EFLAGS.af)
    return r
  }

  @inline(__always) func flagBits(cf carry: Bool, of overflow: Bool) -> UInt32 {
    (carry ? EFLAGS.cf : 0) | (overflow ? EFLAGS.of : 0)
  }

  /// Group 2 (0xC0, 0xC1, 0xD0–0xD3).
  @inline(__always)
  func executeGroup2(_ opcode: UInt8) throws(Fault) {
    let size = opcode & 1 == 0 ? 1 : operandSize
    let m = try decodeModRM()
    let count: UInt32
    switch opcode {
    case 0xC0, 0xC1: count = UInt32(try fetch8())
    case 0xD0, 0xD1: count = 1
    default: count = regs[1] & 0xFF
    }
    if size == 4 && m.isRegister && m.reg >= 4 {
      regs[m.rm] = shift32(m.reg, regs[m.rm], count: count & 0x1F)
      return
    }
    let (old, at) = try loadForUpdate(m, size: size)
    try storeUpdate(m, at: at, size: size, shiftRotate(m.reg, old, count: count, size: size))
  }
}

/// Operand decoding for the fast path (FastPath.swift): the instruction's bytes are read straight from the fetch
/// window through a host pointer, with 32-bit addressing and no prefixes, so nothing is checked byte by byte and
/// EIP is written once per instruction.
struct FastModRM {
  /// The ModRM byte.
  let modrm: UInt32
  /// For a memory operand: the effective address and its default segment (DS, or SS for EBP/ESP bases).
  let offset: UInt32
  let seg: Int
  /// Bytes taken by ModRM, SIB and displacement.
  let length: UInt32

  @inline(__always) var isRegister: Bool { modrm >= 0xC0 }
  @inline(__always) var reg: Int { Int(truncatingIfNeeded: (modrm >> 3) & 7) }
  @inline(__always) var rm: Int { Int(truncatingIfNeeded: modrm & 7) }
}

extension CPU {
  /// Decodes the ModRM byte at `p` (and its SIB and displacement) with 32-bit addressing (SDM vol. 2, table 2-2/2-3).
  @_transparent
  func fastModRM(_ p: UnsafeRawPointer) -> FastModRM {
    let modrm = UInt32(p.load(as: UInt8.self))
    if modrm >= 0xC0 { return FastModRM(modrm: modrm, offset: 0, seg: 0, length: 1) }
    return fastAddress(p, modrm)
  }

  /// The memory form of `fastModRM`: kept out of line, it is the bulky part.
  @inline(never)
  func fastAddress(_ p: UnsafeRawPointer, _ modrm: UInt32) -> FastModRM {
    let mod = modrm >> 6
    let rm = Int(truncatingIfNeeded: modrm & 7)
    var seg = SegmentRegister.ds.rawValue
    var offset: UInt32
    var length: UInt32 = 1
    if rm == 4 {
      let sib = UInt32(p.load(fromByteOffset: 1, as: UInt8.self))
      length = 2
      let base = Int(truncatingIfNeeded: sib & 7)
      let index = Int(truncatingIfNeeded: (sib >> 3) & 7)
      if base == 5 && mod == 0 {
        offset = p.loadUnaligned(fromByteOffset: 2, as: UInt32.self)
        length = 6
      } else {
        offset = regs[base]
        if base == 4 || base == 5 { seg = SegmentRegister.ss.rawValue }
      }
      if index != 4 { offset &+= regs[index] << (sib >> 6) }
    } else if rm == 5 && mod == 0 {
      offset = p.loadUnaligned(fromByteOffset: 1, as: UInt32.self)
      length = 5
    } else {
      offset = regs[rm]
      if rm == 5 { seg = SegmentRegister.ss.rawValue }
    }
    if mod == 1 {
      offset &+= UInt32(bitPattern: Int32(p.load(fromByteOffset: Int(length), as: Int8.self)))
      length += 1
    } else if mod == 2 {
      offset &+= p.loadUnaligned(fromByteOffset: Int(length), as: UInt32.self)
      length += 4
    }
    return FastModRM(modrm: modrm, offset: offset, seg: seg, length: length)
  }

  // MARK: Operand access with the width known

  @_transparent func fastRead32(_ m: FastModRM) throws(Fault) -> UInt32 {
    m.isRegister ? regs[m.rm] : try read32(m.seg, m.offset)
  }

  @inline(__always) func fastRead16(_ m: FastModRM) throws(Fault) -> UInt32 {
    m.isRegister ? regs[m.rm] & 0xFFFF : UInt32(try read16(m.seg, m.offset))
  }

  @_transparent func fastRead8(_ m: FastModRM) throws(Fault) -> UInt32 {
    m.isRegister ? UInt32(reg8(m.rm)) : UInt32(try read8(m.seg, m.offset))
  }

  /// Reads a 32-bit operand for a read-modify-write, checking the write first as `loadForUpdate` does. The result
  /// says where to store: `host` is the operand's host address when the write TLB maps it (a writable page is
  /// readable at the same privilege), else 0 and the store goes through `linear`; both are 0 for a register.
  @_transparent
  func fastLoadForUpdate32(_ m: FastModRM) throws(Fault) -> (value: UInt32, host: Int, linear: UInt32) {
    if m.isRegister { return (regs[m.rm], 0, 0) }
    let linear = try linearAddress(m.seg, m.offset, size: 4, write: true)
    let index = Int(truncatingIfNeeded: (linear >> 12) & 0xFFF)
    if writeTag[index] == (linear & 0xFFFF_F000) | tlbMode && linear & 0xFFF <= 0xFFC {
      let host = writeAddend[index] &+ Int(linear)
      return (UnsafeRawPointer(bitPattern: host)!.loadUnaligned(as: UInt32.self), host, linear)
    }
    try probeWrite(linear, size: 4)
    return (try readLinear32(linear), 0, linear)
  }

  @_transparent
  func fastStoreUpdate32(_ m: FastModRM, _ at: (value: UInt32, host: Int, linear: UInt32), _ value: UInt32)
    throws(Fault)
  {
    if m.isRegister {
      regs[m.rm] = value
    } else if let pointer = UnsafeMutableRawPointer(bitPattern: at.host) {
      pointer.storeBytes(of: value, as: UInt32.self)
    } else {
      try writeLinear32(at.linear, value)
    }
  }
}

/// Memory access through segmentation and paging: the checks of SDM vol. 3 §5.3 (limits, types, null selectors)
/// and §4 (paging), with fast paths for flat segments and TLB hits.
extension CPU {
  // MARK: Segmentation

  /// The linear address of `size` bytes at `offset` in segment `seg`, after the limit and type checks.
  /// A violation raises #SS(0) for the stack segment and #GP(0) otherwise.
  @_transparent
  func linearAddress(_ seg: Int, _ offset: UInt32, size: UInt32, write: Bool) throws(Fault) -> UInt32 {
    let s = segs[seg]
    if write ? s.writesUnchecked : s.readsUnchecked { return s.base &+ offset }
    return try checkedLinearAddress(seg, offset, size: size, write: write)
  }

  func checkedLinearAddress(_ seg: Int, _ offset: UInt32, size: UInt32, write: Bool) throws(Fault) -> UInt32 {
    let s = segs[seg]
    let allowed = write ? s.writable : s.readable
    guard allowed, s.contains(offset: offset, size: size) else {
      throw seg == SegmentRegister.ss.rawValue ? Fault.stackFault() : Fault.generalProtection()
    }
    return s.base &+ offset
  }

  // MARK: Linear reads and writes

  @_transparent
  func readLinear8(_ linear: UInt32) throws(Fault) -> UInt8 {
    let index = Int((linear >> 12) & 0xFFF)
    if readTag[index] == (linear & 0xFFFF_F000) | tlbMode {
      return UnsafeRawPointer(bitPattern: readAddend[index] &+ Int(linear))!.load(as: UInt8.self)
    }
    return UInt8(truncatingIfNeeded: try readLinearSlow(linear, size: 1))
  }

  @inline(__always)
  func readLinear16(_ linear: UInt32) throws(Fault) -> UInt16 {
    let index = Int((linear >> 12) & 0xFFF)
    if readTag[index] == (linear & 0xFFFF_F000) | tlbMode && linear & 0xFFF <= 0xFFE {
      return UnsafeRawPointer(bitPattern: readAddend[index] &+ Int(linear))!.loadUnaligned(as: UInt16.self)
    }
    return UInt16(truncatingIfNeeded: try readLinearSlow(linear, size: 2))
  }

  @_transparent
  func readLinear32(_ linear: UInt32) throws(Fault) -> UInt32 {
    let index = Int((linear >> 12) & 0xFFF)
    if readTag[index] == (linear & 0xFFFF_F000) | tlbMode && linear & 0xFFF <= 0xFFC {
      return UnsafeRawPointer(bitPattern: readAddend[index] &+ Int(linear))!.loadUnaligned(as: UInt32.self)
    }
    return try readLinearSlow(linear, size: 4)
  }

  @_transparent
  func writeLinear8(_ linear: UInt32, _ value: UInt8) throws(Fault) {
    let index = Int((linear >> 12) & 0xFFF)
    if writeTag[index] == (linear & 0xFFFF_F000) | tlbMode {
      UnsafeMutableRawPointer(bitPattern: writeAddend[index] &+ Int(linear))!.storeBytes(of: value, as: UInt8.self)
      return
    }
    try writeLinearSlow(linear, size: 1, value: UInt32(value))
  }

  @inline(__always)
  func writeLinear16(_ linear: UInt32, _ value: UInt16) throws(Fault) {
    let index = Int((linear >> 12) & 0xFFF)
    if writeTag[index] == (linear & 0xFFFF_F000) | tlbMode && linear & 0xFFF <= 0xFFE {
      UnsafeMutableRawPointer(bitPattern: writeAddend[index] &+ Int(linear))!.storeBytes(of: value, as: UInt16.self)
      return
    }
    try writeLinearSlow(linear, size: 2, value: UInt32(value))
  }

  @_transparent
  func writeLinear32(_ linear: UInt32, _ value: UInt32) throws(Fault) {
    let index = Int((linear >> 12) & 0xFFF)
    if writeTag[index] == (linear & 0xFFFF_F000) | tlbMode && linear & 0xFFF <= 0xFFC {
      UnsafeMutableRawPointer(bitPattern: writeAddend[index] &+ Int(linear))!.storeBytes(of: value, as: UInt32.self)
      return
    }
    try writeLinearSlow(linear, size: 4, value: value)
  }

  /// Reads `size` bytes from physical memory: RAM, an MMIO window or open bus.
  func readPhysical(_ physical: UInt32, size: Int) -> UInt32 {
    if physical < ramSize && ramSize - physical >= UInt32(size) {
      let p = ramBase + Int(physical)
      switch size {
      case 1: return UInt32(p.load(as: UInt8.self))
      case 2: return UInt32(p.loadUnaligned(as: UInt16.self))
      default: return p.loadUnaligned(as: UInt32.self)
      }
    }
    if physical < ramSize {  // straddles the end of RAM
      var value: UInt32 = 0
      for i in 0..<size { value |= readPhysical(physical &+ UInt32(i), size: 1) << (8 * i) }
      return value
    }
    return mmio.read(physical, size: size)
  }

  func writePhysical(_ physical: UInt32, size: Int, value: UInt32) {
    if physical < ramSize && ramSize - physical >= UInt32(size) {
      let p = ramBase + Int(physical)
      switch size {
      case 1: p.storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
      case 2: p.storeBytes(of: UInt16(truncatingIfNeeded: value), toByteOffset: 0, as: UInt16.self)
      default: p.storeBytes(of: value, toByteOffset: 0, as: UInt32.self)
      }
      return
    }
    if physical < ramSize {
      for i in 0..<size { writePhysical(physical &+ UInt32(i), size: 1, value: value >> (8 * i)) }
      return
    }
    mmio.write(physical, size: size, value: value)
  }

  func readLinearSlow(_ linear: UInt32, size: Int) throws(Fault) -> UInt32 {
    if debugTraps.watching { noteWatchedAccess(linear, size: size, write: false) }
    if (linear & 0xFFF) &+ UInt32(size) <= 0x1000 {
      return readPhysical(try translateAndCache(linear, write: false), size: size)
    }
    // Crosses a page boundary: translate both pages before reading either.
    let firstLength = Int(0x1000 - (linear & 0xFFF))
    let first = try translateAndCache(linear, write: false)
    let second = try translateAndCache(linear &+ UInt32(firstLength), write: false)
    var value: UInt32 = 0
    for i in 0..<size {
      let physical = i < firstLength ? first &+ UInt32(i) : second &+ UInt32(i - firstLength)
      value |= readPhysical(physical, size: 1) << (8 * i)
    }
    return value
  }

  func writeLinearSlow(_ linear: UInt32, size: Int, value: UInt32) throws(Fault) {
    if debugTraps.watching { noteWatchedAccess(linear, size: size, write: true) }
    if (linear & 0xFFF) &+ UInt32(size) <= 0x1000 {
      writePhysical(try translateAndCache(linear, write: true), size: size, value: value)
      return
    }
    let firstLength = Int(0x1000 - (linear & 0xFFF))
    let first = try translateAndCache(linear, write: true)
    let second = try translateAndCache(linear &+ UInt32(firstLength), write: true)
    for i in 0..<size {
      let physical = i < firstLength ? first &+ UInt32(i) : second &+ UInt32(i - firstLength)
      writePhysical(physical, size: 1, value: value >> (8 * i))
    }
  }

  /// Checks that `size` bytes at `linear` can be written, faulting now rather than halfway through an instruction.
  func probeWrite(_ linear: UInt32, size: Int) throws(Fault) {
    let index = Int((linear >> 12) & 0xFFF)
    if writeTag[index] == (linear & 0xFFFF_F000) | tlbMode && Int(linear & 0xFFF) + size <= 0x1000 { return }
    _ = try translateAndCache(linear, write: true)
    let last = linear &+ UInt32(size - 1)
    if last & 0xFFFF_F000 != linear & 0xFFFF_F000 { _ = try translateAndCache(last, write: true) }
  }

  // MARK: Segment-relative access

  @_transparent func read8(_ seg: Int, _ offset: UInt32) throws(Fault) -> UInt8 {
    try readLinear8(try linearAddress(seg, offset, size: 1, write: false))
  }
  @inline(__always) func read16(_ seg: Int, _ offset: UInt32) throws(Fault) -> UInt16 {
    try readLinear16(try linearAddress(seg, offset, size: 2, write: false))
  }
  @_transparent func read32(_ seg: Int, _ offset: UInt32) throws(Fault) -> UInt32 {
    try readLinear32(try linearAddress(seg, offset, size: 4, write: false))
  }
  @_transparent func write8(_ seg: Int, _ offset: UInt32, _ value: UInt8) throws(Fault) {
    try writeLinear8(try linearAddress(seg, offset, size: 1, write: true), value)
  }
  @inline(__always) func write16(_ seg: Int, _ offset: UInt32, _ value: UInt16) throws(Fault) {
    try writeLinear16(try linearAddress(seg, offset, size: 2, write: true), value)
  }
  @_transparent func write32(_ seg: Int, _ offset: UInt32, _ value: UInt32) throws(Fault) {
    try writeLinear32(try linearAddress(seg, offset, size: 4, write: true), value)
  }

  /// Reads 1, 2 or 4 bytes, zero-extended.
  @inline(__always) func read(_ seg: Int, _ offset: UInt32, size: Int) throws(Fault) -> UInt32 {
    switch size {
    case 4: return try read32(seg, offset)
    case 2: return UInt32(try read16(seg, offset))
    default: return UInt32(try read8(seg, offset))
    }
  }

  @inline(__always) func write(_ seg: Int, _ offset: UInt32, size: Int, _ value: UInt32) throws(Fault) {
    switch size {
    case 4: try write32(seg, offset, value)
    case 2: try write16(seg, offset, UInt16(truncatingIfNeeded: value))
    default: try write8(seg, offset, UInt8(truncatingIfNeeded: value))
    }
  }

  /// Supervisor-mode reads the CPU makes for itself (descriptor tables, the TSS), whatever the CPL.
  func readSystem32(_ linear: UInt32) throws(Fault) -> UInt32 {
    if linear & 0xFFF <= 0xFFC {  // within one page: one translation
      return readPhysical(try translate(linear, write: false, user: false), size: 4)
    }
    var value: UInt32 = 0
    for i in 0..<4 {
      let physical = try translate(linear &+ UInt32(i), write: false, user: false)
      value |= readPhysical(physical, size: 1) << (8 * i)
    }
    return value
  }

  func readSystem16(_ linear: UInt32) throws(Fault) -> UInt16 {
    UInt16(truncatingIfNeeded: try readSystem32(linear))
  }

  func writeSystem8(_ linear: UInt32, _ value: UInt8) throws(Fault) {
    writePhysical(try translate(linear, write: true, user: false), size: 1, value: UInt32(value))
  }

  // MARK: Instruction fetch

  @inline(__always)
  func fetch8() throws(Fault) -> UInt8 {
    let offset = eip &- fetchStart
    if offset < fetchLength {
      let byte = UnsafeRawPointer(bitPattern: fetchAddend &+ Int(eip))!.load(as: UInt8.self)
      eip &+= 1
      return byte
    }
    return try fetchSlow()
  }

  @inline(__always)
  func fetch16() throws(Fault) -> UInt16 {
    let offset = eip &- fetchStart
    if offset < fetchLength && fetchLength &- offset >= 2 {
      let value = UnsafeRawPointer(bitPattern: fetchAddend &+ Int(eip))!.loadUnaligned(as: UInt16.self)
      eip &+= 2
      return value
    }
    let low = UInt16(try fetch8())
    return low | UInt16(try fetch8()) << 8
  }

  @inline(__always)
  func fetch32() throws(Fault) -> UInt32 {
    let offset = eip &- fetchStart
    if offset < fetchLength && fetchLength &- offset >= 4 {
      let value = UnsafeRawPointer(bitPattern: fetchAddend &+ Int(eip))!.loadUnaligned(as: UInt32.self)
      eip &+= 4
      return value
    }
    let low = UInt32(try fetch16())
    return low | UInt32(try fetch16()) << 16
  }

  /// Fetches one byte outside the window, checking the CS limit and page permissions, and moves the window to
  /// the page that holds it when that page is RAM.
  func fetchSlow() throws(Fault) -> UInt8 {
    let cs = segs[SegmentRegister.cs.rawValue]
    guard eip <= cs.limit else { throw Fault.generalProtection() }
    let linear = cs.base &+ eip
    let physical = try translate(linear, write: false, user: cpl == 3)
    if physical < ramSize {
      let pageOffset = linear & 0xFFF
      let physicalPage = physical & 0xFFFF_F000
      // The window covers the rest of the page below and above EIP, clipped to the CS limit.
      let start = eip >= pageOffset ? eip &- pageOffset : eip
      var length = eip >= pageOffset ? UInt32(0x1000) : 0x1000 - pageOffset
      if UInt64(start) + UInt64(length) - 1 > UInt64(cs.limit) { length = cs.limit &- start &+ 1 }
      if ramSize - physicalPage < 0x1000 { length = min(length, ramSize - physicalPage) }
      fetchStart = start
      fetchLength = length
      // Every change of CS.D goes through invalidateFetch, so the window is rebuilt here after one.
      fastFetchLength = codeDefault32 && length >= 16 ? length - 15 : 0
      fetchAddend = Int(bitPattern: ramBase) &+ Int(physical) &- Int(eip)
      let byte = UnsafeRawPointer(bitPattern: fetchAddend &+ Int(eip))!.load(as: UInt8.self)
      eip &+= 1
      return byte
    }
    eip &+= 1
    return UInt8(truncatingIfNeeded: readPhysical(physical, size: 1))
  }
}

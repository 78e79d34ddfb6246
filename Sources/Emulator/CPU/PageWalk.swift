/// A look at guest memory from outside: the page-table walk an observer (a pane, the gdb stub, a snapshot) uses.
/// It sets no accessed or dirty bit, writes no CR2, fills no TLB entry and raises nothing: a page that is not
/// present is reported as unmapped. Device memory (MMIO) is never read, since reading a device register can
/// change the device (the e1000's ICR clears on read).
extension CPU {
  /// The physical address `linear` maps to under the current CR0/CR3/CR4, or nil when it is not present.
  public func peekTranslate(_ linear: UInt32) -> UInt32? {
    guard pagingEnabled else { return linear }
    let pdeAddress = (cr3 & 0xFFFF_F000) &+ ((linear >> 22) << 2)
    guard memory.contains(pdeAddress, count: 4) else { return nil }
    let pde = memory.read32(pdeAddress)
    guard pde & 1 != 0 else { return nil }
    if pde & 0x80 != 0 && cr4 & Self.cr4PSE != 0 {
      return (pde & 0xFFC0_0000) | (linear & 0x003F_FFFF)
    }
    let pteAddress = (pde & 0xFFFF_F000) &+ (((linear >> 12) & 0x3FF) << 2)
    guard memory.contains(pteAddress, count: 4) else { return nil }
    let pte = memory.read32(pteAddress)
    guard pte & 1 != 0 else { return nil }
    return (pte & 0xFFFF_F000) | (linear & 0xFFF)
  }

  /// `count` bytes from linear address `address`, each nil where its page is unmapped or not RAM.
  public func peekLinear(_ address: UInt32, count: Int) -> [UInt8?] {
    var result: [UInt8?] = []
    result.reserveCapacity(max(0, count))
    var page: UInt32 = 1  // never a page base: forces the first walk
    var physicalPage: UInt32? = nil
    for i in 0..<max(0, count) {
      let linear = address &+ UInt32(truncatingIfNeeded: i)
      if linear & 0xFFFF_F000 != page {
        page = linear & 0xFFFF_F000
        physicalPage = peekTranslate(page)
      }
      guard let base = physicalPage else {
        result.append(nil)
        continue
      }
      let physical = base | (linear & 0xFFF)
      result.append(memory.contains(physical) ? memory.read8(physical) : nil)
    }
    return result
  }

  /// `count` bytes from `address`, or nil when any of them is unmapped or not RAM.
  public func peekLinearBytes(_ address: UInt32, count: Int) -> [UInt8]? {
    let bytes = peekLinear(address, count: count)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    for byte in bytes {
      guard let byte else { return nil }
      out.append(byte)
    }
    return out
  }

  /// A little-endian doubleword at a linear address, without side effects; nil when unmapped.
  public func peekLinear32(_ address: UInt32) -> UInt32? {
    guard let b = peekLinearBytes(address, count: 4) else { return nil }
    return UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24
  }
}

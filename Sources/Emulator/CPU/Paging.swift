/// Linear-to-physical translation: two-level paging with 4 KiB pages and, with CR4.PSE, 4 MiB pages
/// (SDM vol. 3, §4.3), in front of a direct-mapped software TLB.
///
/// The TLB caches only pages backed by RAM, as a host address per linear page, separately for reads and writes:
/// a write entry exists only once the page-table walk has checked write permission and set the dirty bit.
/// Like the hardware's, it is flushed by CR3 writes, INVLPG and changes to CR0/CR4, and not by writes to page tables.
extension CPU {
  static let cr0PE: UInt32 = 1 << 0
  static let cr0TS: UInt32 = 1 << 3
  static let cr0EM: UInt32 = 1 << 2
  static let cr0WP: UInt32 = 1 << 16
  static let cr0PG: UInt32 = 1 << 31
  static let cr4PSE: UInt32 = 1 << 4

  var pagingEnabled: Bool { cr0 & Self.cr0PG != 0 }

  func flushTLB() {
    readTag.update(repeating: 0, count: Self.tlbEntries)
    writeTag.update(repeating: 0, count: Self.tlbEntries)
    invalidateFetch()
  }

  func flushTLB(page linear: UInt32) {
    let index = Int((linear >> 12) & 0xFFF)
    readTag[index] = 0
    writeTag[index] = 0
    invalidateFetch()
  }

  @inline(__always) func invalidateFetch() {
    fetchStart = 0
    fetchLength = 0
    fastFetchLength = 0
  }

  func writeCR0(_ value: UInt32) {
    // PE stays set: real mode is not modelled. ET is hard-wired to 1 on the i486 and later.
    let new = (value | Self.cr0PE | 0x10) & 0xE005_003F
    if (new ^ cr0) & (Self.cr0PG | Self.cr0WP) != 0 { flushTLB() }
    cr0 = new
  }

  func writeCR3(_ value: UInt32) {
    cr3 = value & 0xFFFF_F018
    flushTLB()
  }

  func writeCR4(_ value: UInt32) {
    let new = value & Self.cr4PSE | value & 0x1  // PSE, and VME stored only
    if new != cr4 { flushTLB() }
    cr4 = new
  }

  /// Walks the page tables for `linear`. Raises #PF with the SDM's error code and CR2 on a miss or violation.
  /// `user` is true for accesses made at CPL 3 (not for the CPU's own descriptor and TSS reads).
  func translate(_ linear: UInt32, write: Bool, user: Bool) throws(Fault) -> UInt32 {
    guard pagingEnabled else { return linear }
    let pdeAddress = (cr3 & 0xFFFF_F000) &+ ((linear >> 22) << 2)
    var pde = memory.read32(pdeAddress)
    let accessBits: UInt32 = (write ? 2 : 0) | (user ? 4 : 0)
    guard pde & 1 != 0 else { throw pageFault(linear, code: accessBits) }
    if pde & 0x80 != 0 && cr4 & Self.cr4PSE != 0 {
      try checkPagePermission(linear, entryBits: pde, write: write, user: user)
      let newPDE = pde | 0x20 | (write ? 0x40 : 0)
      if newPDE != pde { memory.write32(pdeAddress, newPDE) }
      return (pde & 0xFFC0_0000) | (linear & 0x003F_FFFF)
    }
    let pteAddress = (pde & 0xFFFF_F000) &+ (((linear >> 12) & 0x3FF) << 2)
    var pte = memory.read32(pteAddress)
    guard pte & 1 != 0 else { throw pageFault(linear, code: accessBits) }
    // Permissions combine: both levels must allow the access (SDM vol. 3, §4.6).
    try checkPagePermission(linear, entryBits: pde & pte, write: write, user: user)
    if pde & 0x20 == 0 {
      pde |= 0x20
      memory.write32(pdeAddress, pde)
    }
    let newPTE = pte | 0x20 | (write ? 0x40 : 0)
    if newPTE != pte {
      pte = newPTE
      memory.write32(pteAddress, pte)
    }
    return (pte & 0xFFFF_F000) | (linear & 0xFFF)
  }

  private func checkPagePermission(_ linear: UInt32, entryBits: UInt32, write: Bool, user: Bool) throws(Fault) {
    let code: UInt32 = 1 | (write ? 2 : 0) | (user ? 4 : 0)
    if user {
      if entryBits & 4 == 0 || (write && entryBits & 2 == 0) { throw pageFault(linear, code: code) }
    } else if write && entryBits & 2 == 0 && cr0 & Self.cr0WP != 0 {
      throw pageFault(linear, code: code)
    }
  }

  private func pageFault(_ linear: UInt32, code: UInt32) -> Fault {
    cr2 = linear
    return Fault(Vector.pageFault, errorCode: code)
  }

  /// Translates and, for RAM pages, fills the TLB entry for the current privilege.
  func translateAndCache(_ linear: UInt32, write: Bool) throws(Fault) -> UInt32 {
    let physical = try translate(linear, write: write, user: cpl == 3)
    let page = physical & 0xFFFF_F000
    if page < ramSize && mayCache(linear) {
      let index = Int((linear >> 12) & 0xFFF)
      let addend = Int(bitPattern: ramBase) &+ Int(page) &- Int(linear & 0xFFFF_F000)
      let tag = (linear & 0xFFFF_F000) | tlbMode
      readTag[index] = tag
      readAddend[index] = addend
      if write {
        writeTag[index] = tag
        writeAddend[index] = addend
      }
    }
    return physical
  }
}

/// Protected-mode segment loading with the checks of SDM vol. 3 §5 and the instruction pages of vol. 2
/// (MOV/POP to a segment register, far JMP/CALL/RET, LDS and friends).
extension CPU {
  /// Reads the 8-byte descriptor a selector names in the GDT or LDT; #GP(selector) when beyond the table's limit.
  func readDescriptor(_ selector: UInt16, errorExt: UInt32 = 0) throws(Fault) -> (low: UInt32, high: UInt32) {
    let index = UInt32(selector & 0xFFF8)
    let (base, limit): (UInt32, UInt32)
    if selector & 4 != 0 {
      guard ldtr.usable else { throw Fault.generalProtection(UInt32(selector & 0xFFFC) | errorExt) }
      (base, limit) = (ldtr.base, ldtr.limit)
    } else {
      (base, limit) = (gdtr.base, UInt32(gdtr.limit))
    }
    guard index &+ 7 <= limit, index &+ 7 >= index else {
      throw Fault.generalProtection(UInt32(selector & 0xFFFC) | errorExt)
    }
    let low = try readSystem32(base &+ index)
    let high = try readSystem32(base &+ index &+ 4)
    return (low, high)
  }

  /// Sets the descriptor's accessed bit in memory, as the processor does when it loads a segment register.
  func markAccessed(_ selector: UInt16, high: UInt32) throws(Fault) {
    guard high & 0x100 == 0 else { return }
    let base = selector & 4 != 0 ? ldtr.base : gdtr.base
    try writeSystem8(base &+ UInt32(selector & 0xFFF8) &+ 5, UInt8(truncatingIfNeeded: (high >> 8) | 1))
  }

  /// MOV/POP/LxS to DS, ES, FS, GS or SS.
  func loadSegment(_ seg: Int, _ selector: UInt16) throws(Fault) {
    let code = UInt32(selector & 0xFFFC)
    if seg == SegmentRegister.ss.rawValue {
      guard code != 0 else { throw Fault.generalProtection() }
      let (low, high) = try readDescriptor(selector)
      let cache = SegmentCache(selector: selector, descriptorLow: low, high: high)
      guard Int(selector & 3) == cpl, cache.isCodeOrData, cache.writable, cache.dpl == cpl else {
        throw Fault.generalProtection(code)
      }
      guard cache.present else { throw Fault.stackFault(code) }
      try markAccessed(selector, high: high)
      segs[seg] = cache
      return
    }
    if code == 0 {
      var null = segs[seg]
      null.selector = selector
      null.usable = false
      null.refresh()
      segs[seg] = null
      return
    }
    let (low, high) = try readDescriptor(selector)
    let cache = SegmentCache(selector: selector, descriptorLow: low, high: high)
    guard cache.isCodeOrData, !cache.isCode || cache.writableOrReadable else { throw Fault.generalProtection(code) }
    if !cache.isConforming {
      guard Int(selector & 3) <= cache.dpl, cpl <= cache.dpl else { throw Fault.generalProtection(code) }
    }
    guard cache.present else { throw Fault.notPresent(code) }
    try markAccessed(selector, high: high)
    segs[seg] = cache
  }

  /// The checked descriptor of a code segment that a far JMP or CALL (or a same-level far RET) transfers to.
  func codeSegmentForTransfer(_ selector: UInt16) throws(Fault) -> SegmentCache {
    let code = UInt32(selector & 0xFFFC)
    guard code != 0 else { throw Fault.generalProtection() }
    let (low, high) = try readDescriptor(selector)
    var cache = SegmentCache(selector: selector, descriptorLow: low, high: high)
    // Call gates, task gates and TSS descriptors (system descriptors) are not modelled: #GP, as for a bad type.
    guard cache.isCodeOrData, cache.isCode else { throw Fault.generalProtection(code) }
    if cache.isConforming {
      guard cache.dpl <= cpl else { throw Fault.generalProtection(code) }
    } else {
      guard Int(selector & 3) <= cpl, cache.dpl == cpl else { throw Fault.generalProtection(code) }
    }
    guard cache.present else { throw Fault.notPresent(code) }
    try markAccessed(selector, high: high)
    cache.selector = (selector & 0xFFFC) | UInt16(cpl)
    return cache
  }

  /// Loads CS and the new privilege level, and EIP, after all checks have passed.
  func commitCodeSegment(_ cache: SegmentCache, eip newEIP: UInt32) {
    var c = cache
    c.refresh()
    segs[SegmentRegister.cs.rawValue] = c
    cpl = Int(c.selector & 3)
    codeDefault32 = c.big
    eip = newEIP
    invalidateFetch()
  }

  /// Checks a stack segment selector for a privilege change to `newCPL` (IRET/RET to an outer level,
  /// interrupt to an inner level). `tss` makes violations #TS, as during interrupt delivery.
  func stackSegmentForPrivilege(_ selector: UInt16, newCPL: Int, tss: Bool, errorExt: UInt32 = 0) throws(Fault)
    -> SegmentCache
  {
    let code = UInt32(selector & 0xFFFC) | errorExt
    func violation() -> Fault { tss ? Fault.invalidTSS(code) : Fault.generalProtection(code) }
    guard selector & 0xFFFC != 0 else { throw violation() }
    let (low, high) = try readDescriptor(selector, errorExt: errorExt)
    let cache = SegmentCache(selector: selector, descriptorLow: low, high: high)
    guard Int(selector & 3) == newCPL, cache.isCodeOrData, cache.writable, cache.dpl == newCPL else {
      throw violation()
    }
    guard cache.present else { throw Fault.stackFault(code) }
    try markAccessed(selector, high: high)
    return cache
  }

  /// After a return to an outer privilege level: data segment registers the new CPL may not use become null
  /// (SDM vol. 2, IRET and RET).
  func nullifyInaccessibleDataSegments() {
    for seg in [SegmentRegister.es, .ds, .fs, .gs] {
      let s = segs[seg.rawValue]
      guard s.usable else { continue }
      if (!s.isCode || !s.isConforming) && s.dpl < cpl {
        var null = s
        null.selector = 0
        null.usable = false
        null.refresh()
        segs[seg.rawValue] = null
      }
    }
  }
}

/// Jumps, calls and returns, near and far; Jcc, LOOPcc, JCXZ/JECXZ; ENTER and LEAVE (SDM vol. 2).
extension CPU {
  /// Sets EIP to `target`, truncated to 16 bits for 16-bit operand size, with the CS limit check.
  @inline(__always)
  func jump(to target: UInt32) throws(Fault) {
    let t = operandSize32 ? target : target & 0xFFFF
    guard t <= segs[SegmentRegister.cs.rawValue].limit else { throw Fault.generalProtection() }
    eip = t
  }

  @inline(__always)
  func relativeJump(_ displacement: UInt32) throws(Fault) {
    try jump(to: eip &+ displacement)
  }

  @inline(__always)
  func fetchRelative(size: Int) throws(Fault) -> UInt32 {
    size == 1
      ? UInt32(bitPattern: Int32(Int8(bitPattern: try fetch8())))
      : size == 2 ? UInt32(bitPattern: Int32(Int16(bitPattern: try fetch16()))) : try fetch32()
  }

  @inline(__always)
  func nearCall(to target: UInt32) throws(Fault) {
    let t = operandSize32 ? target : target & 0xFFFF
    guard t <= segs[SegmentRegister.cs.rawValue].limit else { throw Fault.generalProtection() }
    try push(eip, size: operandSize)
    eip = t
  }

  @inline(__always)
  func nearReturn(release: UInt32) throws(Fault) {
    let target = try peekStack(0, size: operandSize)
    guard target <= segs[SegmentRegister.cs.rawValue].limit else { throw Fault.generalProtection() }
    adjustStack(UInt32(operandSize) &+ release)
    eip = target
  }

  /// Far JMP (call = false) or far CALL to `selector:offset`, to a code segment at the same privilege.
  func farTransfer(selector: UInt16, offset: UInt32, call: Bool) throws(Fault) {
    let target = try codeSegmentForTransfer(selector)
    guard offset <= target.limit else { throw Fault.generalProtection() }
    if call {
      let size = operandSize
      let oldCS = UInt32(segs[SegmentRegister.cs.rawValue].selector)
      // Both pushes must fit before either lands.
      let sp = (regs[4] &- UInt32(2 * size)) & (stack32 ? 0xFFFF_FFFF : 0xFFFF)
      _ = try linearAddress(2, sp, size: UInt32(2 * size), write: true)
      try push(oldCS, size: size)
      try push(eip, size: size)
    }
    commitCodeSegment(target, eip: offset)
  }

  /// Far RET (and RET imm16): same-privilege or to an outer level, with the SS:ESP switch.
  func farReturn(release: UInt32) throws(Fault) {
    let size = operandSize
    let slot = UInt32(size)
    let newEIP = try peekStack(0, size: size)
    let selector = UInt16(truncatingIfNeeded: try peekStack(slot, size: size))
    let code = UInt32(selector & 0xFFFC)
    guard code != 0 else { throw Fault.generalProtection() }
    let rpl = Int(selector & 3)
    guard rpl >= cpl else { throw Fault.generalProtection(code) }
    let (low, high) = try readDescriptor(selector)
    var target = SegmentCache(selector: selector, descriptorLow: low, high: high)
    guard target.isCodeOrData, target.isCode else { throw Fault.generalProtection(code) }
    if target.isConforming {
      guard target.dpl <= rpl else { throw Fault.generalProtection(code) }
    } else {
      guard target.dpl == rpl else { throw Fault.generalProtection(code) }
    }
    guard target.present else { throw Fault.notPresent(code) }
    guard newEIP <= target.limit else { throw Fault.generalProtection() }
    if rpl == cpl {
      try markAccessed(selector, high: high)
      commitCodeSegment(target, eip: newEIP)
      adjustStack(2 * slot &+ release)
      return
    }
    let newSP = try peekStack(2 * slot &+ release, size: size)
    let newSS = UInt16(truncatingIfNeeded: try peekStack(3 * slot &+ release, size: size))
    var stack = try stackSegmentForPrivilege(newSS, newCPL: rpl, tss: false)
    try markAccessed(selector, high: high)
    target.selector = selector
    commitCodeSegment(target, eip: newEIP)
    stack.refresh()
    segs[SegmentRegister.ss.rawValue] = stack
    let sp = newSP &+ release
    if stack.big { regs[4] = sp } else { setReg16(4, UInt16(truncatingIfNeeded: sp)) }
    nullifyInaccessibleDataSegments()
  }

  /// LOOP/LOOPE/LOOPNE/JCXZ (0xE0–0xE3). The counter is ECX or CX as the address size says.
  func executeLoop(_ opcode: UInt8) throws(Fault) {
    let displacement = UInt32(bitPattern: Int32(Int8(bitPattern: try fetch8())))
    var count = addressSize32 ? regs[1] : regs[1] & 0xFFFF
    let taken: Bool
    if opcode == 0xE3 {
      taken = count == 0
    } else {
      count &-= 1
      if addressSize32 { regs[1] = count } else { setReg16(1, UInt16(truncatingIfNeeded: count)) }
      count &= addressSize32 ? 0xFFFF_FFFF : 0xFFFF
      switch opcode {
      case 0xE0: taken = count != 0 && !zf
      case 0xE1: taken = count != 0 && zf
      default: taken = count != 0
      }
    }
    if taken { try relativeJump(displacement) }
  }

  /// ENTER imm16, imm8 (SDM vol. 2, "ENTER"): nesting level taken modulo 32.
  func executeEnter() throws(Fault) {
    let allocation = UInt32(try fetch16())
    let level = UInt32(try fetch8()) & 0x1F
    let size = operandSize
    let slot = UInt32(size)
    let stackMask: UInt32 = stack32 ? 0xFFFF_FFFF : 0xFFFF
    // Check the whole frame is writable before changing anything.
    let frameBytes = slot &* (level &+ 1)
    let lowest = (regs[4] &- frameBytes &- allocation) & stackMask
    _ = try linearAddress(2, lowest, size: 1, write: true)
    try push(regs[5], size: size)
    let frameTemp = regs[4] & stackMask
    if level > 0 {
      var bp = regs[5]
      for _ in 1..<level {
        bp = (bp &- slot) & stackMask
        try push(try read(2, bp, size: size), size: size)
      }
      try push(frameTemp, size: size)
    }
    if size == 4 { regs[5] = frameTemp } else { setReg16(5, UInt16(truncatingIfNeeded: frameTemp)) }
    adjustStack(0 &- allocation)
  }

  func executeLeave() throws(Fault) {
    let bp = stack32 ? regs[5] : regs[5] & 0xFFFF
    let value = try read(2, bp, size: operandSize)
    if stack32 {
      regs[4] = bp &+ UInt32(operandSize)
    } else {
      setReg16(4, UInt16(truncatingIfNeeded: bp &+ UInt32(operandSize)))
    }
    setReg(5, size: operandSize, value)
  }
}

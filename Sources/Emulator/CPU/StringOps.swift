/// String instructions MOVS, CMPS, SCAS, LODS, STOS, INS, OUTS with REP/REPE/REPNE, in both directions
/// (SDM vol. 2). ESI/EDI/ECX or SI/DI/CX by address size; the source segment may be overridden, ES:EDI may not.
///
/// A repeated instruction runs at most `repeatChunk` iterations per step and then restarts itself, so interrupts
/// are taken between iterations as on hardware; each iteration counts as one cycle of virtual time.
extension CPU {
  static let repeatChunk = 4096

  func executeString(_ opcode: UInt8) throws(Fault) {
    let size = opcode & 1 == 0 ? 1 : operandSize
    let step = UInt32(size)
    let delta = directionDown ? 0 &- step : step
    let addressMask: UInt32 = addressSize32 ? 0xFFFF_FFFF : 0xFFFF
    let sourceSegment = segmentOverride >= 0 ? segmentOverride : SegmentRegister.ds.rawValue
    let es = SegmentRegister.es.rawValue
    let repeating = repPrefix != 0

    var iterations = 0
    while true {
      if repeating {
        if regs[1] & addressMask == 0 { break }
        if iterations == Self.repeatChunk {
          eip = instructionStart  // resume later, after pending interrupts
          break
        }
      }
      let si = regs[6] & addressMask
      let di = regs[7] & addressMask
      var compared = false
      switch opcode {
      case 0xA4, 0xA5:  // MOVS
        let value = try read(sourceSegment, si, size: size)
        try write(es, di, size: size, value)
        advance(6, by: delta, mask: addressMask)
        advance(7, by: delta, mask: addressMask)
      case 0xA6, 0xA7:  // CMPS: compares [ESI] with [EDI]
        let a = try read(sourceSegment, si, size: size)
        let b = try read(es, di, size: size)
        _ = alu(7, a, b, size: size)
        advance(6, by: delta, mask: addressMask)
        advance(7, by: delta, mask: addressMask)
        compared = true
      case 0xAA, 0xAB:  // STOS
        try write(es, di, size: size, reg(0, size: size))
        advance(7, by: delta, mask: addressMask)
      case 0xAC, 0xAD:  // LODS
        setReg(0, size: size, try read(sourceSegment, si, size: size))
        advance(6, by: delta, mask: addressMask)
      case 0xAE, 0xAF:  // SCAS
        _ = alu(7, reg(0, size: size), try read(es, di, size: size), size: size)
        advance(7, by: delta, mask: addressMask)
        compared = true
      case 0x6C, 0x6D:  // INS: port DX to ES:[EDI]
        let port = UInt16(truncatingIfNeeded: regs[2])
        try checkIOPermission(port, size: size)
        _ = try linearAddress(es, di, size: step, write: true)
        try write(es, di, size: size, portIn(port, size: size))
        advance(7, by: delta, mask: addressMask)
      default:  // 0x6E, 0x6F OUTS: DS:[ESI] to port DX
        let port = UInt16(truncatingIfNeeded: regs[2])
        try checkIOPermission(port, size: size)
        portOut(port, size: size, try read(sourceSegment, si, size: size))
        advance(6, by: delta, mask: addressMask)
      }
      guard repeating else { break }
      let count = (regs[1] &- 1) & addressMask
      if addressSize32 { regs[1] = count } else { setReg16(1, UInt16(truncatingIfNeeded: count)) }
      iterations += 1
      if compared && (repPrefix == 0xF3 ? !zf : zf) { break }
    }
    if iterations > 1 {
      cycles &+= UInt64(iterations - 1)
      cyclesWithoutInstruction &+= UInt64(iterations - 1)
    }
  }

  @inline(__always)
  private func advance(_ r: Int, by delta: UInt32, mask: UInt32) {
    if mask == 0xFFFF_FFFF {
      regs[r] &+= delta
    } else {
      setReg16(r, UInt16(truncatingIfNeeded: regs[r] &+ delta))
    }
  }

  // MARK: Port I/O

  /// IN/OUT/INS/OUTS are allowed when CPL <= IOPL, else only when the TSS I/O permission bitmap clears every bit
  /// of the accessed ports (SDM vol. 1, §19.5).
  func checkIOPermission(_ port: UInt16, size: Int) throws(Fault) {
    if cpl <= iopl { return }
    guard tr.usable, tr.access & 0x08 != 0, tr.limit >= 0x67 else { throw Fault.generalProtection() }
    let bitmapBase = UInt32(try readSystem16(tr.base &+ 0x66))
    let first = bitmapBase &+ UInt32(port >> 3)
    guard first &+ 1 <= tr.limit else { throw Fault.generalProtection() }
    let bits = UInt32(try readSystem16(tr.base &+ first))
    let needed = ((UInt32(1) << UInt32(size)) - 1) << UInt32(port & 7)
    guard bits & needed == 0 else { throw Fault.generalProtection() }
  }

  func portIn(_ port: UInt16, size: Int) -> UInt32 {
    requestStop()
    return io.read(port, size: size)
  }

  func portOut(_ port: UInt16, size: Int, _ value: UInt32) {
    requestStop()
    io.write(port, size: size, value: value & sizeMask(size))
  }
}

/// String instructions MOVS, CMPS, SCAS, LODS, STOS, INS, OUTS with REP/REPE/REPNE, in both directions
/// (SDM vol. 2). ESI/EDI/ECX or SI/DI/CX by address size; the source segment may be overridden, ES:EDI may not.
///
/// A repeated instruction runs at most `repeatChunk` iterations per step and then restarts itself, so interrupts
/// are taken between iterations as on hardware; each iteration counts as one cycle of virtual time. A chunk also
/// ends where the current run ends (`runLimit`, lowered to the next device event), so device time never freezes
/// for a whole chunk: an event due in the middle of a long REP runs on time, and an interrupt it raises is taken
/// between the iterations where it arrived.
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
    // The iterations this step may do: up to the chunk size, and no further than the run's end (at least one).
    let chunk = runLimit > cycles ? Int(min(UInt64(Self.repeatChunk), runLimit &- cycles)) : 1
    let movsOrStos = opcode == 0xA4 || opcode == 0xA5 || opcode == 0xAA || opcode == 0xAB
    if repeating && movsOrStos && addressSize32 && !directionDown && !debugTraps.watching {
      iterations = repeatInBulk(opcode, size: size, sourceSegment: sourceSegment, chunk: chunk)
    }
    while true {
      if repeating {
        if regs[1] & addressMask == 0 { break }
        if iterations == chunk {
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

  /// REP MOVS and REP STOS, forward with 32-bit addresses: runs of elements that stay within one page of the
  /// source and of the destination, in RAM and not overlapping, are copied or filled at once — the result of doing
  /// them one by one. Stops (for the element-by-element loop to go on, and raise any fault precisely) at the first
  /// element that crosses a page, fails a check or overlaps. Returns the iterations done.
  private func repeatInBulk(_ opcode: UInt8, size: Int, sourceSegment: Int, chunk: Int) -> Int {
    let moving = opcode <= 0xA5
    let step = UInt32(size)
    var done = 0
    while done < chunk && regs[1] != 0 {
      let remaining = UInt32(min(UInt32(chunk - done), regs[1]))
      let di = regs[7]
      guard let destinationLinear = try? linearAddress(SegmentRegister.es.rawValue, di, size: step, write: true)
      else { break }
      var count = min(remaining, (0x1000 - (destinationLinear & 0xFFF)) / step)
      var sourceLinear: UInt32 = 0
      if moving {
        guard let linear = try? linearAddress(sourceSegment, regs[6], size: step, write: false) else { break }
        sourceLinear = linear
        count = min(count, (0x1000 - (sourceLinear & 0xFFF)) / step)
      }
      let bytes = count &* step
      guard count > 0,
        (try? linearAddress(SegmentRegister.es.rawValue, di, size: bytes, write: true)) != nil,
        !moving || (try? linearAddress(sourceSegment, regs[6], size: bytes, write: false)) != nil
      else { break }
      var sourcePhysical: UInt32 = 0
      if moving {
        guard let physical = try? translateAndCache(sourceLinear, write: false), physical < ramSize,
          ramSize - physical >= bytes
        else { break }
        sourcePhysical = physical
      }
      guard let destinationPhysical = try? translateAndCache(destinationLinear, write: true),
        destinationPhysical < ramSize, ramSize - destinationPhysical >= bytes
      else { break }
      let destination = ramBase + Int(destinationPhysical)
      if moving {
        // Overlapping runs replicate data when done element by element; leave them to the loop.
        if sourcePhysical < destinationPhysical &+ bytes && destinationPhysical < sourcePhysical &+ bytes { break }
        destination.copyMemory(from: ramBase + Int(sourcePhysical), byteCount: Int(bytes))
        regs[6] &+= bytes
      } else if size == 1 {
        destination.initializeMemory(as: UInt8.self, repeating: UInt8(truncatingIfNeeded: regs[0]), count: Int(bytes))
      } else {
        let value = reg(0, size: size)
        for i in 0..<Int(count) {
          if size == 2 {
            destination.storeBytes(of: UInt16(truncatingIfNeeded: value), toByteOffset: 2 * i, as: UInt16.self)
          } else {
            destination.storeBytes(of: value, toByteOffset: 4 * i, as: UInt32.self)
          }
        }
      }
      regs[7] &+= bytes
      regs[1] &-= count
      done += Int(count)
    }
    return done
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

  // Device I/O may schedule events; the board's scheduler then shortens the run (`limitRun(to:)`).
  // Each access takes `portAccessCycles` of virtual time after the device has seen it (see CPU.portAccessCycles).
  func portIn(_ port: UInt16, size: Int) -> UInt32 {
    let value = io.read(port, size: size)
    chargePortAccess()
    return value
  }

  func portOut(_ port: UInt16, size: Int, _ value: UInt32) {
    io.write(port, size: size, value: value & sizeMask(size))
    chargePortAccess()
  }

  @inline(__always) private func chargePortAccess() {
    cycles &+= portAccessCycles
    cyclesWithoutInstruction &+= portAccessCycles
  }
}

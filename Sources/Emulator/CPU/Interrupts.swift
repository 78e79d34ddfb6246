/// Interrupt and exception delivery through the IDT, IRET, and the double/triple-fault rules
/// (SDM vol. 3, chapter 6; vol. 2, "INT n/INTO/INT3/INT1" and "IRET").
///
/// Interrupt gates clear IF, trap gates do not; 16- and 32-bit gates push 16- or 32-bit frames. From a less
/// privileged level the handler's stack comes from the TSS (SS0:ESP0 …) and the old SS:ESP is pushed first.
/// Task gates (hardware task switching) are not modelled: they raise #GP like a bad gate type.
public struct DeliveryRecord: Sendable, Equatable, Codable {
  public enum Kind: String, Sendable, Codable {
    /// INTR, acknowledged from the interrupt controller.
    case external
    case nmi
    /// A fault, trap or abort raised by an instruction.
    case exception
    /// INT n, INT3, INTO, INT1.
    case software
  }

  public let kind: Kind
  public let vector: UInt8
  public let errorCode: UInt32?
  /// Where the interrupted code resumes (CS:EIP pushed on the stack).
  public let returnCS: UInt16
  public let returnEIP: UInt32
  /// The handler's address (the gate's offset).
  public let handlerCS: UInt16
  public let handlerEIP: UInt32
  public let fromCPL: Int
  public let toCPL: Int
  public let cycle: UInt64
}

extension CPU {
  /// Delivers interrupt `vector` through the IDT. `returnEIP` is what gets pushed. Throws the fault raised during
  /// delivery, with the architectural state untouched.
  func deliver(
    _ vector: UInt8, kind: DeliveryRecord.Kind, errorCode: UInt32? = nil, returnEIP: UInt32
  ) throws(Fault) {
    // EXT (SDM vol. 3 §6.13): set in the error code of a fault raised while delivering an event external to the
    // program — an interrupt, an NMI or an earlier exception (INT1 included); clear for INT n, INT3 and INTO.
    let ext: UInt32 = kind == .software ? 0 : 1
    let gateError = UInt32(vector) << 3 | 2 | ext
    guard UInt32(vector) << 3 | 7 <= UInt32(idtr.limit) else { throw Fault.generalProtection(gateError) }
    let gateLow = try readSystem32(idtr.base &+ UInt32(vector) << 3)
    let gateHigh = try readSystem32(idtr.base &+ UInt32(vector) << 3 &+ 4)
    let gate = IDTGate(low: gateLow, high: gateHigh)
    // Task gates (hardware task switching) are not modelled: they raise #GP like a bad type.
    guard gate.kind != .invalid && gate.kind != .task else { throw Fault.generalProtection(gateError) }
    if kind == .software && gate.dpl < cpl { throw Fault.generalProtection(gateError) }
    guard gate.present else { throw Fault.notPresent(gateError) }
    let gate32 = gate.kind.is32
    let isTrapGate = !gate.kind.clearsIF
    let selector = gate.selector
    let offset = gate.offset

    guard selector & 0xFFFC != 0 else { throw Fault.generalProtection(ext) }
    let (low, high) = try readDescriptor(selector, errorExt: ext)
    var target = SegmentCache(selector: selector, descriptorLow: low, high: high)
    let selectorError = UInt32(selector & 0xFFFC) | ext
    guard target.isCodeOrData, target.isCode, target.dpl <= cpl else {
      throw Fault.generalProtection(selectorError)
    }
    guard target.present else { throw Fault.notPresent(selectorError) }

    let oldCPL = cpl
    let oldFlags = eflags
    let oldCS = segs[SegmentRegister.cs.rawValue].selector
    let newCPL = target.isConforming ? cpl : target.dpl
    var stack = segs[SegmentRegister.ss.rawValue]
    var sp = regs[4]
    // At most six slots (SS, ESP, EFLAGS, CS, EIP, error code); a SIMD vector keeps them off the heap.
    var frame = SIMD8<UInt32>()
    var frameCount = 0
    if newCPL < cpl {
      // Inner-level stack from the TSS (32-bit TSS: ESPn at 4 + 8n, SSn at 8 + 8n; 16-bit: SPn at 2 + 4n, SSn 4 + 4n).
      let tss32 = tr.access & 0x08 != 0
      let espOffset = tss32 ? UInt32(4 + 8 * newCPL) : UInt32(2 + 4 * newCPL)
      let ssOffset = tss32 ? espOffset + 4 : espOffset + 2
      guard ssOffset + 1 <= tr.limit else { throw Fault.invalidTSS(UInt32(tr.selector & 0xFFFC) | ext) }
      let newSP = tss32 ? try readSystem32(tr.base &+ espOffset) : UInt32(try readSystem16(tr.base &+ espOffset))
      let newSS = try readSystem16(tr.base &+ ssOffset)
      stack = try stackSegmentForPrivilege(newSS, newCPL: newCPL, tss: true, errorExt: ext)
      sp = newSP
      frame[0] = UInt32(segs[SegmentRegister.ss.rawValue].selector)
      frame[1] = regs[4]
      frameCount = 2
    }
    frame[frameCount] = oldFlags
    frame[frameCount + 1] = UInt32(oldCS)
    frame[frameCount + 2] = returnEIP
    frameCount += 3
    if let errorCode {
      frame[frameCount] = errorCode
      frameCount += 1
    }

    // Write the frame below SP before changing any register, so a fault here leaves the state as it was.
    let slot: UInt32 = gate32 ? 4 : 2
    let stackMask: UInt32 = stack.big ? 0xFFFF_FFFF : 0xFFFF
    var pushSP = sp
    for index in 0..<frameCount {
      let value = frame[index]
      pushSP = (pushSP &- slot) & stackMask
      guard stack.contains(offset: pushSP, size: slot) else {
        throw Fault.stackFault(newCPL < cpl ? UInt32(stack.selector & 0xFFFC) | ext : ext)
      }
      let linear = stack.base &+ pushSP
      if gate32 {
        try writeLinearAtPrivilege(linear, size: 4, value, supervisor: newCPL < 3)
      } else {
        try writeLinearAtPrivilege(linear, size: 2, value, supervisor: newCPL < 3)
      }
    }

    try markAccessed(selector, high: high)
    target.selector = (selector & 0xFFFC) | UInt16(newCPL)
    if newCPL != cpl {
      stack.refresh()
      segs[SegmentRegister.ss.rawValue] = stack
    }
    if stack.big { regs[4] = pushSP } else { setReg16(4, UInt16(truncatingIfNeeded: pushSP)) }
    commitCodeSegment(target, eip: offset)
    flagsRest &= ~(EFLAGS.tf | EFLAGS.nt | EFLAGS.rf | EFLAGS.vm)
    if !isTrapGate { flagsRest &= ~EFLAGS.if }
    halted = false
    updateAttention()
    vectorDeliveries[Int(vector)] &+= 1
    onDelivery?(
      DeliveryRecord(
        kind: kind, vector: vector, errorCode: errorCode, returnCS: oldCS, returnEIP: returnEIP,
        handlerCS: target.selector, handlerEIP: offset, fromCPL: oldCPL, toCPL: newCPL, cycle: cycles))
  }

  /// Writes during delivery use the privilege of the new level, not the interrupted code's.
  private func writeLinearAtPrivilege(_ linear: UInt32, size: Int, _ value: UInt32, supervisor: Bool) throws(Fault) {
    if (linear & 0xFFF) &+ UInt32(size) <= 0x1000 {
      writePhysical(try translate(linear, write: true, user: !supervisor), size: size, value: value)
    } else {
      for i in 0..<size {
        let physical = try translate(linear &+ UInt32(i), write: true, user: !supervisor)
        writePhysical(physical, size: 1, value: value >> (8 * i))
      }
    }
  }

  /// Delivers an exception raised by an instruction, applying the double-fault rules (SDM vol. 3, table 6-5):
  /// a contributory fault while delivering a contributory one, or a contributory fault or #PF while delivering a #PF,
  /// becomes #DF; any fault while delivering #DF is a triple fault, which resets the processor.
  func raiseException(_ fault: Fault, kind: DeliveryRecord.Kind = .exception, returnEIP: UInt32) {
    var current = fault
    var currentKind = kind
    var deliveringDoubleFault = false
    for _ in 0..<4 {
      do {
        try deliver(current.vector, kind: currentKind, errorCode: current.errorCode, returnEIP: returnEIP)
        return
      } catch {
        if deliveringDoubleFault { break }
        // Only exceptions have a class; an external interrupt or NMI that cannot be delivered is benign.
        let first = currentKind == .exception ? current.vector : Vector.nmi
        let second = error.vector
        let double =
          (Vector.isContributory(first) && Vector.isContributory(second))
          || (first == Vector.pageFault && (Vector.isContributory(second) || second == Vector.pageFault))
        current = double ? Fault(Vector.doubleFault, errorCode: 0) : error
        deliveringDoubleFault = double
        currentKind = .exception
      }
    }
    tripleFault(
      "triple fault: \(Vector.name(fault.vector) ?? "vector \(fault.vector)") could not be delivered"
        + " (EIP 0x\(String(returnEIP, radix: 16)), IDT base 0x\(String(idtr.base, radix: 16))"
        + " limit 0x\(String(idtr.limit, radix: 16)))")
  }

  func tripleFault(_ reason: String) {
    reset()
    halted = true
    tripleFaults &+= 1
    onTripleFault?(reason)
  }

  /// INT n, INT3, INTO, INT1: software interrupts push the address of the next instruction.
  func softwareInterrupt(_ vector: UInt8, kind: DeliveryRecord.Kind = .software) throws(Fault) {
    try deliver(vector, kind: kind, returnEIP: eip)
  }

  // MARK: IRET

  func executeIRET() throws(Fault) {
    let size = operandSize
    let slot = UInt32(size)
    let newEIP = try peekStack(0, size: size)
    let newCSSelector = UInt16(truncatingIfNeeded: try peekStack(slot, size: size))
    var newFlags = try peekStack(2 * slot, size: size)
    if size == 2 { newFlags = (eflags & 0xFFFF_0000) | newFlags }
    let returnRPL = Int(newCSSelector & 3)
    guard returnRPL >= cpl else { throw Fault.generalProtection(UInt32(newCSSelector & 0xFFFC)) }
    let code = UInt32(newCSSelector & 0xFFFC)
    guard code != 0 else { throw Fault.generalProtection() }
    let (low, high) = try readDescriptor(newCSSelector)
    var target = SegmentCache(selector: newCSSelector, descriptorLow: low, high: high)
    guard target.isCodeOrData, target.isCode else { throw Fault.generalProtection(code) }
    if target.isConforming {
      guard target.dpl <= returnRPL else { throw Fault.generalProtection(code) }
    } else {
      guard target.dpl == returnRPL else { throw Fault.generalProtection(code) }
    }
    guard target.present else { throw Fault.notPresent(code) }
    guard newEIP <= target.limit else { throw Fault.generalProtection() }

    var newStack: (cache: SegmentCache, sp: UInt32)?
    if returnRPL > cpl {
      let newSP = try peekStack(3 * slot, size: size)
      let newSS = UInt16(truncatingIfNeeded: try peekStack(4 * slot, size: size))
      newStack = (try stackSegmentForPrivilege(newSS, newCPL: returnRPL, tss: false), newSP)
    }
    try markAccessed(newCSSelector, high: high)

    // All checks passed: commit.
    let oldCPL = cpl
    target.selector = newCSSelector
    commitCodeSegment(target, eip: newEIP)
    if let (cache, sp) = newStack {
      var c = cache
      c.refresh()
      segs[SegmentRegister.ss.rawValue] = c
      if c.big { regs[4] = sp } else { setReg16(4, UInt16(truncatingIfNeeded: sp)) }
      nullifyInaccessibleDataSegments()
    } else {
      adjustStack(3 * slot)
    }
    setFlagsFromPop(newFlags, privilege: oldCPL, size: 4)
    nmiBlocked = false
    updateAttention()
  }

  /// Writes EFLAGS as POPF and IRET do: IOPL changes only at CPL 0, IF only when CPL <= IOPL; VM is never set
  /// (no virtual-8086 mode) and RF/VM are not changed by POPF.
  func setFlagsFromPop(_ value: UInt32, privilege: Int, size: Int) {
    var changeable = EFLAGS.writable
    if privilege > 0 { changeable &= ~EFLAGS.iopl }
    if privilege > iopl { changeable &= ~EFLAGS.if }
    if size == 2 { changeable &= 0xFFFF }
    let new = (eflags & ~changeable) | (value & changeable)
    eflags = new
  }

  // MARK: Instruction boundaries

  /// Takes a pending NMI or INTR (IF set) at an instruction boundary. Returns true when one was delivered.
  func serviceInterrupts() -> Bool {
    if interruptShadow {
      interruptShadow = false
      debugShadow = false
      updateAttention()
      return false
    }
    if nmiPending && !nmiBlocked && !nmiMasked {
      nmiPending = false
      nmiBlocked = true
      halted = false
      raiseException(Fault(Vector.nmi), kind: .nmi, returnEIP: eip)
      updateAttention()
      return true
    }
    if intrLine && interruptsEnabled {
      let vector = acknowledgeInterrupt?() ?? 0xFF
      halted = false
      raiseException(Fault(vector), kind: .external, returnEIP: eip)
      return true
    }
    return false
  }
}

/// The decoder's main table: a 256-entry map from the first opcode byte to its family (SDM vol. 2, appendix A,
/// table A-2), then one `switch` over the family. Switching over a dense enum compiles to a jump table, which is
/// what keeps dispatch cheap; a switch over byte ranges would compile to a chain of comparisons.
enum OpcodeFamily: UInt8 {
  case invalid
  case aluForm
  case pushSegment
  case popSegment
  case twoByte
  case decimalAdjust
  case incRegister
  case decRegister
  case pushRegister
  case popRegister
  case pusha
  case popa
  case bound
  case arpl
  case pushImmediate
  case pushImmediate8
  case imulImmediate
  case string
  case jccShort
  case group1
  case test
  case xchg
  case movEbGb
  case movEvGv
  case movGbEb
  case movGvEv
  case movEwSreg
  case lea
  case movSregEw
  case popEv
  case nop
  case xchgAccumulator
  case cbw
  case cwd
  case callFar
  case wait
  case pushf
  case popf
  case sahf
  case lahf
  case movMoffs
  case testAccumulator
  case movRegister8Immediate
  case movRegisterImmediate
  case group2
  case retImmediate
  case ret
  case lesLds
  case movEvImmediate
  case enter
  case leave
  case retfImmediate
  case retf
  case int3
  case int
  case into
  case iret
  case aamAad
  case salc
  case xlat
  case x87
  case loop
  case inImmediate
  case outImmediate
  case callNear
  case jmpNear
  case jmpFar
  case jmpShort
  case inDX
  case outDX
  case int1
  case hlt
  case cmc
  case group3
  case clc
  case stc
  case cli
  case sti
  case cld
  case std
  case group4
  case group5
  // Prefixes come last so that `rawValue >= prefixOperandSize.rawValue` tells them apart.
  case prefixOperandSize, prefixAddressSize, prefixSegment, prefixRepeat, prefixLock

  var isPrefix: Bool { rawValue >= OpcodeFamily.prefixOperandSize.rawValue }

  /// Builds the 256-entry table from the opcode map.
  static func makeTable() -> [OpcodeFamily] {
    var table = [OpcodeFamily](repeating: .invalid, count: 256)
    func set(_ family: OpcodeFamily, _ opcodes: [ClosedRange<Int>]) {
      for range in opcodes { for opcode in range { table[opcode] = family } }
    }
    set(
      .aluForm,
      [0x00...0x05, 0x08...0x0D, 0x10...0x15, 0x18...0x1D, 0x20...0x25, 0x28...0x2D, 0x30...0x35, 0x38...0x3D])
    set(.pushSegment, [0x06...0x06, 0x0E...0x0E, 0x16...0x16, 0x1E...0x1E])
    set(.popSegment, [0x07...0x07, 0x17...0x17, 0x1F...0x1F])
    set(.twoByte, [0x0F...0x0F])
    set(.decimalAdjust, [0x27...0x27, 0x2F...0x2F, 0x37...0x37, 0x3F...0x3F])
    set(.incRegister, [0x40...0x47])
    set(.decRegister, [0x48...0x4F])
    set(.pushRegister, [0x50...0x57])
    set(.popRegister, [0x58...0x5F])
    set(.pusha, [0x60...0x60])
    set(.popa, [0x61...0x61])
    set(.bound, [0x62...0x62])
    set(.arpl, [0x63...0x63])
    set(.pushImmediate, [0x68...0x68])
    set(.pushImmediate8, [0x6A...0x6A])
    set(.imulImmediate, [0x69...0x69, 0x6B...0x6B])
    set(.string, [0x6C...0x6F, 0xA4...0xA7, 0xAA...0xAF])
    set(.jccShort, [0x70...0x7F])
    set(.group1, [0x80...0x83])
    set(.test, [0x84...0x84, 0x85...0x85])
    set(.xchg, [0x86...0x86, 0x87...0x87])
    set(.movEbGb, [0x88...0x88])
    set(.movEvGv, [0x89...0x89])
    set(.movGbEb, [0x8A...0x8A])
    set(.movGvEv, [0x8B...0x8B])
    set(.movEwSreg, [0x8C...0x8C])
    set(.lea, [0x8D...0x8D])
    set(.movSregEw, [0x8E...0x8E])
    set(.popEv, [0x8F...0x8F])
    set(.nop, [0x90...0x90])
    set(.xchgAccumulator, [0x91...0x97])
    set(.cbw, [0x98...0x98])
    set(.cwd, [0x99...0x99])
    set(.callFar, [0x9A...0x9A])
    set(.wait, [0x9B...0x9B])
    set(.pushf, [0x9C...0x9C])
    set(.popf, [0x9D...0x9D])
    set(.sahf, [0x9E...0x9E])
    set(.lahf, [0x9F...0x9F])
    set(.movMoffs, [0xA0...0xA3])
    set(.testAccumulator, [0xA8...0xA8, 0xA9...0xA9])
    set(.movRegister8Immediate, [0xB0...0xB7])
    set(.movRegisterImmediate, [0xB8...0xBF])
    set(.group2, [0xC0...0xC0, 0xC1...0xC1, 0xD0...0xD3])
    set(.retImmediate, [0xC2...0xC2])
    set(.ret, [0xC3...0xC3])
    set(.lesLds, [0xC4...0xC4, 0xC5...0xC5])
    set(.movEvImmediate, [0xC6...0xC6, 0xC7...0xC7])
    set(.enter, [0xC8...0xC8])
    set(.leave, [0xC9...0xC9])
    set(.retfImmediate, [0xCA...0xCA])
    set(.retf, [0xCB...0xCB])
    set(.int3, [0xCC...0xCC])
    set(.int, [0xCD...0xCD])
    set(.into, [0xCE...0xCE])
    set(.iret, [0xCF...0xCF])
    set(.aamAad, [0xD4...0xD4, 0xD5...0xD5])
    set(.salc, [0xD6...0xD6])
    set(.xlat, [0xD7...0xD7])
    set(.x87, [0xD8...0xDF])
    set(.loop, [0xE0...0xE3])
    set(.inImmediate, [0xE4...0xE4, 0xE5...0xE5])
    set(.outImmediate, [0xE6...0xE6, 0xE7...0xE7])
    set(.callNear, [0xE8...0xE8])
    set(.jmpNear, [0xE9...0xE9])
    set(.jmpFar, [0xEA...0xEA])
    set(.jmpShort, [0xEB...0xEB])
    set(.inDX, [0xEC...0xEC, 0xED...0xED])
    set(.outDX, [0xEE...0xEE, 0xEF...0xEF])
    set(.int1, [0xF1...0xF1])
    set(.hlt, [0xF4...0xF4])
    set(.cmc, [0xF5...0xF5])
    set(.group3, [0xF6...0xF6, 0xF7...0xF7])
    set(.clc, [0xF8...0xF8])
    set(.stc, [0xF9...0xF9])
    set(.cli, [0xFA...0xFA])
    set(.sti, [0xFB...0xFB])
    set(.cld, [0xFC...0xFC])
    set(.std, [0xFD...0xFD])
    set(.group4, [0xFE...0xFE])
    set(.group5, [0xFF...0xFF])
    set(.prefixOperandSize, [0x66...0x66])
    set(.prefixAddressSize, [0x67...0x67])
    set(.prefixSegment, [0x26...0x26, 0x2E...0x2E, 0x36...0x36, 0x3E...0x3E, 0x64...0x65])
    set(.prefixRepeat, [0xF2...0xF3])
    set(.prefixLock, [0xF0...0xF0])
    return table
  }
}

extension CPU {
  /// Decodes and executes one instruction.
  @inline(__always)
  func step() throws(Fault) {
    instructionStart = eip
    operandSize32 = codeDefault32
    addressSize32 = codeDefault32
    segmentOverride = -1
    repPrefix = 0
    var opcode = try fetch8()
    var family = opcodeFamilies[Int(opcode)]
    var lock = false
    while family.isPrefix {
      switch family {
      case .prefixOperandSize: operandSize32 = !codeDefault32
      case .prefixAddressSize: addressSize32 = !codeDefault32
      case .prefixSegment:
        // ES CS SS DS are 0x26 0x2E 0x36 0x3E; FS GS are 0x64 0x65.
        segmentOverride = opcode < 0x40 ? Int((opcode >> 3) & 3) : Int(opcode & 1) + 4
      case .prefixRepeat: repPrefix = opcode
      default: lock = true  // LOCK: a single processor needs no bus lock, but its placement is checked
      }
      // An instruction longer than 15 bytes raises #GP(0).
      guard eip &- instructionStart < 15 else { throw Fault.generalProtection() }
      opcode = try fetch8()
      family = opcodeFamilies[Int(opcode)]
    }
    // With four prefixes or more an instruction can exceed 15 bytes (see PrefixRules.swift).
    if eip &- instructionStart > 4 && instructionTooLong() { throw Fault.generalProtection() }
    if lock { try checkLockable(opcode) }
    try execute(opcode, family)
  }

  @inline(__always)
  func execute(_ opcode: UInt8, _ family: OpcodeFamily) throws(Fault) {
    switch family {
    case .aluForm:
      if operandSize32 && opcode & 1 != 0 && opcode & 7 != 0 {
        try executeALUForm32(opcode)
      } else {
        try executeALUForm(opcode)
      }
    case .pushSegment:  // PUSH ES/CS/SS/DS
      try pushSelector(segs[Int(opcode >> 3)].selector)
    case .popSegment:  // POP ES/SS/DS
      try popSegment(Int(opcode >> 3))
    case .twoByte:
      try executeTwoByte(try fetch8())
    case .decimalAdjust:
      try decimalAdjust(opcode)
    case .incRegister:
      let r = Int(opcode & 7)
      if operandSize32 { regs[r] = inc(regs[r], size: 4) } else { setReg16(r, UInt16(inc(reg(r, size: 2), size: 2))) }
    case .decRegister:
      let r = Int(opcode & 7)
      if operandSize32 { regs[r] = dec(regs[r], size: 4) } else { setReg16(r, UInt16(dec(reg(r, size: 2), size: 2))) }
    case .pushRegister:
      if operandSize32 { try push32(regs[Int(opcode & 7)]) } else { try push16(reg16(Int(opcode & 7))) }
    case .popRegister:
      if operandSize32 {
        let value = try pop32()
        regs[Int(opcode & 7)] = value
      } else {
        let value = try pop16()
        setReg16(Int(opcode & 7), value)
      }
    case .pusha: try pushAll()
    case .popa: try popAll()
    case .bound: try executeBound()
    case .arpl: try executeARPL()
    case .pushImmediate: try push(try fetchImmediate(size: operandSize), size: operandSize)
    case .pushImmediate8: try push(try fetchSignExtended8(size: operandSize), size: operandSize)
    case .imulImmediate:
      let m = try decodeModRM()
      let a = try readRM(m, size: operandSize)
      let b = opcode == 0x69 ? try fetchImmediate(size: operandSize) : try fetchSignExtended8(size: operandSize)
      setReg(m.reg, size: operandSize, imulTruncated(a, b, size: operandSize))
    case .string:
      try executeString(opcode)
    case .jccShort:
      let displacement = UInt32(bitPattern: Int32(Int8(bitPattern: try fetch8())))
      if condition(opcode & 0xF) { try relativeJump(displacement) }
    case .group1:
      try executeGroup1(opcode)
    case .test:
      let size = opcode == 0x84 ? 1 : operandSize
      let m = try decodeModRM()
      testForm(size: size, try readRM(m, size: size), reg(m.reg, size: size))
    case .xchg:
      let size = opcode == 0x86 ? 1 : operandSize
      let m = try decodeModRM()
      let (old, at) = try loadForUpdate(m, size: size)
      try storeUpdate(m, at: at, size: size, reg(m.reg, size: size))
      setReg(m.reg, size: size, old)
    case .movEbGb:
      let m = try decodeModRM()
      try writeRM(m, size: 1, UInt32(reg8(m.reg)))
    case .movEvGv:
      let m = try decodeModRM()
      if m.isRegister {
        setReg(m.rm, size: operandSize, reg(m.reg, size: operandSize))
      } else if operandSize32 {
        try write32(m.seg, m.offset, regs[m.reg])
      } else {
        try write16(m.seg, m.offset, reg16(m.reg))
      }
    case .movGbEb:
      let m = try decodeModRM()
      setReg8(m.reg, UInt8(truncatingIfNeeded: try readRM(m, size: 1)))
    case .movGvEv:
      let m = try decodeModRM()
      if operandSize32 {
        regs[m.reg] = try readRM32(m)
      } else {
        setReg16(m.reg, try readRM16(m))
      }
    case .movEwSreg:  // MOV Ew, Sreg: a register destination is zero-extended with a 32-bit operand size.
      let m = try decodeModRM()
      guard m.reg < 6 else { throw Fault.invalidOpcode }
      let selector = segs[m.reg].selector
      if m.isRegister {
        setReg(m.rm, size: operandSize, UInt32(selector))
      } else {
        try write16(m.seg, m.offset, selector)
      }
    case .lea:
      let m = try decodeModRM()
      guard !m.isRegister else { throw Fault.invalidOpcode }
      setReg(m.reg, size: operandSize, m.offset)
    case .movSregEw:
      let m = try decodeModRM()
      guard m.reg < 6, m.reg != SegmentRegister.cs.rawValue else { throw Fault.invalidOpcode }
      try loadSegment(m.reg, try readRM16(m))
      if m.reg == SegmentRegister.ss.rawValue { inhibitInterruptsOnce(andDebug: true) }
    case .popEv:
      // POP Ev: "If the ESP register is used as a base register for addressing a destination operand in memory,
      // the POP instruction computes the effective address of the operand after it increments the ESP register"
      // (SDM vol. 2, POP): the ModRM is decoded only after the increment.
      let size = operandSize
      let value = try peekStack(0, size: size)
      let savedSP = regs[4]
      adjustStack(UInt32(size))
      do {
        let m = try decodeModRM()
        try writeRM(m, size: size, value)
      } catch {
        regs[4] = savedSP
        throw error
      }
    case .nop:
      if repPrefix == 0xF3 { break }  // PAUSE
    case .xchgAccumulator:
      let r = Int(opcode & 7)
      let a = reg(0, size: operandSize)
      setReg(0, size: operandSize, reg(r, size: operandSize))
      setReg(r, size: operandSize, a)
    case .cbw:  // CBW / CWDE
      if operandSize32 {
        regs[0] = UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: regs[0])))
      } else {
        setReg16(0, UInt16(bitPattern: Int16(Int8(bitPattern: reg8(0)))))
      }
    case .cwd:  // CWD / CDQ
      if operandSize32 {
        regs[2] = regs[0] & 0x8000_0000 != 0 ? 0xFFFF_FFFF : 0
      } else {
        setReg16(2, regs[0] & 0x8000 != 0 ? 0xFFFF : 0)
      }
    case .callFar:
      let offset = try fetchImmediate(size: operandSize)
      let selector = try fetch16()
      try farTransfer(selector: selector, offset: offset, call: true)
    case .wait:  // WAIT: #NM when both MP and TS are set; otherwise nothing (no FPU exceptions pending).
      if cr0 & 0xA == 0xA { throw Fault.deviceNotAvailable }
    case .pushf:  // PUSHF
      // RF and VM are pushed as 0.
      try push(eflags & ~(EFLAGS.rf | EFLAGS.vm), size: operandSize)
    case .popf:  // POPF
      let value = try pop(size: operandSize)
      setFlagsFromPop(value & ~EFLAGS.rf, privilege: cpl, size: operandSize)
    case .sahf:  // SAHF
      let ah = UInt32(reg8(4))
      updateArithmeticFlags(set: ah, mask: EFLAGS.sf | EFLAGS.zf | EFLAGS.af | EFLAGS.pf | EFLAGS.cf)
    case .lahf:  // LAHF
      setReg8(4, UInt8(truncatingIfNeeded: eflags))
    case .movMoffs:  // MOV AL/eAX <-> moffs
      let offset = addressSize32 ? try fetch32() : UInt32(try fetch16())
      let seg = segmentOverride >= 0 ? segmentOverride : SegmentRegister.ds.rawValue
      let size = opcode & 1 == 0 ? 1 : operandSize
      if opcode < 0xA2 {
        setReg(0, size: size, try read(seg, offset, size: size))
      } else {
        try write(seg, offset, size: size, reg(0, size: size))
      }
    case .testAccumulator:
      let size = opcode == 0xA8 ? 1 : operandSize
      testForm(size: size, reg(0, size: size), try fetchImmediate(size: size))
    case .movRegister8Immediate:
      setReg8(Int(opcode & 7), try fetch8())
    case .movRegisterImmediate:
      setReg(Int(opcode & 7), size: operandSize, try fetchImmediate(size: operandSize))
    case .group2:
      try executeGroup2(opcode)
    case .retImmediate:
      try nearReturn(release: UInt32(try fetch16()))
    case .ret:
      try nearReturn(release: 0)
    case .lesLds:
      try loadFarPointer(opcode == 0xC4 ? SegmentRegister.es.rawValue : SegmentRegister.ds.rawValue)
    case .movEvImmediate:
      let size = opcode == 0xC6 ? 1 : operandSize
      let m = try decodeModRM()
      guard m.reg == 0 else { throw Fault.invalidOpcode }
      try writeRM(m, size: size, try fetchImmediate(size: size))
    case .enter:
      try executeEnter()
    case .leave:
      try executeLeave()
    case .retfImmediate:
      try farReturn(release: UInt32(try fetch16()))
    case .retf:
      try farReturn(release: 0)
    case .int3:
      try softwareInterrupt(Vector.breakpoint)
    case .int:
      try softwareInterrupt(try fetch8())
    case .into:
      if of { try softwareInterrupt(Vector.overflow) }
    case .iret:
      try executeIRET()
    case .aamAad:
      try decimalAdjust(opcode)
    case .salc:  // SALC: AL = CF ? 0xFF : 0 (undocumented, but every x86 has it)
      setReg8(0, cf ? 0xFF : 0)
    case .xlat:  // XLAT
      let seg = segmentOverride >= 0 ? segmentOverride : SegmentRegister.ds.rawValue
      let base = addressSize32 ? regs[3] : regs[3] & 0xFFFF
      let offset = (base &+ UInt32(reg8(0))) & (addressSize32 ? 0xFFFF_FFFF : 0xFFFF)
      setReg8(0, try read8(seg, offset))
    case .x87:
      // No FPU: every x87 instruction is "device not available", so a kernel can emulate it (CR0.EM) or report it.
      _ = try decodeModRM()
      throw Fault.deviceNotAvailable
    case .loop:
      try executeLoop(opcode)
    case .inImmediate:
      let port = UInt16(try fetch8())
      let size = opcode == 0xE4 ? 1 : operandSize
      try checkIOPermission(port, size: size)
      setReg(0, size: size, portIn(port, size: size))
    case .outImmediate:
      let port = UInt16(try fetch8())
      let size = opcode == 0xE6 ? 1 : operandSize
      try checkIOPermission(port, size: size)
      portOut(port, size: size, reg(0, size: size))
    case .callNear:
      let displacement = try fetchRelative(size: operandSize)
      try nearCall(to: eip &+ displacement)
    case .jmpNear:
      try relativeJump(try fetchRelative(size: operandSize))
    case .jmpFar:
      let offset = try fetchImmediate(size: operandSize)
      let selector = try fetch16()
      try farTransfer(selector: selector, offset: offset, call: false)
    case .jmpShort:
      try relativeJump(try fetchRelative(size: 1))
    case .inDX:
      let port = UInt16(truncatingIfNeeded: regs[2])
      let size = opcode == 0xEC ? 1 : operandSize
      try checkIOPermission(port, size: size)
      setReg(0, size: size, portIn(port, size: size))
    case .outDX:
      let port = UInt16(truncatingIfNeeded: regs[2])
      let size = opcode == 0xEE ? 1 : operandSize
      try checkIOPermission(port, size: size)
      portOut(port, size: size, reg(0, size: size))
    case .int1:  // INT1 / ICEBP: #DB as a trap, without the gate DPL check
      try deliver(Vector.debug, kind: .exception, returnEIP: eip)
    case .hlt:
      try requirePrivilege0()
      halted = true
    case .cmc:
      updateArithmeticFlags(set: cf ? 0 : EFLAGS.cf, mask: EFLAGS.cf)
    case .group3:
      try executeGroup3(opcode)
    case .clc:
      updateArithmeticFlags(set: 0, mask: EFLAGS.cf)
    case .stc:
      updateArithmeticFlags(set: EFLAGS.cf, mask: EFLAGS.cf)
    case .cli:
      guard cpl <= iopl else { throw Fault.generalProtection() }
      flagsRest &= ~EFLAGS.if
      updateAttention()
    case .sti:
      guard cpl <= iopl else { throw Fault.generalProtection() }
      if !interruptsEnabled {
        flagsRest |= EFLAGS.if
        inhibitInterruptsOnce()
      }
    case .cld:
      flagsRest &= ~EFLAGS.df
    case .std:
      flagsRest |= EFLAGS.df
    case .group4:
      let m = try decodeModRM()
      switch m.reg {
      case 0:
        let (old, at) = try loadForUpdate(m, size: 1)
        try storeUpdate(m, at: at, size: 1, inc(old, size: 1))
      case 1:
        let (old, at) = try loadForUpdate(m, size: 1)
        try storeUpdate(m, at: at, size: 1, dec(old, size: 1))
      default: throw Fault.invalidOpcode
      }
    case .group5:
      try executeGroup5()
    case .invalid, .prefixOperandSize, .prefixAddressSize, .prefixSegment, .prefixRepeat, .prefixLock:
      throw Fault.invalidOpcode
    }
  }

  /// Group 5 (0xFF): INC, DEC, CALL near, CALL far, JMP near, JMP far, PUSH.
  private func executeGroup5() throws(Fault) {
    let m = try decodeModRM()
    let size = operandSize
    switch m.reg {
    case 0:
      let (old, at) = try loadForUpdate(m, size: size)
      try storeUpdate(m, at: at, size: size, inc(old, size: size))
    case 1:
      let (old, at) = try loadForUpdate(m, size: size)
      try storeUpdate(m, at: at, size: size, dec(old, size: size))
    case 2: try nearCall(to: try readRM(m, size: size))
    case 3, 5:
      guard !m.isRegister else { throw Fault.invalidOpcode }
      let offset = try read(m.seg, m.offset, size: size)
      let selector = try read16(m.seg, m.offset &+ UInt32(size))
      try farTransfer(selector: selector, offset: offset, call: m.reg == 3)
    case 4: try jump(to: try readRM(m, size: size))
    case 6: try push(try readRM(m, size: size), size: size)
    default: throw Fault.invalidOpcode
    }
  }

  /// Interrupts (and NMI) wait until after the next instruction: STI, MOV SS, POP SS. After MOV SS and POP SS
  /// (`andDebug`) debug exceptions and the single-step trap wait too (SDM vol. 3 §6.8.3); LSS opens no shadow.
  func inhibitInterruptsOnce(andDebug: Bool = false) {
    interruptShadow = true
    debugShadow = andDebug
    updateAttention()
  }

  private func popSegment(_ seg: Int) throws(Fault) {
    let selector = UInt16(truncatingIfNeeded: try peekStack(0, size: operandSize))
    try loadSegment(seg, selector)
    adjustStack(UInt32(operandSize))
    if seg == SegmentRegister.ss.rawValue { inhibitInterruptsOnce(andDebug: true) }
  }

  /// LDS, LES, LFS, LGS, LSS: a far pointer from memory into a segment register and a general register.
  func loadFarPointer(_ seg: Int) throws(Fault) {
    let m = try decodeModRM()
    guard !m.isRegister else { throw Fault.invalidOpcode }
    let offset = try read(m.seg, m.offset, size: operandSize)
    let selector = try read16(m.seg, m.offset &+ UInt32(operandSize))
    try loadSegment(seg, selector)
    // No interrupt shadow, even for LSS: it loads SS and ESP in one instruction, so there is no window to protect
    // (SDM vol. 3 §6.8.3 names only MOV SS and POP SS).
    setReg(m.reg, size: operandSize, offset)
  }

  private func pushAll() throws(Fault) {
    let size = operandSize
    let sp = (regs[4] &- UInt32(8 * size)) & (stack32 ? 0xFFFF_FFFF : 0xFFFF)
    _ = try linearAddress(2, sp, size: UInt32(8 * size), write: true)
    let original = regs[4]
    for r in 0..<8 { try push(r == 4 ? original : regs[r], size: size) }
  }

  private func popAll() throws(Fault) {
    let size = operandSize
    var values = SIMD8<UInt32>()  // read all eight before changing any register (no heap array on this hot path)
    for i in 0..<8 { values[7 - i] = try peekStack(UInt32(i * size), size: size) }
    for r in 0..<8 where r != 4 { setReg(r, size: size, values[r]) }
    adjustStack(UInt32(8 * size))
  }

  /// BOUND: #BR when the signed index lies outside [lower, upper].
  private func executeBound() throws(Fault) {
    let m = try decodeModRM()
    guard !m.isRegister else { throw Fault.invalidOpcode }
    let size = operandSize
    let index: Int32
    let lower: Int32
    let upper: Int32
    if size == 4 {
      index = Int32(bitPattern: regs[m.reg])
      lower = Int32(bitPattern: try read32(m.seg, m.offset))
      upper = Int32(bitPattern: try read32(m.seg, m.offset &+ 4))
    } else {
      index = Int32(Int16(bitPattern: reg16(m.reg)))
      lower = Int32(Int16(bitPattern: try read16(m.seg, m.offset)))
      upper = Int32(Int16(bitPattern: try read16(m.seg, m.offset &+ 2)))
    }
    if index < lower || index > upper { throw Fault(Vector.boundRange) }
  }

  /// ARPL: raises the destination selector's RPL to the source's, ZF tells whether it changed.
  private func executeARPL() throws(Fault) {
    let m = try decodeModRM()
    let source = reg16(m.reg)
    let (value, at) = try loadForUpdate(m, size: 2)
    let changed = value & 3 < UInt32(source & 3)
    if changed { try storeUpdate(m, at: at, size: 2, (value & ~3) | UInt32(source & 3)) }
    updateArithmeticFlags(set: changed ? EFLAGS.zf : 0, mask: EFLAGS.zf)
  }
}

/// The disassembler's operand half: ModRM/SIB/displacement decoding (SDM vol. 2, tables 2-1 to 2-3) and the
/// spelling of each operand form the way llvm-objdump's Intel printer spells it.

/// A ModRM byte split into its fields: mod (addressing mode), reg (register or opcode extension), r/m.
struct DisassemblerModRM {
  let mod: UInt8
  let reg: UInt8
  let rm: UInt8

  init(_ byte: UInt8) {
    mod = byte >> 6
    reg = byte >> 3 & 7
    rm = byte & 7
  }

  /// mod = 11: r/m names a register, not memory.
  var isRegister: Bool { mod == 3 }
}

/// A decoded effective address: [base + scale*index + displacement].
struct DisassemblerMemoryOperand {
  var base: String?
  var index: String?
  var scale = 1
  /// Sign-extended, as objdump prints it (`[ebp - 0x4]`, and `[-0x4]` for a bare disp32 of 0xfffffffc).
  var displacement: Int64 = 0
}

/// One operand read from the instruction, spelled once the instruction's length is known.
enum DisassemblerOperandPiece {
  case text(String)
  case omitted
  /// A relative branch: the signed displacement, added to the address of the next instruction.
  case relative(Int64)
}

enum DisassemblerRegisterNames {
  static let byte = ["al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"]
  static let word = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"]
  static let dword = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"]
  static let segment = ["es", "cs", "ss", "ds", "fs", "gs"]
  /// 16-bit addressing's eight r/m combinations (SDM table 2-1): base and index.
  static let address16: [(String, String?)] = [
    ("bx", "si"), ("bx", "di"), ("bp", "si"), ("bp", "di"), ("si", nil), ("di", nil), ("bp", nil), ("bx", nil),
  ]
}

/// Hex the way llvm-objdump's `--print-imm-hex` prints: lowercase, `-0x` for negative values.
func disassemblerHex(_ value: Int64) -> String {
  value < 0 ? "-0x" + String(value.magnitude, radix: 16) : "0x" + String(value, radix: 16)
}

extension DisassemblerDecoder {
  /// Reads SIB and displacement for a memory ModRM (mod != 11) in the current address size.
  mutating func decodeMemory(_ form: DisassemblerModRM) -> DisassemblerMemoryOperand {
    var operand = DisassemblerMemoryOperand()
    if !addressSize32 {
      if form.mod == 0 && form.rm == 6 {
        operand.displacement = Int64(Int16(bitPattern: reader.next16()))
        return operand
      }
      let (base, index) = DisassemblerRegisterNames.address16[Int(form.rm)]
      operand.base = base
      operand.index = index
      if form.mod == 1 { operand.displacement = Int64(Int8(bitPattern: reader.next())) }
      if form.mod == 2 { operand.displacement = Int64(Int16(bitPattern: reader.next16())) }
      return operand
    }
    var hasDisplacement32 = form.mod == 2
    if form.rm == 4 {
      let sib = reader.next()
      let scaleBits = sib >> 6
      let indexBits = sib >> 3 & 7
      let baseBits = sib & 7
      operand.scale = 1 << Int(scaleBits)
      if baseBits == 5 && form.mod == 0 {
        hasDisplacement32 = true
      } else {
        operand.base = DisassemblerRegisterNames.dword[Int(baseBits)]
      }
      if indexBits != 4 {
        operand.index = DisassemblerRegisterNames.dword[Int(indexBits)]
      } else if operand.scale != 1 || operand.base == nil || baseBits != 4 {
        // A SIB byte with no index where ModRM alone would have done: objdump (and GNU as) write the
        // "zero index" register eiz so the encoding can be told apart.
        operand.index = "eiz"
      }
    } else if form.mod == 0 && form.rm == 5 {
      hasDisplacement32 = true
    } else {
      operand.base = DisassemblerRegisterNames.dword[Int(form.rm)]
    }
    if form.mod == 1 {
      operand.displacement = Int64(Int8(bitPattern: reader.next()))
    } else if hasDisplacement32 {
      operand.displacement = Int64(Int32(bitPattern: reader.next32()))
    }
    return operand
  }

  /// Reads one operand's bytes (immediates, moffs, far pointers) and spells what it can already; nil when the
  /// encoding is undefined (a segment register number above 5).
  mutating func readOperand(_ operand: DisassemblerOperand) -> DisassemblerOperandPiece? {
    let reg = Int(modRM?.reg ?? 0)
    let rm = Int(modRM?.rm ?? 0)
    let low3 = Int(opcode & 7)
    switch operand {
    case .eb: return .text(rmOperand(registers: DisassemblerRegisterNames.byte, size: "byte"))
    case .ew: return .text(rmOperand(registers: DisassemblerRegisterNames.word, size: "word"))
    case .ed: return .text(rmOperand(registers: DisassemblerRegisterNames.dword, size: "dword"))
    case .ev: return .text(rmOperand(registers: operandRegisters, size: operandSize32 ? "dword" : "word"))
    case .evw: return .text(rmOperand(registers: operandRegisters, size: "word"))
    case .m: return .text(memoryText(size: nil))
    case .mb: return .text(memoryText(size: "byte"))
    case .mw: return .text(memoryText(size: "word"))
    case .md: return .text(memoryText(size: "dword"))
    case .mq: return .text(memoryText(size: "qword"))
    case .mt: return .text(memoryText(size: "tbyte"))
    case .mp: return .text(memoryText(size: operandSize32 ? "fword" : "dword"))
    case .ma: return .text(memoryText(size: operandSize32 ? "qword" : "dword"))
    case .gb: return .text(DisassemblerRegisterNames.byte[reg])
    case .gw: return .text(DisassemblerRegisterNames.word[reg])
    case .gv: return .text(operandRegisters[reg])
    case .ib: return .text(disassemblerHex(Int64(Int8(bitPattern: reader.next()))))
    case .iu: return .text(disassemblerHex(Int64(reader.next())))
    case .iw: return .text(disassemblerHex(Int64(reader.next16())))
    case .iv: return .text(disassemblerHex(Int64(operandSize32 ? reader.next32() : UInt32(reader.next16()))))
    case .ia:
      let base = reader.next()
      return base == 10 ? .omitted : .text(disassemblerHex(Int64(base)))
    case .jb: return .relative(Int64(Int8(bitPattern: reader.next())))
    case .jv:
      return .relative(
        operandSize32 ? Int64(Int32(bitPattern: reader.next32())) : Int64(Int16(bitPattern: reader.next16())))
    case .ap:
      let offset = operandSize32 ? reader.next32() : UInt32(reader.next16())
      let selector = reader.next16()
      return .text(disassemblerHex(Int64(selector)) + ", " + disassemblerHex(Int64(offset)))
    case .ob, .ov:
      let offset = addressSize32 ? reader.next32() : UInt32(reader.next16())
      let size = operand == .ob ? "byte" : (operandSize32 ? "dword" : "word")
      return .text(size + " ptr " + segmentText + "[" + disassemblerHex(Int64(offset)) + "]")
    case .sw:
      guard reg < DisassemblerRegisterNames.segment.count else { return nil }
      return .text(DisassemblerRegisterNames.segment[reg])
    case .cd: return .text("cr\(reg)")
    case .dd: return .text("dr\(reg)")
    case .rd: return .text(DisassemblerRegisterNames.dword[rm])
    case .zb: return .text(DisassemblerRegisterNames.byte[low3])
    case .zv: return .text(operandRegisters[low3])
    case .al: return .text("al")
    case .cl: return .text("cl")
    case .dx: return .text("dx")
    case .ax: return .text("ax")
    case .eAX: return .text(operandSize32 ? "eax" : "ax")
    case .es: return .text("es")
    case .cs: return .text("cs")
    case .ss: return .text("ss")
    case .ds: return .text("ds")
    case .fs: return .text("fs")
    case .gs: return .text("gs")
    case .xb, .xv:
      let size = operand == .xb ? "byte" : (operandSize32 ? "dword" : "word")
      return .text(size + " ptr " + segmentText + (addressSize32 ? "[esi]" : "[si]"))
    case .yb, .yv:
      let size = operand == .yb ? "byte" : (operandSize32 ? "dword" : "word")
      return .text(size + " ptr es:" + (addressSize32 ? "[edi]" : "[di]"))
    case .st: return .text("st")
    case .sti: return .text("st(\(rm))")
    }
  }

  /// Spells a piece; relative targets need the final length, known only now.
  func spell(_ piece: DisassemblerOperandPiece) -> String? {
    switch piece {
    case .text(let text): return text
    case .omitted: return nil
    case .relative(let displacement):
      let next = UInt32(truncatingIfNeeded: Int64(address) &+ Int64(reader.position))
      var target = next &+ UInt32(truncatingIfNeeded: displacement)
      // With a 16-bit operand size the processor clears EIP's upper half after the branch (SDM "Jcc", "JMP").
      if !operandSize32 { target &= 0xFFFF }
      var text = disassemblerHex(Int64(target))
      if let symbol = symbolizer?(target) { text += " <" + symbol + ">" }
      return text
    }
  }

  private var operandRegisters: [String] {
    operandSize32 ? DisassemblerRegisterNames.dword : DisassemblerRegisterNames.word
  }

  /// The segment-override prefix as objdump writes it before a memory operand ("fs:"), or nothing.
  private var segmentText: String { prefixes.segment.map { $0 + ":" } ?? "" }

  /// An E operand: the register named by r/m (mod = 11), or the decoded memory operand.
  private func rmOperand(registers: [String], size: String) -> String {
    guard let form = modRM else { return "" }
    return form.isRegister ? registers[Int(form.rm)] : memoryText(size: size)
  }

  /// `size ptr seg:[base + scale*index ± disp]`, following llvm-objdump's X86IntelInstPrinter::printMemReference.
  private func memoryText(size: String?) -> String {
    let operand = memory ?? DisassemblerMemoryOperand()
    var text = size.map { $0 + " ptr " } ?? ""
    text += segmentText + "["
    var needsPlus = false
    if let base = operand.base {
      text += base
      needsPlus = true
    }
    if let index = operand.index {
      if needsPlus { text += " + " }
      if operand.scale != 1 || operand.base == nil { text += "\(operand.scale)*" }
      text += index
      needsPlus = true
    }
    let displacement = operand.displacement
    if displacement != 0 || (operand.base == nil && operand.index == nil) {
      if needsPlus {
        text += displacement > 0 ? " + " + disassemblerHex(displacement) : " - " + disassemblerHex(-displacement)
      } else {
        text += disassemblerHex(displacement)
      }
    }
    return text + "]"
  }
}

/// The disassembler's opcode tables, written the way the Intel SDM writes them (vol. 2, appendix A): one entry per
/// opcode, each a mnemonic and its operands in the SDM's operand-form codes ("add Eb,Gb", "push Iv"). The text is
/// parsed once into `DisassemblerOpcode` values; the decoder in Disassembler.swift only walks these tables.
///
/// Entry syntax:
/// - `"mnemonic A,B,C"`: an instruction; `"w/d"` mnemonics are chosen by operand size (16/32 bits), `"w|d"`
///   mnemonics by address size.
/// - `"@grpN A,B"`: the ModRM reg field selects the mnemonic from group N; a group entry without operands takes
///   the opcode's operands, a group entry with operands brings its own.
/// - `"@0F"`: the two-byte escape; `"@x87"`: the x87 escapes D8–DF; `"@prefix"`: a legacy prefix; `""`: undefined.
///
/// Operand codes (SDM A.2, with the few extra forms this decoder needs):
/// - E/G: ModRM r/m and reg; b = byte, w = word, v = operand size, d = dword. `Evw`: a register of operand size or
///   a word in memory (MOV Sreg, SLDT, STR, SMSW). `M`: memory only, no size shown (LEA, LES, LGDT); `Mb Mw Md Mq
///   Mt`: memory only of that size; `Mp`: a far pointer in memory (m16:16 / m16:32); `Ma`: BOUND's pair of bounds.
/// - I: immediates. `Ib` (a byte, sign-extended to the operand and printed signed), `Iu` (an unsigned byte: shift
///   counts, ports, vectors, ENTER's nesting level), `Iw` (an unsigned word: RET's and ENTER's byte counts), `Iv`
///   (operand size, printed unsigned), `Ia` (AAM/AAD's unsigned base: omitted when it is 10).
/// - `Jb Jv`: relative branch targets; `Ap`: a direct far pointer; `Ob Ov`: moffs (an absolute offset, no ModRM).
/// - `Sw Cd Dd Rd`: segment, control and debug registers from ModRM reg, a general register from ModRM r/m.
/// - `Zb Zv`: the register in the opcode's low three bits; `AL CL DX AX eAX ES CS SS DS FS GS`: fixed registers.
/// - `Xb Xv` (DS:[eSI], overridable) and `Yb Yv` (ES:[eDI]): string operands. `ST STi`: x87 stack registers.

/// Operand forms, named after the SDM's operand codes (vol. 2, appendix A.2).
enum DisassemblerOperand: UInt8, Sendable {
  case eb, ew, ev, ed, evw
  case gb, gw, gv
  case m, mb, mw, md, mq, mt, mp, ma
  case ib, iu, iw, iv, ia
  case jb, jv, ap, ob, ov
  case sw, cd, dd, rd
  case zb, zv
  case al, cl, dx, ax, eAX
  case es, cs, ss, ds, fs, gs
  case xb, xv, yb, yv
  case st, sti

  /// Whether this form reads a ModRM byte.
  var needsModRM: Bool {
    switch self {
    case .eb, .ew, .ev, .ed, .evw, .gb, .gw, .gv, .m, .mb, .mw, .md, .mq, .mt, .mp, .ma, .sw, .cd, .dd, .rd, .sti:
      return true
    default:
      return false
    }
  }

  /// Whether this form is a ModRM r/m that may name memory (not reg, nor an r/m that is always a register).
  var isRM: Bool {
    switch self {
    case .eb, .ew, .ev, .ed, .evw, .m, .mb, .mw, .md, .mq, .mt, .mp, .ma: return true
    default: return false
    }
  }

  /// Whether this form accepts only a memory ModRM (mod != 11).
  var memoryOnly: Bool {
    switch self {
    case .m, .mb, .mw, .md, .mq, .mt, .mp, .ma: return true
    default: return false
    }
  }

  /// The SDM code this form was written as, so a table entry can be printed back (tests and corpus generation).
  static let byCode: [String: DisassemblerOperand] = [
    "Eb": .eb, "Ew": .ew, "Ev": .ev, "Ed": .ed, "Evw": .evw, "Gb": .gb, "Gw": .gw, "Gv": .gv,
    "M": .m, "Mb": .mb, "Mw": .mw, "Md": .md, "Mq": .mq, "Mt": .mt, "Mp": .mp, "Ma": .ma,
    "Ib": .ib, "Iu": .iu, "Iw": .iw, "Iv": .iv, "Ia": .ia, "Jb": .jb, "Jv": .jv, "Ap": .ap, "Ob": .ob, "Ov": .ov,
    "Sw": .sw, "Cd": .cd, "Dd": .dd, "Rd": .rd, "Zb": .zb, "Zv": .zv,
    "AL": .al, "CL": .cl, "DX": .dx, "AX": .ax, "eAX": .eAX,
    "ES": .es, "CS": .cs, "SS": .ss, "DS": .ds, "FS": .fs, "GS": .gs,
    "Xb": .xb, "Xv": .xv, "Yb": .yb, "Yv": .yv, "ST": .st, "STi": .sti,
  ]
}

/// One parsed table entry.
struct DisassemblerOpcode: Sendable {
  enum Kind: Sendable, Equatable {
    case undefined
    case instruction
    case group(Int)
    case escape0F
    case x87
    case prefix
  }

  var kind: Kind
  /// Mnemonic with a 16-bit operand (or address) size.
  var mnemonic16: String
  /// Mnemonic with a 32-bit operand (or address) size.
  var mnemonic32: String
  /// Whether `mnemonic16`/`mnemonic32` are chosen by address size (JCXZ/JECXZ) rather than operand size.
  var mnemonicByAddressSize: Bool
  var operands: [DisassemblerOperand]

  static let undefined = DisassemblerOpcode(
    kind: .undefined, mnemonic16: "", mnemonic32: "", mnemonicByAddressSize: false, operands: [])

  /// Whether decoding this entry reads a ModRM byte.
  var needsModRM: Bool {
    if case .group = kind { return true }
    return operands.contains { $0.needsModRM }
  }

  /// Parses one entry of the table text (see the file comment for the syntax). A malformed entry is a programming
  /// error in the tables, caught by the tests that walk every entry.
  init(_ text: String) {
    let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
    let head = parts.first ?? ""
    let operandText = parts.count > 1 ? parts[1] : ""
    operands = operandText.split(separator: ",").compactMap { DisassemblerOperand.byCode[String($0)] }
    mnemonicByAddressSize = false
    mnemonic16 = head
    mnemonic32 = head
    switch head {
    case "": kind = .undefined
    case "@0F": kind = .escape0F
    case "@x87": kind = .x87
    case "@prefix": kind = .prefix
    default:
      if head.hasPrefix("@grp"), let index = Int(head.dropFirst(4)) {
        kind = .group(index)
      } else {
        kind = .instruction
        if let slash = head.firstIndex(of: "/") {
          mnemonic16 = String(head[..<slash])
          mnemonic32 = String(head[head.index(after: slash)...])
        } else if let bar = head.firstIndex(of: "|") {
          mnemonic16 = String(head[..<bar])
          mnemonic32 = String(head[head.index(after: bar)...])
          mnemonicByAddressSize = true
        }
      }
    }
  }

  init(
    kind: Kind, mnemonic16: String, mnemonic32: String, mnemonicByAddressSize: Bool,
    operands: [DisassemblerOperand]
  ) {
    self.kind = kind
    self.mnemonic16 = mnemonic16
    self.mnemonic32 = mnemonic32
    self.mnemonicByAddressSize = mnemonicByAddressSize
    self.operands = operands
  }
}

/// The parsed tables. Global `let`s are initialised once, on first use, thread-safely.
enum DisassemblerTables {
  static let oneByte: [DisassemblerOpcode] = oneByteText.map(DisassemblerOpcode.init)
  static let twoByte: [DisassemblerOpcode] = twoByteText.map(DisassemblerOpcode.init)
  static let groups: [[DisassemblerOpcode]] = groupText.map { $0.map(DisassemblerOpcode.init) }
  /// x87 memory forms: [escape D8–DF][ModRM reg].
  static let x87Memory: [[DisassemblerOpcode]] = x87MemoryText.map { $0.map(DisassemblerOpcode.init) }
  /// x87 register forms (mod = 11): [escape D8–DF][ModRM reg][ModRM r/m].
  static let x87Register: [[[DisassemblerOpcode]]] = x87RegisterText.map { row in
    row.map { entry in
      let byRM = entry.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
      return byRM.count == 8
        ? byRM.map(DisassemblerOpcode.init) : Array(repeating: DisassemblerOpcode(entry), count: 8)
    }
  }

  // MARK: - One-byte opcodes (SDM table A-2). Row n holds opcodes n0…nF.

  static let oneByteText: [String] = [
    // 0x00
    "add Eb,Gb", "add Ev,Gv", "add Gb,Eb", "add Gv,Ev", "add AL,Ib", "add eAX,Iv", "push ES", "pop ES",
    "or Eb,Gb", "or Ev,Gv", "or Gb,Eb", "or Gv,Ev", "or AL,Ib", "or eAX,Iv", "push CS", "@0F",
    // 0x10
    "adc Eb,Gb", "adc Ev,Gv", "adc Gb,Eb", "adc Gv,Ev", "adc AL,Ib", "adc eAX,Iv", "push SS", "pop SS",
    "sbb Eb,Gb", "sbb Ev,Gv", "sbb Gb,Eb", "sbb Gv,Ev", "sbb AL,Ib", "sbb eAX,Iv", "push DS", "pop DS",
    // 0x20
    "and Eb,Gb", "and Ev,Gv", "and Gb,Eb", "and Gv,Ev", "and AL,Ib", "and eAX,Iv", "@prefix", "daa",
    "sub Eb,Gb", "sub Ev,Gv", "sub Gb,Eb", "sub Gv,Ev", "sub AL,Ib", "sub eAX,Iv", "@prefix", "das",
    // 0x30
    "xor Eb,Gb", "xor Ev,Gv", "xor Gb,Eb", "xor Gv,Ev", "xor AL,Ib", "xor eAX,Iv", "@prefix", "aaa",
    "cmp Eb,Gb", "cmp Ev,Gv", "cmp Gb,Eb", "cmp Gv,Ev", "cmp AL,Ib", "cmp eAX,Iv", "@prefix", "aas",
    // 0x40
    "inc Zv", "inc Zv", "inc Zv", "inc Zv", "inc Zv", "inc Zv", "inc Zv", "inc Zv",
    "dec Zv", "dec Zv", "dec Zv", "dec Zv", "dec Zv", "dec Zv", "dec Zv", "dec Zv",
    // 0x50
    "push Zv", "push Zv", "push Zv", "push Zv", "push Zv", "push Zv", "push Zv", "push Zv",
    "pop Zv", "pop Zv", "pop Zv", "pop Zv", "pop Zv", "pop Zv", "pop Zv", "pop Zv",
    // 0x60
    "pushaw/pushal", "popaw/popal", "bound Gv,Ma", "arpl Ew,Gw", "@prefix", "@prefix", "@prefix", "@prefix",
    "push Iv", "imul Gv,Ev,Iv", "push Ib", "imul Gv,Ev,Ib", "insb Yb,DX", "insw/insd Yv,DX", "outsb DX,Xb",
    "outsw/outsd DX,Xv",
    // 0x70
    "jo Jb", "jno Jb", "jb Jb", "jae Jb", "je Jb", "jne Jb", "jbe Jb", "ja Jb",
    "js Jb", "jns Jb", "jp Jb", "jnp Jb", "jl Jb", "jge Jb", "jle Jb", "jg Jb",
    // 0x80
    "@grp1 Eb,Ib", "@grp1 Ev,Iv", "@grp1 Eb,Ib", "@grp1 Ev,Ib", "test Eb,Gb", "test Ev,Gv", "xchg Eb,Gb",
    "xchg Ev,Gv",
    "mov Eb,Gb", "mov Ev,Gv", "mov Gb,Eb", "mov Gv,Ev", "mov Evw,Sw", "lea Gv,M", "mov Sw,Evw", "@grp10 Ev",
    // 0x90
    "nop", "xchg eAX,Zv", "xchg eAX,Zv", "xchg eAX,Zv", "xchg eAX,Zv", "xchg eAX,Zv", "xchg eAX,Zv", "xchg eAX,Zv",
    "cbw/cwde", "cwd/cdq", "lcall Ap", "wait", "pushf/pushfd", "popf/popfd", "sahf", "lahf",
    // 0xA0
    "mov AL,Ob", "mov eAX,Ov", "mov Ob,AL", "mov Ov,eAX", "movsb Yb,Xb", "movsw/movsd Yv,Xv", "cmpsb Xb,Yb",
    "cmpsw/cmpsd Xv,Yv",
    "test AL,Ib", "test eAX,Iv", "stosb Yb,AL", "stosw/stosd Yv,eAX", "lodsb AL,Xb", "lodsw/lodsd eAX,Xv",
    "scasb AL,Yb", "scasw/scasd eAX,Yv",
    // 0xB0
    "mov Zb,Ib", "mov Zb,Ib", "mov Zb,Ib", "mov Zb,Ib", "mov Zb,Ib", "mov Zb,Ib", "mov Zb,Ib", "mov Zb,Ib",
    "mov Zv,Iv", "mov Zv,Iv", "mov Zv,Iv", "mov Zv,Iv", "mov Zv,Iv", "mov Zv,Iv", "mov Zv,Iv", "mov Zv,Iv",
    // 0xC0
    "@grp2 Eb,Iu", "@grp2 Ev,Iu", "ret Iw", "ret", "les Gv,M", "lds Gv,M", "@grp11 Eb,Ib", "@grp11 Ev,Iv",
    "enter Iw,Iu", "leave", "retf Iw", "retf", "int3", "int Iu", "into", "iret/iretd",
    // 0xD0
    "@grp2 Eb", "@grp2 Ev", "@grp2 Eb,CL", "@grp2 Ev,CL", "aam Ia", "aad Ia", "salc", "xlatb",
    "@x87", "@x87", "@x87", "@x87", "@x87", "@x87", "@x87", "@x87",
    // 0xE0
    "loopne Jb", "loope Jb", "loop Jb", "jcxz|jecxz Jb", "in AL,Iu", "in eAX,Iu", "out Iu,AL", "out Iu,eAX",
    "call Jv", "jmp Jv", "ljmp Ap", "jmp Jb", "in AL,DX", "in eAX,DX", "out DX,AL", "out DX,eAX",
    // 0xF0
    "@prefix", "int1", "@prefix", "@prefix", "hlt", "cmc", "@grp3 Eb", "@grp4 Ev",
    "clc", "stc", "cli", "sti", "cld", "std", "@grp5 Eb", "@grp6 Ev",
  ]

  // MARK: - Two-byte opcodes 0F xx (SDM table A-3): the i386/i486 set plus the P6 additions the CPU executes.

  static let twoByteText: [String] = [
    // 0F 00
    "@grp7", "@grp8", "lar Gv,Ew", "lsl Gv,Ew", "", "", "clts", "",
    "invd", "wbinvd", "", "ud2", "", "", "", "",
    // 0F 10 (0F 18 /0–/3: PREFETCHh)
    "", "", "", "", "", "", "", "", "@grp12", "", "", "", "", "", "", "nop Ev",
    // 0F 20
    "mov Rd,Cd", "mov Rd,Dd", "mov Cd,Rd", "mov Dd,Rd", "", "", "", "", "", "", "", "", "", "", "", "",
    // 0F 30
    "wrmsr", "rdtsc", "rdmsr", "", "", "", "", "", "", "", "", "", "", "", "", "",
    // 0F 40
    "cmovo Gv,Ev", "cmovno Gv,Ev", "cmovb Gv,Ev", "cmovae Gv,Ev", "cmove Gv,Ev", "cmovne Gv,Ev", "cmovbe Gv,Ev",
    "cmova Gv,Ev",
    "cmovs Gv,Ev", "cmovns Gv,Ev", "cmovp Gv,Ev", "cmovnp Gv,Ev", "cmovl Gv,Ev", "cmovge Gv,Ev", "cmovle Gv,Ev",
    "cmovg Gv,Ev",
    // 0F 50
    "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
    // 0F 60
    "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
    // 0F 70
    "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
    // 0F 80
    "jo Jv", "jno Jv", "jb Jv", "jae Jv", "je Jv", "jne Jv", "jbe Jv", "ja Jv",
    "js Jv", "jns Jv", "jp Jv", "jnp Jv", "jl Jv", "jge Jv", "jle Jv", "jg Jv",
    // 0F 90
    "seto Eb", "setno Eb", "setb Eb", "setae Eb", "sete Eb", "setne Eb", "setbe Eb", "seta Eb",
    "sets Eb", "setns Eb", "setp Eb", "setnp Eb", "setl Eb", "setge Eb", "setle Eb", "setg Eb",
    // 0F A0
    "push FS", "pop FS", "cpuid", "bt Ev,Gv", "shld Ev,Gv,Iu", "shld Ev,Gv,CL", "", "",
    "push GS", "pop GS", "", "bts Ev,Gv", "shrd Ev,Gv,Iu", "shrd Ev,Gv,CL", "", "imul Gv,Ev",
    // 0F B0
    "cmpxchg Eb,Gb", "cmpxchg Ev,Gv", "lss Gv,M", "btr Ev,Gv", "lfs Gv,M", "lgs Gv,M", "movzx Gv,Eb",
    "movzx Gv,Ew",
    "", "", "@grp9 Ev,Iu", "btc Ev,Gv", "bsf Gv,Ev", "bsr Gv,Ev", "movsx Gv,Eb", "movsx Gv,Ew",
    // 0F C0
    "xadd Eb,Gb", "xadd Ev,Gv", "", "", "", "", "", "",
    "bswap Zv", "bswap Zv", "bswap Zv", "bswap Zv", "bswap Zv", "bswap Zv", "bswap Zv", "bswap Zv",
    // 0F D0
    "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
    // 0F E0
    "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
    // 0F F0
    "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
  ]

  // MARK: - Groups: the ModRM reg field selects the operation (SDM table A-6). Indexed by the number after @grp.

  static let groupText: [[String]] = [
    // 0: unused (keeps the indices readable)
    ["", "", "", "", "", "", "", ""],
    // 1: 80–83, the immediate ALU group
    ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"],
    // 2: C0 C1 D0–D3, shifts and rotates. /6 is undocumented; the 386/486 (and our CPU) execute it as SHL.
    ["rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"],
    // 3: F6, unary byte group. /1 is an undocumented alias of TEST, which the CPU executes.
    ["test Eb,Ib", "test Eb,Ib", "not", "neg", "mul", "imul", "div", "idiv"],
    // 4: F7, the same group with operand-size immediates
    ["test Ev,Iv", "test Ev,Iv", "not", "neg", "mul", "imul", "div", "idiv"],
    // 5: FE
    ["inc", "dec", "", "", "", "", "", ""],
    // 6: FF. /3 and /5 are the far forms through a m16:16 / m16:32 pointer in memory.
    ["inc", "dec", "call", "lcall Mp", "jmp", "ljmp Mp", "push", ""],
    // 7: 0F 00
    ["sldt Evw", "str Evw", "lldt Ew", "ltr Ew", "verr Ew", "verw Ew", "", ""],
    // 8: 0F 01 (the register forms of /0–/3 and /7 are other processors' instructions: undefined here)
    ["sgdtw/sgdtd M", "sidtw/sidtd M", "lgdtw/lgdtd M", "lidtw/lidtd M", "smsw Evw", "", "lmsw Ew", "invlpg Mb"],
    // 9: 0F BA
    ["", "", "", "", "bt", "bts", "btr", "btc"],
    // 10: 8F
    ["pop", "", "", "", "", "", "", ""],
    // 11: C6 C7
    ["mov", "", "", "", "", "", "", ""],
    // 12: 0F 18, the prefetch hints (memory operands only; the CPU executes every 0F 18 form as a NOP)
    ["prefetchnta Mb", "prefetcht0 Mb", "prefetcht1 Mb", "prefetcht2 Mb", "", "", "", ""],
  ]

  /// 0F AE, the register forms /5–/7: the fences (the r/m field is ignored, SDM vol. 2 LFENCE).
  static let fences = ["lfence", "mfence", "sfence"]
  /// 0F AE /7 with a memory operand.
  static let clflush = DisassemblerOpcode("clflush Mb")

  // MARK: - x87 escapes D8–DF (SDM tables)

  /// Memory forms, [escape][ModRM reg].
  static let x87MemoryText: [[String]] = [
    // D8
    ["fadd Md", "fmul Md", "fcom Md", "fcomp Md", "fsub Md", "fsubr Md", "fdiv Md", "fdivr Md"],
    // D9
    ["fld Md", "", "fst Md", "fstp Md", "fldenv M", "fldcw Mw", "fnstenv M", "fnstcw Mw"],
    // DA
    ["fiadd Md", "fimul Md", "ficom Md", "ficomp Md", "fisub Md", "fisubr Md", "fidiv Md", "fidivr Md"],
    // DB (/1 FISTTP is an SSE3 addition; it is decoded because objdump does and its length is ordinary)
    ["fild Md", "fisttp Md", "fist Md", "fistp Md", "", "fld Mt", "", "fstp Mt"],
    // DC
    ["fadd Mq", "fmul Mq", "fcom Mq", "fcomp Mq", "fsub Mq", "fsubr Mq", "fdiv Mq", "fdivr Mq"],
    // DD
    ["fld Mq", "fisttp Mq", "fst Mq", "fstp Mq", "frstor M", "", "fnsave M", "fnstsw Mw"],
    // DE
    ["fiadd Mw", "fimul Mw", "ficom Mw", "ficomp Mw", "fisub Mw", "fisubr Mw", "fidiv Mw", "fidivr Mw"],
    // DF
    ["fild Mw", "fisttp Mw", "fist Mw", "fistp Mw", "fbld Mt", "fild Mq", "fbstp Mt", "fistp Mq"],
  ]

  /// Register forms (mod = 11), [escape][ModRM reg]; an entry with eight `;`-separated parts is chosen by ModRM r/m.
  static let x87RegisterText: [[String]] = [
    // D8
    [
      "fadd ST,STi", "fmul ST,STi", "fcom STi", "fcomp STi", "fsub ST,STi", "fsubr ST,STi", "fdiv ST,STi",
      "fdivr ST,STi",
    ],
    // D9
    [
      "fld STi", "fxch STi", "fnop;;;;;;;", "",
      "fchs;fabs;;;ftst;fxam;;", "fld1;fldl2t;fldl2e;fldpi;fldlg2;fldln2;fldz;",
      "f2xm1;fyl2x;fptan;fpatan;fxtract;fprem1;fdecstp;fincstp",
      "fprem;fyl2xp1;fsqrt;fsincos;frndint;fscale;fsin;fcos",
    ],
    // DA
    ["fcmovb ST,STi", "fcmove ST,STi", "fcmovbe ST,STi", "fcmovu ST,STi", "", ";fucompp;;;;;;", "", ""],
    // DB
    [
      "fcmovnb ST,STi", "fcmovne ST,STi", "fcmovnbe ST,STi", "fcmovnu ST,STi", ";;fnclex;fninit;;;;",
      "fucomi ST,STi", "fcomi ST,STi", "",
    ],
    // DC
    ["fadd STi,ST", "fmul STi,ST", "", "", "fsubr STi,ST", "fsub STi,ST", "fdivr STi,ST", "fdiv STi,ST"],
    // DD
    ["ffree STi", "", "fst STi", "fstp STi", "fucom STi", "fucomp STi", "", ""],
    // DE
    [
      "faddp STi,ST", "fmulp STi,ST", "", ";fcompp;;;;;;", "fsubrp STi,ST", "fsubp STi,ST", "fdivrp STi,ST",
      "fdivp STi,ST",
    ],
    // DF
    ["ffreep STi", "", "", "", "fnstsw AX;;;;;;;", "fucompi ST,STi", "fcompi ST,STi", ""],
  ]
}

import Conformance
import Foundation

@testable import Emulator

/// Cross-checks the disassembler against llvm-objdump: the toolchain lookup, the objdump runs, the parser of its
/// listing, the one normalisation function, the list of places where we knowingly differ, and the corpus generator.

// MARK: - Toolchain

/// The LLVM tools the cross-check runs: llvm-objdump and llvm-objcopy, preferably the ones next to swiftc (the
/// Swift toolchain's LLVM), else the first on PATH; clang for the C corpus.
struct ObjdumpToolchain: Sendable {
  let objdump: URL
  let objcopy: URL
  let clang: URL?

  static let found: ObjdumpToolchain? = locate()

  /// Why the cross-check cannot run, when it cannot.
  static var missingReason: String {
    "llvm-objdump/llvm-objcopy not found next to swiftc, in /opt/swift/usr/bin or on PATH: the cross-check is skipped"
  }

  private static func locate() -> ObjdumpToolchain? {
    func find(_ name: String) -> URL? { try? Toolchain.locate(name) }
    guard let objdump = find("llvm-objdump"), let objcopy = find("llvm-objcopy") else { return nil }
    return ObjdumpToolchain(objdump: objdump, objcopy: objcopy, clang: find("clang"))
  }

  static func makeScratchDirectory() throws -> URL {
    try ToolLocator.makeScratchDirectory(prefix: "disasm-crosscheck")
  }

  /// Disassembles raw bytes placed at address 0: the bytes are wrapped into an ELF32 .data section by llvm-objcopy
  /// (this llvm-objdump has no raw-binary input), then listed with `-z` so runs of zero bytes are not elided.
  func listing(of bytes: [UInt8], code16: Bool, in directory: URL) throws -> [ObjdumpLine] {
    let name = code16 ? "corpus16" : "corpus32"
    try Data(bytes).write(to: directory.appendingPathComponent(name + ".bin"))
    try Toolchain.run(objcopy, ["-I", "binary", "-O", "elf32-i386", name + ".bin", name + ".o"], in: directory)
    var arguments = ["-d", "-z", "-j", ".data", "--no-show-raw-insn", "--print-imm-hex", "--x86-asm-syntax=intel"]
    if code16 { arguments.append("--mattr=+16bit-mode") }
    let text = try Toolchain.run(objdump, arguments + [name + ".o"], in: directory)
    return ObjdumpListing.parse(text, sectionLength: bytes.count)
  }

  /// The bytes of `section` of a linked or object file and objdump's listing of them, with the section's start
  /// address (objdump lists at the addresses the file gives; compare at the same base).
  func listSection(_ section: String, of file: URL, in directory: URL) throws -> (
    bytes: [UInt8], lines: [ObjdumpLine], base: Int
  ) {
    let raw = directory.appendingPathComponent(file.lastPathComponent + section + ".bin")
    try Toolchain.run(objcopy, ["-O", "binary", "--only-section=" + section, file.path, raw.path], in: directory)
    let bytes = [UInt8](try Data(contentsOf: raw))
    let arguments = ["-d", "-z", "-j", section, "--no-show-raw-insn", "--print-imm-hex", "--x86-asm-syntax=intel"]
    let text = try Toolchain.run(objdump, arguments + [file.path], in: directory)
    let base = ObjdumpListing.parse(text, sectionLength: Int.max).first?.address ?? 0
    return (bytes, ObjdumpListing.parse(text, sectionLength: base + bytes.count), base)
  }

  /// Compiles C source to an i386 object and returns its .text bytes and objdump's listing of them.
  func compileAndList(cSource: String, code16: Bool, in directory: URL) throws -> (bytes: [UInt8], lines: [ObjdumpLine])
  {
    guard let clang else { throw Toolchain.Failure(description: "clang not found next to llvm-objdump") }
    let name = code16 ? "ccorpus16" : "ccorpus32"
    try cSource.write(to: directory.appendingPathComponent(name + ".c"), atomically: true, encoding: .utf8)
    var flags = ["--target=i386-unknown-none-elf", "-O2", "-march=i686", "-mgeneral-regs-only", "-ffreestanding"]
    if code16 { flags.append("-m16") }
    try Toolchain.run(clang, flags + ["-c", name + ".c", "-o", name + ".o"], in: directory)
    try Toolchain.run(objcopy, ["-O", "binary", "--only-section=.text", name + ".o", name + ".text"], in: directory)
    let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(name + ".text")))
    var arguments = ["-d", "-z", "-j", ".text", "--no-show-raw-insn", "--print-imm-hex", "--x86-asm-syntax=intel"]
    if code16 { arguments.append("--mattr=+16bit-mode") }
    let text = try Toolchain.run(objdump, arguments + [name + ".o"], in: directory)
    return (bytes, ObjdumpListing.parse(text, sectionLength: bytes.count))
  }
}

// MARK: - Listing parser

/// One instruction as llvm-objdump listed it.
struct ObjdumpLine: Equatable {
  var address: Int
  var length: Int
  var text: String
}

enum ObjdumpListing {
  /// Parses `   1c: \tmov\teax, dword ptr [ebx]` lines (addresses in hex). Lengths come from the next line's address
  /// (the last runs to the end of the section). llvm-objdump prints a LOCK prefix that comes first as a line of
  /// its own ("lock", length 1); it is merged into the instruction it prefixes, which is how the processor sees it.
  static func parse(_ text: String, sectionLength: Int) -> [ObjdumpLine] {
    var lines: [ObjdumpLine] = []
    for raw in text.split(separator: "\n", omittingEmptySubsequences: true) {
      guard let colon = raw.firstIndex(of: ":") else { continue }
      let head = raw[..<colon].trimmingCharacters(in: .whitespaces)
      guard !head.isEmpty, head.allSatisfy(\.isHexDigit), raw.first == " " else { continue }
      guard let address = Int(head, radix: 16) else { continue }
      let body = raw[raw.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      lines.append(ObjdumpLine(address: address, length: 0, text: body))
    }
    for index in lines.indices {
      let end = index + 1 < lines.count ? lines[index + 1].address : sectionLength
      lines[index].length = end - lines[index].address
    }
    var merged: [ObjdumpLine] = []
    var pendingLock: ObjdumpLine?
    for line in lines {
      if ObjdumpListing.normalise(line.text) == "lock" && line.length == 1 {
        pendingLock = line
        continue
      }
      if let lock = pendingLock, lock.address + 1 == line.address {
        merged.append(ObjdumpLine(address: lock.address, length: line.length + 1, text: "lock " + line.text))
      } else {
        if let lock = pendingLock { merged.append(lock) }
        merged.append(line)
      }
      pendingLock = nil
    }
    if let lock = pendingLock { merged.append(lock) }
    return merged
  }
}

// MARK: - Normalisation and known divergences

extension ObjdumpListing {
  /// The one normalisation applied to both sides before comparing, formatting only:
  /// - whitespace: tabs and runs of spaces become one space, none at the ends;
  /// - symbol annotations: ` <name+0x..>` after a branch target is dropped (objdump names its own symbols);
  /// - numbers: every stand-alone number is rewritten as lowercase `0x` hex (decimal or hex in), keeping its sign;
  ///   scale factors (`4*ecx`) and register numbers (`st(1)`, `cr0`) are not numbers in this sense;
  /// - the pseudo-prefixes `addr16`/`addr32` are dropped before an instruction with a bracketed memory operand: there
  ///   the operand's registers already say the address size (objdump prints them redundantly in 16-bit code).
  /// Size keywords (`dword ptr`) are kept and compared: they check the decoded operand size.
  static func normalise(_ text: String) -> String {
    var collapsed = text.replacingOccurrences(of: "\t", with: " ")
    while collapsed.contains("  ") { collapsed = collapsed.replacingOccurrences(of: "  ", with: " ") }
    collapsed = collapsed.trimmingCharacters(in: .whitespaces)
    // Symbol annotations.
    while let open = collapsed.range(of: " <"),
      let close = collapsed.range(of: ">", range: open.upperBound..<collapsed.endIndex)
    {
      collapsed.removeSubrange(open.lowerBound..<close.upperBound)
    }
    // Numbers.
    let characters = Array(collapsed)
    var result = ""
    var index = 0
    while index < characters.count {
      let character = characters[index]
      let previous: Character? = index > 0 ? characters[index - 1] : nil
      let startsWord = previous.map { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "(") } ?? true
      if character.isNumber, startsWord {
        var end = index
        var value: UInt64 = 0
        if character == "0", index + 1 < characters.count, characters[index + 1] == "x" {
          end = index + 2
          while end < characters.count, let digit = characters[end].hexDigitValue {
            value = value &* 16 &+ UInt64(digit)
            end += 1
          }
        } else {
          while end < characters.count, let digit = characters[end].wholeNumberValue {
            value = value &* 10 &+ UInt64(digit)
            end += 1
          }
        }
        if end < characters.count, characters[end] == "*" {
          result += String(characters[index..<end])
        } else {
          result += "0x" + String(value, radix: 16)
        }
        index = end
        continue
      }
      result.append(character)
      index += 1
    }
    if result.contains("[") {
      for pseudo in ["addr16 ", "addr32 "] where result.hasPrefix(pseudo) || result.contains(" " + pseudo) {
        result = result.replacingOccurrences(of: pseudo, with: "")
      }
    }
    return result
  }
}

/// Where llvm-objdump (LLVM 21) and this disassembler knowingly differ, and we follow the SDM. Each rule rewrites
/// objdump's normalised text into our spelling when it applies; `code16` is the code segment's default size.
struct KnownDivergence {
  let reason: String
  let rewrite: @Sendable (_ objdump: String, _ code16: Bool) -> String?

  static let all: [KnownDivergence] = [
    KnownDivergence(
      reason:
        "far indirect CALL/JMP through m16:32: objdump writes plain call/jmp without a size (m16:16: lcall/ljmp); "
        + "we write lcall/ljmp with the pointer's size, fword (m16:32) or dword (m16:16)"
    ) { objdump, _ in
      for (plain, far) in [("call ", "lcall "), ("jmp ", "ljmp ")] {
        let prefixes = ["", "lock ", "rep ", "repne "]
        for prefix in prefixes {
          if objdump.hasPrefix(prefix + plain), !objdump.contains(" ptr "), objdump.hasSuffix("]") {
            return prefix + far + "fword ptr " + objdump.dropFirst(prefix.count + plain.count)
          }
          if objdump.hasPrefix(prefix + far), !objdump.contains(" ptr "), objdump.hasSuffix("]") {
            return prefix + far + "dword ptr " + objdump.dropFirst(prefix.count + far.count)
          }
        }
      }
      return nil
    },
    KnownDivergence(
      reason: "unsigned immediates objdump prints signed: a far pointer's selector, RET/RETF's byte count (32-bit "
        + "operand size), ENTER's frame size and nesting level, AAM/AAD's base (SDM: all unsigned)"
    ) { objdump, _ in
      let widths: [String: [Int?]] = [
        "lcall": [16, nil], "ljmp": [16, nil], "ret": [16], "retf": [16], "enter": [16, 8], "aam": [8], "aad": [8],
      ]
      guard let space = objdump.firstIndex(of: " "), let operandWidths = widths[String(objdump[..<space])] else {
        return nil
      }
      var operands = objdump[objdump.index(after: space)...].components(separatedBy: ", ")
      guard operands.count == operandWidths.count else { return nil }
      for (index, width) in operandWidths.enumerated() {
        guard let width, operands[index].hasPrefix("-0x"), let magnitude = Int(operands[index].dropFirst(3), radix: 16)
        else { continue }
        operands[index] = "0x" + String((1 << width) - magnitude, radix: 16)
      }
      return String(objdump[..<space]) + " " + operands.joined(separator: ", ")
    },
    KnownDivergence(
      reason: "BOUND reads a pair of bounds (SDM: m32&32 / m16&16); objdump prints one element's size"
    ) { objdump, _ in
      guard objdump.hasPrefix("bound ") else { return nil }
      if objdump.contains(", dword ptr ") {
        return objdump.replacingOccurrences(of: ", dword ptr ", with: ", qword ptr ")
      }
      if objdump.contains(", word ptr ") {
        return objdump.replacingOccurrences(of: ", word ptr ", with: ", dword ptr ")
      }
      return nil
    },
    KnownDivergence(
      reason: "in 16-bit code objdump names 98/99 cwde/cdq whatever the operand size; with a 16-bit operand they "
        + "are CBW/CWD (SDM)"
    ) { objdump, code16 in
      guard code16 else { return nil }
      switch objdump {
      case "cwde": return "cbw"
      case "cdq": return "cwd"
      default: return nil
      }
    },
    KnownDivergence(
      reason: "F3 before CMPS/SCAS repeats while equal: the SDM's REPE; objdump writes rep"
    ) { objdump, _ in
      for string in ["cmps", "scas"] where objdump.hasPrefix("rep " + string) || objdump.contains(" rep " + string) {
        return objdump.replacingOccurrences(of: "rep " + string, with: "repe " + string)
      }
      return nil
    },
  ]

  /// Whether objdump's text, normalised, equals ours once the known divergences are applied; `applied` collects
  /// the reasons of the rules that were needed.
  static func matches(ours: String, objdump: String, code16: Bool, applied: inout [String: Int]) -> Bool {
    let ours = ObjdumpListing.normalise(ours)
    var theirs = ObjdumpListing.normalise(objdump)
    if ours == theirs { return true }
    var used: [String] = []
    for rule in all {
      if let rewritten = rule.rewrite(theirs, code16) {
        theirs = rewritten
        used.append(rule.reason)
        if ours == theirs {
          for reason in used { applied[reason, default: 0] += 1 }
          return true
        }
      }
    }
    return false
  }
}

/// Encodings this decoder knows that LLVM 21's disassembler does not (it prints `<unknown>`); they are left out of
/// the random corpus and checked by hand-written unit tests against the SDM instead.
enum ObjdumpGaps {
  static let reasons = [
    "F1 int1 (ICEBP): undocumented until recent SDMs; objdump <unknown>",
    "group 2 /6 (C0/C1/D0–D3 /6) sal: undocumented alias of SHL that the CPU executes; objdump <unknown>",
    "F6/F7 /1 test: undocumented alias of TEST /0 that the CPU executes; objdump <unknown>",
    "MOV to/from CRn/DRn with ModRM mod != 11: the 386/486 ignore mod; objdump <unknown>",
    "undefined x87 register forms (e.g. D9 D8+i) are (bad) with their full two-byte length",
  ]

  static func excludes(_ form: CorpusForm) -> Bool {
    switch form.key {
    case .oneByte(0xF1): return true
    case .group(let opcode, _, 6) where [0xC0, 0xC1, 0xD0, 0xD1, 0xD2, 0xD3].contains(opcode): return true
    case .group(0xF6, _, 1), .group(0xF7, _, 1): return true
    default: return false
    }
  }
}

// MARK: - Random corpus generated from the decoder's own tables

/// A deterministic random source (SplitMix64), so the corpus is the same on every run.
struct CorpusRandom: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// One form the decoder knows: a table entry, with the ModRM fields it fixes.
struct CorpusForm: Hashable {
  enum Key: Hashable {
    case oneByte(UInt8)
    case twoByte(UInt8)
    /// opcode bytes (one or two, the last the group's opcode), escape 0F or not, ModRM reg.
    case group(UInt8, twoByte: Bool, reg: UInt8)
    case x87Memory(UInt8, reg: UInt8)
    case x87Register(UInt8, reg: UInt8, rm: UInt8)
  }

  let key: Key
  let entry: DisassemblerOpcode

  var name: String {
    switch key {
    case .oneByte(let op): return hex(op) + " " + entry.mnemonic32
    case .twoByte(let op): return "0F " + hex(op) + " " + entry.mnemonic32
    case .group(let op, let two, let reg): return (two ? "0F " : "") + hex(op) + " /\(reg) " + entry.mnemonic32
    case .x87Memory(let op, let reg): return hex(op) + " /\(reg) mem " + entry.mnemonic32
    case .x87Register(let op, let reg, let rm):
      return hex(op) + " " + hex(0xC0 | reg << 3 | rm) + " " + entry.mnemonic32
    }
  }

  static func == (lhs: CorpusForm, rhs: CorpusForm) -> Bool { lhs.key == rhs.key }
  func hash(into hasher: inout Hasher) { hasher.combine(key) }

  /// Every form in the decoder's tables.
  static let all: [CorpusForm] = {
    var forms: [CorpusForm] = []
    func add(_ entry: DisassemblerOpcode, _ opcode: UInt8, twoByte: Bool) {
      switch entry.kind {
      case .instruction:
        forms.append(CorpusForm(key: twoByte ? .twoByte(opcode) : .oneByte(opcode), entry: entry))
      case .group(let index):
        for reg in 0..<8 {
          var member = DisassemblerTables.groups[index][reg]
          guard member.kind == .instruction else { continue }
          if member.operands.isEmpty { member.operands = entry.operands }
          forms.append(CorpusForm(key: .group(opcode, twoByte: twoByte, reg: UInt8(reg)), entry: member))
        }
      case .x87:
        let escape = Int(opcode & 7)
        for reg in 0..<8 {
          let memory = DisassemblerTables.x87Memory[escape][reg]
          if memory.kind == .instruction {
            forms.append(CorpusForm(key: .x87Memory(opcode, reg: UInt8(reg)), entry: memory))
          }
          for rm in 0..<8 {
            let register = DisassemblerTables.x87Register[escape][reg][rm]
            if register.kind == .instruction {
              forms.append(
                CorpusForm(key: .x87Register(opcode, reg: UInt8(reg), rm: UInt8(rm)), entry: register))
            }
          }
        }
      case .undefined, .prefix, .escape0F:
        break
      }
    }
    for opcode in 0...255 { add(DisassemblerTables.oneByte[opcode], UInt8(opcode), twoByte: false) }
    for opcode in 0...255 { add(DisassemblerTables.twoByte[opcode], UInt8(opcode), twoByte: true) }
    return forms
  }()

  private static let lockable: Set<String> = [
    "add", "or", "adc", "sbb", "and", "sub", "xor", "inc", "dec", "not", "neg", "xchg", "bts", "btr", "btc",
    "cmpxchg", "xadd",
  ]
  private static let strings: Set<String> = [
    "movsb", "movsd", "cmpsb", "cmpsd", "stosb", "stosd", "lodsb", "lodsd", "scasb", "scasd", "insb", "insd",
    "outsb", "outsd",
  ]
  private static let implicitAddressSize: Set<String> = ["loop", "loope", "loopne", "jecxz", "xlatb"]

  /// One random valid encoding of this form, to be placed at `address`; nil when the draw does not decode (it
  /// should always decode; the caller counts such draws).
  func sample(code16: Bool, address: Int, using rng: inout CorpusRandom) -> [UInt8]? {
    let operands = entry.operands
    let mnemonic = entry.mnemonic32
    var opcodeBytes: [UInt8]
    var modRM: UInt8?
    let randomMod = UInt8.random(in: 0...3, using: &rng)
    let randomReg = UInt8.random(in: 0...7, using: &rng)
    let randomRM = UInt8.random(in: 0...7, using: &rng)
    let registerOnly = operands.contains { $0 == .rd || $0 == .cd || $0 == .dd }
    let memoryOnly = operands.contains(where: \.memoryOnly)
    func modFor() -> UInt8 {
      if registerOnly { return 3 }
      if memoryOnly { return randomMod % 3 }
      return randomMod
    }
    switch key {
    case .oneByte(let op), .twoByte(let op):
      opcodeBytes = key == .oneByte(op) ? [op] : [0x0F, op]
      if entry.needsModRM {
        var reg = randomReg
        if operands.contains(.sw) { reg = randomReg % 6 }
        modRM = modFor() << 6 | reg << 3 | randomRM
      }
    case .group(let op, let twoByte, let reg):
      opcodeBytes = twoByte ? [0x0F, op] : [op]
      modRM = modFor() << 6 | reg << 3 | randomRM
    case .x87Memory(let op, let reg):
      opcodeBytes = [op]
      modRM = (randomMod % 3) << 6 | reg << 3 | randomRM
    case .x87Register(let op, let reg, let rm):
      opcodeBytes = [op]
      modRM = 0xC0 | reg << 3 | rm
    }
    let usesMemory =
      (modRM.map { $0 >> 6 != 3 } ?? false && operands.contains(where: \.isRM))
      || operands.contains { [.xb, .xv, .yb, .yv, .ob, .ov].contains($0) }
    var prefixes: [UInt8] = []
    // objdump reads 66 before most 0F opcodes as an SSE opcode prefix: add it only where it sizes an operand.
    let sizedByOperandSize =
      entry.mnemonic16 != entry.mnemonic32
      || operands.contains {
        [.ev, .gv, .evw, .zv, .jv, .iv, .eAX, .xv, .yv, .ov, .ma, .mp, .ap].contains($0)
      }
    if Bool.random(using: &rng), !opcodeBytes.starts(with: [0x0F]) || sizedByOperandSize {
      prefixes.append(0x66)
    }
    if usesMemory || Self.implicitAddressSize.contains(mnemonic), Int.random(in: 0..<3, using: &rng) == 0 {
      prefixes.append(0x67)
    }
    if usesMemory, Int.random(in: 0..<3, using: &rng) == 0 {
      prefixes.append([0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65].randomElement(using: &rng)!)
    }
    if Self.strings.contains(mnemonic) {
      switch Int.random(in: 0..<3, using: &rng) {
      case 0: prefixes.append(0xF3)
      case 1: prefixes.append(0xF2)
      default: break
      }
    }
    prefixes.shuffle(using: &rng)
    let lockable = Self.lockable.contains(mnemonic) && operands.first?.isRM == true
    // LOCK goes first: objdump then lists it as a line of its own (merged back by the parser); after other
    // prefixes it sometimes drops it (67 F0 2E 66 0F C1 in 16-bit code lists as a plain xadd).
    if lockable, modRM.map({ $0 >> 6 != 3 }) == true, Int.random(in: 0..<3, using: &rng) == 0 {
      prefixes.insert(0xF0, at: 0)
    }
    var bytes = prefixes + opcodeBytes
    if let modRM { bytes.append(modRM) }
    for _ in 0..<12 { bytes.append(UInt8.random(in: 0...255, using: &rng)) }
    let disassembler = Disassembler(codeSize32: !code16)
    let decoded = disassembler.decode(bytes, at: UInt32(address))
    guard decoded.text != "(bad)" else { return nil }
    var instruction = Array(bytes[0..<decoded.length])
    // A branch with a 16-bit operand size wraps its target to 16 bits, which objdump does not model: keep such
    // targets forward and short so both agree (the wrap itself has a unit test).
    if let last = operands.last, last == .jb || last == .jv {
      let operandSize16 = code16 != prefixes.contains(0x66)
      if operandSize16 {
        let width = last == .jb ? 1 : 2
        instruction[instruction.count - width] = UInt8.random(in: 0...0x3F, using: &rng)
        if width == 2 { instruction[instruction.count - 1] = 0 }
      }
    }
    return instruction
  }

  private func hex(_ byte: UInt8) -> String {
    let text = String(byte, radix: 16, uppercase: true)
    return text.count == 1 ? "0" + text : text
  }
}

/// The outcome of one cross-check run.
struct CrossCheckReport {
  var instructions = 0
  var mismatches: [String] = []
  /// How many instructions needed each known divergence, by reason.
  var divergences: [String: Int] = [:]

  mutating func merge(_ other: CrossCheckReport) {
    instructions += other.instructions
    mismatches += other.mismatches
    divergences.merge(other.divergences, uniquingKeysWith: +)
  }

  /// One line per divergence used, for the test log.
  var divergenceSummary: String {
    divergences.sorted { $0.key < $1.key }.map { "  \($0.value)× \($0.key)" }.joined(separator: "\n")
  }
}

enum CrossCheck {
  /// Decodes `bytes` from address 0 with our disassembler, instruction by instruction, and compares each with
  /// objdump's line at the same address: same length, same text after normalisation and known divergences.
  /// `base` is the address of the first byte (objdump's listing uses the same addresses).
  static func compare(bytes: [UInt8], objdump: [ObjdumpLine], code16: Bool, label: String, base: Int = 0)
    -> CrossCheckReport
  {
    var report = CrossCheckReport()
    let disassembler = Disassembler(codeSize32: !code16)
    var byAddress: [Int: ObjdumpLine] = [:]
    for line in objdump { byAddress[line.address - base] = line }
    var address = 0
    while address < bytes.count {
      let ours = disassembler.decode(
        Array(bytes[address..<min(bytes.count, address + 15)]), at: UInt32(truncatingIfNeeded: base + address))
      report.instructions += 1
      let hexBytes = ours.bytes.map { String(format: "%02x", $0) }.joined(separator: " ")
      if let theirs = byAddress[address] {
        if theirs.length != ours.length {
          report.mismatches.append(
            "\(label) @\(String(address, radix: 16)) [\(hexBytes)]: length \(ours.length) vs objdump "
              + "\(theirs.length): ours \"\(ours.text)\", objdump \"\(theirs.text)\"")
        } else if !KnownDivergence.matches(
          ours: ours.text, objdump: theirs.text, code16: code16, applied: &report.divergences)
        {
          report.mismatches.append(
            "\(label) @\(String(address, radix: 16)) [\(hexBytes)]: ours \"\(ObjdumpListing.normalise(ours.text))\", objdump "
              + "\"\(ObjdumpListing.normalise(theirs.text))\"")
        }
      } else {
        report.mismatches.append(
          "\(label) @\(String(address, radix: 16)) [\(hexBytes)]: objdump has no instruction here (ours "
            + "\"\(ours.text)\")")
      }
      address += max(ours.length, 1)
    }
    return report
  }
}

// MARK: - C corpus

/// A few hundred lines of varied C (integer arithmetic, 64-bit helpers, switch tables, string loops, atomics, and
/// inline assembly for the system instructions a compiler never emits), compiled for i386 32-bit and -m16 code.
enum CCorpus {
  static let source = #"""
    /* Disassembler cross-check corpus: varied C for clang --target=i386-unknown-none-elf -O2 -march=i686. */
    typedef unsigned char u8;
    typedef unsigned short u16;
    typedef unsigned int u32;
    typedef unsigned long long u64;
    typedef signed char s8;
    typedef short s16;
    typedef long long s64;

    struct point { s16 x, y; u8 flags; u32 id; };
    struct node { struct node *next; int key; char name[12]; };
    struct bits { unsigned a : 3, b : 7, c : 1, d : 21; };

    volatile u32 sink;
    static u32 table[64];
    u8 buffer[256];

    int div_mod(int a, int b) { return a / b + a % b; }
    unsigned udiv_mod(unsigned a, unsigned b) { return a / b ^ a % b; }
    s64 mul64(s64 a, s64 b) { return a * b; }
    u64 shl64(u64 a, int s) { return a << s; }
    s64 sar64(s64 a, int s) { return a >> s; }
    u64 shr64(u64 a, int s) { return a >> s; }
    u64 add64(u64 a, u64 b) { return a + b - (b << 3); }
    int cmp64(s64 a, s64 b) { return a < b ? -1 : a > b; }
    s8 narrow8(int x) { return (s8)x; }
    int widen8(s8 x) { return x * 3; }
    unsigned widen8u(u8 x) { return x + 7u; }
    int widen16(s16 x) { return x - 1000; }
    unsigned widen16u(u16 x) { return x * 40000u; }
    u32 bswap(u32 x) { return __builtin_bswap32(x); }
    u16 bswap16(u16 x) { return __builtin_bswap16(x); }
    int ctz(u32 x) { return x ? __builtin_ctz(x) : 32; }
    int clz(u32 x) { return x ? __builtin_clz(x) : 32; }
    int popcount(u32 x) { int n = 0; while (x) { x &= x - 1; n++; } return n; }
    u32 rotl(u32 x, int r) { return (x << (r & 31)) | (x >> ((32 - r) & 31)); }
    u32 rotr7(u32 x) { return (x >> 7) | (x << 25); }
    u16 rotl16(u16 x) { return (u16)((x << 3) | (x >> 13)); }
    u8 rotl8(u8 x, int r) { return (u8)((x << (r & 7)) | (x >> ((8 - r) & 7))); }
    int max3(int a, int b, int c) { int m = a > b ? a : b; return m > c ? m : c; }
    unsigned umin(unsigned a, unsigned b) { return a < b ? a : b; }
    int sign(int x) { return (x > 0) - (x < 0); }
    int is_even(int x) { return !(x & 1); }
    int abs_diff(int a, int b) { return a > b ? a - b : b - a; }
    int test_bit(u32 v, int n) { return (v >> n) & 1; }
    u32 set_bit(u32 v, int n) { return v | (1u << n); }
    u32 clear_bit(u32 v, int n) { return v & ~(1u << n); }
    u32 flip_bit(u32 v, int n) { return v ^ (1u << n); }
    int bitfield_sum(struct bits *b) { return b->a + b->b + b->c + b->d; }
    void bitfield_set(struct bits *b, int v) { b->b = v; b->d = v * 3; }
    int point_dist(const struct point *p) { return p->x * p->x + p->y * p->y; }
    u32 point_id(const struct point *p, int i) { return p[i].id + p[i].flags; }

    int switch_dense(int x) {
      switch (x) {
      case 0: return 11; case 1: return 23; case 2: return 37; case 3: return 41;
      case 4: return 59; case 5: return 67; case 6: return 73; case 7: return 89;
      case 8: return 97; default: return -1;
      }
    }

    int switch_sparse(int x) {
      switch (x) {
      case 3: return 1; case 100: return 2; case 1000: return 3; case -7: return 4;
      case 65536: return 5; default: return 0;
      }
    }

    int list_find(struct node *n, int key) {
      int depth = 0;
      for (; n; n = n->next, depth++)
        if (n->key == key) return depth;
      return -1;
    }

    unsigned strlen_(const char *s) { const char *p = s; while (*p) p++; return (unsigned)(p - s); }
    int strcmp_(const char *a, const char *b) { while (*a && *a == *b) { a++; b++; } return (u8)*a - (u8)*b; }
    void *memcpy_(void *d, const void *s, unsigned n) { u8 *dd = d; const u8 *ss = s; while (n--) *dd++ = *ss++; return d; }
    void *memset_(void *d, int c, unsigned n) { u8 *dd = d; while (n--) *dd++ = (u8)c; return d; }

    void copy_struct(struct node *d, const struct node *s) { *d = *s; }
    void clear_table(void) { for (int i = 0; i < 64; i++) table[i] = 0; }
    u32 sum_table(void) { u32 s = 0; for (int i = 0; i < 64; i++) s += table[i] * (u32)i; return s; }
    u32 checksum(const u8 *p, unsigned n) {
      u32 a = 1, b = 0;
      for (unsigned i = 0; i < n; i++) { a = (a + p[i]) % 65521; b = (b + a) % 65521; }
      return (b << 16) | a;
    }
    u32 crc32(const u8 *p, unsigned n) {
      u32 c = 0xFFFFFFFFu;
      while (n--) { c ^= *p++; for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & -(c & 1)); }
      return ~c;
    }
    int atoi_(const char *s) {
      int sign = 1, v = 0;
      while (*s == ' ') s++;
      if (*s == '-') { sign = -1; s++; }
      while (*s >= '0' && *s <= '9') v = v * 10 + (*s++ - '0');
      return sign * v;
    }
    char *utoa_(unsigned v, char *out, int base) {
      char tmp[33]; int i = 0;
      do { unsigned d = v % base; tmp[i++] = (char)(d < 10 ? '0' + d : 'a' + d - 10); v /= base; } while (v);
      while (i) *out++ = tmp[--i];
      *out = 0;
      return out;
    }
    void bubble(int *a, int n) {
      for (int i = 0; i < n; i++)
        for (int j = 0; j + 1 < n - i; j++)
          if (a[j] > a[j + 1]) { int t = a[j]; a[j] = a[j + 1]; a[j + 1] = t; }
    }
    int binsearch(const int *a, int n, int key) {
      int lo = 0, hi = n - 1;
      while (lo <= hi) { int mid = (lo + hi) >> 1; if (a[mid] < key) lo = mid + 1; else if (a[mid] > key) hi = mid - 1; else return mid; }
      return -1;
    }
    u32 fib(u32 n) { u32 a = 0, b = 1; while (n--) { u32 t = a + b; a = b; b = t; } return a; }
    u32 gcd(u32 a, u32 b) { while (b) { u32 t = a % b; a = b; b = t; } return a; }
    int recurse(int n) { return n <= 1 ? 1 : n * recurse(n - 1) + recurse(n - 2); }
    int varargs_like(int n, ...) { int *p = &n; int s = 0; for (int i = 1; i <= n; i++) s += p[i]; return s; }
    s16 s16ops(s16 a, s16 b) { return (s16)(a * b - (a >> 2) + (b & 0x7f)); }
    u8 u8ops(u8 a, u8 b) { return (u8)(a * b + (a ^ b) - (a | 3)); }
    int large_frame(int x) { volatile int big[300]; big[x & 255] = x; big[299] = x * 2; return big[x & 127] + big[299]; }
    int cond_chain(int a, int b) { return (a == b) + (a != b) * 2 + (a < b) * 4 + (a <= b) * 8 + ((unsigned)a < (unsigned)b) * 16 + ((unsigned)a >= (unsigned)b) * 32; }
    int select_many(int c, int a, int b) { return c > 10 ? a : c < -10 ? b : c == 0 ? a + b : a - b; }
    u32 mulhi(u32 a, u32 b) { return (u32)(((u64)a * b) >> 32); }
    int smulhi(int a, int b) { return (int)(((s64)a * b) >> 32); }
    u64 udiv64(u64 a, u32 b) { return a / b; }
    int mod_const(int x) { return x % 7 + x / 13; }
    unsigned umod_const(unsigned x) { return x % 10 + x / 1000; }
    int scaled_index(int *a, int i, int j) { return a[i * 4 + j] + a[i + 2 * j] + ((short *)a)[i] + ((char *)a)[j * 8]; }
    void store_many(u8 *p, u16 *q, u32 *r, u32 v) { p[0] = (u8)v; q[1] = (u16)v; r[2] = v; p[100] = 0xAB; q[200] = 0xBEEF; r[300] = 0xDEADBEEF; }

    int atomic_add(int *p, int v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
    int atomic_cas(int *p, int old, int nw) { return __atomic_compare_exchange_n(p, &old, nw, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); }
    int atomic_xchg(int *p, int v) { return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); }
    void atomic_or(int *p, int v) { __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST); }
    void atomic_inc(u8 *p) { __atomic_fetch_add(p, 1, __ATOMIC_RELAXED); }
    int atomic_sub_test(short *p) { return __atomic_sub_fetch(p, 1, __ATOMIC_SEQ_CST) == 0; }

    static inline u8 inb(u16 port) { u8 v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
    static inline void outb(u16 port, u8 v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
    static inline u16 inw(u16 port) { u16 v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
    static inline void outl(u16 port, u32 v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }

    u32 port_io(void) {
      outb(0x20, 0x11); outb(0xA1, 0x28); outb(0x43, 0x36);
      u32 s = inb(0x60) + inb(0x3F8) + inw(0x1F0);
      outl(0xCF8, 0x80000000u);
      return s;
    }

    struct dtr { u16 limit; u32 base; } __attribute__((packed));
    void system_ops(struct dtr *g, u16 sel, u32 cr3) {
      __asm__ volatile("cli; sti; cld; std; clc; stc; cmc; hlt; nop; pause" ::: "memory", "cc");
      __asm__ volatile("lgdt %0; lidt %0; sgdt %0; sidt %0" : "+m"(*g));
      __asm__ volatile("lldt %0; ltr %0; sldt %0; str %0" : "+m"(sel));
      __asm__ volatile("verr %0; verw %0" : : "m"(sel) : "cc");
      __asm__ volatile("mov %%cr0, %%eax; mov %%eax, %%cr0; mov %0, %%cr3; mov %%cr2, %%edx" : : "r"(cr3) : "eax", "edx");
      __asm__ volatile("mov %%dr7, %%eax; mov %%eax, %%dr0; mov %%dr6, %%ecx" : : : "eax", "ecx");
      __asm__ volatile("clts; invd; wbinvd; invlpg (%0)" : : "r"(g) : "memory");
      __asm__ volatile("lmsw %0; smsw %0" : "+m"(sel));
      __asm__ volatile("mov %%ds, %%ax; mov %%ax, %%es; mov %%ax, %%fs; mov %%ax, %%gs; push %%ds; pop %%es; push %%fs; pop %%gs" : : : "eax", "memory");
      __asm__ volatile("lar %1, %0; lsl %1, %0" : "=r"(cr3) : "r"((u32)sel) : "cc");
      __asm__ volatile("arpl %1, %0" : "+m"(sel) : "r"(sel) : "cc");
      __asm__ volatile("int $0x80; int3; into; ud2; iret; lret; lret $8; ret $4" ::: "memory");
      __asm__ volatile("ljmp $0x08, $0x1000; lcall $0x10, $0x2000; ljmp *(%0); lcall *(%0)" : : "r"(g));
      __asm__ volatile("enter $16, $0; leave; enter $0x100, $3" ::: "memory");
      __asm__ volatile("pusha; popa; pushf; popf; lahf; sahf; xlat; cbw; cwde; cwd; cdq" ::: "eax", "edx", "cc", "memory");
      __asm__ volatile("daa; das; aaa; aas; aam; aad; aam $16; aad $16" ::: "eax", "cc");
      __asm__ volatile("cpuid; rdtsc" ::: "eax", "ebx", "ecx", "edx");
      __asm__ volatile("rep movsb; rep movsl; rep stosw; repne scasb; repe cmpsl; lodsb; insb; outsl" ::: "memory", "ecx", "esi", "edi");
      __asm__ volatile("lds (%0), %%eax; les (%0), %%eax; lfs (%0), %%eax; lgs (%0), %%eax; lss (%0), %%eax" : : "r"(g) : "eax");
      __asm__ volatile("bound %%eax, (%0); wait; fninit; fnstsw %%ax; fnstcw (%0); fldcw (%0)" : : "r"(g) : "eax");
      __asm__ volatile("shld $5, %%eax, %%edx; shrd %%cl, %%edx, %%eax; bts $3, %%eax; btr %%ecx, (%0); btc $31, (%0)" : : "r"(g) : "eax", "edx", "cc", "memory");
      __asm__ volatile("xchg %%eax, %%ebx; xchg %%cl, (%0); xadd %%eax, (%0); cmpxchg %%ecx, (%0); lock cmpxchg %%ecx, (%0)" : : "r"(g) : "eax", "ebx", "ecx", "cc", "memory");
      __asm__ volatile("loop 1f; loope 1f; loopne 1f; jecxz 1f; 1: nop" ::: "ecx");
      __asm__ volatile("setg %%al; seto (%0); cmovne %%ecx, %%eax; cmovl (%0), %%edx" : : "r"(g) : "eax", "edx", "cc", "memory");
      __asm__ volatile("mov %%fs:0x10, %%eax; mov %%eax, %%gs:(%%ebx,%%ecx,4); movl $7, %%es:8(%%esi)" ::: "eax", "memory");
    }

    int float_free_loop(int n) {
      int acc = 0;
      for (int i = 0; i < n; i++) {
        acc += (i & 3) ? i * 5 : -i;
        if (acc > 1000000) break;
        acc ^= (acc << 1) >> 3;
      }
      return acc;
    }

    void fill_points(struct point *p, int n) {
      for (int i = 0; i < n; i++) { p[i].x = (s16)i; p[i].y = (s16)(-i * 3); p[i].flags = (u8)(i & 7); p[i].id = (u32)i << 4; }
    }

    u32 hash_string(const char *s) { u32 h = 2166136261u; while (*s) { h ^= (u8)*s++; h *= 16777619u; } return h; }
    int count_char(const char *s, char c) { int n = 0; for (; *s; s++) n += *s == c; return n; }
    void reverse(char *s, int n) { for (int i = 0, j = n - 1; i < j; i++, j--) { char t = s[i]; s[i] = s[j]; s[j] = t; } }
    int tail_call(int x) { return x > 0 ? recurse(x) : div_mod(x, 3); }
    void indirect(void (*f)(int), int x) { f(x); f(x + 1); }
    int (*pick(int i))(int) { return i ? recurse : tail_call; }
    void spin(volatile int *p) { while (!*p) __asm__ volatile("pause"); }
    int neg_and_not(int x) { return -x ^ ~x; }
    s64 neg64(s64 x) { return -x; }
    int sext_compare(s8 a, s16 b) { return a < b; }
    u32 mask_low(u32 x, int n) { return x & ((1u << n) - 1); }
    int ternary_u8(u8 a) { return a > 200 ? 1 : a < 10 ? 2 : 3; }
    """#
}

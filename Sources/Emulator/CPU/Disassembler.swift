/// i386/i486 disassembler, Intel syntax as llvm-objdump prints it (`--x86-asm-syntax=intel --print-imm-hex`).
///
/// Table-driven: DisassemblerTables.swift holds the SDM's opcode maps as text ("add Eb,Gb"); this file reads the
/// prefixes and opcode bytes and walks the table entry's operand forms; DisassemblerOperands.swift decodes ModRM, SIB,
/// displacements and immediates and spells them. The decoder never traps on any byte sequence: every guest value
/// flows through wrapping arithmetic, and whatever it cannot decode comes out as `(bad)`.
///
/// Where llvm-objdump and the SDM disagree we follow the SDM (the tests list each case): far indirect CALL/JMP are
/// `lcall`/`ljmp` with `fword ptr` (m16:32) or `dword ptr` (m16:16); BOUND's operand is the pair of bounds (`qword`
/// / `dword ptr`); 98/99 in 16-bit code are CBW/CWD; a branch with a 16-bit operand size wraps its target to 16 bits
/// (SDM "JMP": "the upper two bytes of EIP are cleared"); F3 before CMPS/SCAS is `repe`; a LOCK prefix is part of
/// the instruction (objdump prints it as a line of its own); MOV to/from CRn/DRn ignores the ModRM mod bits as the
/// 386/486 do; RET/RETF byte counts, ENTER's operands, AAM/AAD's base and far pointers' selectors are unsigned
/// (objdump prints some of them signed); the undocumented encodings our CPU executes decode as what it executes (F1 `int1`, D6 `salc`,
/// group 2 /6 `sal`, F6/F7 /1 `test`). x87 escapes decode fully; an undefined x87 encoding is `(bad)` with the
/// length the CPU consumes (it raises #NM or #UD after the whole ModRM form), unlike other undefined opcodes,
/// which are `(bad)` of length 1 so a listing resynchronises at the next byte.

/// One decoded instruction.
public struct DisassembledInstruction: Sendable, Equatable {
  /// Linear address of the first byte (the first prefix, if any).
  public let address: UInt32
  /// Bytes consumed: 1 for an undefined opcode, the bytes available for a truncated one (0 when not even the
  /// first byte was readable).
  public let length: Int
  public let bytes: [UInt8]
  /// Intel syntax, e.g. "mov eax, dword ptr [ebx + 4*ecx + 0x10]"; "(bad)" when undecodable.
  public let text: String

  public init(address: UInt32, length: Int, bytes: [UInt8], text: String) {
    self.address = address
    self.length = length
    self.bytes = bytes
    self.text = text
  }
}

public struct Disassembler: Sendable {
  /// Default operand and address size of the code segment (CS.D): true for 32-bit code, false for 16-bit.
  public let codeSize32: Bool
  /// Maps a branch target to an annotation such as "kmain+0x1c"; shown as `<kmain+0x1c>` after the target.
  public let symbolizer: (@Sendable (UInt32) -> String?)?

  /// The architectural limit on an instruction's length (SDM vol. 2, 2.3.11): longer raises #GP.
  public static let maximumLength = 15

  public init(codeSize32: Bool = true, symbolizer: (@Sendable (UInt32) -> String?)? = nil) {
    self.codeSize32 = codeSize32
    self.symbolizer = symbolizer
  }

  /// Decodes one instruction; `fetch(i)` returns the byte at address+i or nil past readable memory.
  public func decode(at address: UInt32, fetch: (Int) -> UInt8?) -> DisassembledInstruction {
    var window: [UInt8] = []
    window.reserveCapacity(Self.maximumLength)
    for offset in 0..<Self.maximumLength {
      guard let byte = fetch(offset) else { break }
      window.append(byte)
    }
    return decodeWindow(window, at: address)
  }

  public func decode(_ bytes: [UInt8], at address: UInt32) -> DisassembledInstruction {
    decodeWindow(Array(bytes.prefix(Self.maximumLength)), at: address)
  }

  private func decodeWindow(_ window: [UInt8], at address: UInt32) -> DisassembledInstruction {
    var decoder = DisassemblerDecoder(window: window, address: address, codeSize32: codeSize32, symbolizer: symbolizer)
    let outcome = decoder.decode()
    switch outcome {
    case .text(let text):
      if let failure = decoder.reader.failure { return bad(failure, window: window, address: address) }
      let length = decoder.reader.position
      return DisassembledInstruction(
        address: address, length: length, bytes: Array(window[0..<length]), text: text)
    case .undefined(let consumeWholeForm):
      if let failure = decoder.reader.failure { return bad(failure, window: window, address: address) }
      let length = consumeWholeForm ? decoder.reader.position : min(1, window.count)
      return DisassembledInstruction(
        address: address, length: length, bytes: Array(window[0..<length]), text: "(bad)")
    }
  }

  private func bad(_ failure: DisassemblerByteReader.Failure, window: [UInt8], address: UInt32)
    -> DisassembledInstruction
  {
    switch failure {
    case .truncated:
      return DisassembledInstruction(address: address, length: window.count, bytes: window, text: "(bad)")
    case .tooLong:
      return DisassembledInstruction(address: address, length: 1, bytes: [window[0]], text: "(bad)")
    }
  }
}

/// Reads the instruction's bytes from the fetched window, remembering why it ran out if it did.
struct DisassemblerByteReader {
  enum Failure { case truncated, tooLong }

  let window: [UInt8]
  var position = 0
  var failure: Failure?

  init(window: [UInt8]) { self.window = window }

  mutating func next() -> UInt8 {
    defer { position &+= 1 }
    guard position < window.count else {
      if failure == nil { failure = position >= Disassembler.maximumLength ? .tooLong : .truncated }
      return 0
    }
    return window[position]
  }

  mutating func next16() -> UInt16 {
    let low = UInt16(next())
    return low | UInt16(next()) << 8
  }

  mutating func next32() -> UInt32 {
    let low = UInt32(next16())
    return low | UInt32(next16()) << 16
  }
}

/// The legacy prefixes seen before the opcode (SDM vol. 2, 2.1.1). Within a group the last one wins, as on the
/// processors Bochs and llvm-objdump model.
struct DisassemblerPrefixes {
  var operandSizeOverride = false  // 66
  var addressSizeOverride = false  // 67
  var segment: String?  // 26 2E 36 3E 64 65: the segment register named
  var lock = false  // F0
  var repeatByte: UInt8?  // F2 (REPNE) or F3 (REP/REPE)

  /// Records a prefix byte.
  mutating func apply(_ byte: UInt8) {
    switch byte {
    case 0x66: operandSizeOverride = true
    case 0x67: addressSizeOverride = true
    case 0x26: segment = "es"
    case 0x2E: segment = "cs"
    case 0x36: segment = "ss"
    case 0x3E: segment = "ds"
    case 0x64: segment = "fs"
    case 0x65: segment = "gs"
    case 0xF0: lock = true
    default: repeatByte = byte
    }
  }
}

/// The result of walking one table entry.
enum DisassemblerOutcome {
  case text(String)
  /// Undefined opcode; `consumeWholeForm` when its length is still known (x87).
  case undefined(consumeWholeForm: Bool)
}

/// Decodes one instruction from a window of bytes. Holds the per-instruction state the operand spellers need.
struct DisassemblerDecoder {
  var reader: DisassemblerByteReader
  let address: UInt32
  let codeSize32: Bool
  let symbolizer: (@Sendable (UInt32) -> String?)?
  var prefixes = DisassemblerPrefixes()
  /// Operand size in bytes after the 66 prefix: 2 or 4.
  var operandSize32 = true
  /// Address size after the 67 prefix.
  var addressSize32 = true
  var opcode: UInt8 = 0
  var modRM: DisassemblerModRM?
  var memory: DisassemblerMemoryOperand?

  init(window: [UInt8], address: UInt32, codeSize32: Bool, symbolizer: (@Sendable (UInt32) -> String?)?) {
    reader = DisassemblerByteReader(window: window)
    self.address = address
    self.codeSize32 = codeSize32
    self.symbolizer = symbolizer
  }

  mutating func decode() -> DisassemblerOutcome {
    var entry = DisassemblerTables.oneByte[Int(reader.next())]
    while entry.kind == .prefix, reader.failure == nil {
      prefixes.apply(reader.window[reader.position - 1])
      entry = DisassemblerTables.oneByte[Int(reader.next())]
    }
    guard reader.failure == nil else { return .undefined(consumeWholeForm: false) }
    opcode = reader.window[reader.position - 1]
    operandSize32 = codeSize32 != prefixes.operandSizeOverride
    addressSize32 = codeSize32 != prefixes.addressSizeOverride

    if entry.kind == .escape0F {
      opcode = reader.next()
      if opcode == 0xAE { return decodeFenceGroup() }
      entry = DisassemblerTables.twoByte[Int(opcode)]
    }
    switch entry.kind {
    case .undefined, .prefix, .escape0F:
      return .undefined(consumeWholeForm: false)
    case .x87:
      return decodeX87()
    case .group(let index):
      let byte = reader.next()
      modRM = DisassemblerModRM(byte)
      let member = DisassemblerTables.groups[index][Int(byte >> 3 & 7)]
      guard member.kind == .instruction else { return .undefined(consumeWholeForm: false) }
      var resolved = member
      if resolved.operands.isEmpty { resolved.operands = entry.operands }
      return render(resolved)
    case .instruction:
      if entry.needsModRM { modRM = DisassemblerModRM(reader.next()) }
      return render(entry)
    }
  }

  /// 0F AE: LFENCE, MFENCE, SFENCE by ModRM reg with mod = 11, CLFLUSH m8 with /7 and a memory operand; the
  /// other forms are SSE state instructions the CPU does not have.
  private mutating func decodeFenceGroup() -> DisassemblerOutcome {
    let form = DisassemblerModRM(reader.next())
    modRM = form
    guard reader.failure == nil else { return .undefined(consumeWholeForm: false) }
    if form.isRegister {
      guard form.reg >= 5 else { return .undefined(consumeWholeForm: false) }
      return .text(prefixText(mnemonic: "") + DisassemblerTables.fences[Int(form.reg) - 5])
    }
    guard form.reg == 7 else { return .undefined(consumeWholeForm: false) }
    return render(DisassemblerTables.clflush)
  }

  /// D8–DF: the ModRM byte picks a memory form (by reg) or a register form (by reg and r/m).
  private mutating func decodeX87() -> DisassemblerOutcome {
    let escape = Int(opcode & 7)
    let form = DisassemblerModRM(reader.next())
    modRM = form
    if form.isRegister {
      let entry = DisassemblerTables.x87Register[escape][Int(form.reg)][Int(form.rm)]
      guard entry.kind == .instruction else { return .undefined(consumeWholeForm: true) }
      return render(entry)
    }
    let entry = DisassemblerTables.x87Memory[escape][Int(form.reg)]
    guard entry.kind == .instruction else {
      memory = decodeMemory(form)
      return .undefined(consumeWholeForm: true)
    }
    return render(entry)
  }

  /// Reads the entry's operands in encoding order and spells the instruction.
  private mutating func render(_ entry: DisassemblerOpcode) -> DisassemblerOutcome {
    if let form = modRM, entry.operands.contains(where: \.isRM) {
      if form.isRegister {
        if entry.operands.contains(where: \.memoryOnly) { return .undefined(consumeWholeForm: false) }
      } else {
        memory = decodeMemory(form)
      }
    }
    var pieces: [DisassemblerOperandPiece] = []
    for operand in entry.operands {
      guard let piece = readOperand(operand) else { return .undefined(consumeWholeForm: false) }
      pieces.append(piece)
    }
    if reader.failure != nil { return .undefined(consumeWholeForm: false) }

    let sizeSelects32 = entry.mnemonicByAddressSize ? addressSize32 : operandSize32
    let mnemonic = sizeSelects32 ? entry.mnemonic32 : entry.mnemonic16
    var texts = pieces.compactMap { spell($0) }
    // llvm-objdump (and GNU) print a register-to-register XCHG with the reg operand first.
    if mnemonic == "xchg", modRM?.isRegister == true, entry.operands.first?.isRM == true {
      texts.reverse()
    }
    // F3 90, REP NOP: PAUSE since the Pentium 4, a plain NOP on the 486.
    if mnemonic == "nop", opcode == 0x90, prefixes.repeatByte == 0xF3, entry.operands.isEmpty {
      return .text("pause")
    }
    return .text(prefixText(mnemonic: mnemonic) + mnemonic + (texts.isEmpty ? "" : " " + texts.joined(separator: ", ")))
  }

  /// LOCK, REP/REPE/REPNE and the address-size pseudo-prefix for instructions whose address size is implicit.
  private func prefixText(mnemonic: String) -> String {
    var text = ""
    if prefixes.lock { text += "lock " }
    if let repeatByte = prefixes.repeatByte {
      let comparesStrings = mnemonic.hasPrefix("cmps") || mnemonic.hasPrefix("scas")
      if repeatByte == 0xF2 {
        text += "repne "
      } else {
        text += comparesStrings ? "repe " : "rep "
      }
    }
    if prefixes.addressSizeOverride, ["loop", "loope", "loopne", "xlatb"].contains(mnemonic) {
      text += addressSize32 ? "addr32 " : "addr16 "
    }
    return text
  }
}

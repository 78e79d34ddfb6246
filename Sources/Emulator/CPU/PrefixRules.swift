/// Two decode rules the processor applies before it executes anything (SDM vol. 2, §2.1.1, §2.3.11 and "LOCK"):
/// - an instruction longer than 15 bytes raises #GP(0), however its bytes split into prefixes, opcode and operands;
/// - LOCK is allowed only on ADD ADC AND BTC BTR BTS CMPXCHG DEC INC NEG NOT OR SBB SUB XOR XADD XCHG with a memory
///   destination; anywhere else it raises #UD.
/// Both are checked only on the general decoder's path: the fast path takes no prefixes, and an unprefixed
/// instruction is at most 12 bytes.
extension CPU {
  /// Whether the instruction at `instructionStart` runs past 15 bytes. Only its bytes already in the fetch window
  /// are looked at (no fetch may fault here); an instruction that leaves the window is left to the fetches.
  func instructionTooLong() -> Bool {
    var window: [UInt8] = []
    window.reserveCapacity(Disassembler.maximumLength)
    var address = instructionStart
    while window.count < Disassembler.maximumLength && address &- fetchStart < fetchLength {
      window.append(UnsafeRawPointer(bitPattern: fetchAddend &+ Int(address))!.load(as: UInt8.self))
      address &+= 1
    }
    guard window.count == Disassembler.maximumLength else { return false }
    var decoder = DisassemblerDecoder(
      window: window, address: instructionStart, codeSize32: codeDefault32, symbolizer: nil)
    _ = decoder.decode()
    return decoder.reader.failure == .tooLong
  }

  /// Raises #UD unless the instruction after a LOCK prefix, whose opcode byte was just fetched, is one of the
  /// lockable forms with a memory destination. The bytes after the opcode are read and given back (EIP restored).
  func checkLockable(_ opcode: UInt8) throws(Fault) {
    let resume = eip
    defer { eip = resume }
    var modRM: UInt8
    switch opcode {
    case 0x00, 0x01, 0x08, 0x09, 0x10, 0x11, 0x18, 0x19, 0x20, 0x21, 0x28, 0x29, 0x30, 0x31, 0x86, 0x87:
      modRM = try fetch8()
    case 0x80, 0x81, 0x82, 0x83:
      modRM = try fetch8()
      guard (modRM >> 3) & 7 != 7 else { throw Fault.invalidOpcode }  // CMP
    case 0xF6, 0xF7:
      modRM = try fetch8()
      guard (modRM >> 3) & 7 == 2 || (modRM >> 3) & 7 == 3 else { throw Fault.invalidOpcode }  // NOT, NEG
    case 0xFE, 0xFF:
      modRM = try fetch8()
      guard (modRM >> 3) & 7 < 2 else { throw Fault.invalidOpcode }  // INC, DEC
    case 0x0F:
      let second = try fetch8()
      switch second {
      case 0xAB, 0xB3, 0xBB, 0xB0, 0xB1, 0xC0, 0xC1:
        modRM = try fetch8()
      case 0xBA:
        modRM = try fetch8()
        guard (modRM >> 3) & 7 >= 5 else { throw Fault.invalidOpcode }  // BTS BTR BTC, not BT
      default:
        throw Fault.invalidOpcode
      }
    default:
      throw Fault.invalidOpcode
    }
    guard modRM >> 6 != 3 else { throw Fault.invalidOpcode }
  }
}

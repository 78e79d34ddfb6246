/// The fast path's opcode map: first opcode byte → handler. A lookup in this 256-byte table followed by a `switch`
/// over the dense enum compiles to a single jump table; a `switch` over the scattered byte values themselves
/// compiles to a chain of range tests.
enum FastOp: UInt8 {
  /// Not on the fast path: decoded by the general decoder.
  case general
  case addEvGv, orEvGv, adcEvGv, sbbEvGv, andEvGv, subEvGv, xorEvGv, cmpEvGv
  case addGvEv, orGvEv, adcGvEv, sbbGvEv, andGvEv, subGvEv, xorGvEv, cmpGvEv
  case addEAXIv, orEAXIv, adcEAXIv, sbbEAXIv, andEAXIv, subEAXIv, xorEAXIv, cmpEAXIv
  case twoByte
  case incRegister, decRegister, pushRegister, popRegister
  case pushImmediate32, pushImmediate8
  case jccShort
  case group1
  case testEbGb, testEvGv
  case movEbGb, movEvGv, movGbEb, movGvEv
  case lea
  case nop
  case movRegister8Immediate, movRegisterImmediate
  case group2
  case retImmediate, ret
  case movEbImmediate, movEvImmediate
  case callNear, jmpNear, jmpShort
  case group5

  /// Builds the 256-entry table.
  static func makeTable() -> [FastOp] {
    var table = [FastOp](repeating: .general, count: 256)
    let aluEvGv: [FastOp] = [.addEvGv, .orEvGv, .adcEvGv, .sbbEvGv, .andEvGv, .subEvGv, .xorEvGv, .cmpEvGv]
    let aluGvEv: [FastOp] = [.addGvEv, .orGvEv, .adcGvEv, .sbbGvEv, .andGvEv, .subGvEv, .xorGvEv, .cmpGvEv]
    let aluEAXIv: [FastOp] = [.addEAXIv, .orEAXIv, .adcEAXIv, .sbbEAXIv, .andEAXIv, .subEAXIv, .xorEAXIv, .cmpEAXIv]
    for op in 0..<8 {
      table[op << 3 | 1] = aluEvGv[op]
      table[op << 3 | 3] = aluGvEv[op]
      table[op << 3 | 5] = aluEAXIv[op]
    }
    func set(_ op: FastOp, _ opcodes: ClosedRange<Int>) {
      for opcode in opcodes { table[opcode] = op }
    }
    set(.twoByte, 0x0F...0x0F)
    set(.incRegister, 0x40...0x47)
    set(.decRegister, 0x48...0x4F)
    set(.pushRegister, 0x50...0x57)
    set(.popRegister, 0x58...0x5F)
    set(.pushImmediate32, 0x68...0x68)
    set(.pushImmediate8, 0x6A...0x6A)
    set(.jccShort, 0x70...0x7F)
    set(.group1, 0x81...0x81)
    set(.group1, 0x83...0x83)
    set(.testEbGb, 0x84...0x84)
    set(.testEvGv, 0x85...0x85)
    set(.movEbGb, 0x88...0x88)
    set(.movEvGv, 0x89...0x89)
    set(.movGbEb, 0x8A...0x8A)
    set(.movGvEv, 0x8B...0x8B)
    set(.lea, 0x8D...0x8D)
    set(.nop, 0x90...0x90)
    set(.movRegister8Immediate, 0xB0...0xB7)
    set(.movRegisterImmediate, 0xB8...0xBF)
    set(.group2, 0xC1...0xC1)
    set(.group2, 0xD1...0xD1)
    set(.group2, 0xD3...0xD3)
    set(.retImmediate, 0xC2...0xC2)
    set(.ret, 0xC3...0xC3)
    set(.movEbImmediate, 0xC6...0xC6)
    set(.movEvImmediate, 0xC7...0xC7)
    set(.callNear, 0xE8...0xE8)
    set(.jmpNear, 0xE9...0xE9)
    set(.jmpShort, 0xEB...0xEB)
    set(.group5, 0xFF...0xFF)
    return table
  }
}

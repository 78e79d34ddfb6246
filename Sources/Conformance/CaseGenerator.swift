import Emulator

/// One generated case with what the comparison must forgive.
public struct GeneratedCase: Sendable {
  public var family: Family
  public var testCase: ConformanceCase
  /// EFLAGS bits the SDM leaves undefined after this instruction (from `Undefined`).
  public var undefinedFlags: UInt32
  /// Registers (ModRM numbers) the SDM leaves undefined, e.g. BSF's destination for a zero source.
  public var undefinedRegisters: Set<Int>

  public init(family: Family, testCase: ConformanceCase, undefinedFlags: UInt32, undefinedRegisters: Set<Int> = []) {
    self.family = family
    self.testCase = testCase
    self.undefinedFlags = undefinedFlags
    self.undefinedRegisters = undefinedRegisters
  }
}

/// Builds random cases, one fragment at a time: random registers, flags and window, then the bytes. Seeded and
/// reproducible: the same seed gives the same cases in the same order. The families are in Families*.swift.
public struct CaseGenerator {
  var random: SplitMix64
  var registers = [UInt32](repeating: 0, count: 8)
  var window = [UInt8](repeating: 0, count: ConformanceLayout.windowSize)
  var code: [UInt8] = []
  var eflags: UInt32 = EFLAGS.reserved1
  /// Registers that an address computation must not claim (they hold a count, a string pointer, ...): bit n for
  /// register n. ESP is never changed by an address computation.
  var pinned: UInt8 = 0
  /// Where ESP will be when the instruction being built runs, relative to its initial value (multi-instruction
  /// stack fragments), for [esp+disp32] operands.
  var espDelta = 0
  /// Restricts memory operands to [disp32] and [esp+disp32]: set once an earlier instruction of the fragment may
  /// have changed the other registers.
  var absoluteAddressing = false

  public init(seed: UInt64) { random = SplitMix64(state: seed) }

  mutating func below(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
  mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
  mutating func pick<T>(_ choices: [T]) -> T { choices[below(choices.count)] }

  /// A 32-bit value biased towards the edges where flags change.
  mutating func value() -> UInt32 {
    let raw = UInt32(truncatingIfNeeded: random.next())
    switch below(10) {
    case 0: return pick([0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF])
    case 1: return raw & 0xFF
    case 2: return raw & 0xF
    case 3: return raw | 0xFFFF_FF00
    default: return raw
    }
  }

  mutating func begin() {
    registers = (0..<8).map { _ in value() }
    registers[4] = ConformanceLayout.caseStackTop
    for i in stride(from: 0, to: ConformanceLayout.windowSize, by: 4) {
      let v = value()
      for j in 0..<4 { window[i + j] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(j))) }
    }
    code = []
    pinned = 0
    espDelta = 0
    absoluteAddressing = false
    // Arithmetic flags and DF at random, bit 1 set (TF and AC stay clear: see Family).
    eflags = UInt32(truncatingIfNeeded: random.next()) & (EFLAGS.arithmetic | EFLAGS.df) | EFLAGS.reserved1
  }

  mutating func width() -> Int { pick([1, 2, 4]) }
  mutating func wideWidth() -> Int { chance(50) ? 2 : 4 }
  mutating func prefix(_ width: Int) { if width == 2 { code.append(0x66) } }

  mutating func immediate(_ width: Int) { append(value(), width: width) }

  mutating func append(_ v: UInt32, width: Int) {
    for i in 0..<width { code.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) }
  }

  /// Any register but ESP.
  mutating func nonStackRegister() -> Int {
    let r = below(7)
    return r < 4 ? r : r + 1
  }

  /// A free register for an address computation (never ESP, never a pinned one), other than those in `besides`.
  mutating func addressRegister(besides: [Int] = [], allowEBP: Bool = true) -> Int {
    while true {
      let r = below(8)
      if r == 4 || pinned & (1 << r) != 0 || besides.contains(r) || (!allowEBP && r == 5) { continue }
      return r
    }
  }

  /// Appends ModRM (+SIB, displacement) with `reg` in bits 5–3 and returns where the r/m operand is. A memory
  /// operand of `size` bytes lies inside the window (at `at` when given); the address registers it uses are set
  /// here. Forms: [base], [base+disp8], [disp32], [base+index*scale+disp8], [base+disp32], [index*scale+disp32],
  /// [esp+disp32] and [base+index*scale], with every register as base or index except ESP as index.
  mutating func modrm(reg: Int, size: Int, allowMemory: Bool = true, memoryOnly: Bool = false, at: Int? = nil)
    -> Operand
  {
    guard memoryOnly || (allowMemory && chance(50)) else {
      let rm = below(8)
      code.append(0xC0 | UInt8(reg << 3 | rm))
      return .register(rm)
    }
    let target = at ?? below(ConformanceLayout.windowSize - size + 1)
    let address = ConformanceLayout.windowAddress &+ UInt32(target)
    let r = UInt8(reg << 3)
    switch absoluteAddressing ? pick([2, 6]) : below(8) {
    case 0:  // [base]
      let base = addressRegister(allowEBP: false)
      code.append(r | UInt8(base))
      registers[base] = address
    case 1:  // [base + disp8]
      let base = addressRegister()
      let displacement = below(256) - 128
      code += [0x40 | r | UInt8(base), UInt8(truncatingIfNeeded: displacement)]
      registers[base] = address &- UInt32(bitPattern: Int32(displacement))
    case 2:  // [disp32]
      code.append(r | 5)
      append(address, width: 4)
    case 3, 7:  // [base + index * scale + disp8], [base + index * scale]
      let base = addressRegister(allowEBP: false)
      let index = addressRegister(besides: [base])
      let scale = below(4)
      let displacement = below(256) - 128
      let indexValue = value()
      let withDisplacement = below(8) == 3
      code += [(withDisplacement ? 0x44 : 0x04) | r, UInt8(scale << 6 | index << 3 | base)]
      if withDisplacement { code.append(UInt8(truncatingIfNeeded: displacement)) }
      registers[index] = indexValue
      registers[base] =
        address &- (withDisplacement ? UInt32(bitPattern: Int32(displacement)) : 0) &- (indexValue << UInt32(scale))
    case 4:  // [base + disp32]
      let base = addressRegister()
      let displacement = value()
      code.append(0x80 | r | UInt8(base))
      append(displacement, width: 4)
      registers[base] = address &- displacement
    case 5:  // [index * scale + disp32]
      let index = addressRegister()
      let scale = below(4)
      let indexValue = value()
      code += [0x04 | r, UInt8(scale << 6 | index << 3 | 5)]
      append(address &- (indexValue << UInt32(scale)), width: 4)
      registers[index] = indexValue
    default:  // [esp + disp32]
      code += [0x84 | r, 0x24]
      append(address &- (registers[4] &+ UInt32(bitPattern: Int32(espDelta))), width: 4)
    }
    return .memory(target)
  }

  /// Reads an operand's value from the initial state.
  func read(_ operand: Operand, width: Int) -> UInt32 {
    switch operand {
    case .register(let r):
      if width == 1 { return r < 4 ? registers[r] & 0xFF : (registers[r - 4] >> 8) & 0xFF }
      return width == 2 ? registers[r] & 0xFFFF : registers[r]
    case .memory(let offset):
      return (0..<width).reduce(UInt32(0)) { $0 | UInt32(window[offset + $1]) << (8 * UInt32($1)) }
    }
  }

  /// Stores `value` little-endian into the window at `offset`.
  mutating func poke(_ value: UInt32, width: Int, at offset: Int) {
    for i in 0..<width { window[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
  }

  func finish(_ family: Family, undefinedFlags: UInt32 = 0, undefinedRegisters: Set<Int> = []) -> GeneratedCase {
    precondition(code.count <= ConformanceLayout.maximumCodeLength, "\(family) made \(code.count) bytes")
    return GeneratedCase(
      family: family,
      testCase: ConformanceCase(code: code, registers: registers, eflags: eflags, window: window),
      undefinedFlags: undefinedFlags, undefinedRegisters: undefinedRegisters)
  }

  /// One case of `family`.
  public mutating func make(_ family: Family) -> GeneratedCase {
    while true {
      begin()
      if let generated = attempt(family) { return generated }
    }
  }

  /// Builds the fragment; nil when the draw came out unusable (the caller draws again).
  mutating func attempt(_ family: Family) -> GeneratedCase? {
    switch family {
    case .aluClassic: return aluClassic()
    case .aluGroup1: return aluGroup1()
    case .incDec: return incDec()
    case .negNotTest: return negNotTest()
    case .shiftRotate: return shiftRotate()
    case .doubleShift: return doubleShift()
    case .mulDiv: return mulDiv()
    case .bitScan: return bitScan()
    case .cmov: return cmov()
    case .setcc: return setcc()
    case .bitTest: return bitTest()
    case .bitString: return bitString()
    case .bcd: return bcd()
    case .string: return string()
    case .stack: return stack()
    case .enterLeave: return enterLeave()
    case .controlFlow: return controlFlow()
    case .dataMovement: return dataMovement()
    case .exchange: return exchange()
    case .lea: return lea()
    case .flagsAndConversions: return flagsAndConversions()
    case .segments: return segments()
    case .prefixes: return prefixes()
    case .faults: return faults()
    }
  }
}

/// Where an r/m operand ended up: a register (ModRM number) or a byte offset into the data window.
public enum Operand: Equatable {
  case register(Int)
  case memory(Int)
}

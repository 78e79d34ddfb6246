import Emulator

/// The string, stack and ENTER/LEAVE families (see `Family` for the forms each covers).
extension CaseGenerator {
  mutating func string() -> GeneratedCase? {
    // MOVS A4/A5, CMPS A6/A7, STOS AA/AB, LODS AC/AD, SCAS AE/AF.
    let base: UInt8 = pick([0xA4, 0xA6, 0xAA, 0xAC, 0xAE])
    let w = width()
    let readsSource = base == 0xA4 || base == 0xA6 || base == 0xAC
    let writesOrReadsDestination = base != 0xAC
    let repeatPrefix: UInt8? = pick([nil, 0xF3, 0xF3, 0xF2])
    let down = chance(50)
    if down { eflags |= EFLAGS.df } else { eflags &= ~EFLAGS.df }
    if let repeatPrefix, chance(8) {
      // 0x67: the count is CX (and the pointers SI/DI); with CX = 0 nothing is accessed, so the upper half of ECX
      // must be ignored and nothing may change.
      registers[1] &= 0xFFFF_0000
      code += [0x67, repeatPrefix]
      prefix(w)
      code.append(base + (w == 1 ? 0 : 1))
      return finish(.string)
    }
    let count = repeatPrefix == nil ? 1 : below(10)
    if repeatPrefix != nil { registers[1] = UInt32(count) }
    let span = max(count, 1) * w
    func start() -> Int {
      let first = below(ConformanceLayout.windowSize - span + 1)
      return down ? first + span - w : first
    }
    if readsSource {
      registers[6] = ConformanceLayout.windowAddress &+ UInt32(start())
      if chance(25) { code.append(pick([0x26, 0x2E, 0x36, 0x3E])) }  // the source's segment can be overridden
    }
    if writesOrReadsDestination { registers[7] = ConformanceLayout.windowAddress &+ UInt32(start()) }
    if chance(30) {
      // Source and destination overlapping, a few elements apart.
      let distance = (below(7) - 3) * w
      let source = Int(registers[6] &- ConformanceLayout.windowAddress)
      if readsSource && writesOrReadsDestination, source + distance >= 0 {
        let destination = source + distance
        let lowest = down ? destination - span + w : destination
        if lowest >= 0 && lowest + span <= ConformanceLayout.windowSize {
          registers[7] = ConformanceLayout.windowAddress &+ UInt32(destination)
        }
      }
    }
    if (base == 0xA6 || base == 0xAE) && chance(50) {
      // Make equal elements likely, so REPE/REPNE stop at different places.
      let value = UInt8(truncatingIfNeeded: registers[0])
      for i in 0..<ConformanceLayout.windowSize where chance(40) { window[i] = value }
    }
    if let repeatPrefix { code.append(repeatPrefix) }
    prefix(w)
    code.append(base + (w == 1 ? 0 : 1))
    return finish(.string)
  }

  /// Puts ESP inside the window at an offset between `low` and `high` (aligned or not).
  mutating func stackInWindow(low: Int = 64, high: Int = 192) {
    let offset = low + below(high - low + 1)
    registers[4] = ConformanceLayout.windowAddress &+ UInt32(chance(80) ? offset & ~3 : offset)
  }

  /// A selector for a segment load: mostly Linux's user data selector, sometimes null, the user code segments
  /// (readable, not writable), selectors with another RPL, or DPL 0 ones (#GP with the selector as error code).
  mutating func selector() -> UInt16 {
    pick([0x2B, 0x2B, 0x2B, 0x2B, 0x28, 0x29, 0x2A, 0x23, 0x20, 0x33, 0, 1, 3, 0x08, 0x10, 0x18, 0x1B, 0x13])
  }

  /// Up to three stack instructions with ESP in the window. `sp` follows ESP (as a window offset) while the fragment
  /// is built, so every pop reads inside the window, and a POPF or POP Sreg image is planted only where nothing the
  /// fragment pushed or stored before it can land (a random image could set TF or AC, or load an LDT selector).
  mutating func stack() -> GeneratedCase? {
    stackInWindow(low: 96, high: 160)
    var sp = Int(registers[4] &- ConformanceLayout.windowAddress)
    var highestPushed = Int.min
    var storedToMemory = false
    func imageSlotIsClean(_ sp: Int) -> Bool { !storedToMemory && sp >= highestPushed }
    let initialSP = sp
    let count = 1 + below(3)
    for index in 0..<count {
      // A popped ESP is a random value: only the last instruction may load ESP.
      let last = index == count - 1
      let w = chance(25) ? 2 : 4
      absoluteAddressing = index > 0
      espDelta = sp - initialSP
      switch below(12) {
      case 0:  // PUSH r
        prefix(w)
        code.append(0x50 + UInt8(below(8)))
        highestPushed = max(highestPushed, sp)
        sp -= w
      case 1:  // POP r
        prefix(w)
        let r = below(8)
        code.append(0x58 + UInt8(r == 4 && !last ? 0 : r))
        sp += w
      case 2:  // PUSH imm8 (sign-extended), imm16/imm32
        prefix(w)
        if chance(50) {
          code.append(0x6A)
          immediate(1)
        } else {
          code.append(0x68)
          immediate(w)
        }
        highestPushed = max(highestPushed, sp)
        sp -= w
      case 3:  // PUSH r/m
        prefix(w)
        code.append(0xFF)
        _ = modrm(reg: 6, size: w)
        highestPushed = max(highestPushed, sp)
        sp -= w
      case 4:  // POP r/m; with an ESP base the address uses ESP after the pop (SDM: POP)
        prefix(w)
        code.append(0x8F)
        espDelta = sp + w - initialSP
        if chance(30) {
          let displacement = below(32) - 16
          code += [0x44, 0x24, UInt8(truncatingIfNeeded: displacement)]
        } else if case .register(4) = modrm(reg: 0, size: w), !last {
          code[code.count - 1] = 0xC0  // POP EAX instead of POP ESP
        }
        storedToMemory = true
        sp += w
      case 5:  // PUSHA
        prefix(w)
        code.append(0x60)
        highestPushed = max(highestPushed, sp)
        sp -= 8 * w
      case 6:  // POPA (the ESP slot is skipped)
        prefix(w)
        code.append(0x61)
        sp += 8 * w
      case 7:  // PUSHF, then often POPF of what it pushed
        prefix(w)
        code.append(0x9C)
        if chance(50) {
          prefix(w)
          code.append(0x9D)
        } else {
          highestPushed = max(highestPushed, sp)
          sp -= w
        }
      case 8:  // POPF with user-settable flags in the image; IF and IOPL bits are ignored at CPL 3 with IOPL 0
        guard imageSlotIsClean(sp) else { continue }
        let settable = EFLAGS.arithmetic | EFLAGS.df | EFLAGS.nt | EFLAGS.id | EFLAGS.if | EFLAGS.iopl
        let image = UInt32(truncatingIfNeeded: random.next()) & settable | EFLAGS.reserved1
        poke(image | (w == 2 ? UInt32(below(65536)) << 16 : 0), width: 4, at: sp)
        prefix(w)
        code.append(0x9D)
        sp += w
      case 9:  // PUSH Sreg: ES CS SS DS, FS GS (a 32-bit push writes the selector's 16 bits)
        prefix(w)
        code += pick([[0x06], [0x0E], [0x16], [0x1E], [0x0F, 0xA0], [0x0F, 0xA8]])
        highestPushed = max(highestPushed, sp)
        sp -= w
      case 10:  // POP Sreg with a selector on the stack: ES SS DS, FS GS
        guard imageSlotIsClean(sp) else { continue }
        let opcode: [UInt8] = pick([[0x07], [0x17], [0x1F], [0x0F, 0xA1], [0x0F, 0xA9]])
        poke(UInt32(opcode == [0x17] && chance(70) ? 0x2B : selector()), width: 2, at: sp)
        prefix(w)
        code += opcode
        sp += w
      default:  // ADD/SUB ESP, imm8 between the pushes and pops
        let amount = 4 * below(4)
        let add = chance(50)
        code += [0x83, add ? 0xC4 : 0xEC, UInt8(amount)]
        sp += add ? amount : -amount
      }
    }
    // From 96–160, three instructions move ESP at most 3 × 32 bytes: every access stays in the window.
    return finish(.stack, undefinedFlags: 0)
  }

  mutating func enterLeave() -> GeneratedCase? {
    let w = chance(25) ? 2 : 4
    // ENTER writes (level + 1) slots below ESP and reads level − 1 slots below EBP: both near the top of the window.
    stackInWindow(low: 136, high: 248)
    registers[5] = ConformanceLayout.windowAddress &+ UInt32(128 + below(125))
    let level = chance(70) ? below(8) : below(256)
    switch below(3) {
    case 0:
      prefix(w)
      code.append(0xC8)
      // The processor probes the final ESP (ESP − size) for a write: keep it inside the oracle's mapped data area.
      append(UInt32(chance(50) ? below(64) : below(256)), width: 2)
      code.append(UInt8(level))
    case 1:
      prefix(w)
      code.append(0xC9)
    default:
      prefix(w)
      code.append(0xC8)
      append(UInt32(below(32)), width: 2)
      code.append(UInt8(level & 7))
      prefix(w)
      code.append(0xC9)
    }
    return finish(.enterLeave)
  }
}

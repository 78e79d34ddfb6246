/// The control-flow family (see `Family`): one to three branches, each followed by a short filler it may skip, so
/// the registers tell which way each went. Every target lies inside the fragment, after the branch (or, for a
/// backward LOOP, at the start of its own filler), so the fragment always ends at its exit.
extension CaseGenerator {
  /// Filler: INC/DEC of EAX, EDX or EBX, or NOP. Branch targets are kept in ESI, EDI and EBP, and loop counts in
  /// ECX, so a filler never disturbs a later branch.
  mutating func filler() -> [UInt8] {
    (0..<(1 + below(3))).map { _ in pick([0x40, 0x42, 0x43, 0x48, 0x4A, 0x4B, 0x90]) }
  }

  mutating func controlFlow() -> GeneratedCase? {
    stackInWindow(low: 96, high: 160)
    var sp = Int(registers[4] &- ConformanceLayout.windowAddress)
    var highestPushed = Int.min
    var targetRegisters = [5, 6, 7]
    var loopedBackward = false
    let units = 1 + below(3)
    for unit in 0..<units {
      let skipped = filler()
      let unitStart = code.count
      // The absolute address of the byte after this unit's branch of `length` bytes and its filler.
      func target(branchLength: Int) -> UInt32 {
        ConformanceLayout.codeAddress &+ UInt32(unitStart + branchLength + skipped.count)
      }
      switch below(unit == 0 ? 13 : 12) {
      case 0:  // Jcc rel8
        code += [0x70 + UInt8(below(16)), UInt8(skipped.count)]
      case 1:  // Jcc rel32
        code += [0x0F, 0x80 + UInt8(below(16))]
        append(UInt32(skipped.count), width: 4)
      case 2:  // JMP rel8 / rel32
        if chance(50) {
          code += [0xEB, UInt8(skipped.count)]
        } else {
          code.append(0xE9)
          append(UInt32(skipped.count), width: 4)
        }
      case 3, 4:  // JMP r/m32, CALL r/m32: a register or [disp32] holding the target
        let call = below(5) == 4
        let reg: UInt8 = call ? 2 : 4
        if chance(50), let r = targetRegisters.popLast() {
          code += [0xFF, 0xC0 | reg << 3 | UInt8(r)]
          registers[r] = target(branchLength: 2)
        } else {
          // Slots the stack never reaches: ESP starts at 96–160 and three units move it by at most 20 bytes each.
          let slot = chance(70) ? 4 * below(20) : 224 + 4 * below(8)
          code += [0xFF, 0x05 | reg << 3]
          append(ConformanceLayout.windowAddress &+ UInt32(slot), width: 4)
          poke(target(branchLength: 6), width: 4, at: slot)
        }
        if call {
          highestPushed = max(highestPushed, sp)
          sp -= 4
        }
      case 5, 6:  // CALL rel32: pushes the filler's address and skips the filler
        code.append(0xE8)
        append(UInt32(skipped.count), width: 4)
        highestPushed = max(highestPushed, sp)
        sp -= 4
      case 7, 8:  // RET, RET imm16: the return address is planted where nothing was pushed
        guard sp >= highestPushed else { return nil }
        let release = chance(50) ? below(17) : 0
        let short = release == 0 && chance(50)
        poke(target(branchLength: short ? 1 : 3), width: 4, at: sp)
        if short {
          code.append(0xC3)
        } else {
          code.append(0xC2)
          append(UInt32(release), width: 2)
        }
        sp += 4 + release
      case 9, 10:  // LOOP, LOOPE, LOOPNE, JECXZ forward; 0x67 counts in CX
        // After a backward loop ECX is what that loop left; otherwise it is drawn here.
        let cx = chance(20)
        if cx { code.append(0x67) }
        if !loopedBackward {
          registers[1] =
            cx
            ? registers[1] & 0xFFFF_0000 | UInt32(pick([0, 1, 2, 0xFFFF, below(8)]))
            : pick([0, 1, 2, 0xFFFF_FFFF, 0x1_0000, UInt32(below(8))])
        }
        code += [0xE0 + UInt8(below(4)), UInt8(skipped.count)]
      case 11:  // filler between branches
        break
      default:  // backward LOOP/LOOPE/LOOPNE over the filler, ECX (or CX) 1–12: only first, so ECX is as drawn
        let iterations = UInt32(1 + below(12))
        let cx = chance(20)
        registers[1] = cx ? registers[1] & 0xFFFF_0000 | iterations : iterations
        loopedBackward = true
        code += skipped
        if cx { code.append(0x67) }
        code += [0xE0 + UInt8(below(3)), UInt8(truncatingIfNeeded: -(skipped.count + (cx ? 3 : 2)))]
        continue
      }
      code += skipped
    }
    return finish(.controlFlow)
  }
}

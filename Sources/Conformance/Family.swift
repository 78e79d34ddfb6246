/// The instruction groups the generator draws from, with the forms each covers. Together they cover every
/// non-privileged instruction form the core implements, except what the core deliberately does not model or what
/// the host cannot be asked about:
/// - x87/MMX/SSE: the core raises #NM/#UD for them; the host executes them.
/// - real and virtual-8086 mode, and 16-bit code segments: a Linux process runs only in a 32-bit code segment.
/// - 16-bit address size (0x67) on anything that reaches memory: the addresses fall below 64 KiB, where Linux maps
///   nothing (mmap_min_addr), so the host faults with #PF while the emulator, without paging here, does not.
///   LEA (no memory access), JCXZ, LOOP and REP with a zero CX, and XLAT-free forms use it.
/// - 16-bit operand size on near CALL/JMP/RET/Jcc: EIP is truncated to 16 bits, again below 64 KiB.
/// - SGDT/SIDT/SLDT/STR/SMSW, LAR/LSL/VERR/VERW, CPUID, RDTSC: they report the host's tables and model (and UMIP
///   makes Linux emulate the first five), not architectural results.
/// - TF and AC are never set: a single-step trap or an alignment check (Linux runs with CR0.AM set) would be taken in
///   the oracle's own exit path.
/// - Far CALL/JMP/RET and IRET: the selectors are Linux's, and the pushed CS upper half is model-specific.
public enum Family: String, CaseIterable, Sendable {
  /// 00–3D: ADD OR ADC SBB AND SUB XOR CMP in all widths, r/m,r r,r/m AL/eAX,imm.
  case aluClassic
  /// 80/81/82/83 /0–/7 with byte, word, dword and sign-extended byte immediates.
  case aluGroup1
  /// INC/DEC r16/r32 (40–4F), FE/FF /0 /1 on r/m8/16/32.
  case incDec
  /// NEG, NOT, TEST r/m,imm (F6/F7 /0 /2 /3, and the undocumented /1 alias of /0), TEST r/m,r (84/85), TEST
  /// AL/eAX,imm (A8/A9).
  case negNotTest
  /// ROL ROR RCL RCR SHL SHR SAR and the undocumented /6 alias of SHL (C0/C1 imm, D0/D1 by 1, D2/D3 by CL) with
  /// counts 0–31 and beyond.
  case shiftRotate
  /// SHLD/SHRD by imm8 and CL, 16 and 32 bits, counts 0–31 (results past the operand size are undefined).
  case doubleShift
  /// MUL IMUL DIV IDIV (F6/F7 /4–/7), IMUL r,r/m (0F AF), IMUL r,r/m,imm (69, 6B); divisions that fault with #DE
  /// (zero divisor, quotient out of range) as well as those that do not.
  case mulDiv
  /// BSF/BSR 16 and 32 bits, zero source included.
  case bitScan
  /// CMOVcc, all 16 conditions, 16 and 32 bits, register and memory sources.
  case cmov
  /// SETcc, all 16 conditions, register and memory destinations.
  case setcc
  /// BT BTS BTR BTC with a register bit offset on a register, and with an immediate offset on r/m.
  case bitTest
  /// BT BTS BTR BTC m,r: a register bit offset into memory, negative and beyond the operand (SDM bit-string
  /// addressing), 16 and 32 bits, with and without LOCK.
  case bitString
  /// DAA DAS AAA AAS AAM AAD with any base; AAM 0 raises #DE.
  case bcd
  /// MOVS CMPS SCAS LODS STOS in byte, word and dword sizes, with no prefix, REP/REPE and REPNE, counts 0–9, DF
  /// both ways, segment overrides on the source; REP with 0x67 and a zero CX.
  case string
  /// PUSH/POP r16/r32 (50–5F), r/m (FF /6, 8F /0, including [esp] forms), PUSH imm8/imm16/imm32, PUSH/POP of
  /// segment registers (POP CS excluded: not an instruction), PUSHA/POPA, PUSHF/POPF with user-settable flags
  /// (IF and IOPL bits in the image are ignored at CPL 3), 16- and 32-bit operand sizes; the stack in the window.
  case stack
  /// ENTER with nesting levels 0–31 (and level bytes above 31, taken modulo 32) and LEAVE, 16 and 32 bits. Frame
  /// sizes stay below 256: the host probes the final ESP for a write and would take a #PF below its data area, which
  /// the emulator (no paging here) cannot see.
  case enterLeave
  /// Jcc rel8/rel32, JMP rel8/rel32/r/m32, CALL rel32/r/m32, RET, RET imm16, LOOP/LOOPE/LOOPNE (ECX, and CX with
  /// 0x67) forward and backward, JECXZ/JCXZ; targets inside the fragment.
  case controlFlow
  /// MOV r/m,r r,r/m r/m,imm r,imm (88–8B, B0–BF, C6/C7), MOV moffs (A0–A3), MOVZX/MOVSX (0F B6/B7/BE/BF), XLAT,
  /// NOP (90, 66 90, 0F 1F /0), PAUSE.
  case dataMovement
  /// XCHG r/m,r and eAX,r; XADD; CMPXCHG; BSWAP (a 16-bit operand is undefined).
  case exchange
  /// LEA with every ModRM/SIB form, 16- and 32-bit operand and address sizes; LEA with a register operand (#UD).
  case lea
  /// CBW CWDE CWD CDQ, LAHF SAHF, CMC CLC STC CLD STD, SALC (D6, undocumented).
  case flagsAndConversions
  /// MOV r/m,Sreg and MOV Sreg,r/m (CS and Sreg 6/7: #UD), LDS LES LSS LFS LGS, ARPL, with valid, null, read-only
  /// and privileged selectors; segment overrides on memory operands (FS/GS null: #GP); the faults of loading and
  /// using them.
  case segments
  /// Redundant and repeated prefixes (segment, 0x66, 0x67 where it changes nothing, F2/F3 on non-string
  /// instructions), LOCK on every lockable memory form, LOCK on register forms and unlockable instructions (#UD),
  /// instructions longer than 15 bytes (#GP).
  case prefixes
  /// INT3, INT 3, INT1 (F1), INTO, INT n (#GP through a DPL 0 gate), UD0/UD2, BOUND in and out of range (#BR), and
  /// the privileged
  /// instructions at CPL 3: HLT, CLI/STI, IN/OUT/INS/OUTS (IOPL 0: #GP), LGDT/LIDT/LLDT/LTR/MOV CRn/INVLPG/CLTS.
  case faults
}

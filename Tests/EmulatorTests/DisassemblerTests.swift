import Conformance
import Foundation
import Testing

@testable import Emulator

// MARK: - Cross-check against llvm-objdump

@Suite("Disassembler cross-checked against llvm-objdump")
struct DisassemblerObjdumpCrossCheckTests {
  /// Samples drawn per form and per code size; x87 register forms, which have no variable bytes, get one.
  static let samplesPerForm = 12

  /// Builds the random corpus for one code size: every form of the decoder's tables, `samplesPerForm` times, each
  /// with random ModRM/SIB/displacements/immediates and prefixes. Returns the bytes and the forms that made it in.
  static func randomCorpus(code16: Bool, seed: UInt64) -> (
    bytes: [UInt8], forms: Set<CorpusForm>, undecodable: [String]
  ) {
    var rng = CorpusRandom(seed: seed)
    var bytes: [UInt8] = []
    var forms: Set<CorpusForm> = []
    var undecodable: [String] = []
    for form in CorpusForm.all where !ObjdumpGaps.excludes(form) {
      let samples: Int
      if case .x87Register = form.key { samples = 1 } else { samples = samplesPerForm }
      for _ in 0..<samples {
        guard let instruction = form.sample(code16: code16, address: bytes.count, using: &rng) else {
          undecodable.append(form.name)
          continue
        }
        bytes += instruction
        forms.insert(form)
      }
    }
    return (bytes, forms, undecodable)
  }

  @Test(.enabled(if: ObjdumpToolchain.found != nil, "\(ObjdumpToolchain.missingReason)"))
  func randomEncodingsOfEveryFormMatchObjdump() throws {
    let toolchain = try #require(ObjdumpToolchain.found)
    let directory = try ObjdumpToolchain.makeScratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var total = CrossCheckReport()
    var covered: Set<CorpusForm> = []
    // DISASSEMBLER_CORPUS_SEED=n draws a different corpus, to look further; the default is fixed and reproducible.
    let seed = ProcessInfo.processInfo.environment["DISASSEMBLER_CORPUS_SEED"].flatMap { UInt64($0) } ?? 0x3216
    for code16 in [false, true] {
      let corpus = Self.randomCorpus(code16: code16, seed: code16 ? seed &+ 1 : seed)
      #expect(corpus.undecodable.isEmpty, "forms whose random draw did not decode: \(corpus.undecodable)")
      // 16-bit-operand branch targets are kept below 64 KiB (see CorpusForm.sample), which needs a small corpus.
      #expect(corpus.bytes.count < 0xFF00)
      let listing = try toolchain.listing(of: corpus.bytes, code16: code16, in: directory)
      let report = CrossCheck.compare(
        bytes: corpus.bytes, objdump: listing, code16: code16, label: code16 ? "random16" : "random32")
      total.merge(report)
      covered.formUnion(corpus.forms)
    }
    print(
      "objdump cross-check (random corpus): \(total.instructions) instructions, \(covered.count) of "
        + "\(CorpusForm.all.count) forms (left out: \(ObjdumpGaps.reasons.joined(separator: "; ")))\n"
        + "known divergences applied:\n\(total.divergenceSummary)")
    #expect(total.instructions > 5000)
    #expect(covered.count == CorpusForm.all.filter { !ObjdumpGaps.excludes($0) }.count)
    for mismatch in total.mismatches.prefix(40) { Issue.record(Comment(rawValue: mismatch)) }
    let mismatchCount = total.mismatches.count
    #expect(mismatchCount == 0)
  }

  @Test(.enabled(if: ObjdumpToolchain.found?.clang != nil, "\(ObjdumpToolchain.missingReason)"))
  func compiledCMatchesObjdump() throws {
    let toolchain = try #require(ObjdumpToolchain.found)
    let directory = try ObjdumpToolchain.makeScratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var total = CrossCheckReport()
    for code16 in [false, true] {
      let (bytes, listing) = try toolchain.compileAndList(cSource: CCorpus.source, code16: code16, in: directory)
      #expect(bytes.count > 2000)
      let report = CrossCheck.compare(bytes: bytes, objdump: listing, code16: code16, label: code16 ? "c16" : "c32")
      total.merge(report)
    }
    print(
      "objdump cross-check (compiled C, 32-bit and -m16): \(total.instructions) instructions\n"
        + "known divergences applied:\n\(total.divergenceSummary)")
    for mismatch in total.mismatches.prefix(40) { Issue.record(Comment(rawValue: mismatch)) }
    let mismatchCount = total.mismatches.count
    #expect(mismatchCount == 0)
  }
}

extension DisassemblerObjdumpCrossCheckTests {
  /// The built-in kernels: every .elf in Sources/Emulator/Resources, so new ones are picked up (the lead's
  /// bench-net.elf too).
  static var builtInKernels: [URL] {
    let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Sources/Emulator/Resources")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: resources.path)) ?? []
    return names.filter { $0.hasSuffix(".elf") }.sorted().map { resources.appendingPathComponent($0) }
  }

  @Test(.enabled(if: ObjdumpToolchain.found?.clang != nil, "\(ObjdumpToolchain.missingReason)"))
  func nativeOracleCodeMatchesObjdump() throws {
    let toolchain = try #require(ObjdumpToolchain.found)
    let directory = try ObjdumpToolchain.makeScratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let oracle = try NativeOracle.compile()
    defer { try? FileManager.default.removeItem(at: oracle.deletingLastPathComponent()) }
    let (bytes, listing, base) = try toolchain.listSection(".text", of: oracle, in: directory)
    #expect(bytes.count > 500)
    let report = CrossCheck.compare(bytes: bytes, objdump: listing, code16: false, label: "oracle", base: base)
    print("objdump cross-check (native oracle .text): \(report.instructions) instructions")
    for mismatch in report.mismatches.prefix(40) { Issue.record(Comment(rawValue: mismatch)) }
    #expect(report.mismatches.isEmpty)
  }

  @Test(.enabled(if: ObjdumpToolchain.found != nil, "\(ObjdumpToolchain.missingReason)"))
  func builtInKernelsMatchObjdump() throws {
    let toolchain = try #require(ObjdumpToolchain.found)
    let directory = try ObjdumpToolchain.makeScratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let kernels = Self.builtInKernels
    #expect(kernels.count >= 2)
    for kernel in kernels {
      let (section, listing, base) = try toolchain.listSection(".text", of: kernel, in: directory)
      // The Multiboot header sits at the start of .text and is data: compare from the ELF entry point (e_entry,
      // offset 24 of the file) to the end of the section.
      let file = [UInt8](try Data(contentsOf: kernel))
      let entry = Int((0..<4).reduce(UInt32(0)) { $0 | UInt32(file[24 + $1]) << (8 * $1) })
      #expect(entry >= base && entry < base + section.count, "\(kernel.lastPathComponent): entry outside .text")
      guard entry >= base && entry < base + section.count else { continue }
      let bytes = Array(section[(entry - base)...])
      let report = CrossCheck.compare(
        bytes: bytes, objdump: listing.filter { $0.address >= entry }, code16: false,
        label: kernel.lastPathComponent, base: entry)
      print("objdump cross-check (\(kernel.lastPathComponent) .text): \(report.instructions) instructions")
      for mismatch in report.mismatches.prefix(40) { Issue.record(Comment(rawValue: mismatch)) }
      #expect(report.mismatches.isEmpty, "\(kernel.lastPathComponent)")
    }
  }
}

// MARK: - Hand-checked cases (expected values worked out from the SDM vol. 2 opcode and ModRM/SIB tables)

/// Decodes a hex string ("8b 44 8b 10") at `address`.
private func disassemble(
  _ hex: String, at address: UInt32 = 0, code16: Bool = false,
  symbolizer: (@Sendable (UInt32) -> String?)? = nil
) -> DisassembledInstruction {
  let bytes = hex.split(separator: " ").map { UInt8($0, radix: 16)! }
  return Disassembler(codeSize32: !code16, symbolizer: symbolizer).decode(bytes, at: address)
}

@Suite("Disassembler: addressing forms")
struct DisassemblerAddressingTests {
  @Test func sibWithoutBaseTakesDisp32() {
    // ModRM 04 (mod 00, r/m 100 → SIB); SIB 8D: scale 10 (×4), index 001 (ecx), base 101 with mod 00 → disp32.
    let instruction = disassemble("8b 04 8d 10 00 00 00")
    #expect(instruction.text == "mov eax, dword ptr [4*ecx + 0x10]")
    #expect(instruction.length == 7)
  }

  @Test func mod00RM101IsDisp32Only() {
    // Table 2-2: mod 00 r/m 101 is [disp32], not [ebp].
    let instruction = disassemble("8b 05 78 56 34 12")
    #expect(instruction.text == "mov eax, dword ptr [0x12345678]")
    #expect(instruction.length == 6)
  }

  @Test func espBaseNeedsSIBAndEbpBaseNeedsDisplacement() {
    #expect(disassemble("8b 04 24").text == "mov eax, dword ptr [esp]")
    #expect(disassemble("8b 44 24 08").text == "mov eax, dword ptr [esp + 0x8]")
    #expect(disassemble("8b 45 00").text == "mov eax, dword ptr [ebp]")
    #expect(disassemble("8b 45 fc").text == "mov eax, dword ptr [ebp - 0x4]")
    // mod 10: disp32 after a SIB with base and scaled index.
    let sib = disassemble("89 84 8b 00 01 00 00")
    #expect(sib.text == "mov dword ptr [ebx + 4*ecx + 0x100], eax")
    #expect(sib.length == 7)
  }

  @Test func sibWithNoIndexShowsTheZeroIndexRegister() {
    // SIB 60: scale ×2, index 100 (none), base eax: a SIB the ModRM alone did not need, written eiz.
    #expect(disassemble("8b 04 60").text == "mov eax, dword ptr [eax + 2*eiz]")
  }

  @Test func sixteenBitAddressingForms() {
    // Table 2-1, in 16-bit code: r/m 000 [bx+si], 110 with mod 01 [bp+disp8], 110 with mod 00 [disp16], 111 [bx].
    #expect(disassemble("8b 00", code16: true).text == "mov ax, word ptr [bx + si]")
    #expect(disassemble("8b 46 02", code16: true).text == "mov ax, word ptr [bp + 0x2]")
    let direct = disassemble("8b 06 34 12", code16: true)
    #expect(direct.text == "mov ax, word ptr [0x1234]")
    #expect(direct.length == 4)
    #expect(disassemble("8b 47 fe", code16: true).text == "mov ax, word ptr [bx - 0x2]")
    #expect(disassemble("8b 8b 00 80", code16: true).text == "mov cx, word ptr [bp + di - 0x8000]")
  }

  @Test func addressSizePrefixSwitchesAddressingTables() {
    // 67 in 32-bit code selects table 2-1: r/m 010 mod 01 is [bp+si+disp8].
    let sixteen = disassemble("67 8b 42 10")
    #expect(sixteen.text == "mov eax, dword ptr [bp + si + 0x10]")
    #expect(sixteen.length == 4)
    // 66 67 in 16-bit code: 32-bit operand and 32-bit addressing with a SIB.
    let thirtyTwo = disassemble("67 66 8b 44 24 04", code16: true)
    #expect(thirtyTwo.text == "mov eax, dword ptr [esp + 0x4]")
    #expect(thirtyTwo.length == 6)
  }

  @Test func moffsFormsTakeAnAddressSizedOffsetAndNoModRM() {
    let thirtyTwo = disassemble("a1 00 10 00 00")
    #expect(thirtyTwo.text == "mov eax, dword ptr [0x1000]")
    #expect(thirtyTwo.length == 5)
    let sixteen = disassemble("a0 00 b8", code16: true)
    #expect(sixteen.text == "mov al, byte ptr [0xb800]")
    #expect(sixteen.length == 3)
    let overridden = disassemble("67 a1 34 12")
    #expect(overridden.text == "mov eax, dword ptr [0x1234]")
    #expect(overridden.length == 4)
    #expect(disassemble("64 a3 30 00 00 00").text == "mov dword ptr fs:[0x30], eax")
  }

  @Test func stringOperandsFollowAddressSizeAndSegmentOverride() {
    #expect(disassemble("a5", code16: true).text == "movsw word ptr es:[di], word ptr [si]")
    #expect(disassemble("26 ac").text == "lodsb al, byte ptr es:[esi]")
    #expect(disassemble("f3 a6").text == "repe cmpsb byte ptr [esi], byte ptr es:[edi]")
    #expect(disassemble("f2 ae").text == "repne scasb al, byte ptr es:[edi]")
    #expect(disassemble("f3 6d").text == "rep insd dword ptr es:[edi], dx")
  }
}

@Suite("Disassembler: prefixes, lengths and odd forms")
struct DisassemblerFormTests {
  @Test func prefixOrderDoesNotMatter() {
    #expect(disassemble("66 f3 a5").text == "rep movsw word ptr es:[edi], word ptr [esi]")
    #expect(disassemble("f3 66 a5").text == "rep movsw word ptr es:[edi], word ptr [esi]")
    // Two segment overrides: the last one counts.
    #expect(disassemble("2e 3e 8b 00").text == "mov eax, dword ptr ds:[eax]")
    let locked = disassemble("f0 66 0f c1 08")
    #expect(locked.text == "lock xadd word ptr [eax], cx")
    #expect(locked.length == 5)
  }

  @Test func farPointers() {
    // EA cd / cp: offset first, then the selector.
    let direct32 = disassemble("ea 78 56 34 12 08 00")
    #expect(direct32.text == "ljmp 0x8, 0x12345678")
    #expect(direct32.length == 7)
    let direct16 = disassemble("ea 34 12 00 f0", code16: true)
    #expect(direct16.text == "ljmp 0xf000, 0x1234")
    #expect(direct16.length == 5)
    #expect(disassemble("9a 00 20 00 00 10 00").text == "lcall 0x10, 0x2000")
    // FF /5 and FF /3: far through a m16:32 (fword) or, with 66, a m16:16 (dword) pointer.
    #expect(disassemble("ff 2d 00 10 00 00").text == "ljmp fword ptr [0x1000]")
    #expect(disassemble("66 ff 1b").text == "lcall dword ptr [ebx]")
    #expect(disassemble("ff 1f", code16: true).text == "lcall dword ptr [bx]")
    // The near forms, for contrast.
    #expect(disassemble("ff 13").text == "call dword ptr [ebx]")
    #expect(disassemble("ff e0").text == "jmp eax")
  }

  @Test func enterTakesAWordAndAByte() {
    let instruction = disassemble("c8 10 00 01")
    #expect(instruction.text == "enter 0x10, 0x1")
    #expect(instruction.length == 4)
    #expect(disassemble("c8 ff ff 1f").text == "enter 0xffff, 0x1f")
  }

  @Test func multiByteNop() {
    #expect(disassemble("0f 1f 00").text == "nop dword ptr [eax]")
    let five = disassemble("0f 1f 44 00 00")
    #expect(five.text == "nop dword ptr [eax + eax]")
    #expect(five.length == 5)
    let nine = disassemble("66 0f 1f 84 00 00 00 00 00")
    #expect(nine.text == "nop word ptr [eax + eax]")
    #expect(nine.length == 9)
    #expect(disassemble("90").text == "nop")
    #expect(disassemble("f3 90").text == "pause")
  }

  @Test func immediatesSignExtendedOrNot() {
    // 83 /0 ib is sign-extended to the operand size; 81 /0 id is not.
    #expect(disassemble("83 c0 ff").text == "add eax, -0x1")
    #expect(disassemble("81 c0 ff ff ff ff").text == "add eax, 0xffffffff")
    #expect(disassemble("6a 80").text == "push -0x80")
    #expect(disassemble("66 68 34 12").text == "push 0x1234")
    #expect(disassemble("c2 08 00").text == "ret 0x8")
    #expect(disassemble("c1 e0 1f").text == "shl eax, 0x1f")
    #expect(disassemble("d1 e0").text == "shl eax")
    #expect(disassemble("d4 0a").text == "aam")
    #expect(disassemble("d5 10").text == "aad 0x10")
    #expect(disassemble("6b c1 fe").text == "imul eax, ecx, -0x2")
    #expect(disassemble("69 c1 00 01 00 00").text == "imul eax, ecx, 0x100")
  }

  @Test func mnemonicsThatNameTheOperandSize() {
    #expect(disassemble("98").text == "cwde")
    #expect(disassemble("66 98").text == "cbw")
    #expect(disassemble("98", code16: true).text == "cbw")
    #expect(disassemble("66 98", code16: true).text == "cwde")
    #expect(disassemble("99", code16: true).text == "cwd")
    #expect(disassemble("60").text == "pushal")
    #expect(disassemble("66 60").text == "pushaw")
    #expect(disassemble("cf").text == "iretd")
    #expect(disassemble("cf", code16: true).text == "iret")
    #expect(disassemble("9c", code16: true).text == "pushf")
    #expect(disassemble("0f 01 10").text == "lgdtd [eax]")
    // JCXZ/JECXZ follow the address size, not the operand size.
    #expect(disassemble("e3 00").text == "jecxz 0x2")
    #expect(disassemble("67 e3 00").text == "jcxz 0x3")
  }

  @Test func branchTargetsAreAbsoluteAndSymbolized() {
    #expect(disassemble("e8 00 00 00 00", at: 0x1000).text == "call 0x1005")
    #expect(disassemble("eb fe", at: 0x100).text == "jmp 0x100")
    #expect(disassemble("0f 84 f0 ff ff ff", at: 0x200).text == "je 0x1f6")
    let named = disassemble("e9 fb 00 00 00", at: 0x100) { $0 == 0x200 ? "kmain+0x10" : nil }
    #expect(named.text == "jmp 0x200 <kmain+0x10>")
  }

  @Test func sixteenBitOperandSizeBranchesWrapWithinSixtyFourKiB() {
    // SDM "JMP": with a 16-bit operand size the upper half of EIP is cleared. 0x12 - 0x80 wraps to 0xff92.
    #expect(disassemble("eb 80", at: 0x10, code16: true).text == "jmp 0xff92")
    #expect(disassemble("66 eb 80", at: 0x10).text == "jmp 0xff93")
    #expect(disassemble("66 e9 00 00", at: 0x1_2345).text == "jmp 0x2349")
  }

  @Test func segmentRegisterMoves() {
    #expect(disassemble("8e d8").text == "mov ds, eax")
    #expect(disassemble("8c 18").text == "mov word ptr [eax], ds")
    #expect(disassemble("66 8c c8").text == "mov ax, cs")
    // Sreg 6 and 7 do not exist.
    #expect(disassemble("8e f8").text == "(bad)")
  }

  @Test func controlAndDebugRegisterMovesIgnoreMod() {
    #expect(disassemble("0f 22 d8").text == "mov cr3, eax")
    #expect(disassemble("0f 21 f8").text == "mov eax, dr7")
    // 386/486: the mod bits are ignored, so 0F 20 00 is mov eax, cr0 with no displacement.
    let ignoredMod = disassemble("0f 20 00")
    #expect(ignoredMod.text == "mov eax, cr0")
    #expect(ignoredMod.length == 3)
  }

  @Test func undocumentedEncodingsTheCPUExecutes() {
    #expect(disassemble("f1").text == "int1")
    #expect(disassemble("d6").text == "salc")
    #expect(disassemble("c0 f0 03").text == "sal al, 0x3")
    #expect(disassemble("f6 c8 7f").text == "test al, 0x7f")
    let testAlias = disassemble("f7 c8 78 56 34 12")
    #expect(testAlias.text == "test eax, 0x12345678")
    #expect(testAlias.length == 6)
  }

  @Test func systemInstructions() {
    #expect(disassemble("0f 00 d8").text == "ltr ax")
    #expect(disassemble("0f 00 c0").text == "sldt eax")
    #expect(disassemble("0f 01 38").text == "invlpg byte ptr [eax]")
    #expect(disassemble("0f 02 c1").text == "lar eax, cx")
    #expect(disassemble("63 c8").text == "arpl ax, cx")
    #expect(disassemble("0f b2 03").text == "lss eax, [ebx]")
    #expect(disassemble("62 03").text == "bound eax, qword ptr [ebx]")
    #expect(disassemble("0f a2").text == "cpuid")
    #expect(disassemble("0f 31").text == "rdtsc")
    #expect(disassemble("0f c9").text == "bswap ecx")
    #expect(disassemble("f0 0f b1 0e").text == "lock cmpxchg dword ptr [esi], ecx")
    #expect(disassemble("0f ba e0 05").text == "bt eax, 0x5")
    #expect(disassemble("0f a5 d0").text == "shld eax, edx, cl")
    #expect(disassemble("0f 4f c1").text == "cmovg eax, ecx")
    #expect(disassemble("0f 95 c0").text == "setne al")
    #expect(disassemble("0f bf c1").text == "movsx eax, cx")
    #expect(disassemble("67 e2 fe").text == "addr16 loop 0x1")
  }

  @Test func x87Forms() {
    // D8 C0+i: FADD ST(0), ST(i); DC C0+i: FADD ST(i), ST(0); DE E8+i: FSUBP ST(i), ST(0).
    #expect(disassemble("d8 c1").text == "fadd st, st(1)")
    #expect(disassemble("dc c1").text == "fadd st(1), st")
    #expect(disassemble("de e9").text == "fsubp st(1), st")
    #expect(disassemble("d9 c9").text == "fxch st(1)")
    #expect(disassemble("d9 e8").text == "fld1")
    #expect(disassemble("df e0").text == "fnstsw ax")
    #expect(disassemble("db e3").text == "fninit")
    let store = disassemble("dd 1c 24")
    #expect(store.text == "fstp qword ptr [esp]")
    #expect(store.length == 3)
    #expect(disassemble("db 2d 00 10 00 00").text == "fld tbyte ptr [0x1000]")
    #expect(disassemble("d9 30").text == "fnstenv [eax]")
    #expect(disassemble("9b").text == "wait")
  }

  @Test func undefinedX87FormsKeepTheirLength() {
    // D9 D8: undefined register form, two bytes; DD /5 memory: undefined, ModRM + SIB + disp8.
    let register = disassemble("d9 d8")
    #expect(register.text == "(bad)")
    #expect(register.length == 2)
    let memory = disassemble("dd 6c 24 08")
    #expect(memory.text == "(bad)")
    #expect(memory.length == 4)
  }

  @Test func undefinedOpcodesAreBadOfLengthOne() {
    for hex in ["0f 0a", "fe 10", "8d c0", "c4 c0", "0f 01 c8", "0f ff", "8f c8"] {
      let instruction = disassemble(hex)
      #expect(instruction.text == "(bad)", "\(hex)")
      #expect(instruction.length == 1, "\(hex)")
      #expect(instruction.bytes.count == 1, "\(hex)")
    }
  }

  @Test func truncatedInstructionIsBadWithTheBytesItHas() {
    let truncated = disassemble("8b 44")
    #expect(truncated.text == "(bad)")
    #expect(truncated.length == 2)
    #expect(truncated.bytes == [0x8B, 0x44])
    let nothing = Disassembler().decode(at: 0x1000) { _ in nil }
    #expect(nothing.text == "(bad)")
    #expect(nothing.length == 0)
    // fetch stops at a page boundary: an imm32 cut after two bytes.
    let cut = Disassembler().decode(at: 0xFFE) { $0 < 3 ? [0xB8, 0x01, 0x02][$0] : nil }
    #expect(cut.text == "(bad)")
    #expect(cut.bytes == [0xB8, 0x01, 0x02])
  }

  @Test func fifteenBytesIsTheLimit() {
    let fourteenPrefixes = Array(repeating: UInt8(0x66), count: 14) + [0x90]
    let longest = Disassembler().decode(fourteenPrefixes, at: 0)
    #expect(longest.text == "nop")
    #expect(longest.length == 15)
    let tooLong = Disassembler().decode(Array(repeating: UInt8(0x66), count: 15) + [0x90], at: 0)
    #expect(tooLong.text == "(bad)")
    #expect(tooLong.length == 1)
  }

  @Test func fetchIsAskedOnlyForTheInstructionWindow() {
    let instruction = Disassembler().decode(at: 0x7C00) { offset in
      precondition(offset < 15)
      return [0xB8, 0x78, 0x56, 0x34, 0x12][safe: offset] ?? 0x90
    }
    #expect(instruction.text == "mov eax, 0x12345678")
    #expect(instruction.address == 0x7C00)
    #expect(instruction.bytes == [0xB8, 0x78, 0x56, 0x34, 0x12])
  }
}

@Suite("Disassembler: tables and robustness")
struct DisassemblerTableTests {
  @Test func everyTableEntryParsesAllItsOperands() {
    let groups: [String] = Array(DisassemblerTables.groupText.joined())
    let x87Memory: [String] = Array(DisassemblerTables.x87MemoryText.joined())
    let x87Register: [String] = DisassemblerTables.x87RegisterText.joined().flatMap { entry in
      entry.split(separator: ";").map(String.init)
    }
    let texts = DisassemblerTables.oneByteText + DisassemblerTables.twoByteText + groups + x87Memory + x87Register
    for text in texts {
      let written = text.split(separator: " ", maxSplits: 1).dropFirst().first?.split(separator: ",").count ?? 0
      #expect(DisassemblerOpcode(text).operands.count == written, "\(text)")
    }
    #expect(DisassemblerTables.oneByte.count == 256)
    #expect(DisassemblerTables.twoByte.count == 256)
    #expect(DisassemblerTables.groups.allSatisfy { $0.count == 8 })
    #expect(DisassemblerTables.x87Memory.count == 8 && DisassemblerTables.x87Memory.allSatisfy { $0.count == 8 })
    #expect(DisassemblerTables.x87Register.allSatisfy { $0.count == 8 && $0.allSatisfy { $0.count == 8 } })
  }

  @Test func randomBytesNeverTrapAndStayWithinFifteenBytes() {
    var rng = CorpusRandom(seed: 0xBAD_C0DE)
    for code16 in [false, true] {
      let disassembler = Disassembler(codeSize32: !code16)
      for _ in 0..<20_000 {
        let count = Int.random(in: 0...15, using: &rng)
        let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let instruction = disassembler.decode(bytes, at: UInt32.random(in: 0...UInt32.max, using: &rng))
        #expect(instruction.length <= count)
        #expect(instruction.bytes == Array(bytes.prefix(instruction.length)))
        #expect(count == 0 || instruction.length >= 1)
      }
    }
  }
}

extension Array {
  fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

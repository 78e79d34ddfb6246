import Testing

@testable import Emulator

/// A small protected-mode program assembled by the toolchain's clang runs to HLT with results worked out by hand.
struct AssembledProgramTests {
  /// Fibonacci by a loop, a byte string reversed in place with string instructions and XCHG, a checksum with
  /// ADC/ROL/IMUL, a recursive factorial through CALL/RET and ENTER/LEAVE. Results land in EAX..EDX.
  static let program = """
    .intel_syntax noprefix
    .section .multiboot, "a"
    .align 4
    .long 0x1BADB002, 0, -0x1BADB002
    .text
    .globl _start
    _start:
      mov esp, 0x90000
      /* EAX = fib(20) = 6765 */
      xor eax, eax
      mov ebx, 1
      mov ecx, 20
    1:
      xadd eax, ebx
      loop 1b
      push eax
      /* reverse "irqscope" in place → "epocsqri" */
      lea esi, [text]
      lea edi, [text + 7]
    2:
      mov al, [esi]
      xchg al, [edi]
      mov [esi], al
      inc esi
      dec edi
      cmp esi, edi
      jb 2b
      /* EDX = factorial(10) = 3628800 */
      push 10
      call factorial
      add esp, 4
      mov edx, eax
      /* ECX = checksum of the reversed text: c = rol(c, 3) + byte, with carries folded in by ADC */
      xor ecx, ecx
      lea esi, [text]
      cld
      mov edi, 8
    3:
      lodsb
      movzx eax, al
      rol ecx, 3
      add ecx, eax
      adc ecx, 0
      dec edi
      jnz 3b
      mov ebx, dword ptr [text]
      pop eax
      hlt

    factorial:
      enter 0, 0
      mov eax, [ebp + 8]
      cmp eax, 1
      jbe 4f
      dec eax
      push eax
      call factorial
      add esp, 4
      imul eax, [ebp + 8]
    4:
      leave
      ret

    .data
    text: .ascii "irqscope"
    """

  @Test func assembledProgramComputesTheExpectedResults() throws {
    let kernel = try Toolchain.build(sources: ["program.S": Self.program])
    let bench = CPUTestBench()
    let machineMemory = bench.memory
    // Load the PT_LOAD segments by their physical addresses (the program links at 1 MiB).
    let elf = try ELF32(kernel.elf)
    for segment in elf.programHeaders where segment.isLoad {
      let start = Int(segment.offset)
      machineMemory.write(kernel.elf[start..<start + Int(segment.fileSize)], at: segment.physicalAddress)
    }
    bench.cpu.eip = elf.entry
    let cpu = bench.resume(maxInstructions: 10_000)
    #expect(cpu.halted)
    #expect(cpu[.eax] == 6765)
    #expect(cpu[.edx] == 3_628_800)
    // "epocsqri" read as a little-endian doubleword: 'e' 'p' 'o' 'c'
    #expect(cpu[.ebx] == 0x636F_7065)
    var checksum: UInt32 = 0
    for byte in Array("epocsqri".utf8) {
      checksum = (checksum << 3 | checksum >> 29)
      let (sum, carry) = checksum.addingReportingOverflow(UInt32(byte))
      checksum = sum &+ (carry ? 1 : 0)
    }
    #expect(cpu[.ecx] == checksum)
  }
}

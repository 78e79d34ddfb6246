import Testing

@testable import Emulator

/// Details of interrupt and exception delivery the SDM spells out: the EXT bit, the single-step trap after a stack
/// switch, and which instructions open an interrupt shadow.
struct DeliveryDetailTests {
  let bench = CPUTestBench()

  /// SDM vol. 3 §6.13, Error Code: "EXT External event (bit 0) — When set, indicates that the exception occurred
  /// during delivery of an event external to the program, such as an interrupt or an earlier exception. The bit is
  /// cleared if the exception occurred during delivery of a software interrupt (INT n, INT3, or INTO)."
  /// ud2 with gate 6 not present: #NP with error code 6 × 8 + 2 (IDT) + 1 (EXT) = 0x33; `int 6` through the same
  /// gate: 0x32.
  @Test func faultWhileDeliveringAnExceptionSetsEXTButNotWhileDeliveringINTn() {
    bench.installRecordingIDT()
    bench.setGate(6, offset: 0, present: false)
    _ = bench.run([0x0F, 0x0B])  // ud2
    #expect(bench.lastVector == 11)
    #expect(bench.stack(2) == [0x33, CPUTestBench.codeBase])  // error code, then the UD2's EIP (a fault)

    let software = CPUTestBench()
    software.installRecordingIDT()
    software.setGate(6, offset: 0, present: false)
    _ = software.run([0xCD, 0x06])  // int 6
    #expect(software.lastVector == 11)
    #expect(software.stack(2) == [0x32, CPUTestBench.codeBase])
  }

  /// SDM vol. 3 §6.8.3, Masking Exceptions and Interrupts When Switching Stacks: after MOV SS or POP SS "the
  /// processor inhibits interrupts, debug exceptions, and single-step trap exceptions" until the next instruction
  /// has run — so with TF set, the single-step #DB comes after the instruction that follows, not after MOV SS.
  @Test(arguments: [
    ([0x8E, 0xD0] as [UInt8], "mov ss, ax"),
    ([0x17], "pop ss"),
  ])
  func singleStepTrapAfterAStackSwitchWaitsForTheNextInstruction(load: [UInt8], name: String) {
    bench.installRecordingIDT()
    // mov eax, ss; push ss; pushfd; or dword [esp], 0x100; popfd (TF on from the next instruction);
    // <load>; nop; nop; hlt
    let prologue: [UInt8] = [0x8C, 0xD0, 0x16, 0x9C, 0x81, 0x0C, 0x24, 0x00, 0x01, 0x00, 0x00, 0x9D]
    _ = bench.run(prologue + load + [0x90, 0x90] + hlt)
    #expect(bench.lastVector == 1, "\(name)")
    // The trap's EIP follows the NOP after the load: the #DB was held back across one instruction.
    let afterNop = CPUTestBench.codeBase + UInt32(prologue.count + load.count + 1)
    #expect(bench.stack(1)[0] == afterNop, "\(name)")
  }

  /// SDM vol. 3 §6.8.3 names only MOV SS and POP SS as opening the shadow; LSS loads SS and ESP in one instruction
  /// and leaves none: an interrupt pending after LSS is taken at once, after MOV SS only one instruction later.
  @Test func lssOpensNoInterruptShadowButMovSSDoes() {
    func returnAddress(after load: [UInt8]) -> UInt32 {
      let b = CPUTestBench()
      b.installRecordingIDT()
      b.cpu.acknowledgeInterrupt = { 0x30 }
      b.memory.write32(0x5000, 0x8000)  // the new ESP
      b.memory.write32(0x5004, 0x10)  // the new SS: the flat data segment
      b.cpu[.eax] = 0x10
      b.cpu.eflags = EFLAGS.reserved1 | EFLAGS.if
      b.run(load + [0x90, 0x90] + hlt, maxInstructions: 1)  // the load alone, with INTR low
      b.cpu.setINTR(true)
      b.resume(maxInstructions: 5)
      #expect(b.lastVector == 0x30)
      return b.stack(1)[0]
    }
    let lss: [UInt8] = [0x0F, 0xB2, 0x25, 0x00, 0x50, 0x00, 0x00]  // lss esp, [0x5000]
    #expect(returnAddress(after: lss) == CPUTestBench.codeBase + 7)  // right after LSS
    #expect(returnAddress(after: [0x8E, 0xD0]) == CPUTestBench.codeBase + 3)  // mov ss, ax: after the NOP
  }
}

import Testing

@testable import Emulator

/// Interrupt and exception delivery (SDM vol. 3, chapter 6): gates, frames, privilege changes, IRET,
/// the STI shadow, NMI, the double and triple fault.
struct InterruptTests {
  let bench = CPUTestBench()

  @Test func interruptGateClearsIFAndPushesEFLAGSCSAndEIP() {
    bench.installRecordingIDT(type: 0xE)
    // sti; int 0x40
    let cpu = bench.run([0xFB, 0xCD, 0x40])
    #expect(bench.lastVector == 0x40)
    let frame = bench.stack(3)
    #expect(frame[0] == CPUTestBench.codeBase + 3)  // EIP of the next instruction
    #expect(frame[1] == 0x08)
    #expect(frame[2] & EFLAGS.if != 0)
    #expect(cpu.eflags & EFLAGS.if == 0)
  }

  @Test func trapGateKeepsIF() {
    bench.installRecordingIDT(type: 0xF)
    let cpu = bench.run([0xFB, 0xCD, 0x40])
    #expect(bench.lastVector == 0x40)
    #expect(cpu.eflags & EFLAGS.if != 0)
  }

  @Test func pageFaultAndGeneralProtectionPushAnErrorCode() {
    bench.installRecordingIDT()
    // mov ax, 0x1234; mov ds, ax → selector beyond the GDT limit: #GP(0x1230)
    _ = bench.run([0x66, 0xB8, 0x34, 0x12, 0x8E, 0xD8])
    #expect(bench.lastVector == 13)
    // The error code is the selector without its RPL: index 0x246 with TI = 1 (an LDT selector).
    #expect(bench.stack(2) == [0x1234, CPUTestBench.codeBase + 4])
  }

  @Test func iretReturnsToTheInterruptedCode() {
    bench.installRecordingIDT()
    // Handler for 0x41: mov eax, 42; iret
    bench.memory.write([0xB8, 42, 0, 0, 0, 0xCF], at: 0x3_8000)
    bench.setGate(0x41, offset: 0x3_8000)
    // int 0x41; mov ebx, eax; hlt
    let cpu = bench.run([0xCD, 0x41, 0x89, 0xC3] + hlt)
    #expect(cpu[.ebx] == 42)
    #expect(cpu[.esp] == CPUTestBench.stackTop)
  }

  /// Enters ring 3 at 0x2000 running `userCode`, stopping before its first instruction.
  func enterUserMode(userCode: [UInt8]) -> CPU {
    bench.memory.write(userCode, at: 0x2000)
    return bench.run(
      bench.userModeEntry(userEntry: 0x2000), maxInstructions: CPUTestBench.userModeEntryInstructions)
  }

  @Test func iretToRingThreeLoadsUserSegments() {
    let cpu = enterUserMode(userCode: [0xEB, 0xFE])
    #expect(cpu.cpl == 3)
    #expect(cpu.segment(.cs).selector == 0x1B)
    #expect(cpu.segment(.ss).selector == 0x23)
    #expect(cpu[.esp] == 0x7_0000)
    #expect(cpu.eip == 0x2000)
  }

  @Test func interruptFromRingThreeSwitchesToTheTSSStackAndPushesSSESP() {
    bench.installRecordingIDT(dpl: 3)
    let cpu = enterUserMode(userCode: [0xCD, 0x80])
    bench.resume(maxInstructions: 4)
    #expect(bench.lastVector == 0x80)
    #expect(cpu.cpl == 0)
    #expect(cpu[.esp] == 0x8_0000 - 20)
    let frame = bench.stack(5)
    #expect(frame[0] == 0x2002)
    #expect(frame[1] == 0x1B)
    #expect(frame[2] & EFLAGS.if != 0)
    #expect(frame[3] == 0x7_0000)
    #expect(frame[4] == 0x23)
  }

  @Test func iretFromTheKernelReturnsToRingThree() {
    bench.installRecordingIDT(dpl: 3)
    bench.memory.write([0xB8, 7, 0, 0, 0, 0xCF], at: 0x3_8000)  // mov eax, 7; iret
    bench.setGate(0x80, offset: 0x3_8000, dpl: 3)
    let cpu = enterUserMode(userCode: [0xCD, 0x80, 0xEB, 0xFE])
    bench.resume(maxInstructions: 10)
    #expect(cpu.cpl == 3)
    #expect(cpu[.eax] == 7)
    #expect(cpu[.esp] == 0x7_0000)
    #expect(cpu.eip == 0x2002)
  }

  @Test func softwareInterruptThroughAPrivilegedGateFromRingThreeIsAGeneralProtectionFault() {
    bench.installRecordingIDT(dpl: 0)
    let cpu = enterUserMode(userCode: [0xCD, 0x80])
    bench.resume(maxInstructions: 3)
    #expect(bench.lastVector == 13)
    #expect(cpu.cpl == 0)
    #expect(bench.stack(2) == [0x80 * 8 + 2, 0x2000])  // error code: IDT bit set; EIP of the INT (a fault)
  }

  @Test func privilegedInstructionInRingThreeFaults() {
    bench.installRecordingIDT(dpl: 3)
    _ = enterUserMode(userCode: [0xFA])  // cli with IOPL 0
    bench.resume(maxInstructions: 3)
    #expect(bench.lastVector == 13)
  }

  @Test func stiDelaysInterruptsByOneInstruction() {
    bench.installRecordingIDT()
    bench.cpu.acknowledgeInterrupt = { 0x30 }
    bench.cpu.setINTR(true)
    // sti; nop; nop; hlt
    _ = bench.run([0xFB, 0x90, 0x90] + hlt, maxInstructions: 3)
    #expect(bench.lastVector == 0x30)
    #expect(bench.stack(1)[0] == CPUTestBench.codeBase + 2)  // taken after the NOP that follows STI
  }

  @Test func hltWakesOnInterruptAndReturnsAfterTheHlt() {
    bench.installRecordingIDT()
    bench.cpu.acknowledgeInterrupt = { 0x31 }
    // sti; hlt
    let cpu = bench.run([0xFB] + hlt)
    #expect(cpu.halted)
    cpu.setINTR(true)
    bench.resume(maxInstructions: 2)
    #expect(bench.lastVector == 0x31)
    #expect(bench.stack(1)[0] == CPUTestBench.codeBase + 2)
  }

  @Test func maskedINTRIsNotTakenWhileIFIsClear() {
    bench.installRecordingIDT()
    bench.cpu.acknowledgeInterrupt = { 0x30 }
    bench.cpu.setINTR(true)
    _ = bench.run([0x90, 0x90] + hlt)
    #expect(bench.lastVector == 0xFFFF_FFFF)
  }

  @Test func nmiIsTakenWithIFClearAndBlockedUntilIRET() {
    bench.installRecordingIDT()
    var deliveries: [UInt8] = []
    bench.cpu.onDelivery = { deliveries.append($0.vector) }
    bench.cpu.raiseNMI()
    _ = bench.run([0x90] + hlt)
    #expect(bench.lastVector == 2)
    bench.cpu.raiseNMI()  // the handler has not executed IRET: this one waits
    bench.resume(maxInstructions: 5)
    #expect(deliveries == [2])
  }

  @Test func contributoryFaultWhileDeliveringOneBecomesADoubleFault() {
    bench.installRecordingIDT()
    bench.setGate(13, offset: 0, present: false)  // #GP's gate is not present: delivering #GP raises #NP
    _ = bench.run([0x66, 0xB8, 0x34, 0x12, 0x8E, 0xD8])
    #expect(bench.lastVector == 8)
    #expect(bench.stack(1)[0] == 0)  // #DF pushes an error code of zero
  }

  @Test func faultWhileDeliveringDoubleFaultIsATripleFaultThatResets() {
    var reasons: [String] = []
    bench.cpu.onTripleFault = { reasons.append($0) }
    bench.cpu.idtr = TableRegister(base: 0, limit: 0)
    let cpu = bench.run([0x0F, 0x0B])  // ud2 with an empty IDT
    #expect(cpu.tripleFaults == 1)
    #expect(reasons.count == 1)
    #expect(reasons[0].contains("triple fault"))
  }

  @Test func singleStepTrapFollowsEachInstructionWithTF() {
    bench.installRecordingIDT()
    // pushfd; or dword [esp], 0x100; popfd; nop → #DB after the NOP (the first instruction run with TF set)
    _ = bench.run([0x9C, 0x81, 0x0C, 0x24, 0x00, 0x01, 0x00, 0x00, 0x9D, 0x90, 0x90])
    #expect(bench.lastVector == 1)
    #expect(bench.stack(1)[0] == CPUTestBench.codeBase + 10)  // a trap: EIP after the NOP
  }

  @Test func int3AndIntoRaiseTheirVectors() {
    bench.installRecordingIDT()
    _ = bench.run([0xCC])
    #expect(bench.lastVector == 3)
    let second = CPUTestBench()
    second.installRecordingIDT()
    // mov al, 0x7F; add al, 1 (OF); into
    _ = second.run([0xB0, 0x7F, 0x04, 0x01, 0xCE])
    #expect(second.lastVector == 4)
  }

  @Test func boundOutsideTheRangeRaisesBoundRangeExceeded() {
    bench.installRecordingIDT()
    bench.memory.write32(0x5000, 0)
    bench.memory.write32(0x5004, 9)
    // mov eax, 10; bound eax, [0x5000]
    _ = bench.run([0xB8, 10, 0, 0, 0, 0x62, 0x05, 0x00, 0x50, 0, 0])
    #expect(bench.lastVector == 5)
  }

  @Test func undefinedOpcodeRaisesInvalidOpcode() {
    bench.installRecordingIDT()
    _ = bench.run([0x0F, 0xFF])
    #expect(bench.lastVector == 6)
  }

  @Test func fpuInstructionRaisesDeviceNotAvailable() {
    bench.installRecordingIDT()
    _ = bench.run([0xD9, 0xE8])  // fld1
    #expect(bench.lastVector == 7)
  }
}

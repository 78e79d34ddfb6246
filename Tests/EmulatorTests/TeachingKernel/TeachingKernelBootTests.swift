import Testing

@testable import Emulator

/// The teaching kernel's build and boot: the committed kernel.elf is what Guest/kernel builds, and after boot the
/// processor and the board are set up as Guest/kernel says (GDT and TSS, an IDT of 256 gates, the 8259A pair at
/// 0x20/0x28, the 8254 at 100 Hz, paging on). Gate formats from the Intel SDM vol. 3, §6.11 (figure 6-2): in the
/// high doubleword, bit 15 is P, bits 13–14 the DPL, bits 8–12 the type (01110 a 32-bit interrupt gate, 01111 a
/// 32-bit trap gate); the low doubleword holds the selector (bits 16–31) and offset bits 0–15.
@Suite(.serialized)
struct TeachingKernelBootTests {
  @Test func committedKernelIsWhatGuestKernelBuildShBuilds() throws {
    let built = try TeachingKernelBuild.shared.get()
    let committed = try #require(BuiltInKernel.teaching)
    #expect(committed.name == "kernel.elf")
    #expect(built.elf.count == committed.bytes.count)
    #expect(built.elf == committed.bytes, "Guest/kernel/build.sh was not rerun after Guest/kernel changed")
  }

  @Test func bootsToTheShellPromptWithinAQuarterSecondOfVirtualTime() throws {
    let run = try TeachingKernelRun()
    try run.script(#"expect serial "kernel\$ " within 250ms"#)
    let serial = run.serial(since: 0)
    #expect(serial.hasPrefix("irqscope teaching kernel\n"))
    #expect(serial.contains("nic: 82540EM at 00:03.0, registers at 0xfebc0000, IRQ 11, MAC 52:54:00:12:34:56"))
    #expect(serial.hasSuffix("shell: ring 3, type help\nkernel$ "))
    // The console mirrors the log: the same prompt on the VGA screen.
    #expect(run.session.screenText.contains("kernel$ "))
  }

  @Test func picIsRemappedAndThePITRunsAtOneHundredHertz() throws {
    let run = try TeachingKernelRun.atPrompt()
    let pics = run.machine.pics.state
    #expect(pics.master.base == 0x20)
    #expect(pics.slave.base == 0x28)
    // Unmasked: IRQ 0 timer, 1 keyboard, 2 cascade, 4 COM1; on the slave IRQ 11 (its IR3), the card's line.
    #expect(pics.master.imr == 0xFF & ~0b0001_0111)
    #expect(pics.slave.imr == 0xFF & ~0b0000_1000)
    let channel = run.machine.pit.state.channels[0]
    #expect(channel.mode == 2)
    #expect(channel.reload == 11_932)  // 1,193,182 Hz / 11,932 = 100.0 Hz
  }

  @Test func pagingIsOnAndTheTaskRegisterHoldsTheTSS() throws {
    let run = try TeachingKernelRun.atPrompt()
    let cpu = run.machine.cpu
    #expect(cpu.cr0 & 0x8000_0000 != 0)  // PG
    #expect(cpu.tr.selector == 0x28)
    // Page 0 is not mapped (a null pointer faults); the kernel at 1 MiB is identity-mapped.
    #expect(cpu.peekTranslate(0) == nil)
    #expect(cpu.peekTranslate(0x10_0000) == 0x10_0000)
  }

  @Test func idtHas256PresentGatesOfTheExpectedTypesAndPrivilegeLevels() throws {
    let run = try TeachingKernelRun.atPrompt()
    let cpu = run.machine.cpu
    #expect(cpu.idtr.limit == 256 * 8 - 1)
    let idt = try #require(cpu.peekLinearBytes(cpu.idtr.base, count: 256 * 8))
    let stubs = try run.address("isr_stubs")
    for vector in 0..<256 {
      let low = idt[vector * 8..<vector * 8 + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
      let high = idt[vector * 8 + 4..<vector * 8 + 8].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
      let present = high & 0x8000 != 0
      let dpl = (high >> 13) & 3
      let type = (high >> 8) & 0x1F
      let selector = low >> 16
      let offset = (high & 0xFFFF_0000) | (low & 0xFFFF)
      #expect(present, "gate \(vector) not present")
      #expect(selector == 0x08, "gate \(vector): selector \(selector)")
      // int 0x80 is a trap gate (IF stays as the caller had it); every other vector an interrupt gate.
      #expect(type == (vector == 0x80 ? 0x0F : 0x0E), "gate \(vector): type \(type)")
      // Ring 3 may raise only the system call, the breakpoint and INTO.
      #expect(dpl == ([3, 4, 0x80].contains(vector) ? 3 : 0), "gate \(vector): DPL \(dpl)")
      #expect(offset == stubs + UInt32(16 * vector), "gate \(vector): offset \(offset)")
    }
  }
}

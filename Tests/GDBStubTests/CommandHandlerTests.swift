import Emulator
import Foundation
import Testing

@testable import GDBStub

/// The command layer against a machine booted with the debug kernel. Expectations come from the Multiboot
/// specification (EAX = 0x2BADB002 at entry, flat CS 0x08 / data 0x10 from QEMU's loader), the kernel image itself
/// (llvm-objcopy, llvm-nm) and gdb's manual (reply formats).
@Suite struct CommandHandlerTests {
  private func fixture() throws -> (Machine, DebugKernel.Built, CommandHandler) {
    let (machine, kernel) = try DebugMachine.boot()
    return (machine, kernel, CommandHandler(target: MachineTarget(machine: machine)))
  }

  private func reply(_ handler: CommandHandler, _ payload: String) -> String {
    DebugMachine.reply(handler, payload)
  }

  @Test func advertisesWhatGdb13Needs() throws {
    let (_, _, handler) = try fixture()
    #expect(
      reply(handler, "qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;xmlRegisters=i386")
        == "PacketSize=4000;qXfer:features:read+;vContSupported+;swbreak+;hwbreak+;QStartNoAckMode+")
    #expect(DebugMachine.send(handler, "QStartNoAckMode") == .startNoAck)
  }

  @Test func servesTheTargetDescriptionInWindows() throws {
    let (_, _, handler) = try fixture()
    var document = ""
    var offset = 0
    while true {
      let text = reply(handler, "qXfer:features:read:target.xml:\(String(offset, radix: 16)),64")
      let marker = try #require(text.first)
      #expect(marker == "m" || marker == "l")
      document += text.dropFirst()
      offset += text.count - 1
      if marker == "l" { break }
      #expect(text.count - 1 == 0x64)
    }
    #expect(document.contains(#"<feature name="org.gnu.gdb.i386.core">"#))
    #expect(document.contains("<architecture>i386</architecture>"))
    for name in ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip", "eflags", "cs", "ss", "ds", "gs"] {
      #expect(document.contains(#"<reg name="\#(name)" bitsize="32""#))
    }
    #expect(reply(handler, "qXfer:features:read:other.xml:0,10") == "E00")
    #expect(reply(handler, "qXfer:features:read:target.xml:zz,10") == "E01")
  }

  @Test func readsRegistersInGdbsOrderLittleEndian() throws {
    let (_, kernel, handler) = try fixture()
    let g = reply(handler, "g")
    // 16 general registers of 4 bytes, st0–st7 of 10 bytes, 8 x87 control registers of 4 bytes: 176 bytes.
    #expect(g.count == 176 * 2)
    #expect(g.prefix(8) == "02b0ad2b")  // EAX = 0x2BADB002, the Multiboot magic
    let entry = try #require(kernel.symbols["_start"])
    let eip = g.dropFirst(8 * 8).prefix(8)
    #expect(eip == Hex.encodeLittleEndian(entry))
    // cs ss ds es fs gs: QEMU's Multiboot selectors.
    #expect(g.dropFirst(10 * 8).prefix(48) == "08000000" + String(repeating: "10000000", count: 5))
    #expect(reply(handler, "p8") == Hex.encodeLittleEndian(entry))
    #expect(reply(handler, "p10") == String(repeating: "0", count: 20))  // st0: no FPU
    #expect(reply(handler, "p20") == "E01")  // register 32 does not exist
  }

  @Test func writesRegistersButNotSegmentSelectors() throws {
    let (machine, _, handler) = try fixture()
    #expect(reply(handler, "P0=78563412") == "OK")
    #expect(machine.cpu[.eax] == 0x1234_5678)
    #expect(reply(handler, "P8=00001000") == "OK")
    #expect(machine.cpu.eip == 0x0010_0000)
    #expect(reply(handler, "Pa=1b000000") == "E01")  // CS = 0x1b would need a descriptor load
    #expect(reply(handler, "Pa=08000000") == "OK")
    #expect(reply(handler, "P0=1234") == "E01")  // too short
    var g = reply(handler, "g")
    g.replaceSubrange(g.index(g.startIndex, offsetBy: 8)..<g.index(g.startIndex, offsetBy: 16), with: "efbeadde")
    #expect(reply(handler, "G" + g) == "OK")
    #expect(machine.cpu[.ecx] == 0xDEAD_BEEF)
    #expect(reply(handler, "G00") == "E01")
  }

  @Test func readsMemoryAsTheKernelImageHasIt() throws {
    let (_, kernel, handler) = try fixture()
    let address = try #require(kernel.symbols["keyboard_handler"])
    let expected = try DebugMachine.imageBytes(kernel, at: address, count: 16)
    #expect(reply(handler, "m\(String(address, radix: 16)),10") == Hex.encode(expected))
    #expect(reply(handler, "m7ffffff0,4") == "E14")  // beyond the 8 MiB of RAM
    #expect(reply(handler, "m0,ffffffff") == "E01")  // longer than a packet
    #expect(reply(handler, "m0") == "E01")
    #expect(reply(handler, "mzz,4") == "E01")
  }

  @Test func writesMemoryInHexAndInBinary() throws {
    let (machine, _, handler) = try fixture()
    #expect(reply(handler, "M200000,4:deadbeef") == "OK")
    #expect(machine.memory.read32(0x20_0000) == 0xEFBE_ADDE)
    // X's data arrives unescaped from the packet layer: '#' (0x23) and '}' (0x7d) as themselves.
    var decoder = PacketDecoder()
    let raw: [UInt8] = Array("$X200010,2:".utf8) + [0x7D, 0x03, 0x7D, 0x5D] + Array("#".utf8)
    let sum = raw.dropFirst().dropLast().reduce(UInt8(0)) { $0 &+ $1 }
    let events = decoder.feed(raw + Array(String(format: "%02x", sum).utf8))
    guard case .packet(let payload) = events.first else {
      Issue.record("the X packet did not decode: \(events)")
      return
    }
    #expect(CommandHandler(target: MachineTarget(machine: machine)).handle(payload) == .reply("OK"))
    #expect(machine.memory.read8(0x20_0010) == 0x23)
    #expect(machine.memory.read8(0x20_0011) == 0x7D)
    #expect(reply(handler, "X200000,0:") == "OK")  // gdb's probe for X support
    #expect(reply(handler, "M200000,4:dead") == "E01")  // length and data disagree
    #expect(reply(handler, "M7ffffff0,1:00") == "E14")
    #expect(reply(handler, "Mffffffff,10000000:") == "E01")
  }

  @Test func pagedMemoryIsReadAndWrittenWithoutTouchingAccessedOrDirtyBits() throws {
    let (machine, _, handler) = try fixture()
    // A page directory at 0x300000 whose entry 1 points to a page table at 0x301000 mapping linear 0x400000 to
    // physical 0x200000 (present, writable). The SDM (vol. 3 §4.8) has the processor set A on use and D on writes;
    // a debugger's look must not.
    machine.memory.write32(0x30_0004, 0x30_1003)
    machine.memory.write32(0x30_1000, 0x20_0003)
    machine.memory.write32(0x20_0000, 0x1122_3344)
    machine.cpu.setControlRegister3(0x30_0000)
    machine.cpu.setControlRegister0(machine.cpu.cr0 | 0x8000_0000)
    #expect(reply(handler, "m400000,4") == "44332211")
    #expect(reply(handler, "M400002,2:aabb") == "OK")
    #expect(machine.memory.read32(0x20_0000) == 0xBBAA_3344)
    #expect(machine.memory.read32(0x30_0004) == 0x30_1003)  // PDE: no A bit
    #expect(machine.memory.read32(0x30_1000) == 0x20_0003)  // PTE: no A, no D bit
    #expect(reply(handler, "m401000,4") == "E14")  // not present
    #expect(reply(handler, "M401000,1:00") == "E14")
    #expect(reply(handler, "m400ffe,4") == "E14")  // straddles into the unmapped page
  }

  @Test func setsAndClearsBreakpointsAndWatchpoints() throws {
    let (machine, kernel, handler) = try fixture()
    let address = try #require(kernel.symbols["keyboard_handler"])
    let hex = String(address, radix: 16)
    let before = try DebugMachine.imageBytes(kernel, at: address, count: 4)
    #expect(reply(handler, "Z0,\(hex),1") == "OK")
    #expect(machine.cpu.debugTraps.softwareBreakpoints == [address])
    // Nothing is patched: memory still holds the kernel's own bytes.
    #expect(reply(handler, "m\(hex),4") == Hex.encode(before))
    #expect(reply(handler, "Z1,\(hex),1") == "OK")
    #expect(machine.cpu.debugTraps.hardwareBreakpoints == [address])
    #expect(reply(handler, "Z2,102130,4") == "OK")
    #expect(reply(handler, "Z3,102130,4") == "OK")
    #expect(reply(handler, "Z4,102130,4") == "OK")
    #expect(machine.cpu.debugTraps.watchpointCount == 3)
    #expect(reply(handler, "z0,\(hex),1") == "OK")
    #expect(reply(handler, "z1,\(hex),1") == "OK")
    for type in 2...4 { #expect(reply(handler, "z\(type),102130,4") == "OK") }
    #expect(machine.cpu.debugTraps.softwareBreakpoints.isEmpty)
    #expect(machine.cpu.debugTraps.watchpointCount == 0)
    #expect(reply(handler, "Z5,\(hex),1") == "")  // unsupported type: empty
    #expect(reply(handler, "Z0,zz,1") == "E01")
    #expect(reply(handler, "Z0,\(hex)") == "E01")
  }

  @Test func resumesAndStepsThroughEveryForm() throws {
    let (_, _, handler) = try fixture()
    #expect(DebugMachine.send(handler, "c") == .resume(step: false))
    #expect(DebugMachine.send(handler, "s") == .resume(step: true))
    #expect(DebugMachine.send(handler, "C05") == .resume(step: false))
    #expect(DebugMachine.send(handler, "S05") == .resume(step: true))
    #expect(reply(handler, "vCont?") == "vCont;c;C;s;S")
    #expect(DebugMachine.send(handler, "vCont;c") == .resume(step: false))
    #expect(DebugMachine.send(handler, "vCont;s:1;c") == .resume(step: true))
    #expect(DebugMachine.send(handler, "vCont;C05:1") == .resume(step: false))
    #expect(reply(handler, "vCont;x") == "E01")
    #expect(reply(handler, "cxyz") == "E01")
    #expect(DebugMachine.send(handler, "k") == .kill)
    #expect(DebugMachine.send(handler, "D") == .detach)
    #expect(DebugMachine.send(handler, "D;1") == .detach)
  }

  @Test func answersThreadQueriesForOneThread() throws {
    let (_, _, handler) = try fixture()
    #expect(reply(handler, "qAttached") == "1")
    #expect(reply(handler, "qC") == "QC01")
    #expect(reply(handler, "qfThreadInfo") == "m01")
    #expect(reply(handler, "qsThreadInfo") == "l")
    #expect(reply(handler, "Hg0") == "OK")
    #expect(reply(handler, "Hc-1") == "OK")
    #expect(reply(handler, "T01") == "OK")
    #expect(reply(handler, "T02") == "E01")
    #expect(reply(handler, "qTStatus") == "")  // unknown: empty
    #expect(reply(handler, "!") == "")
  }

  @Test func stopRepliesSayWhy() {
    #expect(CommandHandler.stopReply(nil) == "T05thread:01;")
    #expect(CommandHandler.stopReply(.softwareBreakpoint(0x10_0040)) == "T05swbreak:;thread:01;")
    #expect(CommandHandler.stopReply(.hardwareBreakpoint(0x10_0040)) == "T05hwbreak:;thread:01;")
    #expect(CommandHandler.stopReply(.watchpoint(kind: .write, address: 0x10_2130)) == "T05watch:102130;thread:01;")
    #expect(CommandHandler.stopReply(.watchpoint(kind: .read, address: 0x10)) == "T05rwatch:10;thread:01;")
    #expect(CommandHandler.stopReply(.watchpoint(kind: .access, address: 0x10)) == "T05awatch:10;thread:01;")
    #expect(CommandHandler.stopReply(.step) == "T05thread:01;")
    #expect(CommandHandler.stopReply(.requested) == "T02thread:01;")
  }

  private func monitor(_ handler: CommandHandler, _ command: String) -> String {
    let text = reply(handler, "qRcmd," + Hex.encode(command.utf8))
    return String(decoding: Hex.decode(Array(text.utf8)) ?? [], as: UTF8.self)
  }

  @Test func monitorShowsThePICsAsTheBIOSLeftThem() throws {
    let (_, _, handler) = try fixture()
    // SeaBIOS under QEMU: master IMR 0xB8 base 0x08, slave IMR 0x8E base 0x70, ELCR 0x0C on the slave; nothing in
    // service. (The PIT's first edge may already wait in the master's IRR.)
    let pic = monitor(handler, "info pic")
    #expect(pic.contains("ISR 00000000  IMR 10111000"))
    #expect(pic.contains("base 0x08"))
    #expect(pic.contains("slave  8259A: IRR 00000000  ISR 00000000  IMR 10001110"))
    #expect(pic.contains("base 0x70  ELCR 0x0c"))
  }

  @Test func monitorMasksRaisesAndCounts() throws {
    let (machine, _, handler) = try fixture()
    _ = monitor(handler, "unmask 1")
    #expect(machine.pics.state.master.imr == 0xB8 & ~0x02)
    _ = monitor(handler, "mask 1")
    #expect(machine.pics.state.master.imr == 0xB8 | 0x02)
    _ = monitor(handler, "irq 5")  // IR5 is masked (0xB8 has bit 5): it waits in IRR
    #expect(machine.pics.state.master.irr & 0x20 != 0)
    #expect(monitor(handler, "irq 16").contains("from 0 to 15"))
    _ = monitor(handler, "nmi")
    #expect(monitor(handler, "info irq").contains("1    keyboard   0"))
    #expect(monitor(handler, "help").contains("info pic"))
    #expect(monitor(handler, "frobnicate").contains("unknown monitor command"))
    #expect(monitor(handler, "packet hello").contains("on the wire"))
    #expect(machine.wire.queued == 1)
    #expect(monitor(handler, "info ring").contains("RDH 0 RDT 0"))
    #expect(reply(handler, "qRcmd,zz") == "E01")
  }

  @Test func monitorListsTheIDTWithHandlerSymbols() throws {
    let (machine, kernel, handler) = try fixture()
    machine.run(cycles: 100_000)  // kmain fills the IDT and loads it
    let idt = monitor(handler, "info idt")
    let stub = try #require(kernel.symbols["irq1_stub"])
    #expect(idt.contains("0x21      interrupt gate  0008:\(String(format: "%08x", stub))  DPL0  irq1_stub"))
    #expect(idt.contains("0x22-0xff interrupt gate"))
  }
}

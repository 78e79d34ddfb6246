import Testing

@testable import Emulator

/// `Machine.snapshot()` against a machine state worked out by hand: a guest that loads its own GDT and IDT, writes
/// the VGA text buffer and cursor, turns paging on with one page of its IDT unmapped, sets every general register
/// and halts with IF clear. Descriptor encodings follow the SDM (vol. 3 §3.4.5 segment descriptors, §6.11 gates).
@Suite struct MachineSnapshotTests {
  static let linkerScript = """
    ENTRY(_start)
    SECTIONS {
      . = 1M;
      .text : { KEEP(*(.multiboot)) *(.text*) }
      .rodata : { *(.rodata*) }
      .data : { *(.data*) }
      .bss : { *(COMMON) *(.bss*) }
      . = 0x200000;
      .paging : { *(.paging) }
      . = 0x205F80;
      .idtpage : { *(.idtpage) }
    }
    """

  static let source = """
    .section .multiboot, "a"
    .align 4
    .long 0x1BADB002, 0, -0x1BADB002

    .data
    .align 8
    gdt:
      .quad 0
      .quad 0x00CF9B000000FFFF  /* 0x08: code, base 0, 4 GiB, 32-bit, DPL 0, execute/read, accessed */
      .quad 0x00CF93000000FFFF  /* 0x10: data, base 0, 4 GiB, read/write, accessed */
      .quad 0x1240F33456780FFF  /* 0x18: data, base 0x12345678, limit 0xFFF bytes, DPL 3, read/write, accessed */
    gdt_end:
    gdt_descriptor:
      .word gdt_end - gdt - 1
      .long gdt
    idt_descriptor:
      .word 0xFF
      .long idt

    /* Page directory at 0x200000 (one table, PDE A clear), page table at 0x201000 mapping the first 4 MiB one to
       one with every A/D bit clear; the guest unmaps page 0x206000 itself. */
    .section .paging, "aw"
    page_directory:
      .long 0x201003
      .fill 1023, 4, 0
    page_table:
      .set address, 0
      .rept 1024
      .long address | 3
      .set address, address + 0x1000
      .endr

    /* 16 gates in the last 128 bytes of page 0x205000; vectors 16–31 would lie on the unmapped page. */
    .section .idtpage, "aw"
    idt:
      .long 0x00081234, 0x00108E00  /* 0: 32-bit interrupt gate, P, DPL 0, 0x08:0x00101234 */
      .long 0x00085678, 0x0010EF00  /* 1: 32-bit trap gate, P, DPL 3, 0x08:0x00105678 */
      .long 0x00280000, 0x00008500  /* 2: task gate, P, DPL 0, TSS selector 0x28 */
      .long 0x00081234, 0xABCD8600  /* 3: 16-bit interrupt gate, P: only offset bits 15–0 count */
      .long 0x00104321, 0x00004700  /* 4: 16-bit trap gate, not present, DPL 2, 0x10:0x4321 */
      .long 0x00080000, 0x00008C00  /* 5: type 0xC (a call gate): not a valid IDT gate */
      .fill 20, 4, 0                /* 6–15: empty */

    .text
    .globl _start
    _start:
      cli
      lgdt gdt_descriptor
      ljmp $0x08, $reload
    reload:
      movw $0x10, %ax
      movw %ax, %ds
      movw %ax, %es
      movw %ax, %ss
      movw $0x18, %ax
      movw %ax, %fs
      xorw %ax, %ax
      movw %ax, %gs
      lidt idt_descriptor
      movw $0x1F48, 0xB8000
      movw $0x1F69, 0xB8002
      movw $0x4E5A, 0xB8000 + (24 * 80 + 79) * 2
      movw $0x3D4, %dx
      movb $0x0E, %al
      outb %al, %dx
      incw %dx
      movb $0x00, %al
      outb %al, %dx
      decw %dx
      movb $0x0F, %al
      outb %al, %dx
      incw %dx
      movb $0xA5, %al
      outb %al, %dx
      movl $0, page_table + 0x206 * 4
      movl $page_directory, %eax
      movl %eax, %cr3
      movl $0x0BADF00D, %eax
      movl %eax, %cr2
      movl $0x80000011, %eax
      movl %eax, %cr0
      jmp paged
    paged:
      pushl $0x00000087
      popfl
      movl $0x11111111, %eax
      movl $0x22222222, %ecx
      movl $0x33333333, %edx
      movl $0x44444444, %ebx
      movl $0x55555555, %ebp
      movl $0x66666666, %esi
      movl $0x77777777, %edi
      movl $0x00180000, %esp
      hlt
    after_halt:
      .byte 0xEB, 0xFE
    """

  @Test func snapshotShowsTheHandWorkedMachineStateAndChangesNothing() throws {
    let kernel = try Toolchain.build(sources: ["boot.S": Self.source], linkerScript: Self.linkerScript)
    let symbols = try kernel.nm()
    let machine = Machine()
    try machine.boot(kernel: kernel.elf, fileName: "snapshot.elf")
    machine.run(cycles: 100_000)

    let pageTables = machine.memory.read(0x200000, count: 0x2000)
    let idtPTE = machine.memory.read32(0x201000 + 0x205 * 4)
    #expect(idtPTE == 0x205003, "the guest never touched its IDT's page with paging on: A and D clear")
    let snapshot = machine.snapshot()
    #expect(machine.memory.read(0x200000, count: 0x2000) == pageTables, "no accessed or dirty bit was set")
    #expect(machine.cpu.cr2 == 0x0BAD_F00D, "CR2 untouched by reading the unmapped page")

    let cpu = snapshot.processor
    #expect(
      cpu.registers == [
        0x1111_1111, 0x2222_2222, 0x3333_3333, 0x4444_4444, 0x0018_0000, 0x5555_5555,
        0x6666_6666, 0x7777_7777,
      ])
    #expect(cpu.eip == symbols["after_halt"], "HLT leaves EIP after itself")
    #expect(cpu.eflags == 0x87, "CF, PF, SF and the reserved bit 1 from POPF; IF clear")
    #expect(cpu.halted && cpu.cpl == 0)
    #expect(cpu.cr0 == 0x8000_0011 && cpu.cr2 == 0x0BAD_F00D && cpu.cr3 == 0x0020_0000 && cpu.cr4 == 0)
    #expect(cpu.gdtr.base == symbols["gdt"] && cpu.gdtr.limit == 31)
    #expect(cpu.idtr.base == 0x205F80 && cpu.idtr.limit == 0xFF)
    let cs = cpu.segment(.cs)
    #expect(cs.selector == 0x08 && cs.base == 0 && cs.limit == 0xFFFF_FFFF && cs.access == 0x9B)
    for register in [SegmentRegister.ds, .es, .ss] {
      let segment = cpu.segment(register)
      #expect(segment.selector == 0x10 && segment.base == 0 && segment.limit == 0xFFFF_FFFF && segment.access == 0x93)
    }
    let fs = cpu.segment(.fs)
    #expect(fs.selector == 0x18 && fs.base == 0x1234_5678 && fs.limit == 0xFFF && fs.access == 0xF3 && fs.dpl == 3)
    #expect(cpu.segment(.gs).selector == 0)

    #expect(snapshot.vectors.count == 32, "IDTR limit 0xFF: 32 gates")
    func gate(_ vector: Int) -> IDTGate? { snapshot.vectors.count > vector ? snapshot.vectors[vector].gate : nil }
    let v0 = try #require(gate(0))
    #expect(v0.kind == .interrupt32 && v0.present && v0.dpl == 0 && v0.selector == 0x08 && v0.offset == 0x0010_1234)
    let v1 = try #require(gate(1))
    #expect(v1.kind == .trap32 && v1.present && v1.dpl == 3 && v1.offset == 0x0010_5678)
    let v2 = try #require(gate(2))
    #expect(v2.kind == .task && v2.present && v2.selector == 0x28)
    let v3 = try #require(gate(3))
    #expect(v3.kind == .interrupt16 && v3.present && v3.offset == 0x1234)
    let v4 = try #require(gate(4))
    #expect(v4.kind == .trap16 && !v4.present && v4.dpl == 2 && v4.selector == 0x10 && v4.offset == 0x4321)
    let v5 = try #require(gate(5))
    #expect(v5.kind == .invalid && v5.present && v5.type == 0x0C)
    for vector in 6..<16 { #expect(gate(vector)?.present == false && gate(vector)?.kind == .invalid) }
    for vector in 16..<32 { #expect(gate(vector) == nil, "vector \(vector) lies on the unmapped page") }
    #expect(snapshot.vectors.allSatisfy { $0.deliveries == 0 })

    let screen = snapshot.screen
    #expect(screen.cells.count == 80 * 25)
    #expect(screen.cells.first == 0x1F48 && screen.cells.dropFirst().first == 0x1F69)
    #expect(screen.character(row: 24, column: 79) == 0x5A && screen.attribute(row: 24, column: 79) == 0x4E)
    #expect(screen.cursorRow == 2 && screen.cursorColumn == 5, "cursor location 0x00A5 = 165 = row 2, column 5")

    let code = snapshot.code
    let eip = try #require(symbols["after_halt"])
    #expect(code.start == eip - MachineSnapshot.codeBefore)
    #expect(code.bytes.count == Int(MachineSnapshot.codeBefore + MachineSnapshot.codeAfter))
    let at = Int(MachineSnapshot.codeBefore)
    #expect(code.bytes[at - 1] == 0xF4 && code.bytes[at] == 0xEB && code.bytes[at + 1] == 0xFE, "hlt; jmp $")
    #expect(machine.cpu.peekLinear(0x206000, count: 1) == [nil], "the unmapped page shows as unmapped")
    #expect(machine.memory.read(0x200000, count: 0x2000) == pageTables)
    #expect(machine.cpu.cr2 == 0x0BAD_F00D)
  }
}

import Testing

@testable import Dashboard
@testable import Emulator

struct CodePaneTests {
  @Test func disassemblyStartsAtTheSymbolAndMarksEIP() {
    // kmain: push ebp (55); mov ebp, esp (89 e5); nop (90) ← EIP; hlt (f4)
    let snapshot = SnapshotFixture.make {
      $0.processor.cr0 = 1
      $0.processor.eip = 0x0010_0003
      $0.code = MachineSnapshot.CodeWindow(start: 0x0010_0000, bytes: [0x55, 0x89, 0xE5, 0x90, 0xF4])
      $0.symbols = SymbolTable([.init(name: "kmain", address: 0x0010_0000, size: 5, kind: .function)])
    }
    let (canvas, _) = SnapshotFixture.render(.code, snapshot, width: 30, height: 9)
    #expect(
      SnapshotFixture.trimmed(canvas) == [
        "kmain:",
        "  00100000  push ebp",
        "  00100001  mov ebp, esp",
        "▶ 00100003  nop",
        "  00100004  hlt",
        "", "", "", "",
      ])
    #expect(canvas[3, 0].style == .role(.active))
    #expect(canvas.style(of: "kmain:", row: 0) == .role(.symbol))
  }

  @Test func withoutASymbolTheListingSynchronisesOnEIP() {
    // The window starts inside "mov eax, 0x11223344" (b8 44 33 22 11): decoding from byte 0 would not land on EIP
    // (0x1005, the nop); from byte 1 it does not either; the listing is the one that does.
    let snapshot = SnapshotFixture.make {
      $0.processor.cr0 = 1
      $0.processor.eip = 0x1005
      $0.code = MachineSnapshot.CodeWindow(start: 0x1000, bytes: [0xB8, 0x44, 0x33, 0x22, 0x11, 0x90, 0xF4])
    }
    let (canvas, _) = SnapshotFixture.render(.code, snapshot, width: 34, height: 3)
    #expect(
      SnapshotFixture.trimmed(canvas) == [
        "  00001000  mov eax, 0x11223344",
        "▶ 00001005  nop",
        "  00001006  hlt",
      ])
  }
}

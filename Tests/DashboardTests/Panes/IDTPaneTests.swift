import Testing

@testable import Dashboard
@testable import Emulator

struct IDTPaneTests {
  /// 256 vectors: an interrupt gate to kbd_isr at 0x21 (delivered 5 times), a DPL-3 trap gate at 0x80, the rest not
  /// present.
  static func snapshot(isr: UInt16 = 0) -> MachineSnapshot {
    SnapshotFixture.make {
      $0.vectors = (0..<256).map { number in
        switch number {
        case 0x21:
          MachineSnapshot.Vector(
            number: number, gate: SnapshotFixture.gate(selector: 8, offset: 0x0010_1000), deliveries: 5)
        case 0x80:
          MachineSnapshot.Vector(
            number: number, gate: SnapshotFixture.gate(selector: 8, offset: 0x0010_2000, type: 0xF, dpl: 3),
            deliveries: 0)
        default:
          MachineSnapshot.Vector(
            number: number, gate: SnapshotFixture.gate(selector: 0, offset: 0, present: false), deliveries: 0)
        }
      }
      $0.pic = SnapshotFixture.pic(isr: isr)
      $0.symbols = SymbolTable([
        .init(name: "kbd_isr", address: 0x0010_1000, size: 0x20, kind: .function),
        .init(name: "syscall_entry", address: 0x0010_2000, size: 0x20, kind: .function),
      ])
    }
  }

  @Test func rowsNameExceptionsIRQsAndTheSyscallVector() {
    var state = DashboardState()
    state.idtFollowsInFlight = false
    let (canvas, _) = SnapshotFixture.render(.idt, Self.snapshot(), state: state, width: 70, height: 4)
    let lines = SnapshotFixture.trimmed(canvas)
    #expect(lines[0] == "## what                taken type   PD sel:offset    handler")
    #expect(lines[1] == "00 #DE divide error        0 int32  -0 0000:00000000")
    #expect(lines[3] == "02 NMI                     0 int32  -0 0000:00000000")
    state.scroll[.idt] = 0x21
    let (irq, _) = SnapshotFixture.render(.idt, Self.snapshot(), state: state, width: 70, height: 2)
    #expect(SnapshotFixture.trimmed(irq)[1] == "21 IRQ 1 (keyboard)        5 int32  P0 0008:00101000 kbd_isr")
    state.scroll[.idt] = 0x80
    let (syscall, _) = SnapshotFixture.render(.idt, Self.snapshot(), state: state, width: 70, height: 2)
    #expect(SnapshotFixture.trimmed(syscall)[1] == "80 syscall                 0 trap32 P3 0008:00102000 syscall_entry")
  }

  /// In a side column (37 cells at 160×50) the type and selector:offset give way so the handler still shows.
  @Test func aNarrowPaneKeepsTheHandlerAndDropsTypeAndSelector() {
    var state = DashboardState()
    state.idtFollowsInFlight = false
    let (top, _) = SnapshotFixture.render(.idt, Self.snapshot(), state: state, width: 37, height: 2)
    #expect(SnapshotFixture.trimmed(top) == ["## what       taken PD handler", "00 #DE            0 -0"])
    state.scroll[.idt] = 0x21
    let (irq, _) = SnapshotFixture.render(.idt, Self.snapshot(), state: state, width: 37, height: 2)
    #expect(SnapshotFixture.trimmed(irq)[1] == "21 IRQ1 kbd       5 P0 kbd_isr")
    state.scroll[.idt] = 0x80
    let (syscall, _) = SnapshotFixture.render(.idt, Self.snapshot(), state: state, width: 37, height: 2)
    #expect(SnapshotFixture.trimmed(syscall)[1] == "80 syscall        0 P3 syscall_entry")
    // At the full width the same rows keep every column.
    let (wide, _) = SnapshotFixture.render(.idt, Self.snapshot(), state: state, width: IDTPane.fullWidth, height: 2)
    #expect(SnapshotFixture.trimmed(wide)[1].hasPrefix("80 syscall                 0 trap32 P3 0008:00102000"))
  }

  @Test func theVectorInFlightIsHighlightedAndKeptInView() {
    // ISR bit 1 on the master: vector 0x20 + 1 is being handled. Following it, the 9 rows start a third above it.
    let (canvas, _) = SnapshotFixture.render(.idt, Self.snapshot(isr: 0x0002), width: 70, height: 10)
    let lines = SnapshotFixture.trimmed(canvas)
    #expect(lines[1].hasPrefix("1e "))
    #expect(lines[4].hasPrefix("21 IRQ 1 (keyboard)"))
    #expect(canvas[4, 0].style == .role(.active))
    #expect(canvas[4, 60].style == .role(.active))
    #expect(canvas[3, 0].style != .role(.active))
  }

  @Test func theSlavesVectorInServiceIsTheOneInFlight() {
    // Master ISR bit 2 (the cascade) and slave ISR bit 3: IRQ 11, vector 0x28 + 3.
    #expect(InFlight.vector(Self.snapshot(isr: 0x0804)) == 0x2B)
  }
}

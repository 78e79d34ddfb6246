import Testing

@testable import Dashboard
@testable import Emulator

struct RingPaneTests {
  /// A 4-slot RX ring: slot 0 filled (DD|EOP, 64 bytes) and not yet given back, RDH 1 and RDT 0, so the card owns
  /// slots 1–3 (from RDH up to RDT, wrapping). A 2-slot TX ring, both sent and back with the driver.
  static func snapshot() -> MachineSnapshot {
    SnapshotFixture.make {
      $0.nic.rdh = 1
      $0.nic.rdt = 0
      $0.nic.framesDelivered = 1
      $0.nic.framesMissed = 2
      $0.nic.missedByReason = ["ring full": 2]
      $0.nic.framesSent = 2
      $0.nic.rxRing = (0..<4).map { index in
        E1000State.RxSlot(
          index: index, bufferAddress: 0x0020_0000 + UInt64(index) * 0x800, length: index == 0 ? 64 : 0,
          status: index == 0 ? 0x03 : 0, ownedByCard: index != 0)
      }
      $0.nic.tdh = 0
      $0.nic.tdt = 0
      $0.nic.txRing = (0..<2).map { index in
        E1000State.TxSlot(
          index: index, bufferAddress: 0x0030_0000 + UInt64(index) * 0x800, length: 42, command: 0x0B, status: 0x01,
          queued: false)
      }
    }
  }

  @Test func descriptorsShowOwnerStatusAndTheHeadAndTailMarks() {
    let (canvas, _) = SnapshotFixture.render(.ring, Self.snapshot(), width: 40, height: 12)
    #expect(
      SnapshotFixture.trimmed(canvas) == [
        "RX RDH 1 RDT 0  recv 1 missed 2",
        " # buffer    len  DD EOP own",
        " 0 00200000   64 DD EOP drv  ◀T",
        " 1 00200800    0 ·· ··· card ◀H",
        " 2 00201000    0 ·· ··· card",
        " 3 00201800    0 ·· ··· card",
        "TX TDH 0 TDT 0  sent 2",
        " 0 00300000   42 DD EOP drv  ◀HT",
        " 1 00300800   42 DD EOP drv",
        "missed: ring full 2",
        "", "",
      ])
    #expect(canvas.style(of: "DD", row: 2) == .role(.good))
    #expect(canvas.style(of: "missed 2", row: 0) == .role(.warning))
  }

  @Test func clickingADescriptorSelectsItAndItsBufferIsPreviewed() {
    let (_, targets) = SnapshotFixture.render(.ring, Self.snapshot(), width: 40, height: 12)
    let (state, _) = KeyDispatch.handle(
      .mouse(MouseEvent(row: 2, column: 5, action: .press(button: 1))), state: DashboardState(), targets: targets)
    #expect(state.selectedDescriptor == DescriptorRef(.rx, 0))
    #expect(state.focused == .ring)
    var withBytes = state
    withBytes.descriptorPreview = Array("Hello, ring!".utf8) + [0x00, 0xFF]
    let (canvas, _) = SnapshotFixture.render(.ring, Self.snapshot(), state: withBytes, width: 40, height: 14)
    let lines = SnapshotFixture.trimmed(canvas)
    #expect(canvas.style(of: "00200000", row: 2) == .role(.selected))
    #expect(lines.contains("RX #0 buffer, 14 bytes"))
    #expect(lines.contains("0000 48 65 6c 6c 6f 2c 20 72  Hello, r"))
    #expect(lines.contains("0008 69 6e 67 21 00 ff        ing!.."))
  }

  @Test func withoutBytesThePreviewSaysSo() {
    var state = DashboardState()
    state.selectedDescriptor = DescriptorRef(.tx, 1)
    let (canvas, _) = SnapshotFixture.render(.ring, Self.snapshot(), state: state, width: 40, height: 14)
    #expect(SnapshotFixture.trimmed(canvas).contains("TX #1: buffer bytes not available"))
  }
}

struct DescriptorSelectionTests {
  @Test func theCallerIsToldWhichBufferToReadForThePreview() {
    var state = DashboardState()
    state.selectedDescriptor = DescriptorRef(.rx, 0)
    let request = state.previewRequest(in: RingPaneTests.snapshot())
    #expect(request?.address == 0x0020_0000)
    #expect(request?.length == 64)
    state.selectedDescriptor = DescriptorRef(.tx, 1)
    #expect(state.previewRequest(in: RingPaneTests.snapshot())?.address == 0x0030_0800)
  }

  @Test func aSelectionPastTheRingsEndIsPulledBackOnTheNextSnapshot() {
    var state = DashboardState()
    state.focused = .ring
    state.selectedDescriptor = DescriptorRef(.rx, 2)
    for _ in 0..<5 {
      state = KeyDispatch.handle(.control("a"), state: state).0; state = KeyDispatch.handle(.down, state: state).0
    }
    #expect(state.selectedDescriptor == DescriptorRef(.rx, 7))
    state.observe(RingPaneTests.snapshot(), previous: nil)
    #expect(state.selectedDescriptor == DescriptorRef(.rx, 3))  // the ring has 4 slots
  }
}

import Testing

@testable import Emulator

/// The packet path end to end with the e1000 driver kernel built from Guest/net: host frame → wire → card (DMA into
/// the descriptor ring) → IRQ 11 → slave 8259A → master IR2 → INTR → INTA → IDT gate `nic_entry` → the driver
/// walks the ring, logs the frame and gives the descriptor back → EOI to both PICs.
///
/// Expected values come from the driver's source (16-descriptor ring, RDH = 0 and RDT = 15, 2048-byte buffers, the
/// PIC remapped to 0x20/0x28), the 8254x manual (the card owns RDH up to but not including RDT; RXDMT0 at half the
/// ring with RDMTS = 00; a frame with no free descriptor is missed: MPC, RXO) and the wire's 1 Gb/s timing: a frame
/// of L bytes (without FCS) holds the wire for (8 + max(L, 60) + 4 + 12) × 8 ns, i.e. 72 cycles of 10 ns for the
/// 66-byte default datagram.
@Suite(.serialized)
struct NetworkEndToEndTests {
  /// The card's MAC in the EEPROM: QEMU's default for the first NIC.
  static let cardMAC: [UInt8] = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56]
  /// The sender of generated datagrams: QEMU user-net's gateway.
  static let peerMAC: [UInt8] = [0x52, 0x55, 0x0A, 0x00, 0x02, 0x02]
  /// Cycles a 66-byte default datagram ("irqscope packet #000001\n" after 42 header bytes) holds the wire:
  /// (8 + 66 + 4 + 12) bytes × 8 ns = 720 ns.
  static let defaultFrameSlot: UInt64 = 72
  /// Free descriptors the driver gives the card: RDH 0 up to RDT 15.
  static let freeDescriptors = 15

  @Test func driverBuiltFromSourceIsByteIdenticalToTheCommittedKernel() throws {
    let built = try NetDriverKernel.shared.get()
    let committed = try #require(BuiltInKernels.benchNet)
    #expect(built.elf.count == committed.count)
    #expect(built.elf == committed, "Guest/build-bench.sh was not rerun after Guest/net changed")
  }

  @Test func driverFindsTheCardThroughPCIAndSetsUpItsSixteenDescriptorRing() throws {
    let run = try NetDriverRun()
    #expect(try run.value("nic_found") == 1)
    #expect(try run.value("nic_bar0") == 0xFEBC_0000)
    #expect(try run.value("nic_irq_line") == 11)
    #expect(try run.bytes("nic_mac", count: 6) == Self.cardMAC)
    #expect(try run.value("exception_vector") == 0xFFFF_FFFF)

    let nic = run.machine.nic.state
    #expect(nic.rdba == UInt64(try run.kernel.address("rx_ring")))
    #expect(nic.rdlen == 16 * 16)  // 16 descriptors of 16 bytes
    #expect(nic.rdh == 0)
    #expect(nic.rdt == 15)
    #expect(nic.rctl & 0x2 != 0)  // EN
    #expect(nic.rctl & 0x8000 != 0)  // BAM
    #expect(nic.rctl & 0x400_0000 != 0)  // SECRC
    #expect(nic.receiveBufferSize == 2048)  // BSIZE 00
    #expect(nic.ims == 0x80 | 0x40 | 0x10)  // RXT0 | RXO | RXDMT0
    let buffers = try run.kernel.address("rx_buffers")
    #expect(nic.rxRing.map(\.bufferAddress) == (0..<16).map { UInt64(buffers) + UInt64($0) * 2048 })
    #expect(nic.rxRing.map(\.ownedByCard) == (0..<16).map { $0 < 15 })

    // Remapped to 0x20/0x28; only the cascade (master IR2) and IRQ 11 (slave IR3) unmasked.
    let pics = run.machine.pics.state
    #expect(pics.master.base == 0x20)
    #expect(pics.slave.base == 0x28)
    #expect(pics.master.imr == 0xFB)
    #expect(pics.slave.imr == 0xF7)
  }

  @Test func injectedFramesReachTheDriverThroughTheCascadeWithTheirPayloadsInMemory() throws {
    let run = try NetDriverRun()
    let payloads = ["alpha", "bravo frame two", "charlie is the third frame here"].map { Array($0.utf8) }
    // 42 header bytes + payload, padded to the 60-byte minimum: 47 → 60, 57 → 60, 73.
    let lengths = [60, 60, 73]
    for payload in payloads {
      try run.machine.injectPacket(payload: payload)
      run.run(microseconds: 1_000)
    }

    #expect(try run.value("rx_frames") == 3)
    #expect(try run.value("rx_bytes") == 60 + 60 + 73)
    #expect(try run.value("rx_interrupts") == 3)
    #expect(try run.value("rx_eop_missing") == 0)
    let ring = try run.kernel.address("rx_ring")
    for (n, payload) in payloads.enumerated() {
      let logged = try run.logged(frame: n)
      #expect(try run.loggedLength(frame: n) == lengths[n])
      try #require(logged.count == min(lengths[n], 64))  // the log keeps a frame's first 64 bytes
      #expect(Array(logged[0..<6]) == Self.cardMAC)
      #expect(Array(logged[6..<12]) == Self.peerMAC)
      #expect(Array(logged[12..<14]) == [0x08, 0x00])  // IPv4
      // The payload, then the zeros that pad a short datagram to the 60-byte minimum.
      let padded = payload + [UInt8](repeating: 0, count: max(0, 60 - 42 - payload.count))
      #expect(Array(logged[42...]) == Array(padded.prefix(logged.count - 42)))
      // The frame is still in the ring buffer the card wrote (slot n: the ring started at RDH 0).
      #expect(Array(try run.buffer(slot: n, count: 42 + payload.count)[42...]) == payload)
      // Descriptor write-back: the length stays; the driver cleared the status when it took the frame.
      #expect(run.machine.memory.read16(ring + UInt32(16 * n) + 8) == UInt16(lengths[n]))
      #expect(run.machine.memory.read8(ring + UInt32(16 * n) + 12) == 0)
    }
    #expect(run.machine.nic.state.rdh == 3)
    #expect(run.machine.nic.state.rdt == 2)  // the driver gave back slot 2 last

    let received = run.events(.rx)
    #expect(received.map(\.ringSlot) == [0, 1, 2])
    #expect(received.map(\.descriptors) == [1, 1, 1])
    #expect(received.map(\.frameLength) == lengths)
    #expect(received.allSatisfy { $0.source == "nic" })
    #expect(received.first?.detail == "UDP 10.0.2.2:5555 → 10.0.2.15:7 len 60")

    let interrupts = run.nicInterrupts
    #expect(interrupts.count == 3)
    let entry = try run.kernel.address("nic_entry")
    for (n, event) in interrupts.enumerated() {
      #expect(event.vector == 0x2B)  // slave base 0x28 + IR3
      #expect(event.source == "nic")
      let before = try #require(event.picBefore)
      let after = try #require(event.picAfter)
      #expect(before.slaveIRR & 0x08 == 0x08)
      #expect(before.slaveISR & 0x08 == 0)
      #expect(after.slaveISR & 0x08 == 0x08)
      #expect(before.masterIRR & 0x04 == 0x04)  // the slave's INT on the master's IR2
      #expect(after.masterISR & 0x04 == 0x04)
      #expect(event.handler == entry)
      #expect(event.handlerSymbol == "nic_entry")
      #expect(try #require(event.eoiCycle) > event.cycle)
      #expect(event.latencyCycles != nil)
      // Each interrupt follows its frame's write-back (at once: the CPU waits in HLT) and ends before the next.
      #expect(event.cycle >= received[n].cycle)
      if n + 1 < received.count { #expect(try #require(event.eoiCycle) < received[n + 1].cycle) }
    }
    let pics = run.machine.pics.state
    #expect(pics.master.isr == 0)
    #expect(pics.slave.isr == 0)
    #expect(!run.machine.nic.irqLevel)
  }

  @Test func ringFullDropsUnderASlowDriverAreCountedInMPCExactly() throws {
    // slow=20000: the driver spends well over 100,000 cycles on each frame, so the whole 40-frame burst (40 × 72
    // cycles) arrives while it handles the first: 15 free descriptors take frames 1–15, frames 16–40 are missed.
    let run = try NetDriverRun(commandLine: "quiet slow=20000")
    let start = run.machine.cpu.cycles
    try run.machine.injectBurst(40)
    run.run(microseconds: 40_000)

    let missed = 40 - Self.freeDescriptors
    let nic = run.machine.nic
    #expect(nic.framesInjected == 40)
    #expect(nic.framesDelivered == Self.freeDescriptors)
    #expect(nic.missed[.ringFull] == missed)
    #expect(nic.framesMissed == missed)
    #expect(try run.value("mpc_total") == UInt32(missed))
    #expect(try run.value("rx_frames") == UInt32(Self.freeDescriptors))
    // One interrupt for the first frame; the drops (RXO) and RXDMT0 after its ICR read make the second.
    #expect(try run.value("rx_interrupts") == 2)
    #expect(try run.value("rxo_seen") == 1)
    #expect(try run.value("rxdmt0_seen") == 1)
    #expect(nic.state.mpc == 0)  // the driver's read cleared it

    let dropped = run.events(.dropped)
    #expect(dropped.count == missed)
    #expect(dropped.allSatisfy { $0.source == "nic" })
    #expect(dropped.allSatisfy { $0.detail?.contains("no free receive descriptor (RDH 15, RDT 15)") == true })
    // Frame k arrives k wire slots after the burst starts: frames 1–15 into slots 0–14, then each of 16–40 lost.
    #expect(run.events(.rx).map(\.cycle) == (1...15).map { start + UInt64($0) * Self.defaultFrameSlot })
    #expect(run.events(.rx).map(\.ringSlot) == (0..<15).map { $0 })
    #expect(dropped.map(\.cycle) == (16...40).map { start + UInt64($0) * Self.defaultFrameSlot })
  }

  /// Injects `count` frames with IRQ 11 masked, then lets the driver take them in one interrupt; returns how its
  /// counters moved.
  func round(_ run: NetDriverRun, frames count: Int) throws -> (rx: UInt32, rxdmt0: UInt32, rxo: UInt32, mpc: UInt32) {
    let names = ["rx_frames", "rxdmt0_seen", "rxo_seen", "mpc_total"]
    let before = try names.map { try run.value($0) }
    run.machine.setMask(irq: 11, masked: true)
    try run.machine.injectBurst(count)
    run.run(microseconds: 500)
    run.machine.setMask(irq: 11, masked: false)
    run.run(microseconds: 1_000)
    let after = try names.map { try run.value($0) }
    let delta = zip(after, before).map { $0 &- $1 }
    return (delta[0], delta[1], delta[2], delta[3])
  }

  @Test func rxdmt0AtHalfTheRingAndRXOExactlyWhenTheRingRunsOut() throws {
    let run = try NetDriverRun()
    let interruptsBefore = try run.value("rx_interrupts")
    // Each round starts with 15 free descriptors (the driver gave every one back). RXDMT0 (RDMTS = 00) fires when
    // the free count falls to 16 / 2 = 8: after the 7th frame, not the 6th. RXO when a frame finds none free: the
    // 16th, not the 15th.
    let six = try round(run, frames: 6)
    #expect(six.rx == 6 && six.rxdmt0 == 0 && six.rxo == 0 && six.mpc == 0)
    let seven = try round(run, frames: 7)
    #expect(seven.rx == 7 && seven.rxdmt0 == 1 && seven.rxo == 0 && seven.mpc == 0)
    let fifteen = try round(run, frames: 15)
    #expect(fifteen.rx == 15 && fifteen.rxdmt0 == 1 && fifteen.rxo == 0 && fifteen.mpc == 0)
    #expect(run.events(.dropped).isEmpty)
    let start = run.machine.cpu.cycles
    let sixteen = try round(run, frames: 16)
    #expect(sixteen.rx == 15 && sixteen.rxdmt0 == 1 && sixteen.rxo == 1 && sixteen.mpc == 1)
    // The one lost frame is the 16th, lost the moment it arrived.
    #expect(run.events(.dropped).map(\.cycle) == [start + 16 * Self.defaultFrameSlot])
    #expect(try run.value("rx_interrupts") - interruptsBefore == 4)  // one per round: the level stays up till ICR
    #expect(run.machine.nic.framesDelivered == 6 + 7 + 15 + 15)
    #expect(!run.machine.nic.irqLevel)
    #expect(run.machine.pics.state.slave.irr & 0x08 == 0)
  }

  @Test func floodOf100000FramesKeepsInjectedEqualToDeliveredPlusMissed() throws {
    let run = try NetDriverRun(commandLine: "quiet slow=100", tracing: false)
    let total = 100_000
    try run.machine.injectBurst(total)
    run.run(microseconds: UInt64(total) * 720 / 1_000 + 5_000)  // the burst's time on the wire, and a drain
    #expect(run.machine.wire.queued == 0)
    #expect(run.machine.wire.dropped == 0)

    let nic = run.machine.nic
    #expect(nic.framesInjected == total)
    #expect(nic.framesDelivered + nic.framesMissed == total)
    #expect(nic.missed[.ringFull] == nic.framesMissed)
    #expect(nic.framesDelivered > 0)
    #expect(nic.framesMissed > 0)
    #expect(try run.value("rx_frames") == UInt32(nic.framesDelivered))
    #expect(try run.value("mpc_total") == UInt32(nic.framesMissed))
    #expect(try run.value("rx_eop_missing") == 0)
    #expect(try run.value("exception_vector") == 0xFFFF_FFFF)
    #expect(run.machine.resets.isEmpty)
    // Drained: the driver has taken every frame and given every descriptor back.
    #expect(run.machine.nic.state.rxRing.allSatisfy { $0.status == 0 })
    let state = run.machine.nic.state
    #expect((state.rdt + 1) % 16 == state.rdh)
  }

  /// A 60-byte frame of an experimental EtherType (0x88B5) from `source` to the card, so the trace shows its MACs.
  static func experimentalFrame(from source: [UInt8], text: String) -> [UInt8] {
    let body = Array(text.utf8)
    return cardMAC + source + [0x88, 0xB5] + body + [UInt8](repeating: 0, count: 60 - 14 - body.count)
  }

  @Test func echoModeSendsEachFrameBackWithTheMACsSwapped() throws {
    let run = try NetDriverRun(commandLine: "quiet echo")
    let sources: [[UInt8]] = (1...3).map { [0x02, 0, 0, 0, 0, UInt8($0)] }
    let frames = sources.enumerated().map { Self.experimentalFrame(from: $1, text: "echo me #\($0 + 1)") }
    for frame in frames {
      #expect(run.machine.inject(frame: frame))
      run.run(microseconds: 1_000)
    }

    #expect(try run.value("rx_frames") == 3)
    #expect(try run.value("tx_frames") == 3)
    #expect(run.machine.nic.framesSent == 3)
    let expected = zip(frames, sources).map { frame, source in source + Self.cardMAC + Array(frame[12...]) }
    #expect(run.machine.nic.recentSent == expected)

    let received = run.events(.rx)
    let sent = run.events(.tx)
    #expect(
      received.map(\.detail) == [
        "EtherType 0x88B5 02:00:00:00:00:01 → 52:54:00:12:34:56 len 60",
        "EtherType 0x88B5 02:00:00:00:00:02 → 52:54:00:12:34:56 len 60",
        "EtherType 0x88B5 02:00:00:00:00:03 → 52:54:00:12:34:56 len 60",
      ])
    #expect(
      sent.map(\.detail) == [
        "EtherType 0x88B5 52:54:00:12:34:56 → 02:00:00:00:00:01 len 60",
        "EtherType 0x88B5 52:54:00:12:34:56 → 02:00:00:00:00:02 len 60",
        "EtherType 0x88B5 52:54:00:12:34:56 → 02:00:00:00:00:03 len 60",
      ])
    #expect(sent.allSatisfy { $0.source == "nic" && $0.frameLength == 60 && $0.ringSlot == nil })
    // Each echo goes out while the driver handles its frame: after the frame arrived, before the next one.
    for n in 0..<3 {
      #expect(sent[n].cycle > received[n].cycle)
      if n < 2 { #expect(sent[n].cycle < received[n + 1].cycle) }
    }
    // The card wrote DD back into the three descriptors the driver queued (RS set) and caught up with the tail.
    let tx = run.machine.nic.state
    #expect(tx.tdh == 3 && tx.tdt == 3)
    let ring = try run.kernel.address("tx_ring")
    for slot in 0..<3 { #expect(run.machine.memory.read8(ring + UInt32(16 * slot) + 12) & 0x01 == 0x01) }
  }
}

/// The 82540EM's receive path: filtering, DMA into the descriptor ring, write-back, interrupt causes.
extension E1000 {
  /// Legacy receive descriptor layout (16 bytes): buffer address, length, checksum, status, errors, special.
  enum RxDescriptor {
    static let size: UInt32 = 16
    static let length: UInt32 = 8
    static let checksum: UInt32 = 10
    static let status: UInt32 = 12
    static let errors: UInt32 = 13
    static let special: UInt32 = 14
  }

  /// Where the receive ring lies and how it stands.
  struct ReceiveRing {
    let base: UInt64
    let count: UInt32
    let head: UInt32
    let tail: UInt32

    /// Descriptors the card owns: from head up to, not including, tail (none when they are equal).
    var free: UInt32 { tail >= head ? tail - head : count - head + tail }
    /// A ring the card can use at all: a length and head/tail inside it.
    var isUsable: Bool { count > 0 && head < count && tail < count }
  }

  var receiveRing: ReceiveRing {
    ReceiveRing(
      base: register64(low: E1000Register.rdbal, high: E1000Register.rdbah),
      count: register(E1000Register.rdlen) / RxDescriptor.size,
      head: register(E1000Register.rdh), tail: register(E1000Register.rdt))
  }

  /// RCTL.BSIZE (with BSEX): the size of every receive buffer.
  var receiveBufferSize: Int {
    let code = (register(E1000Register.rctl) >> 16) & 3
    let size = [2048, 1024, 512, 256][Int(code)]
    if register(E1000Register.rctl) & E1000Bits.rctlBSEX != 0 && code != 0 { return size * 16 }
    return size
  }

  /// A frame arrives from the wire (without its FCS). Returns what became of it.
  @discardableResult
  public func receive(_ frame: [UInt8]) -> ReceiveOutcome {
    framesInjected += 1
    let outcome = deliver(frame)
    if case .missed(let reason) = outcome {
      missed[reason, default: 0] += 1
      if reason != .filtered {
        increment(E1000Register.mpc)
        raise(E1000Bits.rxo)
      }
    } else {
      framesDelivered += 1
    }
    onReceive?(frame, outcome)
    return outcome
  }

  private func deliver(_ frame: [UInt8]) -> ReceiveOutcome {
    let rctl = register(E1000Register.rctl)
    guard rctl & E1000Bits.rctlEN != 0 else { return .missed(.receiverDisabled) }
    guard accepts(destination: frame) else { return .missed(.filtered) }
    guard busMasterEnabled else { return .missed(.busMasterDisabled) }
    // Runts are padded to the 60-byte minimum, as a sender's MAC would have; the FCS follows unless SECRC strips it.
    var data = frame
    if data.count < 60 { data += repeatElement(0, count: 60 - data.count) }
    if rctl & E1000Bits.rctlSECRC == 0 {
      let fcs = EthernetCRC.crc32(data)
      data += [UInt8(fcs & 0xFF), UInt8(fcs >> 8 & 0xFF), UInt8(fcs >> 16 & 0xFF), UInt8(fcs >> 24)]
    }
    let ring = receiveRing
    let bufferSize = receiveBufferSize
    let needed = UInt32((data.count + bufferSize - 1) / bufferSize)
    guard ring.isUsable, ring.free >= needed else { return .missed(.ringFull) }

    var head = ring.head
    var offset = 0
    while offset < data.count {
      let chunk = min(bufferSize, data.count - offset)
      let last = offset + chunk == data.count
      let descriptor = ring.base &+ UInt64(head) &* UInt64(RxDescriptor.size)
      writeBack(descriptor: descriptor, data: data, range: offset..<offset + chunk, last: last)
      offset += chunk
      head = head + 1 == ring.count ? 0 : head + 1
    }
    setRegister(E1000Register.rdh, head)

    increment(E1000Register.gprc)
    increment(E1000Register.tpr)
    count(octets: data.count, low: E1000Register.gorcl, high: E1000Register.gorch)
    count(octets: data.count, low: E1000Register.torl, high: E1000Register.torh)
    if Self.isBroadcast(frame) {
      increment(E1000Register.bprc)
    } else if frame[0] & 1 != 0 {
      increment(E1000Register.mprc)
    }

    // RXDMT0 when the free descriptors have fallen to the RDMTS fraction: 1/2, 1/4 or 1/8 of the ring.
    let remaining = ring.free - needed
    let shift = (rctl >> 8) & 3
    if shift < 3 && remaining <= ring.count >> (shift + 1) { raise(E1000Bits.rxdmt0) }
    frameWrittenBack()
    return .delivered(firstSlot: Int(ring.head), descriptors: Int(needed))
  }

  /// DMA: the buffer's data first, then the descriptor's length, checksum, errors and special, and the status
  /// byte with DD last, so a driver that sees DD sees the rest.
  private func writeBack(descriptor: UInt64, data: [UInt8], range: Range<Int>, last: Bool) {
    guard let address = physical(descriptor, count: Int(RxDescriptor.size)) else {
      dmaErrors += 1
      return
    }
    let buffer = bufferAddress(inDescriptorAt: address)
    if let target = physical(buffer, count: range.count) {
      data.withUnsafeBytes { bytes in
        memory.bytes.advanced(by: Int(target)).copyMemory(
          from: bytes.baseAddress!.advanced(by: range.lowerBound), byteCount: range.count)
      }
    } else {
      dmaErrors += 1
    }
    memory.write16(address &+ RxDescriptor.length, UInt16(range.count))
    memory.write16(address &+ RxDescriptor.checksum, 0)
    memory.write8(address &+ RxDescriptor.errors, 0)
    memory.write16(address &+ RxDescriptor.special, 0)
    memory.write8(
      address &+ RxDescriptor.status, E1000Bits.rxDD | E1000Bits.rxIXSM | (last ? E1000Bits.rxEOP : 0))
  }

  /// A 64-bit bus address as a RAM address, when all `count` bytes lie in RAM.
  func physical(_ address: UInt64, count: Int) -> UInt32? {
    guard address <= UInt64(UInt32.max), memory.contains(UInt32(address), count: count) else { return nil }
    return UInt32(address)
  }

  /// RXT0 at once, or when the receive delay timer (RDTR × 1.024 µs, restarted by every frame) runs out.
  private func frameWrittenBack() {
    let delay = UInt64(register(E1000Register.rdtr) & 0xFFFF)
    guard delay != 0 else {
      raise(E1000Bits.rxt0)
      return
    }
    cancelDelayTimer()
    delayTimer = scheduler.schedule(
      after: Scheduler.cycles(nanoseconds: delay * 1024), device: "nic", what: "receive delay timer (RDTR) expires"
    ) { [unowned self] in
      delayTimer = nil
      delayTimerExpired()
    }
  }

  func delayTimerExpired() {
    cancelDelayTimer()
    raise(E1000Bits.rxt0)
  }

  func cancelDelayTimer() {
    if let timer = delayTimer {
      scheduler.cancel(timer)
      delayTimer = nil
    }
  }

  static func isBroadcast(_ frame: [UInt8]) -> Bool {
    frame.count >= 6 && frame[0] & frame[1] & frame[2] & frame[3] & frame[4] & frame[5] == 0xFF
  }

  /// The receive filters (§3.2.1): an exact match in the receive address array, broadcast with BAM, multicast with
  /// MPE or a set MTA bit, anything with UPE (unicast) or MPE (multicast) promiscuous mode.
  func accepts(destination frame: [UInt8]) -> Bool {
    guard frame.count >= 6 else { return false }
    let rctl = register(E1000Register.rctl)
    let address = frame
    if Self.isBroadcast(frame) { return rctl & E1000Bits.rctlBAM != 0 || rctl & E1000Bits.rctlMPE != 0 }
    let multicast = address[0] & 1 != 0
    if multicast {
      if rctl & E1000Bits.rctlMPE != 0 { return true }
      // MO selects which 12 bits of the address index the 4096-bit table.
      let shift = [4, 3, 2, 0][Int((rctl >> 12) & 3)]
      let bits = (UInt32(address[4]) >> UInt32(shift) | UInt32(address[5]) << UInt32(8 - shift)) & 0xFFF
      return register(E1000Register.mta + (bits >> 5) * 4) >> (bits & 31) & 1 != 0
    }
    if rctl & E1000Bits.rctlUPE != 0 { return true }
    let low = UInt32(address[0]) | UInt32(address[1]) << 8 | UInt32(address[2]) << 16 | UInt32(address[3]) << 24
    let high = UInt32(address[4]) | UInt32(address[5]) << 8
    for entry in 0..<16 {
      let rah = register(E1000Register.rah0 + UInt32(entry) * 8)
      if rah & E1000Bits.rahAV != 0 && rah & 0xFFFF == high && register(E1000Register.ral0 + UInt32(entry) * 8) == low {
        return true
      }
    }
    return false
  }
}

/// The 82540EM's transmit path: the descriptors from TDH up to TDT are read, their buffers gathered into frames,
/// and status written back.
extension E1000 {
  /// Transmit descriptor layout (16 bytes). Legacy: address, length, CSO, CMD, status, CSS, special. Extended data
  /// descriptors keep the length in bits 19:0 of the word at 8, the type (DTYP) in bits 23:20 and DCMD in 31:24;
  /// the status byte is at the same place.
  enum TxDescriptor {
    static let size: UInt32 = 16
    static let length: UInt32 = 8
    static let command: UInt32 = 11
    static let status: UInt32 = 12
  }

  /// Longest frame the card assembles (the 82540EM's 16 KB transmit packet buffer); longer ones are cut there.
  static let maximumTransmitFrame = 16_288

  /// Sends what the driver queued, when TCTL.EN is set and the card may master the bus.
  func transmit() {
    guard register(E1000Register.tctl) & E1000Bits.tctlEN != 0, busMasterEnabled else { return }
    let base = register64(low: E1000Register.tdbal, high: E1000Register.tdbah)
    let count = register(E1000Register.tdlen) / TxDescriptor.size
    var head = register(E1000Register.tdh)
    let tail = register(E1000Register.tdt)
    guard count > 0, head < count, tail < count else { return }
    var causes: UInt32 = 0
    while head != tail {
      causes |= process(descriptor: base &+ UInt64(head) &* UInt64(TxDescriptor.size))
      head = head + 1 == count ? 0 : head + 1
    }
    setRegister(E1000Register.tdh, head)
    raise(causes | E1000Bits.txqe)
  }

  /// One descriptor: its buffer joins the frame; EOP ends the frame; RS asks for DD. Returns the causes it raises.
  private func process(descriptor: UInt64) -> UInt32 {
    guard let address = physical(descriptor, count: Int(TxDescriptor.size)) else {
      dmaErrors += 1
      return 0
    }
    let buffer = bufferAddress(inDescriptorAt: address)
    let word = memory.read32(address &+ TxDescriptor.length)
    let command = memory.read8(address &+ TxDescriptor.command)
    var length = Int(word & 0xFFFF)
    if command & E1000Bits.txDEXT != 0 {
      let type = (word >> 20) & 0xF
      guard type == 1 else {  // a context descriptor carries offload settings only
        return writeStatus(address, command: command)
      }
      length = Int(word & 0xF_FFFF)
    }
    if length > 0 {
      if let source = physical(buffer, count: length), let bytes = memory.read(source, count: length) {
        let room = max(0, E1000.maximumTransmitFrame - transmitFrame.count)
        transmitFrame += bytes.prefix(room)
      } else {
        dmaErrors += 1
      }
    }
    if command & E1000Bits.txEOP != 0 {
      let frame = transmitFrame
      transmitFrame = []
      framesSent += 1
      increment(E1000Register.gptc)
      increment(E1000Register.tpt)
      count(octets: frame.count, low: E1000Register.gotcl, high: E1000Register.gotch)
      if recentSent.count == E1000.recentSentCapacity { recentSent.removeFirst() }
      recentSent.append(frame)
      onTransmit?(frame)
    }
    return writeStatus(address, command: command)
  }

  /// DD goes back only when the driver asked for it with RS; then TXDW reports the write-back.
  private func writeStatus(_ address: UInt32, command: UInt8) -> UInt32 {
    guard command & E1000Bits.txRS != 0 else { return 0 }
    let status = memory.read8(address &+ TxDescriptor.status)
    memory.write8(address &+ TxDescriptor.status, status | E1000Bits.txDD)
    return E1000Bits.txdw
  }
}

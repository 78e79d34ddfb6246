/// The card as the dashboard's DMA-ring pane and the dump show it: registers as a read would return them (without
/// the clear-on-read side effects), the rings as they stand in guest memory, and the counters.
public struct E1000State: Sendable, Equatable, Codable {
  /// One receive descriptor as it lies in guest memory, and who owns it.
  public struct RxSlot: Sendable, Equatable, Codable {
    public var index: Int
    public var bufferAddress: UInt64
    public var length: UInt16
    public var status: UInt8
    /// The card owns the slots from RDH up to RDT; the driver the rest.
    public var ownedByCard: Bool
  }

  /// One transmit descriptor.
  public struct TxSlot: Sendable, Equatable, Codable {
    public var index: Int
    public var bufferAddress: UInt64
    public var length: UInt16
    public var command: UInt8
    public var status: UInt8
    /// The card has yet to send the slots from TDH up to TDT.
    public var queued: Bool
  }

  public var mac: String
  public var ctrl: UInt32
  public var status: UInt32
  public var icr: UInt32
  public var ims: UInt32
  public var rctl: UInt32
  public var tctl: UInt32
  public var rdtr: UInt32
  public var rdba: UInt64
  public var rdlen: UInt32
  public var rdh: UInt32
  public var rdt: UInt32
  public var tdba: UInt64
  public var tdlen: UInt32
  public var tdh: UInt32
  public var tdt: UInt32
  /// The guest-visible missed packets count (cleared when the guest reads it).
  public var mpc: UInt32
  public var receiveBufferSize: Int
  public var irqLevel: Bool
  public var busMasterEnabled: Bool
  public var framesInjected: Int
  public var framesDelivered: Int
  public var framesMissed: Int
  public var missedByReason: [String: Int]
  public var framesSent: Int
  public var dmaErrors: Int
  /// The first `E1000State.maximumSlots` descriptors of each ring (empty while the ring is not set up or not in RAM).
  public var rxRing: [RxSlot]
  public var txRing: [TxSlot]

  public static let maximumSlots = 256
}

extension E1000 {
  public var state: E1000State {
    let rx = receiveRing
    let tdba = register64(low: E1000Register.tdbal, high: E1000Register.tdbah)
    let tdCount = register(E1000Register.tdlen) / TxDescriptor.size
    let tdh = register(E1000Register.tdh)
    let tdt = register(E1000Register.tdt)
    var rxRing: [E1000State.RxSlot] = []
    rxRing.reserveCapacity(Int(min(rx.count, UInt32(E1000State.maximumSlots))))
    for slot in 0..<min(rx.count, UInt32(E1000State.maximumSlots)) {
      guard let address = physical(rx.base &+ UInt64(slot) * 16, count: 16) else { break }
      rxRing.append(
        E1000State.RxSlot(
          index: Int(slot), bufferAddress: bufferAddress(inDescriptorAt: address),
          length: memory.read16(address &+ 8), status: memory.read8(address &+ 12),
          ownedByCard: Self.inWindow(slot, from: rx.head, to: rx.tail)))
    }
    var txRing: [E1000State.TxSlot] = []
    txRing.reserveCapacity(Int(min(tdCount, UInt32(E1000State.maximumSlots))))
    for slot in 0..<min(tdCount, UInt32(E1000State.maximumSlots)) {
      guard let address = physical(tdba &+ UInt64(slot) * 16, count: 16) else { break }
      txRing.append(
        E1000State.TxSlot(
          index: Int(slot), bufferAddress: bufferAddress(inDescriptorAt: address),
          length: memory.read16(address &+ 8), command: memory.read8(address &+ 11),
          status: memory.read8(address &+ 12),
          queued: Self.inWindow(slot, from: tdh, to: tdt)))
    }
    var reasons: [String: Int] = [:]
    for (reason, count) in missed { reasons[reason.rawValue] = count }
    return E1000State(
      mac: macText(mac), ctrl: register(E1000Register.ctrl),
      status: readRegisterQuietly(E1000Register.status), icr: register(E1000Register.icr),
      ims: register(E1000Register.ims), rctl: register(E1000Register.rctl), tctl: register(E1000Register.tctl),
      rdtr: register(E1000Register.rdtr), rdba: rx.base, rdlen: register(E1000Register.rdlen), rdh: rx.head,
      rdt: rx.tail, tdba: tdba, tdlen: register(E1000Register.tdlen), tdh: tdh, tdt: tdt,
      mpc: register(E1000Register.mpc), receiveBufferSize: receiveBufferSize, irqLevel: irqLevel,
      busMasterEnabled: busMasterEnabled, framesInjected: framesInjected, framesDelivered: framesDelivered,
      framesMissed: framesMissed, missedByReason: reasons, framesSent: framesSent, dmaErrors: dmaErrors,
      rxRing: rxRing, txRing: txRing)
  }

  /// Whether `slot` lies in the ring window [from, to) — empty when from == to.
  static func inWindow(_ slot: UInt32, from: UInt32, to: UInt32) -> Bool {
    from <= to ? slot >= from && slot < to : slot >= from || slot < to
  }

  /// A register's value without a read's side effects.
  func readRegisterQuietly(_ offset: UInt32) -> UInt32 {
    offset == E1000Register.status
      ? E1000Bits.statusValue : register(offset)
  }
}

/// "52:54:00:12:34:56": written byte by byte, as a snapshot asks for it every frame.
private func macText(_ mac: [UInt8]) -> String {
  let digits = Array("0123456789abcdef".utf8)
  var bytes: [UInt8] = []
  bytes.reserveCapacity(mac.count * 3)
  for (index, byte) in mac.enumerated() {
    if index > 0 { bytes.append(UInt8(ascii: ":")) }
    bytes.append(digits[Int(byte >> 4)])
    bytes.append(digits[Int(byte & 0xF)])
  }
  return String(decoding: bytes, as: UTF8.self)
}

/// Frames into the network card from the host side: generated datagrams, bursts, raw frames and pcap replays, all
/// over the `EthernetWire`; and the card's receive and transmit events in the interrupt trace.
extension Machine {
  /// Puts a frame on the wire to the card; a frame the wire's full queue refuses is counted and traced as dropped.
  @discardableResult
  public func inject(frame: [UInt8], at time: UInt64? = nil) -> Bool {
    guard wire.send(frame, at: time) else {
      noteDropped(source: "nic", detail: "a \(frame.count)-byte frame was lost: the host-side wire queue is full")
      return false
    }
    return true
  }

  /// Injects the default frame: a UDP datagram to the card's MAC with the next sequence number, and `payload` (or a
  /// readable text) as its data; `length` sets the whole frame's length.
  public func injectPacket(length: Int? = nil, payload: [UInt8]? = nil) throws(FrameError) {
    let frame = try EthernetFrame.udp(to: nic.mac, sequence: packetSequence &+ 1, payload: payload, length: length)
    packetSequence &+= 1
    inject(frame: frame)
  }

  /// Injects `count` default frames back to back: they arrive at line rate.
  public func injectBurst(_ count: Int, length: Int? = nil) throws(FrameError) {
    for _ in 0..<max(0, count) { try injectPacket(length: length) }
  }

  /// Replays a capture at its recorded pace, or `ratePerSecond` frames per second of virtual time: from now, or with
  /// `whenReceiverEnabled` from the moment the guest's driver turns the card's receiver on (at once if it is on), so
  /// a capture given at boot does not lose its first frames to a driver that is still starting.
  public func replay(_ capture: PcapCapture, ratePerSecond: Double? = nil, whenReceiverEnabled: Bool) {
    guard whenReceiverEnabled, nic.state.rctl & 0x2 == 0 else { return replay(capture, ratePerSecond: ratePerSecond) }
    let previous = nic.onReceiverEnabled
    nic.onReceiverEnabled = { [unowned(unsafe) self] in
      nic.onReceiverEnabled = previous
      previous?()
      replay(capture, ratePerSecond: ratePerSecond)
    }
  }

  /// Replays a capture from now: at its recorded pace, or `ratePerSecond` frames per second of virtual time.
  public func replay(_ capture: PcapCapture, ratePerSecond: Double? = nil) {
    replays.removeAll { $0.finished }
    let frames = capture.replaySchedule(ratePerSecond: ratePerSecond).map {
      (offsetNanoseconds: $0.offsetNanoseconds, frame: capture.ethernetFrame($0.packet))
    }
    let replay = PcapReplay(frames: frames, start: scheduler.now, scheduler: scheduler) {
      [unowned(unsafe) self] frame, time in inject(frame: frame, at: time)
    }
    replays.append(replay)
  }

  /// Frames of running replays not yet sent onto the wire.
  public var replayFramesPending: Int { replays.reduce(0) { $0 + $1.remaining } }

  /// Traces what the card did with each frame: `rx` when written into the ring, `dropped` when missed (with the
  /// reason and the ring's head and tail), `tx` when the guest sent one.
  func traceNetwork() {
    nic.onReceive = { [unowned(unsafe) self] frame, outcome in
      let description = EthernetFrame.describe(frame)
      switch outcome {
      case .delivered(let slot, let descriptors):
        tracer.packet(
          .rx, length: frame.count, slot: slot, descriptors: descriptors, detail: description, at: scheduler.now)
      case .missed(let reason):
        let ring = nic.receiveRing  // the registers only: building the whole state per lost frame would be waste
        let why: String
        switch reason {
        case .receiverDisabled: why = "the receiver is disabled (RCTL.EN clear)"
        case .ringFull: why = "no free receive descriptor (RDH \(ring.head), RDT \(ring.tail))"
        case .filtered: why = "no receive filter accepts its destination address"
        case .busMasterDisabled: why = "PCI bus mastering is off, the card cannot DMA"
        }
        noteDropped(source: "nic", detail: "frame lost: \(why); \(description)")
      }
    }
    nic.onTransmit = { [unowned(unsafe) self] frame in
      tracer.packet(
        .tx, length: frame.count, slot: nil, descriptors: nil, detail: EthernetFrame.describe(frame),
        at: scheduler.now)
    }
  }
}

/// Sends a capture's frames onto the wire at their offsets from `start`, one scheduled event at a time.
final class PcapReplay {
  private let frames: [(offsetNanoseconds: UInt64, frame: [UInt8])]
  private let start: UInt64
  private let scheduler: Scheduler
  /// Sends a frame that was due at the given virtual time.
  private let send: ([UInt8], UInt64) -> Void
  private var next = 0

  init(
    frames: [(offsetNanoseconds: UInt64, frame: [UInt8])], start: UInt64, scheduler: Scheduler,
    send: @escaping ([UInt8], UInt64) -> Void
  ) {
    self.frames = frames
    self.start = start
    self.scheduler = scheduler
    self.send = send
    scheduleNext()
  }

  var remaining: Int { frames.count - next }
  var finished: Bool { next >= frames.count }

  private func scheduleNext() {
    guard next < frames.count else { return }
    let time = start &+ Scheduler.cycles(nanoseconds: frames[next].offsetNanoseconds)
    scheduler.schedule(at: time, device: "pcap", what: "replay frame \(next + 1) of \(frames.count)") {
      [unowned self] in
      send(frames[next].frame, time)
      next += 1
      scheduleNext()
    }
  }
}

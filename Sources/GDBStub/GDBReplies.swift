/// The remote protocol's state for one connection, shared by the headless and the live server: acknowledgements
/// (until gdb asks for QStartNoAckMode), the last packet sent (sent again on a NAK), whether gdb waits for a stop
/// reply, and what a packet gdb sends while the machine is stopped asks for. A new connection starts a new value.
struct GDBReplies {
  /// What a packet asked of the server beyond its replies, which are already sent.
  enum Request: Equatable {
    case none
    case resume(step: Bool)
    /// "OK" is sent; the server disconnects.
    case detach
    case kill
  }

  private var noAck = false
  private var lastSent: [UInt8] = []
  /// A continue or step was answered with nothing yet: the next stop (or the end) owes gdb a reply.
  var awaitingStopReply = false

  mutating func ack(_ ack: Character, to connection: GDBConnection?) {
    guard !noAck else { return }
    connection?.send([ack.asciiValue!])
  }

  mutating func send(_ payload: String, to connection: GDBConnection?) {
    lastSent = PacketEncoder.frame(payload)
    connection?.send(lastSent)
  }

  /// The stop reply for `reason`, if gdb waits for one.
  mutating func reportStop(_ reason: StopReason, to connection: GDBConnection?) {
    guard awaitingStopReply else { return }
    awaitingStopReply = false
    send(CommandHandler.stopReply(reason), to: connection)
  }

  /// One event from gdb while the machine is stopped: acknowledged and answered through `handler`.
  mutating func handleStopped(
    _ event: PacketDecoder.Event, handler: CommandHandler, connection: GDBConnection?
  ) -> Request {
    switch event {
    case .ack, .interrupt: return .none  // already stopped
    case .nack:
      if !lastSent.isEmpty { connection?.send(lastSent) }
      return .none
    case .malformed:
      ack("-", to: connection)
      return .none
    case .packet(let payload):
      ack("+", to: connection)
      switch handler.handle(payload) {
      case .reply(let text): send(text, to: connection)
      case .replies(let texts): for text in texts { send(text, to: connection) }
      case .startNoAck:
        send("OK", to: connection)
        noAck = true
      case .resume(let step):
        awaitingStopReply = true
        return .resume(step: step)
      case .detach:
        send("OK", to: connection)
        return .detach
      case .kill: return .kill
      }
      return .none
    }
  }
}

import Emulator

/// The gdb stub on a machine: a listener on 127.0.0.1, one client at a time, served on the machine's own thread.
///
/// How it runs: while the machine runs, a scheduler event looks at the socket every millisecond of virtual time
/// (a new client, or Ctrl-C, asks the CPU to stop at its next instruction boundary). When the CPU stops — for that,
/// a breakpoint, a watchpoint or a finished step — its debug traps call this server, which answers gdb's packets
/// until gdb lets the machine go on. The machine stands still meanwhile: virtual time does not advance, so a
/// headless run keeps its script and time budget exactly as without gdb.
///
/// A second client is refused (its socket is closed after a message to `log`). When the client disconnects or
/// detaches, its breakpoints and watchpoints are cleared and the machine runs on.
public final class GDBServer {
  public let machine: Machine
  public let listener: GDBListener
  let handler: CommandHandler
  private var connection: GDBConnection?
  private var decoder = PacketDecoder()
  /// Events decoded but not handled yet (what gdb sent after a resume in the same read, such as a quick Ctrl-C).
  private var pending: [PacketDecoder.Event] = []
  private var replies = GDBReplies()
  /// The next stop is the one that greets a newly connected client: gdb asks `?` and needs no unsolicited reply.
  private var greeting = false
  /// Block at the first stop until a client connects (`-S`).
  private var waitingForFirstClient = false
  private var pollEvent: Scheduler.EventID?

  /// Messages for a person (connections, refusals).
  public var log: (String) -> Void = { _ in }
  /// Called when gdb kills the target (`k`); nil lets the machine run on without the debugger.
  public var onKill: (() -> Void)?
  /// Told when gdb starts holding the machine (with why it stopped) and when it lets go (nil): for a status line
  /// such as the dashboard's "halted by gdb".
  public var onHold: ((StopReason?) -> Void)?
  /// Called while gdb holds the machine, after each packet and at least every 100 ms of wall time: the place for a
  /// live front end to publish a snapshot of the halted machine and apply its own queued commands (keys typed).
  public var whileHeld: (() -> Void)?

  /// How often the socket is looked at while the machine runs: every millisecond of virtual time.
  public static let pollInterval = Scheduler.cycles(nanoseconds: 1_000_000)

  /// Listens on 127.0.0.1:`port` (0: a free port, see `port`).
  public init(machine: Machine, port: UInt16) throws(GDBSocketError) {
    self.machine = machine
    listener = try GDBListener(port: port)
    handler = CommandHandler(target: MachineTarget(machine: machine))
  }

  public var port: UInt16 { listener.port }
  public var isConnected: Bool { connection != nil }

  /// Hooks the server into the machine. With `waitForClient` the CPU stops before its next instruction and the
  /// machine waits there for a client, as QEMU's `-S -s`.
  public func start(waitForClient: Bool) {
    // Weak: the machine may outlive the server (closures stored in it must not keep a dead server).
    machine.cpu.debugTraps.onStop = { [weak self] reason in self?.stopped(reason) ?? .proceed }
    schedulePoll()
    // A machine reset cancels every scheduled event, the socket poll too: schedule it again after each one.
    let tripleFault = machine.cpu.onTripleFault
    machine.cpu.onTripleFault = { [weak self] reason in
      tripleFault?(reason)
      self?.schedulePoll()
    }
    let keyboardReset = machine.keyboard.onReset
    machine.keyboard.onReset = { [weak self] in
      keyboardReset?()
      self?.schedulePoll()
    }
    let portAReset = machine.portA.onReset
    machine.portA.onReset = { [weak self] in
      portAReset?()
      self?.schedulePoll()
    }
    if waitForClient {
      waitingForFirstClient = true
      machine.cpu.requestDebugStop()
    }
  }

  /// Tells a waiting client the run is over (`W` with the exit status, as for a process that exited) and closes.
  public func finish(exitStatus: Int32) {
    if connection != nil && replies.awaitingStopReply {
      replies.send("W" + Hex.encode([UInt8(truncatingIfNeeded: exitStatus)]), to: connection)
    }
    disconnect(reason: nil)
    machine.cpu.debugTraps.onStop = nil
    if let pollEvent { machine.scheduler.cancel(pollEvent) }
  }

  // MARK: While the machine runs

  private func schedulePoll() {
    if let pollEvent { machine.scheduler.cancel(pollEvent) }
    pollEvent = machine.scheduler.schedule(after: Self.pollInterval, device: "gdb", what: "look at the gdb socket") {
      [weak self] in
      self?.pollEvent = nil
      self?.poll()
    }
  }

  private func poll() {
    if let connection {
      switch connection.receive(timeout: 0) {
      case .closed: disconnect(reason: "gdb disconnected; the machine runs on")
      case .timeout: break
      case .data(let bytes): pending += decoder.feed(bytes)
      }
    }
    // Up to a Ctrl-C: what follows it is for the stopped machine.
    while !pending.isEmpty {
      let event = pending.removeFirst()
      if event == .interrupt {
        machine.cpu.requestDebugStop()
        break
      }
      // gdb does not talk to a running all-stop target: have it send again later.
      if case .packet = event { replies.ack("-", to: connection) }
    }
    acceptClients(timeout: 0, stopMachine: true)
    schedulePoll()
  }

  /// Accepts a waiting client (or refuses it when one is connected); `stopMachine` asks the running CPU to stop
  /// for the new client.
  private func acceptClients(timeout: Int32, stopMachine: Bool) {
    while let client = listener.accept(timeout: timeout) {
      guard connection == nil else {
        log("gdb: refused a second client on port \(port): one debugger at a time")
        client.close()
        continue
      }
      connection = client
      decoder = PacketDecoder()
      pending.removeAll()
      replies = GDBReplies()
      greeting = true
      log("gdb: client connected on 127.0.0.1:\(port); the machine stops for it")
      if stopMachine { machine.cpu.requestDebugStop() }
      if timeout != 0 { return }
    }
  }

  private func disconnect(reason: String?) {
    guard let connection else { return }
    connection.close()
    self.connection = nil
    pending.removeAll()
    machine.cpu.removeAllDebugTraps()
    replies.awaitingStopReply = false
    if let reason { log(reason) }
  }

  // MARK: While the machine stands still

  /// The CPU stopped at an instruction boundary: serve gdb until it lets the machine go on.
  private func stopped(_ reason: StopReason) -> DebugTraps.Resume {
    if pollEvent == nil { schedulePoll() }
    if connection == nil && waitingForFirstClient {
      log("gdb: waiting for a client on 127.0.0.1:\(port) (gdb: target remote :\(port))")
      acceptClients(timeout: -1, stopMachine: false)
    }
    waitingForFirstClient = false
    guard connection != nil else { return .proceed }
    if greeting {
      greeting = false
      handler.lastStop = nil
    } else {
      handler.lastStop = reason
    }
    replies.reportStop(reason, to: connection)
    onHold?(reason)
    let resume = serve()
    onHold?(nil)
    return resume
  }

  private func serve() -> DebugTraps.Resume {
    while let connection {
      if !pending.isEmpty {
        if let resume = handle(pending.removeFirst()) { return resume }
        whileHeld?()
        continue
      }
      switch connection.receive(timeout: 100) {
      case .closed:
        disconnect(reason: "gdb disconnected; the machine runs on")
        return .proceed
      case .timeout:
        acceptClients(timeout: 0, stopMachine: false)  // refuses any second client
        whileHeld?()
      case .data(let bytes):
        pending = decoder.feed(bytes)
      }
    }
    return .proceed
  }

  /// Handles one event from the client while stopped; returns how the machine goes on when it should.
  private func handle(_ event: PacketDecoder.Event) -> DebugTraps.Resume? {
    switch replies.handleStopped(event, handler: handler, connection: connection) {
    case .none: return nil
    case .resume(let step): return step ? .step : .proceed
    case .detach:
      disconnect(reason: "gdb detached; the machine runs on")
      return .proceed
    case .kill:
      disconnect(reason: "gdb killed the target")
      guard let onKill else { return .proceed }
      onKill()
      return .leaveRun
    }
  }
}

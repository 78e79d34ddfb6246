import Dispatch
import Emulator

/// The gdb stub on a live machine (the dashboard's): the protocol of `GDBServer`, served from the machine's own
/// queue without ever blocking it.
///
/// `GDBServer` answers gdb inside the CPU's debug stop, on the machine's thread, until gdb lets go. A live machine
/// cannot do that: its queue also takes snapshots and commands for the panes. So here a stop is a state of the
/// live machine (`LiveMachine.hold`): the CPU hook records why, makes the run return and the machine stops taking
/// slices; the listener and the client's socket are dispatch read sources on the same queue, which serve gdb's
/// packets between slices (the machine is then always at an instruction boundary); `c` or `s` releases the hold.
/// The panes keep showing the held machine, keys typed wait in the keyboard's host queue, and each `stepi`
/// shows in the next snapshot.
///
/// Continuing from a breakpoint at EIP executes that instruction under a step whose stop is not reported (the
/// run left the CPU at the boundary, where the breakpoint would fire again).
public final class LiveGDBServer: @unchecked Sendable {
  // @unchecked: every mutable property is touched only on the live machine's queue.
  public let live: LiveMachine
  public let port: UInt16
  private let machine: Machine
  private let listener: GDBListener
  private let handler: CommandHandler
  private let log: @Sendable (String) -> Void
  private var listenSource: DispatchSourceRead?
  private var connection: GDBConnection?
  private var connectionSource: DispatchSourceRead?
  private var decoder = PacketDecoder()
  private var replies = GDBReplies()
  /// The machine stands still for gdb (or, with `-S`, for the first client).
  private var held = false
  private var steppingOverBreakpoint = false

  private init(live: LiveMachine, machine: Machine, port: UInt16, log: @escaping @Sendable (String) -> Void)
    throws(GDBSocketError)
  {
    self.live = live
    self.machine = machine
    self.log = log
    listener = try GDBListener(port: port)
    self.port = listener.port
    handler = CommandHandler(target: MachineTarget(machine: machine))
  }

  /// Listens on 127.0.0.1:`port` (0: a free one) and hooks into `live`. With `waitForClient` the machine is held
  /// before its next instruction until a client connects, as QEMU's `-S`. Call from any thread but the queue.
  public static func start(
    on live: LiveMachine, port: UInt16, waitForClient: Bool, log: @escaping @Sendable (String) -> Void = { _ in }
  ) throws(GDBSocketError) -> LiveGDBServer {
    let made = live.withMachine { machine -> Result<LiveGDBServer, GDBSocketError> in
      do throws(GDBSocketError) {
        let server = try LiveGDBServer(live: live, machine: machine, port: port, log: log)
        server.hookUp(waitForClient: waitForClient)
        return .success(server)
      } catch {
        return .failure(error)
      }
    }
    return try made.get()
  }

  /// Closes the listener and any client; the machine runs on (or stays paused) without a debugger.
  public func stop() {
    live.withMachine { _ in shutDown() }
  }

  /// Whether a client is connected (for tests and the log).
  public var isConnected: Bool { live.withMachine { _ in connection != nil } }

  // MARK: On the queue

  private func hookUp(waitForClient: Bool) {
    machine.cpu.debugTraps.onStop = { [weak self] reason in self?.stopped(reason) ?? .proceed }
    let source = DispatchSource.makeReadSource(fileDescriptor: listener.fd, queue: live.queue)
    source.setEventHandler { [weak self] in self?.acceptClients() }
    let listener = self.listener
    source.setCancelHandler { withExtendedLifetime(listener) {} }  // the descriptor stays open until then
    source.resume()
    listenSource = source
    log("gdb stub listening on 127.0.0.1:\(port)")
    if waitForClient {
      held = true
      live.hold(reason: "halted by gdb: waiting for a client on 127.0.0.1:\(port) (-S)")
      log("gdb: waiting for a client on 127.0.0.1:\(port) (gdb: target remote :\(port))")
    }
  }

  private func shutDown() {
    if connection != nil {
      if replies.awaitingStopReply { replies.send("W00", to: connection) }
      disconnect(reason: nil)
    }
    listenSource?.cancel()
    listenSource = nil
    machine.cpu.debugTraps.onStop = nil
    if held {
      held = false
      live.release(resume: false)
    }
  }

  private func acceptClients() {
    while let client = listener.accept(timeout: 0) {
      guard connection == nil else {
        log("gdb: refused a second client on port \(port): one debugger at a time")
        client.close()
        continue
      }
      connection = client
      decoder = PacketDecoder()
      replies = GDBReplies()
      steppingOverBreakpoint = false
      let source = DispatchSource.makeReadSource(fileDescriptor: client.fd, queue: live.queue)
      source.setEventHandler { [weak self] in self?.readable() }
      source.setCancelHandler { client.close() }
      source.resume()
      connectionSource = source
      log("gdb: client connected on 127.0.0.1:\(port); the machine stops for it")
      // The machine is between slices, at an instruction boundary: it stops right here. gdb's first `?` finds
      // a plain SIGTRAP, as when it attaches to QEMU.
      handler.lastStop = nil
      held = true
      live.hold(reason: "halted by gdb: attached")
    }
  }

  private func disconnect(reason: String?) {
    guard connection != nil else { return }
    connectionSource?.cancel()  // its cancel handler closes the socket
    connectionSource = nil
    self.connection = nil
    machine.cpu.removeAllDebugTraps()
    steppingOverBreakpoint = false
    replies.awaitingStopReply = false
    if held {
      held = false
      live.release(resume: false)
    }
    if let reason { log(reason) }
  }

  private func readable() {
    guard let connection else { return }
    switch connection.receive(timeout: 0) {
    case .closed: disconnect(reason: "gdb disconnected; the machine runs on")
    case .timeout: break
    case .data(let bytes):
      for event in decoder.feed(bytes) {
        guard self.connection != nil else { break }
        if held { handleHeld(event) } else { handleRunning(event) }
      }
    }
  }

  /// gdb does not talk to a running all-stop target, except to interrupt it.
  private func handleRunning(_ event: PacketDecoder.Event) {
    switch event {
    case .interrupt: holdHere(.requested, why: "Ctrl-C")
    case .packet: replies.ack("-", to: connection)  // have it send again later
    case .ack, .nack, .malformed: break
    }
  }

  private func handleHeld(_ event: PacketDecoder.Event) {
    switch replies.handleStopped(event, handler: handler, connection: connection) {
    case .none: break
    case .resume(let step): resume(step: step)
    case .detach: disconnect(reason: "gdb detached; the machine runs on")
    case .kill:
      // The dashboard outlives the debugger: the machine runs on, as after a detach.
      disconnect(reason: "gdb killed the target; the machine runs on without it")
    }
  }

  private func resume(step: Bool) {
    let cpu = machine.cpu
    if step {
      cpu.requestDebugStep()
    } else if !cpu.halted && breakpoint(at: cpu.eip) != nil {
      steppingOverBreakpoint = true
      cpu.requestDebugStep()
    }
    held = false
    live.release(resume: true)
  }

  /// Holds the machine between slices (Ctrl-C) and tells a waiting gdb.
  private func holdHere(_ reason: StopReason, why: String) {
    handler.lastStop = reason
    replies.reportStop(reason, to: connection)
    held = true
    live.hold(reason: "halted by gdb: " + why)
  }

  /// The CPU stopped at an instruction boundary inside a run: hold the machine and leave the run.
  private func stopped(_ reason: StopReason) -> DebugTraps.Resume {
    var reason = reason
    if steppingOverBreakpoint {
      steppingOverBreakpoint = false
      if reason == .step {
        // The instruction under the breakpoint has executed: run on, unless the next one has a breakpoint too
        // (after `.proceed` the CPU executes it without looking).
        guard let next = breakpoint(at: machine.cpu.eip) else { return .proceed }
        reason = next
      }
    }
    guard connection != nil else { return .proceed }
    holdHere(reason, why: Self.describe(reason, symbols: machine.kernel?.symbols ?? .empty))
    machine.requestStop()
    return .leaveRun
  }

  private func breakpoint(at address: UInt32) -> StopReason? {
    let traps = machine.cpu.debugTraps
    if traps.softwareBreakpoints.contains(address) { return .softwareBreakpoint(address) }
    if traps.hardwareBreakpoints.contains(address) { return .hardwareBreakpoint(address) }
    return nil
  }

  /// The status line's words for a stop: "breakpoint at keyboard_handler+0x3", "watchpoint 0x00104000 (ticks)".
  static func describe(_ reason: StopReason, symbols: SymbolTable) -> String {
    func hex(_ value: UInt32) -> String {
      let digits = String(value, radix: 16)
      return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
    func place(_ address: UInt32) -> String { symbols.describe(address) ?? hex(address) }
    switch reason {
    case .softwareBreakpoint(let address), .hardwareBreakpoint(let address): return "breakpoint at " + place(address)
    case .watchpoint(_, let address):
      let name = symbols.describe(address).map { " (\($0))" } ?? ""
      return "watchpoint " + hex(address) + name
    case .step: return "step"
    case .requested: return "Ctrl-C"
    }
  }
}

extension GDBListener: @unchecked Sendable {}  // used on one queue at a time; its descriptor is a plain Int32
extension GDBConnection: @unchecked Sendable {}  // likewise

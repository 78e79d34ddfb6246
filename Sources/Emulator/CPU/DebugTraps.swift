/// Breakpoints, watchpoints and single steps for a debugger (the gdb stub), kept out of guest memory and off the
/// hot path.
///
/// Cost: while nothing is set, nothing changes in the interpreter loop. Setting a breakpoint, a watchpoint, a
/// step or a stop request sets `Attention.debug`, so the run loop calls `debugBoundary()` at every instruction
/// boundary (before interrupts are taken): that is where EIP is compared with the breakpoints. The guest never sees
/// a patched byte, because nothing is patched.
///
/// Watchpoints are checked on the accesses themselves: while any is set, the pages that hold watched bytes get no
/// TLB entry, so every guest read and write there takes the slow path, which reports an access that overlaps a
/// watched range (a write of the same value counts too, as with the debug registers). REP MOVS/STOS then go element
/// by element. Like DR0–DR3 these are traps: the stop comes after the instruction that made the access. Not seen:
/// the CPU's own reads of descriptor tables and the TSS, and device DMA (the network card writing a ring).
///
/// A single step executes one instruction with interrupts held off (QEMU's default for gdb's `stepi`): a pending
/// IRQ is taken when the machine runs on. A step on a halted CPU waits, in virtual time, for the interrupt that
/// wakes it, then executes the handler's first instruction.
public final class DebugTraps {
  public enum WatchKind: Sendable, Equatable {
    /// Stop after a write (gdb's `watch`, Z2).
    case write
    /// Stop after a read (`rwatch`, Z3).
    case read
    /// Stop after a read or a write (`awatch`, Z4).
    case access
  }

  /// Why the CPU stopped for the debugger.
  public enum StopReason: Sendable, Equatable {
    /// EIP reached a software breakpoint (gdb's Z0).
    case softwareBreakpoint(UInt32)
    /// EIP reached a hardware breakpoint (Z1).
    case hardwareBreakpoint(UInt32)
    /// The last instruction accessed a watched byte: which watchpoint (its start address) and how.
    case watchpoint(kind: WatchKind, address: UInt32)
    /// One instruction was executed.
    case step
    /// The debugger asked for a stop (Ctrl-C, a client connected, the wait before the first instruction).
    case requested
  }

  /// What the CPU does after a stop.
  public enum Resume: Sendable, Equatable {
    /// Run on; a breakpoint at the current EIP does not stop it again before that instruction executes.
    case proceed
    /// Execute one instruction and stop again.
    case step
    /// Leave `run(until:)` now (the run is being torn down).
    case leaveRun
  }

  struct Watchpoint: Equatable {
    let address: UInt32
    let length: UInt32
    let kind: WatchKind

    func overlaps(_ start: UInt32, _ size: Int) -> Bool {
      // Distances wrap, so a range at the top of the address space still compares correctly.
      (start &- address) < length || (address &- start) < UInt32(size)
    }
  }

  public internal(set) var softwareBreakpoints: Set<UInt32> = []
  public internal(set) var hardwareBreakpoints: Set<UInt32> = []
  var watchpoints: [Watchpoint] = []
  /// Linear page numbers (address >> 12) that hold watched bytes.
  var watchedPages: Set<UInt32> = []
  /// True while any watchpoint is set: the memory slow path looks at its accesses, and REP strings go one by one.
  public internal(set) var watching = false
  var stepPending = false
  var stopRequested = false
  var stepDone = false
  var watchHit: (kind: WatchKind, address: UInt32)?

  /// Called at the instruction boundary where the CPU stops, with the reason; it returns when the debugger lets
  /// the machine go on, and says how. Nil: the CPU proceeds as if no debugger were there.
  public var onStop: ((StopReason) -> Resume)?

  init() {}

  /// Whether the run loop must call `debugBoundary()` at each instruction boundary (kept up to date by `changed()`,
  /// so `updateAttention` reads one stored flag).
  private(set) var armed = false

  func changed() {
    armed =
      !softwareBreakpoints.isEmpty || !hardwareBreakpoints.isEmpty || watching || stepPending || stopRequested
      || stepDone || watchHit != nil
  }

  public var watchpointCount: Int { watchpoints.count }
}

extension CPU {
  // MARK: Setting and clearing

  /// Sets a breakpoint at linear address `address`; `hardware` reports it as `hwbreak` rather than `swbreak`.
  public func insertBreakpoint(_ address: UInt32, hardware: Bool = false) {
    if hardware {
      debugTraps.hardwareBreakpoints.insert(address)
    } else {
      debugTraps.softwareBreakpoints.insert(address)
    }
    debugTrapsChanged()
  }

  /// Clears a breakpoint; returns whether one was set there.
  @discardableResult
  public func removeBreakpoint(_ address: UInt32, hardware: Bool = false) -> Bool {
    let removed =
      hardware
      ? debugTraps.hardwareBreakpoints.remove(address) != nil : debugTraps.softwareBreakpoints.remove(address) != nil
    debugTrapsChanged()
    return removed
  }

  /// Watches `length` bytes (1 or more) from linear address `address`.
  public func insertWatchpoint(_ address: UInt32, length: UInt32, kind: DebugTraps.WatchKind) {
    let watchpoint = DebugTraps.Watchpoint(address: address, length: max(1, length), kind: kind)
    guard !debugTraps.watchpoints.contains(watchpoint) else { return }
    debugTraps.watchpoints.append(watchpoint)
    watchpointsChanged()
  }

  /// Clears a watchpoint; returns whether that one was set.
  @discardableResult
  public func removeWatchpoint(_ address: UInt32, length: UInt32, kind: DebugTraps.WatchKind) -> Bool {
    let watchpoint = DebugTraps.Watchpoint(address: address, length: max(1, length), kind: kind)
    guard let index = debugTraps.watchpoints.firstIndex(of: watchpoint) else { return false }
    debugTraps.watchpoints.remove(at: index)
    watchpointsChanged()
    return true
  }

  /// Clears every breakpoint and watchpoint and any pending step or stop (a debugger detached).
  public func removeAllDebugTraps() {
    debugTraps.softwareBreakpoints.removeAll()
    debugTraps.hardwareBreakpoints.removeAll()
    debugTraps.watchpoints.removeAll()
    debugTraps.stepPending = false
    debugTraps.stopRequested = false
    debugTraps.stepDone = false
    debugTraps.watchHit = nil
    watchpointsChanged()
  }

  /// Makes the CPU stop for the debugger at the next instruction boundary (reason `.requested`).
  public func requestDebugStop() {
    debugTraps.stopRequested = true
    debugTrapsChanged()
  }

  /// Makes the CPU execute one instruction and then stop for the debugger (reason `.step`).
  public func requestDebugStep() {
    debugTraps.stepPending = true
    debugTrapsChanged()
  }

  private func watchpointsChanged() {
    var pages: Set<UInt32> = []
    for w in debugTraps.watchpoints {
      let last = w.address &+ (w.length - 1)
      var page = w.address >> 12
      pages.insert(page)
      while page != last >> 12 {
        page = (page &+ 1) & 0xF_FFFF
        pages.insert(page)
      }
    }
    debugTraps.watchedPages = pages
    debugTraps.watching = !debugTraps.watchpoints.isEmpty
    // Drop every TLB entry, so accesses to the watched pages take the slow path from now on.
    flushTLB()
    debugTrapsChanged()
  }

  private func debugTrapsChanged() {
    debugTraps.changed()
    updateAttention()
  }

  // MARK: The hooks the CPU calls

  /// Whether the TLB may cache `linear`'s page (not while a watchpoint lies in it).
  @inline(__always)
  func mayCache(_ linear: UInt32) -> Bool {
    !debugTraps.watching || !debugTraps.watchedPages.contains(linear >> 12)
  }

  /// Called by the memory slow path for each guest access while watchpoints are set.
  func noteWatchedAccess(_ linear: UInt32, size: Int, write: Bool) {
    guard debugTraps.watchHit == nil else { return }
    for w in debugTraps.watchpoints where w.overlaps(linear, size) {
      let matches = w.kind == .access || (w.kind == .write) == write
      if matches {
        debugTraps.watchHit = (w.kind, w.address)
        debugTrapsChanged()
        return
      }
    }
  }

  /// The run loop's check at an instruction boundary while `Attention.debug` is set. Returns true when the run must
  /// end now.
  func debugBoundary() -> Bool {
    while true {
      guard let reason = takeStopReason() else { return false }
      let resume = debugTraps.onStop?(reason) ?? .proceed
      switch resume {
      case .proceed:
        debugTrapsChanged()
        return false
      case .leaveRun:
        debugTrapsChanged()
        return true
      case .step:
        if halted {
          // Nothing to execute until an interrupt wakes the CPU: step once it has.
          debugTraps.stepPending = true
          debugTrapsChanged()
          return false
        }
        executeOneInstruction()
        debugTraps.stepDone = true
      }
    }
  }

  /// The reason to stop at this boundary, if any, consuming one-shot conditions.
  private func takeStopReason() -> DebugTraps.StopReason? {
    let traps = debugTraps
    if let hit = traps.watchHit {
      traps.watchHit = nil
      traps.stepDone = false
      return .watchpoint(kind: hit.kind, address: hit.address)
    }
    if traps.stepDone {
      traps.stepDone = false
      return .step
    }
    if traps.stopRequested {
      traps.stopRequested = false
      return .requested
    }
    if traps.stepPending && !halted {
      traps.stepPending = false
      executeOneInstruction()
      return traps.watchHit.map { hit in
        traps.watchHit = nil
        return .watchpoint(kind: hit.kind, address: hit.address)
      } ?? .step
    }
    // A halted CPU is not about to execute EIP: the breakpoint there fires once an interrupt's IRET returns to it.
    if halted { return nil }
    if traps.softwareBreakpoints.contains(eip) { return .softwareBreakpoint(eip) }
    if traps.hardwareBreakpoints.contains(eip) { return .hardwareBreakpoint(eip) }
    return nil
  }

  /// One instruction, as the run loop executes it.
  private func executeOneInstruction() {
    do {
      try step()
    } catch {
      eip = instructionStart
      raiseException(error, returnEIP: instructionStart)
    }
    cycles &+= 1
  }

  // MARK: Writing guest memory for a debugger

  /// Writes `bytes` at linear address `address` through the page tables without side effects (no accessed or
  /// dirty bit, no fault): RAM only. Writes nothing and returns false when any byte is unmapped or not RAM.
  public func pokeLinear(_ address: UInt32, _ bytes: [UInt8]) -> Bool {
    var physical: [UInt32] = []
    physical.reserveCapacity(bytes.count)
    for i in 0..<bytes.count {
      let linear = address &+ UInt32(truncatingIfNeeded: i)
      guard let p = peekTranslate(linear), memory.contains(p) else { return false }
      physical.append(p)
    }
    for (p, byte) in zip(physical, bytes) { memory.write8(p, byte) }
    return true
  }
}

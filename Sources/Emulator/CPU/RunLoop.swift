/// The interpreter loop: executes instructions until virtual time reaches a limit, taking interrupts at
/// instruction boundaries through one cheap check of `attention`.
extension CPU {
  /// Runs until `cycles` reaches `limit` (or an earlier time `limitRun(to:)` sets, when device I/O schedules an
  /// event sooner), the CPU halts with nothing to wake it, or a stop is requested.
  /// A halted CPU skips straight to the limit: idle time costs the host nothing.
  public func run(until limit: UInt64) {
    runLimit = limit
    while cycles < runLimit {
      if attention != 0 {
        if attention & Attention.stop != 0 && consumeStop() { return }
        if attention & Attention.debug != 0 && debugBoundary() { return }
        if serviceInterrupts() { continue }
        if halted {
          idle(until: runLimit)
          return
        }
        if attention & Attention.trap != 0 {
          stepWithSingleStepTrap()
          continue
        }
      }
      do {
        try stepFast()
      } catch {
        eip = instructionStart
        raiseException(error, returnEIP: instructionStart)
      }
      cycles &+= 1
    }
  }

  private func idle(until limit: UInt64) {
    haltedCycles &+= limit &- cycles
    cyclesWithoutInstruction &+= limit &- cycles
    cycles = limit
  }

  /// Executes one instruction with TF set at its start, then raises the single-step #DB trap (DR6.BS) — unless the
  /// instruction was MOV SS or POP SS, after which the trap waits for the next instruction (SDM vol. 3 §6.8.3).
  private func stepWithSingleStepTrap() {
    do {
      try step()
      cycles &+= 1
      if debugShadow { return }
      dr[6] |= 0x4000
      raiseException(Fault(Vector.debug), returnEIP: eip)
    } catch {
      cycles &+= 1
      eip = instructionStart
      raiseException(error, returnEIP: instructionStart)
    }
  }

  /// Executes exactly one instruction (or takes one pending interrupt), for single-stepping from the dashboard.
  public func singleStep() {
    let target = cycles &+ 1
    let wasHalted = halted
    run(until: target)
    if wasHalted && halted { idle(until: target) }
  }
}

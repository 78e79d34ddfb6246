extension Machine {
  /// Takes a snapshot of everything the panes show. Call it on the machine's own thread; it changes nothing in
  /// the guest (memory is read through the side-effect-free walk, device registers through their `state`).
  /// `traceFrom` is the first trace sequence number the caller has not seen yet.
  public func snapshot(number: UInt64 = 0, traceFrom: UInt64 = 0, host: MachineSnapshot.Host = .init())
    -> MachineSnapshot
  {
    let trace = tracer.events(from: traceFrom, limit: MachineSnapshot.traceLimit)
    let codeStart = cpu.segment(.cs).base &+ cpu.eip &- MachineSnapshot.codeBefore
    let output = uart.output
    return MachineSnapshot(
      number: number, processor: processorView(), vectors: idtView(),
      code: MachineSnapshot.CodeWindow(
        start: codeStart,
        bytes: cpu.peekLinear(codeStart, count: Int(MachineSnapshot.codeBefore + MachineSnapshot.codeAfter))),
      pic: pics.state, pit: pit.state, keyboard: keyboard.state, uart: uart.state, nic: nic.state,
      pendingEvents: scheduler.pending, screen: screenView(), trace: trace.events,
      traceSequence: tracer.nextSequence, traceSkipped: trace.skipped, interruptsPerIRQ: tracer.interruptsPerIRQ,
      traceCounts: tracer.counts, serialTail: Array(output.suffix(MachineSnapshot.serialLimit)),
      serialTotal: UInt64(uart.state.transmittedBytes), wireQueued: wire.queued, wireDropped: wire.dropped,
      resets: resets, exitStatus: exitStatus, symbols: kernel?.symbols ?? .empty, kernelName: kernel?.fileName,
      kernel: TeachingKernelView.read(from: self), host: host)
  }

  func processorView() -> MachineSnapshot.Processor {
    MachineSnapshot.Processor(
      registers: CPU.Register32.allCases.map { cpu[$0] }, eip: cpu.eip, eflags: cpu.eflags,
      segments: SegmentRegister.allCases.map { MachineSnapshot.Segment($0.name, cpu.segment($0)) },
      gdtr: cpu.gdtr, idtr: cpu.idtr, ldtr: MachineSnapshot.Segment("ldtr", cpu.ldtr),
      tr: MachineSnapshot.Segment("tr", cpu.tr), cr0: cpu.cr0, cr2: cpu.cr2, cr3: cpu.cr3, cr4: cpu.cr4,
      cpl: cpu.cpl, halted: cpu.halted, intr: cpu.intrLine, nmiPending: cpu.nmiPending,
      nmiBlocked: cpu.nmiBlocked, interruptShadow: cpu.interruptShadow, cycles: cpu.cycles,
      instructions: cpu.instructions, haltedCycles: cpu.haltedCycles)
  }

  /// Every vector within IDTR's limit, decoded with the CPU's own gate decoder (read without side effects).
  func idtView() -> [MachineSnapshot.Vector] {
    let idtr = cpu.idtr
    let count = min(256, (Int(idtr.limit) + 1) / 8)
    let bytes = cpu.peekLinear(idtr.base, count: count * 8)
    let deliveries = cpu.vectorDeliveries
    return (0..<count).map { vector in
      var words: (UInt32, UInt32) = (0, 0)
      var readable = true
      for i in 0..<8 {
        guard let byte = bytes[vector * 8 + i] else {
          readable = false
          break
        }
        if i < 4 { words.0 |= UInt32(byte) << (8 * i) } else { words.1 |= UInt32(byte) << (8 * (i - 4)) }
      }
      return MachineSnapshot.Vector(
        number: vector, gate: readable ? IDTGate(low: words.0, high: words.1) : nil,
        deliveries: deliveries[vector])
    }
  }

  func screenView() -> MachineSnapshot.Screen {
    let cursor = vga.cursor
    return MachineSnapshot.Screen(
      cells: vga.rawCells(), cursorRow: cursor.row, cursorColumn: cursor.column, cursorVisible: cursor.visible,
      blinkEnabled: vga.blinkEnabled)
  }
}

extension Machine {
  /// `count` bytes of guest RAM from physical address `address` (a DMA buffer), without side effects; nil when the
  /// range is not all RAM.
  public func peekPhysical(_ address: UInt32, count: Int) -> [UInt8]? {
    guard count >= 0, memory.contains(address, count: max(1, count)) else { return nil }
    return (0..<count).map { memory.read8(address &+ UInt32($0)) }
  }
}

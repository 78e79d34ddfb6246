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
    let deliveries = cpu.vectorDeliveries
    var vectors: [MachineSnapshot.Vector] = []
    vectors.reserveCapacity(count)
    // One side-effect-free walk per page; a gate that straddles a page boundary is read byte by byte.
    var page: UInt32 = 1  // never a page base
    var physicalPage: UInt32?
    for vector in 0..<count {
      let linear = idtr.base &+ UInt32(vector * 8)
      var gate: IDTGate?
      if linear & 0xFFF <= 0xFF8 {
        if linear & 0xFFFF_F000 != page {
          page = linear & 0xFFFF_F000
          physicalPage = cpu.peekTranslate(page)
        }
        if let base = physicalPage, case let physical = base | (linear & 0xFFF), memory.contains(physical, count: 8) {
          gate = IDTGate(low: memory.read32(physical), high: memory.read32(physical &+ 4))
        }
      } else if let low = cpu.peekLinear32(linear), let high = cpu.peekLinear32(linear &+ 4) {
        gate = IDTGate(low: low, high: high)
      }
      vectors.append(MachineSnapshot.Vector(number: vector, gate: gate, deliveries: deliveries[vector]))
    }
    return vectors
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

extension Machine {
  /// The bytes of a kernel variable named in its ELF symbol table (`count` bytes, or the symbol's own size), read
  /// through the side-effect-free page walk: how the dashboard reads a kernel's own structures. Nil when the
  /// kernel has no such symbol or the memory is unmapped.
  public func peekSymbol(_ name: String, count: Int? = nil) -> [UInt8]? {
    guard let symbols = kernel?.symbols, let address = symbols.address(of: name) else { return nil }
    let size = count ?? symbols.symbol(containing: address).map { Int($0.symbol.size) } ?? 4
    return cpu.peekLinearBytes(address, count: max(0, size))
  }
}

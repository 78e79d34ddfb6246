import Synchronization

/// The i386 processor: protected mode with segmentation and paging, as the Intel SDM describes it.
///
/// What is modelled: the integer i386/i486 instruction set plus CMOVcc, BSWAP, CMPXCHG, XADD, CPUID and RDTSC; 16- and
/// 32-bit code segments; CPL 0–3 with the segment, gate and I/O permission checks; paging with 4 KiB and 4 MiB pages;
/// exceptions, INTR and NMI delivery through the IDT; the double and triple fault.
/// Not modelled: real and virtual-8086 mode, hardware task switching (task gates raise #GP), call gates, debug
/// breakpoints in DR0–DR3 (the registers are stored), x87/MMX/SSE (FPU opcodes raise #NM, SSE opcodes #UD; the
/// fences, PAUSE, PREFETCHh and CLFLUSH run as no-ops), caches. Where the SDM allows processors to differ, `model`
/// says what this one does (CPUModel.swift).
///
/// Time: one retired instruction is one cycle of virtual time, and each port access `portAccessCycles` more;
/// `cycles` is also what RDTSC returns.
/// Everything guest-controlled is handled with wrapping arithmetic and bounds-checked memory, so no instruction
/// stream can trap the host.
public final class CPU {
  // MARK: Architectural state

  /// EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI in ModRM register order.
  let regs: UnsafeMutablePointer<UInt32>
  /// ES, CS, SS, DS, FS, GS with their descriptor caches, in ModRM `sreg` order.
  let segs: UnsafeMutablePointer<SegmentCache>
  public var eip: UInt32 = 0
  /// EFLAGS without the six arithmetic flags, which live in the lazy-flag state below.
  var flagsRest: UInt32 = EFLAGS.reserved1
  public var gdtr = TableRegister()
  public var idtr = TableRegister()
  public internal(set) var ldtr = SegmentCache()
  public internal(set) var tr = SegmentCache()
  public internal(set) var cr0: UInt32 = 0x6000_0011  // CD, NW, ET, PE: protected mode (we never leave it)
  public internal(set) var cr2: UInt32 = 0
  public internal(set) var cr3: UInt32 = 0
  public internal(set) var cr4: UInt32 = 0
  public internal(set) var dr = [UInt32](repeating: 0, count: 8)
  /// Cycles of virtual time: retired instructions plus time skipped while halted.
  public var cycles: UInt64 = 0
  /// Cycles that retired no instruction: time skipped while halted, and the extra iterations of REP strings.
  public internal(set) var cyclesWithoutInstruction: UInt64 = 0
  /// Instructions retired.
  public var instructions: UInt64 { cycles &- cyclesWithoutInstruction }
  /// Cycles spent halted (HLT with nothing to wake it): the rest of `cycles` the CPU was busy.
  public internal(set) var haltedCycles: UInt64 = 0
  /// Current privilege level (CS.RPL after a far transfer).
  public internal(set) var cpl: Int = 0 {
    didSet { tlbMode = cpl == 3 ? 3 : 1 }
  }
  /// The TLB tag bits for the current privilege: valid, plus the user bit at CPL 3 (kept in step with `cpl`).
  private(set) var tlbMode: UInt32 = 1
  /// Mirrored in `attention`, so the run loop tests one word per instruction.
  public internal(set) var halted = false {
    didSet { updateAttention() }
  }
  /// Triple faults since power-on (each one reset the processor).
  public internal(set) var tripleFaults = 0
  /// The implementation-defined choices this processor makes (see CPUModel.swift); kept across resets.
  public var model = CPUModel()
  /// Virtual time one port access (IN, OUT, one INS/OUTS iteration) takes beyond its instruction: 1 µs, what an
  /// 8-bit ISA bus cycle takes on a PC (the chipset stretches it to about 1 µs whatever the CPU's clock), so
  /// port-0x80 delays and status-polling loops last as long as on hardware. 0 makes I/O as fast as any instruction.
  public var portAccessCycles: UInt64 = Scheduler.cycles(nanoseconds: 1_000)

  // MARK: Lazy arithmetic flags (see LazyFlags.swift)

  var flagOp: FlagOp = .known
  var flagResult: UInt32 = 0
  var flagA: UInt32 = 0
  var flagB: UInt32 = 0
  /// Carry-in for ADC/SBB, the preserved CF for INC/DEC, or all six flags for `.known`.
  var flagAux: UInt32 = 0
  /// Width of the last arithmetic operation: 0xFF, 0xFFFF or 0xFFFF_FFFF.
  var flagMask: UInt32 = 0xFFFF_FFFF

  // MARK: Per-instruction decode state

  /// The one-byte opcode map (see Dispatch.swift), kept as a raw table so a lookup costs one load.
  let opcodeFamilies: UnsafeMutablePointer<OpcodeFamily>
  /// The fast path's map (see FastOpTable.swift).
  let fastOps: UnsafeMutablePointer<FastOp>

  var instructionStart: UInt32 = 0
  /// CS.D: the default operand and address size of the current code segment.
  var codeDefault32 = true
  var operandSize32 = true
  var addressSize32 = true
  /// Segment override prefix, or -1.
  var segmentOverride = -1
  /// 0 none, 0xF3 REP/REPE, 0xF2 REPNE.
  var repPrefix: UInt8 = 0

  // MARK: External inputs

  /// Level of the INTR pin, driven by the interrupt controller.
  public private(set) var intrLine = false
  var nmiPending = false
  /// The board's NMI gate (port 0x70 bit 7 on a PC): while closed an NMI stays pending and is taken once it opens.
  public private(set) var nmiMasked = false
  /// NMIs are blocked from the delivery of one until the next IRET.
  var nmiBlocked = false
  /// Set for one instruction boundary after STI (when IF was clear), MOV SS and POP SS.
  var interruptShadow = false
  /// Set with the shadow by MOV SS and POP SS only: the single-step #DB also waits until after the next instruction
  /// (SDM vol. 3 §6.8.3). STI's shadow does not hold it back.
  var debugShadow = false
  /// Non-zero when the run loop must look at something before the next instruction (see Attention). Atomic because
  /// `requestStop()` may come from another thread (the dashboard, the gdb stub) while the machine's own thread
  /// recomputes the other bits; the hot loop's relaxed load is a plain load on x86.
  let attentionWord = Atomic<UInt32>(0)
  var attention: UInt32 { attentionWord.load(ordering: .relaxed) }
  /// Where the current `run(until:)` stops; lowered by `limitRun(to:)` when a device event is scheduled sooner.
  var runLimit: UInt64 = 0
  /// Returns the vector when the CPU acknowledges INTR (the 8259A's INTA cycle).
  public var acknowledgeInterrupt: (() -> UInt8)?
  /// Called after every interrupt or exception is delivered, for the trace.
  public var onDelivery: ((DeliveryRecord) -> Void)?
  /// Called when a triple fault resets the processor, with the reason.
  public var onTripleFault: ((String) -> Void)?

  // MARK: Buses

  public let memory: PhysicalMemory
  public let io: IOBus
  public let mmio: MMIOMap
  let ramBase: UnsafeMutableRawPointer
  let ramSize: UInt32

  // MARK: Translation caches (see Paging.swift)

  /// Direct-mapped software TLB, one for reads and one for writes: tag = linear page | 1 | (user ? 2 : 0).
  let readTag: UnsafeMutablePointer<UInt32>
  let writeTag: UnsafeMutablePointer<UInt32>
  /// Host address minus linear address for the entry's page.
  let readAddend: UnsafeMutablePointer<Int>
  let writeAddend: UnsafeMutablePointer<Int>
  static let tlbEntries = 4096
  /// The instruction-fetch window: while `EIP - fetchStart < fetchLength`, the byte at EIP is at host
  /// address `EIP + fetchAddend`.
  var fetchStart: UInt32 = 0
  var fetchLength: UInt32 = 0
  var fetchAddend = 0
  /// How much of the window the fast path may use: while `EIP - fetchStart < fastFetchLength`, at least 16 bytes
  /// of the window lie ahead of EIP (any unprefixed instruction fits). 0 when CS is a 16-bit segment.
  var fastFetchLength: UInt32 = 0

  /// How many times each vector was delivered through the IDT since power-on (the IDT pane's "taken" column).
  let vectorDeliveries: UnsafeMutablePointer<UInt64>
  /// Nesting of exception delivery, for the double- and triple-fault rules.
  var deliveringVector: Int = -1

  /// Breakpoints and watchpoints set by a debugger (see DebugTraps.swift). Stored last, so the hot fields above keep
  /// their offsets.
  public let debugTraps = DebugTraps()

  public init(memory: PhysicalMemory, io: IOBus, mmio: MMIOMap) {
    self.memory = memory
    self.io = io
    self.mmio = mmio
    ramBase = memory.bytes
    ramSize = UInt32(clamping: memory.size)
    opcodeFamilies = .allocate(capacity: 256)
    opcodeFamilies.initialize(from: OpcodeFamily.makeTable(), count: 256)
    fastOps = .allocate(capacity: 256)
    fastOps.initialize(from: FastOp.makeTable(), count: 256)
    vectorDeliveries = .allocate(capacity: 256)
    vectorDeliveries.initialize(repeating: 0, count: 256)
    regs = .allocate(capacity: 8)
    regs.initialize(repeating: 0, count: 8)
    segs = .allocate(capacity: 6)
    segs.initialize(repeating: SegmentCache(), count: 6)
    readTag = .allocate(capacity: Self.tlbEntries)
    writeTag = .allocate(capacity: Self.tlbEntries)
    readAddend = .allocate(capacity: Self.tlbEntries)
    writeAddend = .allocate(capacity: Self.tlbEntries)
    readAddend.initialize(repeating: 0, count: Self.tlbEntries)
    writeAddend.initialize(repeating: 0, count: Self.tlbEntries)
    readTag.initialize(repeating: 0, count: Self.tlbEntries)
    writeTag.initialize(repeating: 0, count: Self.tlbEntries)
    reset()
  }

  deinit {
    opcodeFamilies.deallocate()
    fastOps.deallocate()
    regs.deallocate()
    vectorDeliveries.deallocate()
    segs.deallocate()
    readTag.deallocate()
    writeTag.deallocate()
    readAddend.deallocate()
    writeAddend.deallocate()
  }

  /// Deliveries through the IDT of all vectors together.
  public var vectorDeliveriesTotal: UInt64 {
    var total: UInt64 = 0
    for i in 0..<256 { total &+= vectorDeliveries[i] }
    return total
  }

  /// Deliveries per vector, 0–255.
  public var deliveriesPerVector: [UInt64] { Array(UnsafeBufferPointer(start: vectorDeliveries, count: 256)) }

  /// Puts the processor in the state a Multiboot loader hands over: flat 4 GiB protected-mode segments
  /// (CS 0x08, the others 0x10), IF clear, paging off.
  public func reset() {
    for r in 0..<8 { regs[r] = 0 }
    eip = 0
    flagsRest = EFLAGS.reserved1
    setArithmeticFlags(0)
    cr0 = 0x6000_0011
    cr2 = 0
    cr3 = 0
    cr4 = 0
    for i in 0..<8 { dr[i] = 0 }
    dr[6] = 0xFFFF_0FF0
    dr[7] = 0x400
    gdtr = TableRegister()
    idtr = TableRegister()
    ldtr = SegmentCache()
    ldtr.usable = false
    tr = SegmentCache()
    tr.access = 0x8B
    for s in SegmentRegister.allCases {
      segs[s.rawValue] = Self.flatSegment(selector: s == .cs ? 0x08 : 0x10, code: s == .cs)
    }
    cpl = 0
    codeDefault32 = true
    halted = false
    nmiPending = false
    nmiBlocked = false
    interruptShadow = false
    debugShadow = false
    deliveringVector = -1
    flushTLB()
    updateAttention()
  }

  /// A flat 4 GiB 32-bit segment as QEMU's Multiboot GDT defines it.
  static func flatSegment(selector: UInt16, code: Bool) -> SegmentCache {
    SegmentCache(selector: selector, descriptorLow: 0x0000_FFFF, high: code ? 0x00CF_9B00 : 0x00CF_9300)
  }

  // MARK: Register access for the board, the dashboard and tests

  public enum Register32: Int, CaseIterable, Sendable {
    case eax = 0, ecx, edx, ebx, esp, ebp, esi, edi
  }

  public subscript(_ r: Register32) -> UInt32 {
    get { regs[r.rawValue] }
    set { regs[r.rawValue] = newValue }
  }

  public func segment(_ s: SegmentRegister) -> SegmentCache { segs[s.rawValue] }

  /// Replaces a segment register's selector and cache without any checks (the loader's hand-over).
  public func setSegment(_ s: SegmentRegister, _ cache: SegmentCache) {
    var c = cache
    c.refresh()
    segs[s.rawValue] = c
    if s == .cs {
      cpl = Int(c.selector & 3)
      codeDefault32 = c.big
      invalidateFetch()
    }
  }

  /// The full EFLAGS value.
  public var eflags: UInt32 {
    get { flagsRest | arithmeticFlags() }
    set {
      flagsRest = (newValue & ~EFLAGS.arithmetic & ~EFLAGS.vm) | EFLAGS.reserved1
      flagsRest &= ~(UInt32(0x8) | 0x20 | 0x8000)  // reserved bits 3, 5, 15 read as 0
      setArithmeticFlags(newValue & EFLAGS.arithmetic)
      updateAttention()
    }
  }

  var interruptsEnabled: Bool { flagsRest & EFLAGS.if != 0 }
  var directionDown: Bool { flagsRest & EFLAGS.df != 0 }
  var iopl: Int { Int(flagsRest >> 12) & 3 }

  public func setControlRegister0(_ value: UInt32) { writeCR0(value) }
  public func setControlRegister3(_ value: UInt32) { writeCR3(value) }
  public func setControlRegister4(_ value: UInt32) { writeCR4(value) }

  // MARK: External inputs

  /// Drives the INTR pin (level-sensitive).
  public func setINTR(_ level: Bool) {
    intrLine = level
    updateAttention()
  }

  /// Signals an NMI (edge-triggered): it is taken at the next instruction boundary unless one is being handled.
  public func raiseNMI() {
    nmiPending = true
    updateAttention()
  }

  /// Closes or opens the board's NMI gate (the RTC index port's bit 7 on a PC).
  public func setNMIMasked(_ masked: Bool) {
    nmiMasked = masked
    updateAttention()
  }

  /// Asks the run loop to return at the next instruction boundary (a reset, a guest's exit request, a stop from
  /// another thread). Safe to call from any thread.
  public func requestStop() {
    attentionWord.bitwiseOr(Attention.stop, ordering: .relaxed)
  }

  /// Takes back a stop that was requested but not yet seen by the run loop (the machine's own thread only).
  func consumeStop() -> Bool {
    attentionWord.bitwiseAnd(~Attention.stop, ordering: .relaxed).oldValue & Attention.stop != 0
  }

  /// Makes the current run return once virtual time reaches `time`: device I/O scheduled an event sooner than the
  /// slice's end, and the board must run it on time.
  public func limitRun(to time: UInt64) {
    if time < runLimit { runLimit = time }
  }

  enum Attention {
    static let intr: UInt32 = 1
    static let nmi: UInt32 = 2
    static let trap: UInt32 = 4
    static let stop: UInt32 = 8
    static let shadow: UInt32 = 16
    static let halted: UInt32 = 32
    static let debug: UInt32 = 64
  }

  /// Recomputes the one flag the hot loop checks at every instruction boundary.
  func updateAttention() {
    var a: UInt32 = 0
    if intrLine && flagsRest & EFLAGS.if != 0 { a |= Attention.intr }
    if nmiPending && !nmiBlocked && !nmiMasked { a |= Attention.nmi }
    if flagsRest & EFLAGS.tf != 0 { a |= Attention.trap }
    if interruptShadow { a |= Attention.shadow }
    if halted { a |= Attention.halted }
    if debugTraps.armed { a |= Attention.debug }
    // Keep a stop another thread may have set meanwhile: compare-and-exchange until the word is ours.
    var old = attentionWord.load(ordering: .relaxed)
    while true {
      let (exchanged, current) = attentionWord.compareExchange(
        expected: old, desired: a | (old & Attention.stop), ordering: .relaxed)
      if exchanged { return }
      old = current
    }
  }
}

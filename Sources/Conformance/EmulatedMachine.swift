import Emulator

/// The emulator's side of a case: a bare `CPU` and `PhysicalMemory` set up the way a 32-bit Linux process sees the
/// machine, so a fragment runs under the same conditions as in the native oracle.
///
/// - A GDT laid out like Linux's on x86-64 where user code can see it: 0x08–0x18 DPL 0 segments, 0x23 the 32-bit
///   user code segment, 0x2B the user data segment, 0x33 a DPL 3 readable code segment (Linux's 64-bit one), a TSS
///   at 0x40 whose SS0:ESP0 takes exceptions to ring 0.
/// - An IDT whose gate for vector v points at a lone HLT at `handlerBase + v`, so the EIP the CPU halts after names
///   the vector. Gates 3 (INT3), 4 (INTO) and 0x80 are DPL 3 as on Linux; every other is DPL 0, so `int n` from
///   user code raises #GP like the native one.
/// - Each case starts from `CPU.reset()` with a short ring-0 prologue (LTR, DS/ES/FS/GS loads, IRETD) that enters
///   the fragment at CPL 3 with CS 0x23, SS 0x2B, DS ES 0x2B, FS GS null, IF set. The fragment is followed by
///   `int 0x80`, the end marker: the case ran to its end when the CPU stops in that gate's handler with the
///   return address just after it. The user state is then read from the CPU and the ring-0 exception frame.
public final class EmulatedMachine {
  static let gdtBase: UInt32 = 0x500
  static let tssBase: UInt32 = 0x600
  static let idtBase: UInt32 = 0x1000
  static let handlerBase: UInt32 = 0x2000
  static let prologueBase: UInt32 = 0x3000
  static let selectorWords: UInt32 = 0x3100
  static let iretFrame: UInt32 = 0x7F00
  /// ESP0: exceptions from CPL 3 push SS, ESP, EFLAGS, CS, EIP (and an error code) below it.
  static let ring0StackTop: UInt32 = 0x9000
  static let tssSelector: UInt16 = 0x40
  static let endMarker: [UInt8] = [0xCD, 0x80]
  /// Instructions (and REP iterations) a fragment may take before it counts as hung.
  static let budget: UInt64 = 20_000

  let memory = PhysicalMemory(size: 4 << 20)
  let cpu: CPU

  /// `model`: the implementation-defined choices of the emulated CPU (the harness sets the host's).
  public init(model: CPUModel = CPUModel()) {
    cpu = CPU(memory: memory, io: IOBus(), mmio: MMIOMap())
    cpu.model = model
    installIDT()
    let prologue: [UInt8] =
      [0x0F, 0x00, 0x1D] + le32(Self.selectorWords)  // ltr [tss selector]
      + [0x8E, 0x1D] + le32(Self.selectorWords + 2)  // mov ds, [0x2B]
      + [0x8E, 0x05] + le32(Self.selectorWords + 2)  // mov es, [0x2B]
      + [0x8E, 0x25] + le32(Self.selectorWords + 4)  // mov fs, [0]
      + [0x8E, 0x2D] + le32(Self.selectorWords + 4)  // mov gs, [0]
      + [0xCF]  // iretd to the fragment at CPL 3
    _ = memory.write(prologue, at: Self.prologueBase)
    _ = memory.write(le16(Self.tssSelector) + le16(0x2B) + le16(0), at: Self.selectorWords)
    memory.write32(Self.tssBase + 4, Self.ring0StackTop)  // ESP0
    memory.write32(Self.tssBase + 8, 0x18)  // SS0: the DPL 0 data segment
    memory.write16(Self.tssBase + 0x66, 0x68)  // I/O map base past the limit: no port is allowed at CPL 3
  }

  /// GDT descriptors (low, high doublewords) by index; the TSS is rewritten as available before every case.
  static let gdt: [(UInt32, UInt32)] = [
    (0, 0),
    (0x0000_FFFF, 0x00CF_9A00),  // 0x08 code DPL 0
    (0x0000_FFFF, 0x00CF_9A00),  // 0x10 code DPL 0 (Linux: the 64-bit kernel code segment)
    (0x0000_FFFF, 0x00CF_9200),  // 0x18 data DPL 0
    (0x0000_FFFF, 0x00CF_FA00),  // 0x23 user code, 32-bit
    (0x0000_FFFF, 0x00CF_F200),  // 0x2B user data
    (0x0000_FFFF, 0x00CF_FA00),  // 0x33 user code (Linux: 64-bit; readable code either way)
    (0, 0),
    (0x0000_0067 | (tssBase << 16), 0x0000_8900 | (tssBase >> 16) & 0xFF),  // 0x40 TSS
  ]

  private func installIDT() {
    for vector in 0..<256 {
      let offset = Self.handlerBase + UInt32(vector)
      let dpl: UInt32 = [3, 4, 0x80].contains(vector) ? 3 : 0
      let address = Self.idtBase + UInt32(vector * 8)
      memory.write32(address, (offset & 0xFFFF) | 0x08 << 16)
      memory.write32(address + 4, (offset & 0xFFFF_0000) | 0x8000 | dpl << 13 | 0xE << 8)
      memory.write8(offset, 0xF4)  // hlt
    }
  }

  /// Vectors whose exception frame carries an error code (SDM vol. 3, table 6-1).
  static let vectorsWithErrorCode: Set<UInt32> = [8, 10, 11, 12, 13, 14, 17]

  /// Runs one case and reports what it did, in the oracle's terms.
  public func run(_ c: ConformanceCase) -> ConformanceOutcome {
    cpu.reset()
    for (index, (low, high)) in Self.gdt.enumerated() {
      memory.write32(Self.gdtBase + UInt32(index * 8), low)
      memory.write32(Self.gdtBase + UInt32(index * 8) + 4, high)
    }
    cpu.gdtr = TableRegister(base: Self.gdtBase, limit: UInt16(Self.gdt.count * 8 - 1))
    cpu.idtr = TableRegister(base: Self.idtBase, limit: 0x7FF)
    let end = ConformanceLayout.codeAddress &+ UInt32(c.code.count)
    _ = memory.write(c.code + Self.endMarker, at: ConformanceLayout.codeAddress)
    _ = memory.write(c.window, at: ConformanceLayout.windowAddress)
    // The IRETD frame: EIP, CS, EFLAGS, ESP, SS.
    let frame = [ConformanceLayout.codeAddress, 0x23, c.eflags | EFLAGS.if | EFLAGS.reserved1, c.registers[4], 0x2B]
    for (i, value) in frame.enumerated() { memory.write32(Self.iretFrame + UInt32(4 * i), value) }
    for (i, value) in c.registers.enumerated() { cpu[CPU.Register32(rawValue: i)!] = value }
    cpu[.esp] = Self.iretFrame
    cpu.eip = Self.prologueBase
    let limit = cpu.cycles &+ Self.budget
    while !cpu.halted && cpu.cycles < limit { cpu.run(until: limit) }
    let window = memory.read(ConformanceLayout.windowAddress, count: ConformanceLayout.windowSize) ?? []
    let handler = cpu.eip &- 1 &- Self.handlerBase
    guard cpu.halted, handler < 256 else {
      // Hung, or halted somewhere else: reported as a vector no exception has.
      return ConformanceOutcome(
        vector: Self.hungVector, signal: cpu.eip, faultEIP: cpu.eip, registers: readRegisters(), eflags: cpu.eflags,
        selectors: [], window: window)
    }
    let top = Self.ring0StackTop
    let frameEIP = memory.read32(top - 20)
    if handler == 0x80 && frameEIP == end &+ UInt32(Self.endMarker.count) {
      var registers = readRegisters()
      registers[4] = memory.read32(top - 8)
      var selectors = SegmentRegister.allCases.map { cpu.segment($0).selector }
      selectors[SegmentRegister.cs.rawValue] = UInt16(truncatingIfNeeded: memory.read32(top - 16))
      selectors[SegmentRegister.ss.rawValue] = UInt16(truncatingIfNeeded: memory.read32(top - 4))
      return ConformanceOutcome(
        vector: nil, registers: registers, eflags: memory.read32(top - 12), selectors: selectors, window: window)
    }
    let hasErrorCode = Self.vectorsWithErrorCode.contains(handler)
    return ConformanceOutcome(
      vector: handler, errorCode: hasErrorCode ? memory.read32(top - 24) : 0,
      faultEIP: frameEIP, registers: readRegisters(),
      eflags: cpu.eflags, selectors: [], window: window)
  }

  /// Reported when the fragment neither ended nor faulted within `budget` instructions.
  public static let hungVector: UInt32 = 0xFFFF

  private func readRegisters() -> [UInt32] { CPU.Register32.allCases.map { cpu[$0] } }
}

func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * UInt32($0))) } }
func le16(_ value: UInt16) -> [UInt8] { [UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8)] }

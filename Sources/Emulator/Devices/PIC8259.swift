// Intel 8259A programmable interrupt controller: one chip, as a struct of registers and small pure functions.
//
// Modelled from the 8259A datasheet (and the Intel386 EX manual §9.3.12, §9.4.3):
// - ICW1 (IC4, SNGL, LTIM; ADI is ignored as on every x86), ICW2 (vector base), ICW3, ICW4 (AEOI, SFNM; µPM and the
//   buffered-mode bits are stored for the snapshot). ICW1 clears IMR and ISR, makes IR7 the lowest priority, leaves
//   special mask mode, selects IRR for reads, resets the edge sense (a line held high must go low and high again
//   before it requests) and forgets latched edge requests; IC4 = 0 clears every ICW4 function.
// - OCW1 (IMR); every OCW2 command: non-specific and specific EOI, rotate on non-specific / specific EOI,
//   set priority, rotate in AEOI mode on / off, no operation; OCW3: read IRR / ISR (only when RR = 1), poll (one read,
//   on either port, acting as INTA), special mask mode (only when ESMM = 1).
// - Edge- and level-sensitive inputs (ICW1 LTIM for the whole chip, or the chipset's ELCR per input), AEOI with
//   and without rotation, special fully nested mode, priority under rotation, the spurious IR7 (vector base + 7,
//   ISR unchanged) when nothing is left to acknowledge.
//
// Not modelled: 8080/8085 mode (µPM = 0 would make INTA return a CALL sequence; we always return the 8086 vector, as
// QEMU and Bochs do); buffered mode and the SP/EN pin; ICW3 is stored but not used for routing: the cascade is wired
// to IR2 by the board (PICPair), as QEMU and Bochs wire it, so a kernel that writes 0 as ICW3 still works. INTA is
// one atomic step: there is no time between the CPU seeing INT and the acknowledge.
//
// Where the sources disagree, and what we follow:
// - An edge request that goes away before INTA (scenario 16). Datasheet, Bochs and 86Box: the IRR bit follows the
//   line, so the acknowledge finds nothing and delivers the spurious IR7. QEMU: the rising edge stays latched in IRR
//   until INTA. We follow QEMU: our devices signal edges the way QEMU's do, with `IRQLine.pulse()` (high, then low
//   at the same instant), and our CPU only samples INTR between instructions; under the datasheet rule every pulse
//   would become a spurious IRQ7. Lowering an edge input therefore only re-arms its edge detector.
// - A slave request masked after the slave raised its INT but before INTA (scenario 18). QEMU keeps the master's
//   IR2 edge latched, so INTA runs, the slave answers with its spurious vector (base + 7) and the master's ISR bit 2
//   is left set for the guest to EOI. Bochs drops the master's INT, so no acknowledge happens. We follow Bochs:
//   the cascade line is not a device pulse but the slave's INT, a level the model recomputes on every change, so the
//   master's IR2 request follows it (`followInput`). Guests that do not know to EOI the master after a spurious
//   IRQ15 then do not lose IRQ3–7 and the slave, and polling the slave leaves no stale request on the master.
// - Special mask mode. QEMU only lets ISR bits that are also masked stop blocking (an unmasked in-service level
//   still blocks lower ones). Datasheet ("enables interrupts from all other levels, lower as well as higher, that
//   are not masked") and Bochs: every unmasked request may interrupt unless its own level is in service. We follow
//   the datasheet and Bochs. A non-specific EOI in special mask mode ignores masked ISR bits (datasheet note;
//   QEMU and Bochs clear the highest ISR bit whatever the mask).
// - Special fully nested mode. Datasheet: a request from a cascade input is recognised while that same input is in
//   service; lower levels stay blocked. QEMU removes ISR bit 2 from the comparison altogether (so IR3–7 pass too);
//   Bochs does not model SFNM. We follow the datasheet.
// - LTIM: QEMU logs it as unimplemented and stays edge-triggered; we model it (all inputs level-sensitive).
// - ICW1 clearing ISR and latched edge requests: the datasheet is silent; QEMU, Bochs and 86Box clear both, as do we.
//   ICW1 also clears rotate-in-AEOI, as in QEMU. The ELCR, a chipset register, survives ICW1.
// - Poll: acts as INTA, including AEOI and rotation (QEMU). An OCW3 with P = 0 does not cancel an armed poll (QEMU).

/// The registers of one 8259A, with the pure functions over them (priority resolution, INTA, command decoding).
///
/// Also the snapshot the dashboard and the JSON dump read: its fields are read-only outside the module.
public struct PIC8259State: Sendable, Equatable, Codable {
  /// Which initialisation command word the odd port expects next.
  public enum InitStep: String, Sendable, Equatable, Codable {
    /// Initialised: odd-port writes are OCW1 (IMR).
    case ready
    case icw2
    case icw3
    case icw4
  }

  /// The register an even-port read returns (OCW3 RIS).
  public enum ReadRegister: String, Sendable, Equatable, Codable {
    case irr
    case isr
  }

  /// IRR, interrupt request register: inputs asking for service (bit n = IRn).
  public internal(set) var irr: UInt8 = 0
  /// ISR, in-service register: levels acknowledged by INTA and not yet ended by an EOI.
  public internal(set) var isr: UInt8 = 0
  /// IMR, interrupt mask register (OCW1): a set bit blocks that input.
  public internal(set) var imr: UInt8 = 0
  /// Vector base (ICW2 T7–T3): the vector for IRn is `base | n`.
  public internal(set) var base: UInt8 = 0
  /// The level that currently has the highest priority; level `priorityAdd - 1` is the lowest. 0 after ICW1.
  public internal(set) var priorityAdd: UInt8 = 0
  /// OCW3 RR/RIS: what an even-port read returns.
  public internal(set) var readRegister: ReadRegister = .irr
  /// OCW3 P: the next read is a poll.
  public internal(set) var poll = false
  /// OCW3 SMM: special mask mode.
  public internal(set) var specialMask = false
  /// ICW4 AEOI: automatic end of interrupt (INTA does not set ISR).
  public internal(set) var autoEOI = false
  /// OCW2 R in AEOI mode: an acknowledged level becomes the lowest priority.
  public internal(set) var rotateOnAutoEOI = false
  /// ICW4 SFNM: special fully nested mode.
  public internal(set) var specialFullyNested = false
  /// ICW1 LTIM: every input is level-sensitive.
  public internal(set) var levelTriggeredMode = false
  /// ICW1 SNGL: single chip, no ICW3.
  public internal(set) var single = false
  /// ICW1 IC4: ICW4 follows.
  public internal(set) var expectsICW4 = false
  /// ICW3 as written: on a master a bit per input with a slave, on a slave its ID.
  public internal(set) var icw3: UInt8 = 0
  /// ICW4 as written (0 when ICW1 had IC4 = 0).
  public internal(set) var icw4: UInt8 = 0
  /// Where the initialisation sequence stands.
  public internal(set) var initStep: InitStep = .ready
  /// ELCR, edge/level control register (a chipset register beside the PIC): a set bit makes that input level-sensitive.
  public internal(set) var elcr: UInt8 = 0
  /// The level each IR input was last driven to: the edge detector's memory.
  public internal(set) var lastInput: UInt8 = 0
  /// Inputs wired to a slave's INT output (board wiring, not ICW3): 0x04 on a PC master, 0 on the slave.
  public internal(set) var cascadeInputs: UInt8 = 0

  public init() {}

  init(cascadeInputs: UInt8) {
    self.cascadeInputs = cascadeInputs
  }
}

// MARK: - Priority resolution

extension PIC8259State {
  /// Inputs that are level-sensitive: all of them under LTIM, else those the ELCR marks.
  public var levelSensitive: UInt8 { levelTriggeredMode ? 0xFF : elcr }

  /// The chip's INT output: a request is waiting to be acknowledged.
  public var int: Bool { pendingRequest != nil }

  /// The priority (0 highest … 7 lowest, after rotation) of the highest-priority input set in `mask`; 8 when empty.
  func highestPriority(of mask: UInt8) -> Int {
    let shift = priorityAdd & 7
    // Rotate right so that bit 0 is the highest-priority level (a UInt8 shifted by 8 gives 0, so shift 0 is fine).
    let rotated = (mask >> shift) | (mask << (8 &- shift))
    return rotated.trailingZeroBitCount  // 8 for an empty mask
  }

  /// The input level that has priority `priority` under the current rotation.
  func level(forPriority priority: Int) -> Int { (priority &+ Int(priorityAdd)) & 7 }

  /// The level INTA would acknowledge now, or nil when INT is low.
  public var pendingRequest: Int? {
    // In SFNM a cascade input in service does not block a new request from the same input.
    let nestedCascade = specialFullyNested ? isr & cascadeInputs : 0
    if specialMask {
      // Every unmasked request may interrupt unless its own level is in service.
      let requests = irr & ~imr & ~(isr & ~nestedCascade)
      let priority = highestPriority(of: requests)
      return priority < 8 ? level(forPriority: priority) : nil
    }
    let priority = highestPriority(of: irr & ~imr)
    guard priority < 8 else { return nil }
    let inService = highestPriority(of: isr)
    if priority < inService { return level(forPriority: priority) }
    let requested = level(forPriority: priority)
    if priority == inService && nestedCascade & (1 << requested) != 0 { return requested }
    return nil
  }
}

// MARK: - Inputs and acknowledge

extension PIC8259State {
  /// Drives input `line` (0–7). Edge-sensitive: a rising edge latches a request, which stays until INTA (see the
  /// choice at the top of the file). Level-sensitive: IRR follows the line.
  mutating func setInput(_ line: Int, level: Bool) {
    let bit: UInt8 = 1 << (line & 7)
    if level {
      if lastInput & bit == 0 || levelSensitive & bit != 0 { irr |= bit }
      lastInput |= bit
    } else {
      lastInput &= ~bit
      if levelSensitive & bit != 0 { irr &= ~bit }
    }
  }

  /// Drives a cascade input from a slave's INT: the request follows the line, so it vanishes if the slave's
  /// request does (the datasheet's rule, Bochs's outcome; see the top of the file).
  mutating func followInput(_ line: Int, level: Bool) {
    let bit: UInt8 = 1 << (line & 7)
    if level {
      lastInput |= bit
      irr |= bit
    } else {
      lastInput &= ~bit
      irr &= ~bit
    }
  }

  /// The acknowledge of `level`: ISR bit set (or, in AEOI, the automatic EOI with optional rotation), and an edge
  /// request cleared. A level-sensitive request stays while its line is high.
  mutating func acknowledge(level: Int) {
    let bit: UInt8 = 1 << (level & 7)
    if autoEOI {
      if rotateOnAutoEOI { priorityAdd = UInt8((level &+ 1) & 7) }
    } else {
      isr |= bit
    }
    if levelSensitive & bit == 0 { irr &= ~bit }
  }

  /// The INTA sequence of a chip that answers for itself: the vector of the highest request, or the spurious
  /// IR7 vector with ISR unchanged when nothing is pending.
  mutating func interruptAcknowledge() -> UInt8 {
    guard let level = pendingRequest else { return base | 7 }
    acknowledge(level: level)
    return base | UInt8(level)
  }

  /// A poll read: bit 7 set and the level in bits 2–0 when a request is pending (which is acknowledged), else 0.
  mutating func pollRead() -> UInt8 {
    guard let level = pendingRequest else { return 0 }
    acknowledge(level: level)
    return 0x80 | UInt8(level)
  }
}

// MARK: - Ports

extension PIC8259State {
  /// A write to the even port (0x20 / 0xA0): ICW1, OCW3 or OCW2, by bits 4 and 3.
  mutating func writeCommand(_ value: UInt8) {
    if value & 0x10 != 0 {
      writeICW1(value)
    } else if value & 0x08 != 0 {
      writeOCW3(value)
    } else {
      writeOCW2(value)
    }
  }

  /// A write to the odd port (0x21 / 0xA1): the next ICW during initialisation, else OCW1.
  mutating func writeData(_ value: UInt8) {
    switch initStep {
    case .ready:
      imr = value
    case .icw2:
      base = value & 0xF8
      initStep = single ? (expectsICW4 ? .icw4 : .ready) : .icw3
    case .icw3:
      icw3 = value
      initStep = expectsICW4 ? .icw4 : .ready
    case .icw4:
      icw4 = value
      autoEOI = value & 0x02 != 0
      specialFullyNested = value & 0x10 != 0
      initStep = .ready
    }
  }

  /// A read of the even port (IRR or ISR) or the odd port (IMR); a poll when one is armed.
  mutating func read(dataPort: Bool) -> UInt8 {
    if poll {
      poll = false
      return pollRead()
    }
    if dataPort { return imr }
    return readRegister == .isr ? isr : irr
  }

  /// Writes the ELCR through the chipset's mask; level-sensitive requests then follow their lines.
  mutating func writeELCR(_ value: UInt8, mask: UInt8) {
    elcr = value & mask
    let level = levelSensitive
    irr = (irr & ~level) | (lastInput & level)
  }

  /// ICW1: starts the initialisation sequence and resets the chip's modes.
  mutating func writeICW1(_ value: UInt8) {
    expectsICW4 = value & 0x01 != 0
    single = value & 0x02 != 0
    levelTriggeredMode = value & 0x08 != 0
    imr = 0
    isr = 0
    priorityAdd = 0
    readRegister = .irr
    poll = false
    specialMask = false
    autoEOI = false
    rotateOnAutoEOI = false
    specialFullyNested = false
    icw4 = 0
    // Edge sense reset: latched edge requests are forgotten; level-sensitive inputs that are high still request.
    irr = lastInput & levelSensitive
    initStep = .icw2
  }

  /// OCW2: EOI, rotation and priority commands (bits 7–5 R, SL, EOI; bits 2–0 the level).
  mutating func writeOCW2(_ value: UInt8) {
    let named = Int(value & 7)
    switch value >> 5 {
    case 0b000:  // rotate in AEOI mode off
      rotateOnAutoEOI = false
    case 0b100:  // rotate in AEOI mode on
      rotateOnAutoEOI = true
    case 0b001, 0b101:  // non-specific EOI, optionally rotating
      // In special mask mode, masked ISR bits are not cleared by a non-specific EOI (datasheet).
      let candidates = specialMask ? isr & ~imr : isr
      let priority = highestPriority(of: candidates)
      guard priority < 8 else { return }
      let served = level(forPriority: priority)
      isr &= ~(1 << served)
      if value & 0x80 != 0 { priorityAdd = UInt8((served &+ 1) & 7) }
    case 0b011:  // specific EOI
      isr &= ~(1 << named)
    case 0b111:  // rotate on specific EOI
      isr &= ~(1 << named)
      priorityAdd = UInt8((named &+ 1) & 7)
    case 0b110:  // set priority: the named level becomes the lowest
      priorityAdd = UInt8((named &+ 1) & 7)
    default:  // 0b010: no operation
      break
    }
  }

  /// OCW3: read register select (when RR), poll, special mask mode (when ESMM).
  mutating func writeOCW3(_ value: UInt8) {
    if value & 0x02 != 0 { readRegister = value & 0x01 != 0 ? .isr : .irr }
    if value & 0x04 != 0 { poll = true }
    if value & 0x40 != 0 { specialMask = value & 0x20 != 0 }
  }
}

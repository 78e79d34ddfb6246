import Foundation
import Testing

@testable import Emulator

// Scenarios 1–22 are those of shared/reference/pic-scenarios.md; expected values come from the 8259A datasheet and
// that file, worked out by hand. Unless a test says otherwise the pair is initialised the usual PC way: master ICW1
// 0x11, ICW2 0x20, ICW3 0x04, ICW4 0x01; slave ICW1 0x11, ICW2 0x28, ICW3 0x02, ICW4 0x01; IMR 0x00.

extension PICPair {
  fileprivate func out(_ port: UInt16, _ value: UInt8) { portWrite(port, size: 1, value: UInt32(value)) }
  fileprivate func inb(_ port: UInt16) -> UInt8 { UInt8(truncatingIfNeeded: portRead(port, size: 1)) }
  fileprivate func raise(_ irq: Int) { setIRQ(irq, level: true) }
  fileprivate func lower(_ irq: Int) { setIRQ(irq, level: false) }
  fileprivate func pulse(_ irq: Int) {
    setIRQ(irq, level: true)
    setIRQ(irq, level: false)
  }
  fileprivate var m: PIC8259State { state.master }
  fileprivate var s: PIC8259State { state.slave }
}

private func makePair(masterICW2: UInt8 = 0x20, masterICW4: UInt8 = 0x01) -> PICPair {
  let pic = PICPair()
  pic.out(0x20, 0x11)
  pic.out(0x21, masterICW2)
  pic.out(0x21, 0x04)
  pic.out(0x21, masterICW4)
  pic.out(0xA0, 0x11)
  pic.out(0xA1, 0x28)
  pic.out(0xA1, 0x02)
  pic.out(0xA1, 0x01)
  return pic
}

/// One chip, initialised with vector base `base`, outside any pair.
private func makeChip(base: UInt8 = 0x20) -> PIC8259State {
  var chip = PIC8259State()
  chip.writeCommand(0x11)
  chip.writeData(base)
  chip.writeData(0x04)
  chip.writeData(0x01)
  return chip
}

// MARK: - Scenarios 1–22

@Test func initLeavesMasksAndServiceClearAndReICW1ClearsThemAgain() {  // 1
  let pic = makePair()
  #expect(pic.m.imr == 0x00 && pic.m.isr == 0x00 && pic.m.initStep == .ready)
  pic.out(0x21, 0xFF)
  pic.pulse(3)
  #expect(pic.inb(0x20) == 0x08)  // even port reads IRR after init
  pic.out(0x21, 0x00)
  #expect(pic.acknowledge() == 0x23)
  pic.out(0x21, 0x5A)
  #expect(pic.m.isr == 0x08 && pic.m.imr == 0x5A)
  pic.out(0x20, 0x11)
  #expect(pic.m.imr == 0x00 && pic.m.isr == 0x00)
}

@Test func icw2KeepsOnlyTheVectorBaseBits() {  // 2
  let pic = makePair(masterICW2: 0x25)
  #expect(pic.m.base == 0x20)
  pic.raise(3)
  #expect(pic.acknowledge() == 0x23)
}

@Test func singleModeICW1SkipsICW3() {  // 2
  let pic = PICPair()
  pic.out(0x20, 0x13)  // ICW1: SNGL, IC4
  pic.out(0x21, 0x40)  // ICW2
  #expect(pic.m.initStep == .icw4)
  pic.out(0x21, 0x03)  // ICW4 (AEOI), not ICW3
  #expect(pic.m.icw3 == 0x00 && pic.m.icw4 == 0x03 && pic.m.autoEOI && pic.m.initStep == .ready)
  pic.out(0x21, 0x5A)  // now OCW1
  #expect(pic.m.imr == 0x5A && pic.m.base == 0x40)
}

@Test func edgeOnIRQ1IsRequestedThenAcknowledgedThenEnded() {  // 3
  let pic = makePair()
  pic.raise(1)
  #expect(pic.m.irr == 0x02 && pic.intr)
  #expect(pic.acknowledge() == 0x21)
  #expect(pic.m.irr == 0x00 && pic.m.isr == 0x02 && !pic.intr)
  pic.out(0x20, 0x20)
  #expect(pic.m.isr == 0x00)
}

@Test func lowerPriorityRequestWaitsForTheEOI() {  // 4
  let pic = makePair()
  pic.raise(1)
  pic.raise(4)
  #expect(pic.acknowledge() == 0x21)
  #expect(pic.m.irr == 0x10 && !pic.intr)
  pic.out(0x20, 0x20)
  #expect(pic.intr)
  #expect(pic.acknowledge() == 0x24)
}

@Test func higherPriorityRequestPreemptsTheLevelInService() {  // 5
  let pic = makePair()
  pic.raise(3)
  #expect(pic.acknowledge() == 0x23)
  pic.raise(1)
  #expect(pic.intr)
  #expect(pic.acknowledge() == 0x21)
  #expect(pic.m.isr == 0x0A)
  pic.out(0x20, 0x20)  // non-specific EOI ends the highest level in service, IRQ1
  #expect(pic.m.isr == 0x08)
}

@Test func sameLevelRequestWaitsForTheEOI() {  // 6
  let pic = makePair()
  pic.pulse(1)
  #expect(pic.acknowledge() == 0x21)
  pic.pulse(1)
  #expect(pic.m.irr == 0x02 && !pic.intr)
  pic.out(0x20, 0x20)
  #expect(pic.intr)
  #expect(pic.acknowledge() == 0x21)
}

@Test func maskedRequestStaysInIRRUntilUnmasked() {  // 7
  let pic = makePair()
  pic.out(0x21, 0x02)
  pic.raise(1)
  #expect(pic.m.irr == 0x02 && !pic.intr)
  pic.out(0x21, 0x00)
  #expect(pic.intr)
}

@Test func maskingAPendingRequestDropsINTAndALateINTAIsSpurious() {  // 8
  let pic = makePair()
  pic.raise(3)
  #expect(pic.intr)
  pic.out(0x21, 0x08)
  #expect(!pic.intr)
  #expect(pic.acknowledge() == 0x27)
  #expect(pic.m.isr == 0x00 && pic.m.irr == 0x08)
}

@Test func specificEOIEndsOnlyTheNamedLevel() {  // 9
  let pic = makePair()
  pic.raise(3)
  _ = pic.acknowledge()
  pic.raise(1)
  _ = pic.acknowledge()
  #expect(pic.m.isr == 0x0A)
  pic.out(0x20, 0x63)
  #expect(pic.m.isr == 0x02)
}

@Test func rotateOnNonSpecificEOIMakesTheServedLevelLowest() {  // 10, on one chip: IR2 is an ordinary input here
  var chip = makeChip()
  chip.setInput(1, level: true)
  #expect(chip.interruptAcknowledge() == 0x21)
  chip.writeCommand(0xA0)
  #expect(chip.isr == 0x00 && chip.priorityAdd == 2)
  chip.setInput(0, level: true)
  chip.setInput(2, level: true)
  #expect(chip.interruptAcknowledge() == 0x22)  // order is now 2 3 4 5 6 7 0 1
  chip.writeCommand(0x20)
  #expect(chip.interruptAcknowledge() == 0x20)
}

@Test func rotationAppliesToTheCascadeInput() {  // 10, on the pair: IR2 is the slave
  let pic = makePair()
  pic.raise(1)
  _ = pic.acknowledge()
  pic.out(0x20, 0xA0)
  pic.raise(0)
  pic.raise(9)
  #expect(pic.acknowledge() == 0x29)
  #expect(pic.m.isr == 0x04 && pic.s.isr == 0x02)
}

@Test func setPriorityMakesTheNamedLevelLowest() {  // 11
  let pic = makePair()
  pic.out(0x20, 0xC4)  // IRQ4 lowest: order 5 6 7 0 1 2 3 4
  pic.raise(4)
  pic.raise(5)
  #expect(pic.acknowledge() == 0x25)
  let other = makePair()
  other.out(0x20, 0xC4)
  other.raise(0)
  other.raise(7)
  #expect(other.acknowledge() == 0x27)
  #expect(other.m.isr == 0x80)  // a real IRQ7, not a spurious one
}

@Test func rotateOnSpecificEOIEndsTheLevelAndMakesItLowest() {  // 11
  let pic = makePair()
  pic.raise(3)
  _ = pic.acknowledge()
  #expect(pic.m.isr == 0x08)
  pic.out(0x20, 0xE3)
  #expect(pic.m.isr == 0x00 && pic.m.priorityAdd == 4)
  pic.lower(3)
  pic.raise(3)
  pic.raise(4)
  #expect(pic.acknowledge() == 0x24)  // order 4 5 6 7 0 1 2 3
  pic.out(0x20, 0x20)
  pic.raise(0)
  #expect(pic.acknowledge() == 0x20)
}

@Test func autoEOILeavesISRClearAndCanRotate() {  // 12
  let pic = makePair(masterICW4: 0x03)
  pic.raise(1)
  #expect(pic.acknowledge() == 0x21)
  #expect(pic.m.isr == 0x00)
  pic.out(0x20, 0x80)  // rotate in AEOI mode on
  pic.lower(1)
  pic.raise(1)
  #expect(pic.acknowledge() == 0x21)
  #expect(pic.m.priorityAdd == 2)  // IRQ1 is now the lowest
  pic.lower(1)
  pic.raise(1)
  pic.raise(7)
  #expect(pic.acknowledge() == 0x27)
  #expect(pic.m.irr == 0x02)  // IRQ7 was really taken; IRQ1 still waits
  #expect(pic.acknowledge() == 0x21)
}

@Test func ocw3SelectsTheReadRegisterOnlyWhenRRIsSet() {  // 13
  let pic = makePair()
  pic.raise(3)
  _ = pic.acknowledge()
  pic.pulse(5)
  #expect(pic.inb(0x20) == 0x20)  // IRR
  pic.out(0x20, 0x0B)
  #expect(pic.inb(0x20) == 0x08)  // ISR
  pic.out(0x20, 0x08)
  #expect(pic.inb(0x20) == 0x08)  // still ISR
  pic.out(0x20, 0x0A)
  #expect(pic.inb(0x20) == 0x20)  // IRR again
}

@Test func pollReadAcknowledgesOnceThenReadsIRR() {  // 14
  let pic = makePair()
  pic.raise(5)
  pic.out(0x20, 0x0C)
  #expect(pic.inb(0x20) == 0x85)
  #expect(pic.m.isr == 0x20 && !pic.intr)
  pic.pulse(6)  // blocked by IRQ5: a second poll would read 0x00, IRR reads 0x40
  #expect(pic.inb(0x20) == 0x40)
  let idle = makePair()
  idle.out(0x20, 0x0C)
  #expect(idle.inb(0x20) == 0x00)
  #expect(idle.m.isr == 0x00)
}

@Test func specialMaskModeLetsLowerLevelsPastAMaskedInServiceLevel() {  // 15
  let pic = makePair()
  pic.raise(0)
  _ = pic.acknowledge()
  pic.out(0x21, 0x01)
  pic.out(0x20, 0x68)  // ESMM + SMM
  pic.raise(5)
  #expect(pic.intr)
  pic.out(0x20, 0x48)  // ESMM, SMM clear
  #expect(!pic.intr)
  pic.out(0x20, 0x68)
  #expect(pic.acknowledge() == 0x25)
  #expect(pic.m.isr == 0x21)
}

@Test func edgePulseStaysLatchedUntilINTA() {  // 16: QEMU's behaviour (see PIC8259.swift)
  let pic = makePair()
  pic.raise(3)
  pic.lower(3)
  #expect(pic.intr && pic.m.irr == 0x08)
  #expect(pic.acknowledge() == 0x23)
  #expect(pic.m.isr == 0x08)
}

@Test func cascadeDeliversTheSlaveVectorAndNeedsBothEOIs() {  // 17
  let pic = makePair()
  pic.raise(10)
  #expect(pic.s.irr == 0x04 && pic.state.slaveINT && pic.m.irr == 0x04 && pic.intr)
  #expect(pic.acknowledge() == 0x2A)
  #expect(pic.s.isr == 0x04 && pic.m.isr == 0x04)
  pic.out(0xA0, 0x20)
  #expect(pic.s.isr == 0x00 && pic.m.isr == 0x04)
  pic.raise(1)
  #expect(pic.intr)
  #expect(pic.acknowledge() == 0x21)
  pic.out(0x20, 0x20)  // ends IRQ1; IR2 still in service
  #expect(pic.m.isr == 0x04)
  pic.raise(3)
  #expect(!pic.intr)
  pic.out(0x20, 0x20)
  #expect(pic.intr)
  #expect(pic.acknowledge() == 0x23)
}

@Test func maskingAPendingSlaveRequestDropsTheMastersINT() {  // 18: Bochs's behaviour (see PIC8259.swift)
  let pic = makePair()
  pic.raise(10)
  #expect(pic.intr)
  pic.out(0xA1, 0x04)
  #expect(!pic.state.slaveINT && !pic.intr && pic.m.irr == 0x00)
  #expect(pic.acknowledge() == 0x27)  // a CPU that acknowledges anyway gets the master's spurious IR7
  #expect(pic.m.isr == 0x00 && pic.s.isr == 0x00)
  pic.out(0xA1, 0x00)
  #expect(pic.intr)
  #expect(pic.acknowledge() == 0x2A)
}

@Test func specialFullyNestedModeLetsAHigherSlaveRequestThrough() {  // 19
  let pic = makePair(masterICW4: 0x11)
  pic.raise(10)
  _ = pic.acknowledge()
  pic.raise(8)
  #expect(pic.intr)
  #expect(pic.acknowledge() == 0x28)
  #expect(pic.s.isr == 0x05 && pic.m.isr == 0x04)
}

@Test func withoutSFNMASlaveRequestWaitsForTheMasterEOI() {  // 19
  let pic = makePair()
  pic.raise(10)
  _ = pic.acknowledge()
  pic.raise(8)
  #expect(pic.state.slaveINT && !pic.intr)
  pic.out(0x20, 0x20)
  #expect(pic.intr)
  #expect(pic.acknowledge() == 0x28)
}

@Test func elcrMasksFixedEdgeLinesAndLevelRequestsPersist() {  // 20
  let pic = makePair()
  pic.out(0x4D0, 0xFF)
  #expect(pic.inb(0x4D0) == 0xF8)
  pic.out(0x4D1, 0xFF)
  #expect(pic.inb(0x4D1) == 0xDE)
  pic.out(0x4D0, 0x00)
  pic.out(0x4D1, 0x08)
  pic.raise(11)
  #expect(pic.acknowledge() == 0x2B)
  #expect(pic.s.irr == 0x08 && pic.s.isr == 0x08 && !pic.intr)
  pic.out(0xA0, 0x20)
  pic.out(0x20, 0x20)
  #expect(pic.intr)
  #expect(pic.acknowledge() == 0x2B)
  pic.lower(11)
  #expect(pic.s.irr == 0x00)
}

@Test func edgeLineHeldHighRequestsOnlyOnce() {  // 21
  let pic = makePair()
  pic.raise(1)
  _ = pic.acknowledge()
  pic.out(0x20, 0x20)
  #expect(!pic.intr && pic.m.irr == 0x00)
  pic.raise(1)  // still high: no edge
  #expect(!pic.intr)
  pic.lower(1)
  #expect(!pic.intr)
  pic.raise(1)
  #expect(pic.intr)
}

@Test func isrShowsBit7OnlyForARealIRQ7() {  // 22
  let real = makePair()
  real.raise(7)
  #expect(real.acknowledge() == 0x27)
  real.out(0x20, 0x0B)
  #expect(real.inb(0x20) == 0x80)

  let spurious = makePair()
  spurious.raise(3)
  spurious.out(0x21, 0x08)
  #expect(spurious.acknowledge() == 0x27)
  spurious.out(0x20, 0x0B)
  #expect(spurious.inb(0x20) == 0x00)

  // A spurious IRQ7 while a real one is in service leaves ISR as it was: one EOI ends the real one.
  real.raise(3)
  real.out(0x21, 0x08)
  #expect(real.acknowledge() == 0x27)
  #expect(real.inb(0x20) == 0x80)
  real.out(0x20, 0x20)
  #expect(real.inb(0x20) == 0x00)
}

// MARK: - Initialisation

@Test func icw1WithoutIC4ClearsICW4Functions() {
  let pic = makePair(masterICW4: 0x13)  // AEOI + SFNM
  #expect(pic.m.autoEOI && pic.m.specialFullyNested)
  pic.out(0x20, 0x10)  // IC4 = 0
  pic.out(0x21, 0x20)
  pic.out(0x21, 0x04)
  #expect(pic.m.initStep == .ready)
  pic.out(0x21, 0x00)  // OCW1, not ICW4
  #expect(!pic.m.autoEOI && !pic.m.specialFullyNested && pic.m.icw4 == 0x00 && pic.m.imr == 0x00)
  pic.raise(1)
  _ = pic.acknowledge()
  #expect(pic.m.isr == 0x02)
}

@Test func icw1ResetsEdgeSenseSoAHeldLineMustRiseAgain() {
  let pic = makePair()
  pic.raise(1)
  #expect(pic.intr)
  pic.out(0x20, 0x11)
  pic.out(0x21, 0x20)
  pic.out(0x21, 0x04)
  pic.out(0x21, 0x01)
  #expect(pic.m.irr == 0x00 && !pic.intr)
  pic.lower(1)
  pic.raise(1)
  #expect(pic.intr)
}

@Test func icw1KeepsTheELCRAndHighLevelRequests() {
  let pic = makePair()
  pic.out(0x4D0, 0x08)
  pic.raise(3)
  pic.out(0x20, 0x11)
  #expect(pic.m.elcr == 0x08 && pic.m.irr == 0x08)
}

@Test func ltimMakesEveryInputLevelSensitive() {
  let pic = makePair()
  pic.out(0x20, 0x19)  // ICW1 with LTIM
  pic.out(0x21, 0x20)
  pic.out(0x21, 0x04)
  pic.out(0x21, 0x01)
  pic.raise(1)
  #expect(pic.acknowledge() == 0x21)
  #expect(pic.m.irr == 0x02 && pic.m.isr == 0x02)
  pic.out(0x20, 0x20)
  #expect(pic.intr)  // still high: requested again
  pic.lower(1)
  #expect(pic.m.irr == 0x00 && !pic.intr)
  pic.raise(4)
  pic.lower(4)
  #expect(pic.acknowledge() == 0x27)  // level request withdrawn before INTA: spurious
  #expect(pic.m.isr == 0x00)
}

@Test func levelRequestWithdrawnBeforeINTAIsSpurious() {
  let pic = makePair()
  pic.out(0x4D0, 0x08)
  pic.raise(3)
  #expect(pic.intr)
  pic.lower(3)
  #expect(!pic.intr)
  #expect(pic.acknowledge() == 0x27)
  #expect(pic.m.isr == 0x00)
}

@Test func resetToBIOSStateProgramsSeaBIOSLayout() {
  let pic = PICPair()
  pic.pulse(1)  // an edge latched before the BIOS programs the chips is forgotten
  pic.resetToBIOSState()
  #expect(pic.m.irr == 0x00 && pic.s.irr == 0x00 && !pic.intr)
  #expect(pic.inb(0x21) == 0xB8 && pic.inb(0xA1) == 0x8E)
  #expect(pic.m.base == 0x08 && pic.s.base == 0x70)
  #expect(pic.m.icw3 == 0x04 && pic.s.icw3 == 0x02 && pic.m.icw4 == 0x01 && pic.s.icw4 == 0x01)
  pic.raise(1)
  #expect(pic.acknowledge() == 0x09)
  pic.out(0x20, 0x20)
  pic.raise(3)  // masked by 0xB8
  pic.raise(10)  // masked by 0x8E
  #expect(!pic.intr)
  pic.raise(8)
  #expect(pic.acknowledge() == 0x70)
}

// MARK: - Commands and reads

@Test func ocw2NoOperationChangesNothing() {
  let pic = makePair()
  pic.raise(3)
  _ = pic.acknowledge()
  let before = pic.state
  pic.out(0x20, 0x40)
  pic.out(0x20, 0x43)
  #expect(pic.state == before)
}

@Test func rotateInAutoEOIOffStopsRotation() {
  let pic = makePair(masterICW4: 0x03)
  pic.out(0x20, 0x80)
  #expect(pic.m.rotateOnAutoEOI)
  pic.out(0x20, 0x00)
  #expect(!pic.m.rotateOnAutoEOI)
  pic.raise(1)
  _ = pic.acknowledge()
  #expect(pic.m.priorityAdd == 0)
}

@Test func oddPortReadReturnsIMRWhateverOCW3Selects() {
  let pic = makePair()
  pic.out(0x21, 0x5A)
  pic.out(0x20, 0x0B)
  #expect(pic.inb(0x21) == 0x5A)
  pic.out(0x20, 0x0A)
  #expect(pic.inb(0x21) == 0x5A)
}

@Test func pollWorksOnTheOddPortForOneRead() {
  let pic = makePair()
  pic.out(0x21, 0x00)
  pic.raise(5)
  pic.out(0x20, 0x0C)
  #expect(pic.inb(0x21) == 0x85)
  #expect(pic.inb(0x21) == 0x00)  // IMR
}

@Test func pollOnTheSlavePortAcknowledgesTheSlaveAndDropsTheCascade() {
  let pic = makePair()
  pic.raise(12)
  #expect(pic.intr)
  pic.out(0xA0, 0x0C)
  #expect(pic.inb(0xA0) == 0x84)
  #expect(pic.s.isr == 0x10 && !pic.state.slaveINT && pic.m.irr == 0x00 && !pic.intr)
}

@Test func pollingTheMasterReportsTheCascadeLevel() {
  let pic = makePair()
  pic.raise(10)
  pic.out(0x20, 0x0C)
  #expect(pic.inb(0x20) == 0x82)
  #expect(pic.m.isr == 0x04)
  pic.out(0xA0, 0x0C)
  #expect(pic.inb(0xA0) == 0x82)
  #expect(pic.s.isr == 0x04 && !pic.intr)
}

@Test func ocw3WithoutESMMLeavesSpecialMaskMode() {
  let pic = makePair()
  pic.out(0x20, 0x68)
  pic.out(0x20, 0x28)  // SMM bit without ESMM
  #expect(pic.m.specialMask)
  pic.out(0x20, 0x48)
  #expect(!pic.m.specialMask)
}

@Test func specialMaskModeLetsLowerLevelsPastAnUnmaskedInServiceLevel() {  // datasheet and Bochs, not QEMU
  let pic = makePair()
  pic.raise(0)
  _ = pic.acknowledge()
  pic.out(0x20, 0x68)
  pic.raise(5)
  #expect(pic.intr)
  #expect(pic.acknowledge() == 0x25)
  pic.lower(0)
  pic.raise(0)  // its own level is in service: still blocked
  #expect(!pic.intr)
}

@Test func nonSpecificEOIInSpecialMaskModeSkipsMaskedLevels() {
  let pic = makePair()
  pic.raise(0)
  _ = pic.acknowledge()
  pic.out(0x21, 0x01)
  pic.out(0x20, 0x68)
  pic.raise(5)
  _ = pic.acknowledge()
  #expect(pic.m.isr == 0x21)
  pic.out(0x20, 0x20)
  #expect(pic.m.isr == 0x01)
}

@Test func specialFullyNestedModeStillBlocksLowerMasterLevels() {
  let pic = makePair(masterICW4: 0x11)
  pic.raise(10)
  _ = pic.acknowledge()
  pic.raise(3)
  #expect(!pic.intr)
}

// MARK: - Priority

@Test func highestPriorityCountsFromTheRotatedTop() {
  var chip = makeChip()
  #expect(chip.highestPriority(of: 0x00) == 8)
  #expect(chip.highestPriority(of: 0x90) == 4)
  chip.writeCommand(0xC4)  // IR5 highest
  #expect(chip.highestPriority(of: 0x11) == 3)  // IR0 is 3 places below IR5; IR4 is last
  #expect(chip.highestPriority(of: 0x10) == 7)
  #expect(chip.level(forPriority: 0) == 5)
}

@Test func rotatingEOIServesEqualDevicesInTurn() {
  let pic = makePair()
  pic.pulse(0)
  pic.pulse(1)
  #expect(pic.acknowledge() == 0x20)
  pic.out(0x20, 0xA0)  // IRQ0 lowest
  pic.pulse(0)
  #expect(pic.acknowledge() == 0x21)
  pic.out(0x20, 0xA0)  // IRQ1 lowest: IRQ0 is back on top
  pic.pulse(1)
  #expect(pic.acknowledge() == 0x20)
}

@Test func chipWithNothingPendingAnswersSpuriousIR7() {
  var chip = makeChip(base: 0x28)
  #expect(chip.interruptAcknowledge() == 0x2F)
  #expect(chip.isr == 0x00)
}

// MARK: - Wiring and bus

@Test func intrChangesAreReportedOncePerEdge() {
  final class Log { var levels: [Bool] = [] }
  let log = Log()
  let pic = makePair()
  pic.onINTRChange = { log.levels.append($0) }
  pic.raise(1)
  pic.raise(4)
  _ = pic.acknowledge()
  pic.out(0x20, 0x20)
  #expect(log.levels == [true, false, true])
}

@Test func irq2IsRoutedToIRQ9() {
  let pic = makePair()
  pic.raise(2)
  #expect(pic.s.irr == 0x02)
  #expect(pic.acknowledge() == 0x29)
}

@Test func outOfRangeIRQsAreIgnored() {
  let pic = makePair()
  let before = pic.state
  pic.setIRQ(-1, level: true)
  pic.setIRQ(16, level: true)
  pic.setIRQ(Int.max, level: true)
  #expect(pic.state == before)
}

@Test func wideAccessesSplitIntoBytePorts() {
  let pic = makePair()
  pic.raise(1)
  _ = pic.acknowledge()
  pic.portWrite(0x20, size: 2, value: 0x0320)  // EOI to 0x20, IMR 0x03 to 0x21
  #expect(pic.m.isr == 0x00 && pic.m.imr == 0x03)
  pic.pulse(4)
  #expect(pic.portRead(0x20, size: 2) == 0x0310)
  #expect(pic.portRead(0x21, size: 2) == 0xFF03)  // 0x22 is not ours
}

@Test func stateRoundTripsThroughJSON() throws {
  let pic = makePair()
  pic.raise(10)
  _ = pic.acknowledge()
  let data = try JSONEncoder().encode(pic.state)
  #expect(try JSONDecoder().decode(PICPairState.self, from: data) == pic.state)
}

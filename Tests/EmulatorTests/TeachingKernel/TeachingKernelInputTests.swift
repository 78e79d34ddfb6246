import Testing

@testable import Emulator

/// Console input from both drivers: the keyboard's set-1 translation (Shift, Caps Lock — letters only —, Ctrl, the
/// release codes ignored) and COM1's interrupt-driven receive feeding the same line; and the NMI handler.
@Suite(.serialized)
struct TeachingKernelInputTests {
  @Test func shiftedCharactersAreTranslatedAsOnAUSKeyboard() throws {
    let run = try TeachingKernelRun.atPrompt()
    let mark = run.session.serialText.count
    try run.script("type \"Say \\\"Hi\\\"! (x+1)*2\"\nwait 300ms")
    #expect(run.serial(since: mark) == "Say \"Hi\"! (x+1)*2")
  }

  @Test func capsLockUppercasesLettersOnlyAndShiftUndoesIt() throws {
    let run = try TeachingKernelRun.atPrompt()
    let mark = run.session.serialText.count
    try run.script(
      """
      press Caps
      release Caps
      type "ab1"
      press LShift
      press a
      release a
      release LShift
      wait 50ms
      """)
    #expect(run.serial(since: mark) == "AB1a")
  }

  @Test func ctrlCDropsTheLine() throws {
    let run = try TeachingKernelRun.atPrompt()
    let mark = run.session.serialText.count
    try run.script(
      """
      type "abc"
      press LCtrl
      press c
      release c
      release LCtrl
      wait 50ms
      """)
    #expect(run.serial(since: mark) == "abc^C\nkernel$ ")
  }

  @Test func commandsTypedOnCOM1AreAnsweredLikeTheKeyboards() throws {
    let run = try TeachingKernelRun.atPrompt()
    let mark = run.session.serialText.count
    run.machine.uart.receive(Array("uptime\r".utf8))  // a terminal sends CR for Enter
    run.wait(milliseconds: 50)
    let output = run.serial(since: mark)
    #expect(output.hasPrefix("uptime\nup 0."))
    #expect(output.hasSuffix("kernel$ "))
    #expect(run.events.contains { $0.kind == .irq && $0.vector == 0x24 })  // IRQ 4 at master base 0x20 + 4
  }

  @Test func theNMIHandlerSaysSoAndTheShellCarriesOn() throws {
    let run = try TeachingKernelRun.atPrompt()
    try run.script(
      "nmi\n" + #"expect serial "NMI: Non Maskable Interrupt received" within 20ms"#)
    #expect(try run.command("uptime").hasPrefix("up "))
  }
}

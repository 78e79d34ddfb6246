import Testing

@testable import Emulator

/// The headless script language: every command, the escapes, and errors that name the line.
struct ScriptTests {
  func parse(_ text: String) throws(ScriptError) -> Script {
    try Script(text: text, fileName: "demo.irqs", isKeyName: { Key(name: $0) != nil })
  }

  @Test func parsesEveryCommand() throws {
    let script = try parse(
      """
      # a comment line
      wait 50ms
      type "Hi\\n"   # trailing comment
      press Enter
      release lshift
      mask 1
      unmask irq11
      nmi
      expect screen "Hi\\s+there" within 500ms
      expect serial "ok"
      dump
      """)
    #expect(script.lines.map(\.number) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    #expect(
      script.lines.map(\.command) == [
        .wait(cycles: 5_000_000), .type("Hi\n"), .press("Enter"), .release("lshift"), .mask(irq: 1),
        .unmask(irq: 11), .nmi, .expectScreen(pattern: "Hi\\s+there", withinCycles: 50_000_000),
        .expectSerial(pattern: "ok", withinCycles: 100_000_000), .dump,
      ])
  }

  @Test func typeStringsUnderstandTheDocumentedEscapes() throws {
    let script = try parse(#"type "a\tb\bc\e\\\"""#)
    #expect(script.lines[0].command == .type("a\tb\u{8}c\u{1B}\\\""))
  }

  @Test func durationsAcceptEveryUnit() {
    #expect(VirtualDuration.cycles("1s") == 100_000_000)
    #expect(VirtualDuration.cycles("2ms") == 200_000)
    #expect(VirtualDuration.cycles("10us") == 1_000)
    #expect(VirtualDuration.cycles("30ns") == 3)
    #expect(VirtualDuration.cycles("1234cycles") == 1234)
    #expect(VirtualDuration.cycles("1.5ms") == 150_000)
    #expect(VirtualDuration.cycles("fast") == nil)
    #expect(VirtualDuration.cycles("-1ms") == nil)
  }

  @Test(arguments: [
    ("jump 5", 1, "unknown command jump"),
    ("wait soon", 1, "soon is not a duration"),
    ("\n\ntype hello", 3, "type needs a quoted string"),
    ("type \"open", 1, "unterminated string"),
    ("type \"\\q\"", 1, "unknown escape \\q"),
    ("press Hyper", 1, "Hyper is not a key name"),
    ("mask 16", 1, "16 is not an IRQ number"),
    ("expect screen \"(\"", 1, "is not a valid regex"),
    ("expect memory \"x\"", 1, "only `expect screen"),
    ("expect screen \"x\" after 5ms", 1, "only `within DURATION`"),
    ("nmi now", 1, "unexpected text after nmi"),
  ])
  func badLinesAreRejectedWithTheirLineNumber(text: String, line: Int, message: String) {
    do {
      _ = try parse(text)
      Issue.record("\(text) was accepted")
    } catch {
      #expect(error.fileName == "demo.irqs")
      #expect(error.line == line)
      #expect(error.message.contains(message), "\(error.message)")
      #expect(error.description.hasPrefix("demo.irqs:\(line): "))
    }
  }
}

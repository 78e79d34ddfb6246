import Foundation
import Testing

/// `irqscope snapshot` as a user meets it: bad input is refused with the option or file and line named (exit 2),
/// and the colour rules are the dashboard's (`NO_COLOR`, `--theme` over it).
@Suite struct SnapshotCommandTests {
  /// Writes `text` as `name` in a fresh directory and returns the directory.
  static func scriptDirectory(_ name: String, _ text: String) throws -> URL {
    let directory = try SnapshotRunner.temporaryDirectory()
    try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    return directory
  }

  @Test func anUnknownPaneIsRefusedWithTheValidNames() throws {
    let result = try SnapshotRunner.run(["snapshot", "--focus", "pics", "--out", "/dev/null.txt"])
    #expect(result.status == 2)
    #expect(result.standardError.contains("--focus pics"))
    #expect(
      result.standardError.contains("registers, code, idt, pic, ring, events, screen, serial, log, stats"))
  }

  @Test(arguments: ["160", "160x", "0x50", "160x50x2", "axb", "19x50", "160x9"])
  func aBadSizeIsRefused(_ size: String) throws {
    let result = try SnapshotRunner.run(["snapshot", "--size", size, "--out", "/dev/null.txt"])
    #expect(result.status == 2)
    #expect(result.standardError.contains("--size \(size)"))
  }

  @Test func anUnknownExtensionIsRefused() throws {
    let result = try SnapshotRunner.run(["snapshot", "--out", "frame.png"])
    #expect(result.status == 2)
    #expect(result.standardError.contains("frame.png"))
    #expect(result.standardError.contains(".svg"))
  }

  @Test func aMissingOutIsRefused() throws {
    let result = try SnapshotRunner.run(["snapshot"])
    #expect(result.status == 2)
    #expect(result.standardError.contains("--out"))
  }

  @Test func anUnknownThemeIsRefused() throws {
    let result = try SnapshotRunner.run(["snapshot", "--theme", "sepia", "--out", "/dev/null.txt"])
    #expect(result.status == 2)
    #expect(result.standardError.contains("sepia"))
  }

  @Test func aScriptErrorNamesTheFileAndLine() throws {
    let directory = try Self.scriptDirectory("bad.irqs", "wait 1ms\nwiat 2ms\n")
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try SnapshotRunner.run(
      ["snapshot", "--script", "bad.irqs", "--out", "frame.txt"], in: directory)
    #expect(result.status == 2)
    #expect(result.standardError.contains("bad.irqs:2:"))
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("frame.txt").path))
  }

  @Test func aFailedExpectationExitsOneAndWritesNothing() throws {
    let directory = try Self.scriptDirectory("never.irqs", "expect screen \"no such text\" within 1ms\n")
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try SnapshotRunner.run(
      ["snapshot", "--script", "never.irqs", "--out", "frame.txt"], in: directory)
    #expect(result.status == 1)
    #expect(result.standardError.contains("never.irqs:1: expectation failed"))
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("frame.txt").path))
  }

  /// 24-bit foreground colours are written as SGR 38;2;R;G;B (ECMA-48 / ITU T.416); monochrome has none.
  @Test func noColorPicksMonochromeUnlessAThemeIsNamed() throws {
    let directory = try Self.scriptDirectory("short.irqs", "wait 1ms\n")
    defer { try? FileManager.default.removeItem(at: directory) }
    func frame(_ extra: [String], environment: [String: String]) throws -> String {
      let result = try SnapshotRunner.run(
        ["snapshot", "--script", "short.irqs", "--size", "80x24", "--out", "frame.ansi"] + extra, in: directory,
        environment: environment)
      try #require(result.status == 0, "\(result.standardError)")
      return try String(contentsOf: directory.appendingPathComponent("frame.ansi"), encoding: .utf8)
    }
    #expect(try frame([], environment: [:]).contains("38;2;"))
    #expect(try !frame([], environment: ["NO_COLOR": "1"]).contains("38;2;"))
    #expect(try !frame(["--no-color"], environment: [:]).contains("38;2;"))
    #expect(try frame(["--theme", "default"], environment: ["NO_COLOR": "1"]).contains("38;2;"))
  }
}

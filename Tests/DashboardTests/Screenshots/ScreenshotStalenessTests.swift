import Foundation
import Testing

/// The screenshots in screenshots/ are what `irqscope snapshot` makes from the scripts beside them today: each is
/// re-rendered and compared byte for byte. When one fails, run screenshots/regenerate.sh and look at the new picture.
@Suite struct ScreenshotStalenessTests {
  struct Entry: CustomTestStringConvertible, Sendable {
    var name: String
    var options: [String]
    var testDescription: String { name }
  }

  /// screenshots/screenshots.list: `NAME OPTIONS…` per line, `#` comments (the list regenerate.sh reads).
  static let entries: [Entry] = {
    let url = SnapshotRunner.screenshots.appendingPathComponent("screenshots.list")
    let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap { line in
      let words = line.split(separator: " ").map(String.init)
      guard let name = words.first, !name.hasPrefix("#") else { return nil }
      return Entry(name: name, options: Array(words.dropFirst()))
    }
  }()

  @Test func theListNamesTheFiveScreenshotsTheIssueAsksFor() {
    #expect(Self.entries.map(\.name) == ["overview", "packet", "masked", "exception", "light"])
  }

  @Test(arguments: entries)
  func committedScreenshotMatchesAFreshRender(_ entry: Entry) throws {
    let output = try SnapshotRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: output) }
    let svg = output.appendingPathComponent("\(entry.name).svg")
    let text = output.appendingPathComponent("\(entry.name).txt")
    let result = try SnapshotRunner.run(
      ["snapshot", "--script", "\(entry.name).irqs"] + entry.options + ["--out", svg.path, "--out", text.path])
    try #require(result.status == 0, "irqscope snapshot failed: \(result.standardError)")
    for fresh in [svg, text] {
      let committed = SnapshotRunner.screenshots.appendingPathComponent(fresh.lastPathComponent)
      let matches = try Data(contentsOf: fresh) == Data(contentsOf: committed)
      #expect(matches, "screenshots/\(fresh.lastPathComponent) is stale: run screenshots/regenerate.sh")
    }
  }
}

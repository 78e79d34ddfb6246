import ArgumentParser
import Dashboard
import Emulator
import Foundation

/// `irqscope snapshot`: runs a headless scenario and writes the frame the dashboard would show at its end.
struct SnapshotCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "snapshot",
    abstract: "Run a headless scenario and write the dashboard's frame at its end as SVG, plain text or ANSI.",
    discussion: """
      The script runs exactly as with `run --headless` (virtual time only), then the dashboard's frame is composed \
      from two snapshots a frame apart (1/30 s of virtual time), so what changed in the last frame is highlighted. \
      The same inputs give the same file, byte for byte. The output's extension picks the format: .svg (a picture \
      on a fixed cell grid), .txt (the characters only) or .ansi (for `cat` in a terminal). Without a script the \
      machine runs 10 s of virtual time, as `run --headless` does.

        irqscope snapshot --script screenshots/overview.irqs --out overview.svg --out overview.txt

      Exit status: 0 written, 1 an expectation in the script failed, 2 bad input.
      """)

  @OptionGroup var machineOptions: MachineOptions

  @Option(help: "A headless script to run first (the language of `run --headless --script`).")
  var script: String?

  @Option(help: "The dashboard's size in cells, COLUMNSxROWS.")
  var size: String = "160x50"

  @Option(help: "A built-in theme (default, light, high-contrast, monochrome) or a theme file's path.")
  var theme: String?

  @Flag(help: "No colours: the monochrome theme (so does a non-empty NO_COLOR, unless --theme is given).")
  var noColor = false

  @Option(help: "The focused pane: \(SnapshotCommand.paneNames.joined(separator: ", ")).")
  var focus: String?

  @Option(help: "Start the real-time clock (CMOS) at this UTC time, YYYY-MM-DDTHH:MM:SS.")
  var rtc: String = "2026-01-01T00:00:00"

  @Option(help: "The file to write: FILE.svg, FILE.txt or FILE.ansi (repeat --out for several formats of one run).")
  var out: [String] = []

  /// The names `--focus` accepts: `PaneID`'s cases.
  static let paneNames = PaneID.allCases.map { String(describing: $0) }

  func run() throws {
    do {
      guard !out.isEmpty else {
        throw SnapshotError(status: 2, message: "--out FILE.svg|FILE.txt|FILE.ansi: say where to write the frame")
      }
      let frames = try SnapshotFrame(command: self).render()
      for (path, frame) in zip(out, frames) {
        guard let handle = OutputStream.openForWriting(path) else {
          throw SnapshotError(status: 2, message: "\(path): cannot create the file")
        }
        handle.write(Data(frame.utf8))
        try? handle.close()
      }
    } catch let error as SnapshotError {
      FileHandle.standardError.write(Data("irqscope: \(error.message)\n".utf8))
      throw ExitCode(error.status)
    }
  }
}

/// Why a snapshot was not written: bad input (status 2) or a failed expectation in the script (status 1).
struct SnapshotError: Error {
  let status: Int32
  let message: String
}

import Foundation

/// Runs the built `irqscope` executable (it sits next to the test bundle) with NO_COLOR and IRQSCOPE_THEME removed
/// from its environment unless a test sets them, so results do not depend on the shell the tests run from.
struct SnapshotRunner {
  struct Failure: Error, CustomStringConvertible { let description: String }

  struct Result {
    var status: Int32
    var standardError: String
  }

  /// The repository's top directory (this file is Tests/DashboardTests/Screenshots/SnapshotRunner.swift).
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  static let screenshots = repository.appendingPathComponent("screenshots")

  static var irqscopePath: String {
    get throws {
      let bundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
      let candidate = bundle.appendingPathComponent("irqscope").path
      guard FileManager.default.isExecutableFile(atPath: candidate) else {
        throw Failure(description: "no irqscope executable at \(candidate); run swift build --build-tests first")
      }
      return candidate
    }
  }

  /// Runs `irqscope ARGUMENTS` in `directory` and waits for it.
  static func run(
    _ arguments: [String], in directory: URL = screenshots, environment extra: [String: String] = [:]
  ) throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try irqscopePath)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    var environment = ProcessInfo.processInfo.environment
    environment["NO_COLOR"] = nil
    environment["IRQSCOPE_THEME"] = nil
    environment.merge(extra) { $1 }
    process.environment = environment
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let data = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Result(status: process.terminationStatus, standardError: String(decoding: data, as: UTF8.self))
  }

  /// A fresh empty directory for one test's output.
  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("irqscope-snapshot-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}

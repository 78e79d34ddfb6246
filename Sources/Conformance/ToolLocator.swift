import Foundation

/// Finds and runs the LLVM tools that ship next to `swiftc` (clang, ld.lld, llvm-objdump, llvm-objcopy, llvm-nm):
/// in the directory of the `swiftc` on PATH first, then /opt/swift/usr/bin, then anywhere on PATH.
/// The conformance oracle builds with them; the tests' kernel builder and objdump cross-check run them through here.
public enum ToolLocator {
  /// A tool failed or is missing; the message carries its output.
  public struct Failure: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
  }

  /// Runs a toolchain program by name and returns its standard output; throws with its messages when it fails.
  @discardableResult
  public static func run(_ tool: String, _ arguments: [String], in directory: URL) throws -> String {
    try run(try locate(tool), arguments, in: directory)
  }

  /// Runs the program at `tool`. Output goes through files in `directory`, so no pipe can fill up and block it.
  @discardableResult
  public static func run(_ tool: URL, _ arguments: [String], in directory: URL) throws -> String {
    let name = tool.lastPathComponent
    let outputFile = directory.appendingPathComponent("\(name)-\(UUID().uuidString).out")
    let errorFile = directory.appendingPathComponent("\(name)-\(UUID().uuidString).err")
    _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
    defer {
      try? FileManager.default.removeItem(at: outputFile)
      try? FileManager.default.removeItem(at: errorFile)
    }
    let output = try FileHandle(forWritingTo: outputFile)
    let errors = try FileHandle(forWritingTo: errorFile)
    let process = Process()
    process.executableURL = tool
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    process.waitUntilExit()
    try output.close()
    try errors.close()
    let text = String(decoding: try Data(contentsOf: outputFile), as: UTF8.self)
    guard process.terminationReason == .exit, process.terminationStatus == 0 else {
      let messages = String(decoding: try Data(contentsOf: errorFile), as: UTF8.self)
      throw Failure(
        description: "\(name) \(arguments.joined(separator: " ")) failed (\(process.terminationStatus)):\n"
          + messages + text)
    }
    return text
  }

  /// The full path of `tool`, looked for next to `swiftc` first.
  public static func locate(_ tool: String) throws -> URL {
    let fileManager = FileManager.default
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    let pathDirectories = path.split(separator: ":").map(String.init)
    var candidates: [String] = []
    for directory in pathDirectories where fileManager.isExecutableFile(atPath: directory + "/swiftc") {
      let swiftc = URL(fileURLWithPath: directory + "/swiftc")
      candidates.append(swiftc.resolvingSymlinksInPath().deletingLastPathComponent().path)
      break
    }
    candidates.append("/opt/swift/usr/bin")
    candidates += pathDirectories
    for directory in candidates where fileManager.isExecutableFile(atPath: directory + "/" + tool) {
      return URL(fileURLWithPath: directory + "/" + tool)
    }
    throw Failure(description: "\(tool) not found next to swiftc, in /opt/swift/usr/bin or on PATH (\(path))")
  }

  /// A fresh directory under the temporary directory, named `prefix-UUID`.
  public static func makeScratchDirectory(prefix: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}

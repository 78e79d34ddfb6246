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

  /// Runs the program at `tool` and returns its standard output; throws with its messages when it fails.
  @discardableResult
  public static func run(_ tool: URL, _ arguments: [String], in directory: URL) throws -> String {
    let result = try execute(tool, arguments, in: directory)
    let text = String(decoding: result.output, as: UTF8.self)
    guard result.succeeded else {
      throw Failure(
        description: "\(tool.lastPathComponent) \(arguments.joined(separator: " ")) failed (\(result.status)):\n"
          + String(decoding: result.errors, as: UTF8.self) + text)
    }
    return text
  }

  /// What a program did: its exit status (or the signal that ended it), standard output and standard error.
  public struct Execution {
    public let succeeded: Bool
    public let status: Int32
    public let output: Data
    public let errors: Data
  }

  /// Runs `tool` with `input` on standard input. Everything goes through files in `directory`, so no pipe can fill
  /// up and block either side.
  public static func execute(_ tool: URL, _ arguments: [String] = [], input: Data? = nil, in directory: URL) throws
    -> Execution
  {
    let tag = "\(tool.lastPathComponent)-\(UUID().uuidString)"
    let inputFile = directory.appendingPathComponent(tag + ".in")
    let outputFile = directory.appendingPathComponent(tag + ".out")
    let errorFile = directory.appendingPathComponent(tag + ".err")
    defer {
      for file in [inputFile, outputFile, errorFile] { try? FileManager.default.removeItem(at: file) }
    }
    try (input ?? Data()).write(to: inputFile)
    _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
    let stdin = try FileHandle(forReadingFrom: inputFile)
    let stdout = try FileHandle(forWritingTo: outputFile)
    let stderr = try FileHandle(forWritingTo: errorFile)
    let process = Process()
    process.executableURL = tool
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    process.waitUntilExit()
    for handle in [stdin, stdout, stderr] { try handle.close() }
    return Execution(
      succeeded: process.terminationReason == .exit && process.terminationStatus == 0,
      status: process.terminationStatus, output: try Data(contentsOf: outputFile),
      errors: try Data(contentsOf: errorFile))
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

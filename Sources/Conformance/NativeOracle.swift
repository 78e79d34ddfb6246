import Foundation

/// Runs i386 code fragments natively, as the reference for the differential CPU tests.
///
/// The oracle is the freestanding 32-bit static Linux program in Tests/Oracle/oracle.c (no libc: raw `int 0x80`
/// system calls), built once with the toolchain's clang and ld.lld. It reads `ConformanceCase` records on standard
/// input and writes one `ConformanceOutcome` record per case on standard output; see the C file for how a case runs
/// and how faults come back as their vectors.
public struct NativeOracle: Sendable {
  /// Why the oracle cannot run here: no source, no toolchain, or a host that cannot run 32-bit Linux programs.
  public struct Unavailable: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
  }

  static let inputRecordSize = 4 + ConformanceLayout.maximumCodeLength + 32 + 4 + ConformanceLayout.windowSize
  static let outputRecordSize = 16 + 32 + 4 + 24 + ConformanceLayout.windowSize

  public let executable: URL
  let directory: URL

  /// The oracle's source as the package holds it: Tests/Oracle/oracle.c, found from this file's path.
  public static var defaultSource: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Tests/Oracle/oracle.c")
  }

  /// Whether this host can run the oracle at all: 32-bit static Linux programs need an x86 Linux host.
  public static var hostCanRun: Bool {
    #if os(Linux) && (arch(x86_64) || arch(i386))
      return true
    #else
      return false
    #endif
  }

  /// Builds the oracle from `source` (default: `defaultSource`) and checks that the host really runs it and that it
  /// starts with the selectors the emulator side assumes.
  public static func build(source: URL = defaultSource) -> Result<NativeOracle, Unavailable> {
    guard hostCanRun else { return .failure(Unavailable("the native oracle needs an x86 Linux host")) }
    guard FileManager.default.fileExists(atPath: source.path) else {
      return .failure(Unavailable("oracle source not found at \(source.path)"))
    }
    do {
      let executable = try compile(source: source)
      let directory = executable.deletingLastPathComponent()
      let oracle = NativeOracle(executable: executable, directory: directory)
      // The host must really run it, and a case of no code must come back with the process's selectors.
      let probe = try oracle.run([
        ConformanceCase(
          code: [], registers: [0, 0, 0, 0, ConformanceLayout.caseStackTop, 0, 0, 0], eflags: 0x2,
          window: [UInt8](repeating: 0, count: ConformanceLayout.windowSize))
      ])
      guard probe.first?.vector == nil, probe.first?.selectors == ConformanceLayout.initialSelectors else {
        return .failure(
          Unavailable(
            "the oracle runs with selectors \(probe.first?.selectors ?? []), not the 32-bit Linux layout "
              + "\(ConformanceLayout.initialSelectors) the emulator side mirrors"))
      }
      return .success(oracle)
    } catch {
      return .failure(Unavailable("native oracle unavailable: \(error)"))
    }
  }

  /// Compiles and links the oracle from `source` into a fresh scratch directory and returns the executable; needs
  /// only the toolchain, not a host that runs it (the disassembler cross-check reads its code).
  public static func compile(source: URL = defaultSource) throws -> URL {
    let directory = try ToolLocator.makeScratchDirectory(prefix: "irqscope-oracle")
    let object = directory.appendingPathComponent("oracle.o")
    let executable = directory.appendingPathComponent("oracle")
    try ToolLocator.run(
      "clang",
      [
        "--target=i386-unknown-linux-gnu", "-ffreestanding", "-fno-pic", "-fno-stack-protector", "-nostdlib",
        "-mgeneral-regs-only", "-O1", "-Wall", "-c", source.path, "-o", object.path,
      ], in: directory)
    // Linked at 16 MiB so the image stays clear of the fixed data area and code page at 2 MiB.
    try ToolLocator.run(
      "ld.lld",
      ["-m", "elf_i386", "-static", "--image-base=0x1000000", "-e", "_start", "-o", executable.path, object.path],
      in: directory)
    return executable
  }

  /// Runs a batch of cases in one oracle process.
  public func run(_ cases: [ConformanceCase]) throws -> [ConformanceOutcome] {
    var input = [UInt8]()
    input.reserveCapacity(cases.count * Self.inputRecordSize)
    for c in cases {
      precondition(
        c.code.count <= ConformanceLayout.maximumCodeLength && c.registers.count == 8
          && c.window.count == ConformanceLayout.windowSize)
      append(UInt32(c.code.count), to: &input)
      input += c.code
      input += repeatElement(0, count: ConformanceLayout.maximumCodeLength - c.code.count)
      for r in c.registers { append(r, to: &input) }
      append(c.eflags, to: &input)
      input += c.window
    }
    let result = try ToolLocator.execute(executable, input: Data(input), in: directory)
    let output = [UInt8](result.output)
    guard result.succeeded, output.count == cases.count * Self.outputRecordSize else {
      throw Unavailable(
        "oracle ended with status \(result.status) after \(output.count / Self.outputRecordSize) of "
          + "\(cases.count) cases")
    }
    return (0..<cases.count).map { i in
      let base = i * Self.outputRecordSize
      func word(_ offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(output[base + offset + $1]) << (8 * $1) }
      }
      let vector = word(0)
      return ConformanceOutcome(
        vector: vector == 0xFFFF_FFFF ? nil : vector, signal: word(4), errorCode: word(8), faultEIP: word(12),
        registers: (0..<8).map { word(16 + 4 * $0) }, eflags: word(48),
        selectors: (0..<6).map { UInt16(truncatingIfNeeded: word(52 + 4 * $0)) },
        window: Array(output[(base + 76)..<(base + 76 + ConformanceLayout.windowSize)]))
    }
  }

  private func append(_ value: UInt32, to bytes: inout [UInt8]) {
    for shift in stride(from: UInt32(0), to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
  }
}

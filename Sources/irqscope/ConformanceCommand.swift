import ArgumentParser
import Conformance
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `irqscope conformance`: runs random instruction fragments natively (the host CPU, through the oracle in
/// Tests/Oracle/oracle.c) and on the emulator, and reports every case where they differ.
///
/// Output: one report per failure (family, bytes, disassembly, initial state, each differing field with the native
/// and the emulated value), then the closing line `N passed, N failed`. Progress goes to standard error, only when
/// it is a terminal. Exit status: 0 all passed, 1 some failed, 2 bad input or a host that cannot run the oracle.
struct ConformanceCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "conformance",
    abstract: "Check the CPU core against the host processor on random instruction fragments.",
    discussion: """
      Needs an x86 Linux host that runs 32-bit programs, and the clang and ld.lld that ship with the Swift
      toolchain (the oracle is built from source at start). The same --seed always runs the same cases.
      Families: \(Family.allCases.map(\.rawValue).joined(separator: ", ")).
      """)

  // Values are parsed here rather than by the argument parser, so that bad input exits with status 2.

  /// How many cases to run (a positive whole number).
  @Option(parsing: .unconditional, help: "How many cases to run.")
  var cases: String = "20000"

  /// The generator's seed (an unsigned 64-bit number).
  @Option(parsing: .unconditional, help: "The generator's seed: the same seed runs the same cases.")
  var seed: String = "1"

  /// Restricts the run to some families (repeatable); all of them by default.
  @Option(help: "Run only this family (repeatable).")
  var family: [String] = []

  /// How many failures to describe in full (the count is always exact).
  @Option(parsing: .unconditional, help: "How many failures to describe in full.")
  var maxFailuresShown: String = "20"

  /// Overrides where the oracle's C source is read from (default: Tests/Oracle/oracle.c of the package).
  @Option(help: "The oracle's C source (default: Tests/Oracle/oracle.c in the package this was built from).")
  var oracleSource: String?

  /// Anything else on the command line: reported as bad input (status 2).
  @Argument(parsing: .allUnrecognized, help: .hidden)
  var unrecognized: [String] = []

  func run() throws {
    guard unrecognized.isEmpty else {
      throw Self.badInput("unrecognized arguments: \(unrecognized.joined(separator: " "))")
    }
    guard let caseCount = Int(cases), caseCount > 0 else {
      throw Self.badInput("--cases wants a positive number, got \(cases)")
    }
    guard let seedValue = UInt64(seed) else {
      throw Self.badInput("--seed wants an unsigned 64-bit number, got \(seed)")
    }
    guard let shown = Int(maxFailuresShown), shown >= 0 else {
      throw Self.badInput("--max-failures-shown wants a number ≥ 0, got \(maxFailuresShown)")
    }
    var families: [Family] = []
    for name in family {
      guard let f = Family(rawValue: name) else {
        throw Self.badInput(
          "no family \(name); the families are \(Family.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      families.append(f)
    }
    let source = oracleSource.map { URL(fileURLWithPath: $0) } ?? NativeOracle.defaultSource
    let oracle: NativeOracle
    switch NativeOracle.build(source: source) {
    case .success(let built): oracle = built
    case .failure(let reason): throw Self.badInput("cannot run the native oracle: \(reason)")
    }
    var run = ConformanceRun(oracle: oracle)
    run.maxFailuresShown = shown
    let showProgress = isatty(STDERR_FILENO) != 0
    let summary = try run.run(
      cases: caseCount, seed: seedValue, families: families.isEmpty ? Family.allCases : families
    ) { done in
      if showProgress { Self.standardError("\r\(done) of \(caseCount) cases") }
    }
    if showProgress { Self.standardError("\n") }
    print(summary.text)
    if summary.failed > 0 { throw ExitCode(1) }
  }

  static func badInput(_ message: String) -> ExitCode {
    standardError("irqscope conformance: \(message)\n")
    return ExitCode(2)
  }

  static func standardError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }
}

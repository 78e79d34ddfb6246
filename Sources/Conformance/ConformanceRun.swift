/// Runs many cases in batches against the native oracle and the emulator: the core of `irqscope conformance` and
/// of the differential tests.
///
/// Case i belongs to family `families[i % families.count]`; each family draws from its own generator seeded from
/// the run's seed and the family's place in `Family.allCases`, so a family's cases are the same with or without
/// `--family`, and the same seed always gives the same cases.
public struct ConformanceRun {
  public struct Summary: Sendable {
    public var passed = 0
    public var failed = 0
    /// Reports of the first failures (as many as asked for).
    public var reports: [String] = []
    /// Failures per family.
    public var failuresByFamily: [Family: Int] = [:]
    /// Cases the host cannot judge (see `HostProfile.notJudged`): neither passed nor failed.
    public var notJudged = 0
    /// What the probes learnt about the host, and so how the emulated CPU was configured.
    public var host: HostProfile?

    /// The closing line: "N passed, N failed", and ", N not judged here" when the host could not judge some.
    public var line: String {
      "\(passed) passed, \(failed) failed" + (notJudged > 0 ? ", \(notJudged) not judged here" : "")
    }

    /// Everything the command prints: the host and what it cannot judge, the failure reports, the failures per
    /// family, and the closing line last.
    public var text: String {
      var lines = (host?.lines ?? []) + reports.map { $0 + "\n" }
      if failed > reports.count { lines.append("(\(failed - reports.count) more failures not shown)") }
      for (family, count) in failuresByFamily.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
        lines.append("\(family.rawValue): \(count) failed")
      }
      lines.append(line)
      return lines.joined(separator: "\n")
    }
  }

  /// The reference: the host processor (`NativeOracle`), or a stand-in in tests.
  public let oracle: any ConformanceHost
  public var batchSize = 10_000
  public var maxFailuresShown = 20
  /// Applied to every emulated outcome before it is compared; lets a test prove that the reporter can fail.
  public var tamper: ((Int, inout ConformanceOutcome) -> Void)?

  public init(oracle: any ConformanceHost) { self.oracle = oracle }

  /// Seeds the generator of `family` for a run with `seed`.
  public static func generatorSeed(_ seed: UInt64, family: Family) -> UInt64 {
    seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(Family.allCases.firstIndex(of: family)!) &* 0xD1B5_4A32_D192_ED03
  }

  /// Runs `cases` cases of `families`; `progress` is called after each batch with the cases done so far.
  public func run(
    cases: Int, seed: UInt64, families: [Family] = Family.allCases, progress: ((Int) -> Void)? = nil
  ) throws -> Summary {
    precondition(!families.isEmpty)
    var generators = families.map { CaseGenerator(seed: Self.generatorSeed(seed, family: $0)) }
    // Probe the host once and configure the emulated CPU as it answered.
    let host = try HostProfile.probe(oracle)
    let machine = EmulatedMachine(model: host.model)
    var summary = Summary()
    summary.host = host
    var done = 0
    while done < cases {
      let count = min(batchSize, cases - done)
      var batch: [GeneratedCase] = []
      batch.reserveCapacity(count)
      for i in done..<(done + count) {
        let slot = i % families.count
        batch.append(generators[slot].make(families[slot]))
      }
      let native = try oracle.run(batch.map(\.testCase))
      for (offset, (g, expected)) in zip(batch, native).enumerated() {
        var actual = machine.run(g.testCase)
        tamper?(done + offset, &actual)
        let differences: [String]
        switch Comparison.verdict(g, native: expected, emulated: actual, host: host) {
        case .passed:
          summary.passed += 1
          continue
        case .notJudged:
          summary.notJudged += 1
          continue
        case .failed(let found): differences = found
        }
        summary.failed += 1
        summary.failuresByFamily[g.family, default: 0] += 1
        if summary.reports.count < maxFailuresShown {
          summary.reports.append(Comparison.report(g, index: done + offset, differences: differences))
        }
      }
      done += count
      progress?(done)
    }
    return summary
  }
}

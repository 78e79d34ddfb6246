import Conformance

@testable import Emulator

/// A stand-in for a host processor of another make: the emulator itself with a chosen CPU model, optionally with
/// the ICEBP quirk of a hypervisor that re-injects INT1's #DB as a fault (its EIP at the F1, not after it). Lets a
/// test show what the harness does on hosts it does not run on.
struct StandInHost: ConformanceHost {
  var model: CPUModel
  var icebpReportedAtInstruction: Bool

  func run(_ cases: [ConformanceCase]) throws -> [ConformanceOutcome] {
    let machine = EmulatedMachine(model: model)
    return cases.map { c in
      var outcome = machine.run(c)
      let before = Int(outcome.faultEIP &- 1 &- ConformanceLayout.codeAddress)
      if icebpReportedAtInstruction, outcome.vector == 1, c.code.indices.contains(before), c.code[before] == 0xF1 {
        outcome.faultEIP -= 1
      }
      return outcome
    }
  }
}

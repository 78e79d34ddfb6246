import Foundation

/// Kernels shipped inside the package (built from Guest/ by its build scripts).
public enum BuiltInKernels {
  /// The workload of `irqscope bench cpu` (Guest/bench/cpu-workload.S).
  public static var benchCPU: [UInt8]? { resource("bench-cpu") }
  /// The workload of `irqscope bench irq` (Guest/bench/irq-workload.S).
  public static var benchIRQ: [UInt8]? { resource("bench-irq") }
  /// The e1000 driver kernel of `irqscope bench net` and the network tests (Guest/net/).
  public static var benchNet: [UInt8]? { resource("bench-net") }

  static func resource(_ name: String) -> [UInt8]? {
    guard let url = Bundle.module.url(forResource: name, withExtension: "elf"),
      let data = try? Data(contentsOf: url)
    else { return nil }
    return [UInt8](data)
  }
}

/// A kernel shipped inside the package, with the name it is known by (for symbols, traces and messages).
public struct BuiltInKernel: Sendable {
  public let name: String
  public let bytes: [UInt8]

  /// The teaching kernel (Guest/kernel/, built by Guest/kernel/build.sh into Resources/kernel.elf): what irqscope
  /// boots when no `--kernel` is given. Nil only if the package was built without its resources.
  public static var teaching: BuiltInKernel? {
    BuiltInKernels.resource("kernel").map { BuiltInKernel(name: "kernel.elf", bytes: $0) }
  }
}

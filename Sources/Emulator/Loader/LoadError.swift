/// Why a kernel file could not be loaded: the file's name and a message a person can act on
/// ("kernel.elf: 64-bit ELF (ELFCLASS64) is not supported; build with --target=i386-unknown-none-elf").
/// Byte offsets and addresses in the message are hexadecimal with a `0x` prefix.
public struct LoadError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The kernel file as the user named it.
  public let fileName: String
  /// What is wrong and, where it helps, what to do about it.
  public let message: String

  public init(fileName: String, message: String) {
    self.fileName = fileName
    self.message = message
  }

  public var description: String { "\(fileName): \(message)" }
}

/// How the loader writes numbers in its messages.
enum LoaderFormat {
  /// `0x1BADB002`-style hexadecimal.
  static func hex(_ value: some BinaryInteger) -> String {
    "0x" + String(value, radix: 16, uppercase: true)
  }

  /// A size in the unit a person would say: "32 MiB", "640 KiB", "4100 bytes".
  static func size(_ bytes: Int) -> String {
    if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
    if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
    return "\(bytes) bytes"
  }
}

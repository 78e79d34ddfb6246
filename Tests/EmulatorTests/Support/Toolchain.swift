import Conformance
import Foundation

/// Builds small guest kernels for tests with the LLVM tools that ship next to `swiftc`
/// (clang, ld.lld, llvm-objcopy, llvm-nm), found and run by the Conformance target's `ToolLocator`.
///
///     let kernel = try Toolchain.build(sources: ["boot.s": asm, "main.c": c])
///     let symbols = try kernel.nm()          // ["_start": 0x10000c, …] as llvm-nm prints them
///     let raw = try kernel.flatBinary()      // llvm-objcopy -O binary
///
/// Sources are compiled by extension: `.c` as freestanding C (`-O1`), `.s`/`.S` as assembly (AT&T syntax unless the
/// text says `.intel_syntax`). Each build runs in its own temporary directory, so tests may build in parallel.
enum Toolchain {
  /// A tool failed or is missing; the message carries its output.
  typealias Failure = ToolLocator.Failure

  /// A linked kernel: the ELF bytes and where the file lies (for the inspection tools).
  struct Kernel {
    let elf: [UInt8]
    let path: URL
    let directory: URL

    /// Defined symbols as `llvm-nm` reports them: name → address.
    func nm() throws -> [String: UInt32] {
      let output = try Toolchain.run("llvm-nm", ["--defined-only", path.path], in: directory)
      var symbols: [String: UInt32] = [:]
      for line in output.split(separator: "\n") {
        let fields = line.split(separator: " ")
        guard fields.count == 3, let address = UInt32(fields[0], radix: 16) else { continue }
        symbols[String(fields[2])] = address
      }
      return symbols
    }

    /// Symbol sizes as `llvm-nm -S` reports them: name → st_size (symbols without a size are left out).
    func symbolSizes() throws -> [String: UInt32] {
      let output = try Toolchain.run("llvm-nm", ["--defined-only", "-S", path.path], in: directory)
      var sizes: [String: UInt32] = [:]
      for line in output.split(separator: "\n") {
        let fields = line.split(separator: " ")
        guard fields.count == 4, let size = UInt32(fields[1], radix: 16) else { continue }
        sizes[String(fields[3])] = size
      }
      return sizes
    }

    /// The loadable bytes as one flat image from the lowest address (`llvm-objcopy -O binary`).
    func flatBinary() throws -> [UInt8] {
      let output = directory.appendingPathComponent("kernel.bin")
      _ = try Toolchain.run("llvm-objcopy", ["-O", "binary", path.path, output.path], in: directory)
      return [UInt8](try Data(contentsOf: output))
    }
  }

  /// The default linker script: entry `_start`, everything from 1 MiB, the `.multiboot` section first
  /// (so the header lands in the first 8192 bytes of the file), then text, rodata, data, bss.
  static let defaultLinkerScript = """
    ENTRY(_start)
    SECTIONS {
      . = 1M;
      .text : { KEEP(*(.multiboot)) *(.text*) }
      .rodata : { *(.rodata*) }
      .data : { *(.data*) }
      .bss : { *(COMMON) *(.bss*) }
    }
    """

  /// Compiles and links `sources` (file name → text) into an ELF and returns its bytes.
  static func buildKernel(
    sources: [String: String], linkerScript: String? = nil, target: String = "i386-unknown-none-elf"
  ) throws -> [UInt8] {
    try build(sources: sources, linkerScript: linkerScript, target: target).elf
  }

  /// Compiles and links `sources` (file name → text) into `kernel.elf` in a fresh temporary directory.
  /// `linkerScript` nil uses `defaultLinkerScript`; `target` is the clang target triple.
  static func build(
    sources: [String: String], linkerScript: String? = nil, target: String = "i386-unknown-none-elf",
    cflags: [String] = [], ldflags: [String] = []
  ) throws -> Kernel {
    let directory = try ToolLocator.makeScratchDirectory(prefix: "irqscope-kernel")
    var objects: [String] = []
    for (name, text) in sources.sorted(by: { $0.key < $1.key }) {
      let source = directory.appendingPathComponent(name)
      try text.write(to: source, atomically: true, encoding: .utf8)
      let object = directory.appendingPathComponent(name + ".o").path
      var arguments = ["--target=\(target)", "-c", source.path, "-o", object]
      if name.hasSuffix(".c") {
        arguments += ["-ffreestanding", "-fno-pic", "-fno-stack-protector", "-nostdlib", "-O1", "-Wall"]
      }
      _ = try run("clang", arguments + cflags, in: directory)
      objects.append(object)
    }
    let script = directory.appendingPathComponent("kernel.ld")
    try (linkerScript ?? defaultLinkerScript).write(to: script, atomically: true, encoding: .utf8)
    let output = directory.appendingPathComponent("kernel.elf")
    _ = try run(
      "ld.lld", ["-T", script.path, "-o", output.path, "--no-pie", "-static"] + ldflags + objects,
      in: directory)
    return Kernel(elf: [UInt8](try Data(contentsOf: output)), path: output, directory: directory)
  }

  /// Runs a toolchain program and returns its standard output; throws with its messages when it fails.
  @discardableResult
  static func run(_ tool: String, _ arguments: [String], in directory: URL) throws -> String {
    try ToolLocator.run(tool, arguments, in: directory)
  }

  /// Runs the program at `tool` (see `ToolLocator.run`).
  @discardableResult
  static func run(_ tool: URL, _ arguments: [String], in directory: URL) throws -> String {
    try ToolLocator.run(tool, arguments, in: directory)
  }

  /// The full path of `tool`, looked for next to `swiftc` first (see `ToolLocator.locate`).
  static func locate(_ tool: String) throws -> URL { try ToolLocator.locate(tool) }
}

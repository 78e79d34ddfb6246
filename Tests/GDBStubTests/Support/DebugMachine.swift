import Conformance
import Emulator
import Foundation

@testable import GDBStub

/// The debug kernel, built once for all tests, and fresh machines booted with it.
enum DebugMachine {
  static let kernel = Result { try DebugKernel.build() }

  /// A machine with the kernel loaded, at its entry point (nothing has run).
  static func boot() throws -> (Machine, DebugKernel.Built) {
    let kernel = try kernel.get()
    let machine = Machine(configuration: Machine.Configuration(memoryBytes: 8 << 20))
    try machine.boot(kernel: kernel.elf, fileName: "kernel.elf")
    return (machine, kernel)
  }

  /// The kernel's loadable bytes from `address` on, as `llvm-objcopy -O binary` lays them out from 1 MiB.
  static func imageBytes(_ kernel: DebugKernel.Built, at address: UInt32, count: Int) throws -> [UInt8] {
    let directory = kernel.path.deletingLastPathComponent()
    let flat = directory.appendingPathComponent("kernel.bin")
    if !FileManager.default.fileExists(atPath: flat.path) {
      try ToolLocator.run("llvm-objcopy", ["-O", "binary", kernel.path.path, flat.path], in: directory)
    }
    let bytes = [UInt8](try Data(contentsOf: flat))
    let offset = Int(address - 0x10_0000)
    return Array(bytes[offset..<offset + count])
  }

  /// The address of the instruction after the one at `address`, as llvm-objdump decodes the kernel.
  static func nextInstruction(_ kernel: DebugKernel.Built, after address: UInt32) throws -> UInt32 {
    let directory = kernel.path.deletingLastPathComponent()
    let listing = try ToolLocator.run(
      "llvm-objdump",
      [
        "-d", "--no-show-raw-insn", "--start-address=0x\(String(address, radix: 16))",
        "--stop-address=0x\(String(address + 32, radix: 16))", kernel.path.path,
      ], in: directory)
    var addresses: [UInt32] = []
    for line in listing.split(separator: "\n") {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      guard let colon = trimmed.firstIndex(of: ":"), let value = UInt32(trimmed[..<colon], radix: 16) else {
        continue
      }
      addresses.append(value)
    }
    guard addresses.count >= 2, addresses[0] == address else {
      throw ToolLocator.Failure(description: "llvm-objdump did not list two instructions from \(address):\n\(listing)")
    }
    return addresses[1]
  }

  /// Handles a packet's payload given as text.
  static func send(_ handler: CommandHandler, _ payload: String) -> CommandHandler.Result {
    handler.handle(Array(payload.utf8))
  }

  /// The reply text of a packet that must be answered with one packet.
  static func reply(_ handler: CommandHandler, _ payload: String) -> String {
    guard case .reply(let text) = send(handler, payload) else { return "<not a reply>" }
    return text
  }
}

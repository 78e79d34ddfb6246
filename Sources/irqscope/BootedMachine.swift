import ArgumentParser
import Emulator
import Foundation

/// A machine booted from the shared options.
struct BootedMachine {
  let machine: Machine
  /// The kernel's file name as given (or the built-in kernel's name).
  let kernelName: String
}

/// Bad input found while booting: printed as `irqscope: MESSAGE`, exit status 2.
struct BootError: Error, CustomStringConvertible {
  let description: String
}

extension MachineOptions {
  /// Reads the kernel (the built-in one without --kernel), boots it, and starts a --pcap replay; any problem is
  /// an error naming the file and what is wrong.
  func bootMachine(tracing: Bool = true) throws(BootError) -> BootedMachine {
    guard (2...3072).contains(memory) else {
      throw BootError(description: "--memory \(memory): RAM must be between 2 and 3072 MiB")
    }
    let bytes: [UInt8]
    let name: String
    if let kernel {
      guard let data = FileManager.default.contents(atPath: kernel) else {
        throw BootError(description: "\(kernel): cannot read the kernel (no such file, or not readable)")
      }
      bytes = [UInt8](data)
      name = kernel
    } else {
      guard let builtIn = BuiltInKernel.teaching else {
        throw BootError(description: "the built-in kernel is missing from this build's resources")
      }
      bytes = builtIn.bytes
      name = builtIn.name
    }
    var rate: Double?
    if let pcapRate {
      guard pcap != nil else { throw BootError(description: "--pcap-rate needs --pcap") }
      guard let value = PacketRate.perSecond(pcapRate) else {
        throw BootError(description: "--pcap-rate \(pcapRate) is not a rate (write 1000/s)")
      }
      rate = value
    }
    let machine = Machine(configuration: Machine.Configuration(memoryBytes: memory << 20, tracing: tracing))
    do {
      try machine.boot(kernel: bytes, fileName: name, commandLine: append)
    } catch {
      throw BootError(description: error.description)
    }
    if let pcap {
      do {
        let capture = try PcapCapture(contentsOf: URL(fileURLWithPath: pcap))
        machine.replay(capture, ratePerSecond: rate, whenReceiverEnabled: true)
      } catch {
        throw BootError(description: "\(pcap): \(error)")
      }
    }
    return BootedMachine(machine: machine, kernelName: name)
  }
}

/// The comment a recording starts with: how to replay it.
enum RecordingHeader {
  static func text(options: MachineOptions, rtc: Int64) -> String {
    var command = "irqscope run --headless"
    if let kernel = options.kernel { command += " --kernel \(kernel)" }
    if options.memory != 32 { command += " --memory \(options.memory)" }
    if !options.append.isEmpty { command += " --append \"\(options.append)\"" }
    if let pcap = options.pcap { command += " --pcap \(pcap)" + (options.pcapRate.map { " --pcap-rate \($0)" } ?? "") }
    command += " --rtc \(RTC146818.formatTime(rtc))"
    return """
      # An irqscope session recorded from the dashboard: each key, hotkey and packet at the virtual time it took
      # effect. Replay it (the same trace and final state, byte for byte):
      #   \(command) --script THIS_FILE

      """
  }
}

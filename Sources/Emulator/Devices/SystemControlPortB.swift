// System control port B (port 0x61) of the PC/AT chipset.
//
// Modelled: bit 0 timer-2 gate (drives the 8254 channel-2 GATE), bit 1 speaker data, bits 2–3 parity / channel check
// enables (stored and read back), bit 4 refresh request toggle (read-only), bit 5 timer-2 OUT (read-only).
// Not modelled: bits 6–7 (channel check / parity error) read 0 — no such errors happen here; no sound is made, but
// `speakerEnabled` tells the dashboard when a guest would be beeping.
//
// Bit 4: on an AT it follows the refresh request, which toggles every 15.085 µs (18 input clocks of the PIT, the
// count the BIOS gives channel 1). QEMU flips it on every read; Bochs and VirtualBox derive it from virtual time
// (time / 15 µs). We follow Bochs: it toggles on a fixed 18-clock timebase of virtual time, so delay loops that count
// toggles (the BIOS's and many kernels') wait the time they mean to, and still progress because virtual time
// advances while the guest polls.

/// Port 0x61 as the dashboard and the dump show it.
public struct SystemControlPortBState: Sendable, Equatable, Codable {
  /// The byte a read of port 0x61 returns now.
  public var value: UInt8
  public var timer2Gate: Bool
  public var speakerData: Bool
  public var timer2Out: Bool
}

/// Port 0x61: timer-2 gate, speaker data, refresh toggle and timer-2 OUT.
public final class SystemControlPortB: PortDevice {
  /// PIT input clocks per refresh request (15.085 µs).
  public static let refreshTicks: UInt64 = 18

  private let pit: PIT8254
  /// Bits 0–3 as last written.
  private var control: UInt8 = 0

  public init(pit: PIT8254) {
    self.pit = pit
    pit.setGate(channel: 2, false)
  }

  /// The speaker sounds while both the channel-2 gate and the speaker data bit are set.
  public var speakerEnabled: Bool { control & 0x03 == 0x03 }

  /// The byte a read returns: stored bits 0–3, the refresh toggle in bit 4 and channel-2 OUT in bit 5.
  public var value: UInt8 {
    let refresh = (pit.currentTick / SystemControlPortB.refreshTicks) & 1 != 0
    return control | (refresh ? 0x10 : 0) | (pit.output(channel: 2) ? 0x20 : 0)
  }

  public var state: SystemControlPortBState {
    let v = value
    return SystemControlPortBState(
      value: v, timer2Gate: v & 0x01 != 0, speakerData: v & 0x02 != 0, timer2Out: v & 0x20 != 0)
  }

  public func portRead(_ port: UInt16, size: Int) -> UInt32 {
    ByteLanes.read(port, size: size, in: 0x61...0x61) { _ in value }
  }

  public func portWrite(_ port: UInt16, size: Int, value: UInt32) {
    ByteLanes.write(port, size: size, value: value, in: 0x61...0x61) { _, byte in
      control = byte & 0x0F
      pit.setGate(channel: 2, byte & 0x01 != 0)
    }
  }
}

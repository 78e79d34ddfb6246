/// One host input to a live machine, sent from any thread and applied at the next slice boundary on the machine's
/// queue. The guest-visible ones are recorded, stamped with the virtual time they took effect, as script lines
/// (`Script.Command`) that replay them exactly in `run --headless`.
public enum MachineCommand: Sendable, Equatable {
  /// Text typed on the keyboard (US layout); it waits on the host side until the keyboard's FIFO can take it.
  case type(String)
  /// One keystroke: the modifiers pressed, the key pressed and released, the modifiers released (in reverse),
  /// queued on the host side like typed text. Terminals report no releases, so this is how a key reaches the guest.
  case key(Key, modifiers: [Key])
  /// A live key press or release: straight into the keyboard's FIFO (a full FIFO is a real overrun).
  case press(Key)
  case release(Key)
  /// Bytes arriving on COM1's receive line (the UART's receive interrupt, IRQ 4).
  case serial([UInt8])
  /// Set, clear or flip IRQ line n's IMR bit, written as OCW1 exactly as a guest would.
  case mask(irq: Int)
  case unmask(irq: Int)
  case toggleMask(irq: Int)
  case nmi
  /// A request on IRQ 7 or 15 withdrawn between INTR and INTA: the guest sees the spurious vector.
  case spurious(irq: Int)
  case packet(Script.PacketSpec)
  case burst(count: Int, length: Int?)
  case pcap(path: String, ratePerSecond: Double?)
  /// Reset the machine and boot the kernel again.
  case reset

  // Host control: how the machine runs, not what the guest sees; never recorded.
  case pause
  case resume
  case togglePause
  /// Execute one instruction (or take one pending interrupt), then pause.
  case step
  /// Run until the next interrupt or exception is delivered, then pause.
  case stepToInterrupt
  /// Virtual seconds per wall second; nil runs as fast as the host allows.
  case speed(Double?)
  /// The next speed up or down the ladder (`LiveMachine.speedLadder`).
  case faster
  case slower
}

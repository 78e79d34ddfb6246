import Glibc

/// A TCP listener on 127.0.0.1 only (a debugger port is not for the network) and the connections it accepts, with
/// plain sockets: one thread, no dependency. Writes use MSG_NOSIGNAL, so a debugger that went away is a closed
/// connection, never a SIGPIPE.
public struct GDBSocketError: Error, CustomStringConvertible, Sendable {
  public let description: String
}

public final class GDBListener {
  let fd: Int32
  /// The port it listens on (the one the system picked when asked for port 0).
  public let port: UInt16

  public init(port: UInt16) throws(GDBSocketError) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw GDBSocketError(description: "cannot create a socket: \(Self.errorText())") }
    var yes: Int32 = 1
    _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian  // 127.0.0.1
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0, listen(fd, 4) == 0 else {
      let text = Self.errorText()
      close(fd)
      throw GDBSocketError(description: "cannot listen on 127.0.0.1:\(port): \(text)")
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    self.fd = fd
    self.port = UInt16(bigEndian: address.sin_port)
  }

  deinit { close(fd) }

  /// Waits up to `timeout` milliseconds (-1: for ever) for a client; returns its connection, or nil.
  func accept(timeout: Int32) -> GDBConnection? {
    guard GDBConnection.wait(fd, timeout: timeout) else { return nil }
    let client = Glibc.accept(fd, nil, nil)
    guard client >= 0 else { return nil }
    _ = fcntl(client, F_SETFD, FD_CLOEXEC)
    var yes: Int32 = 1
    _ = setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
    return GDBConnection(fd: client)
  }

  static func errorText() -> String { String(cString: strerror(errno)) }
}

/// One client's connection.
final class GDBConnection {
  enum Received: Equatable {
    case data([UInt8])
    case timeout
    case closed
  }

  private(set) var fd: Int32

  init(fd: Int32) { self.fd = fd }

  deinit { close() }

  /// Whether `fd` becomes readable within `timeout` milliseconds (-1: for ever).
  static func wait(_ fd: Int32, timeout: Int32) -> Bool {
    var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    while true {
      let ready = poll(&entry, 1, timeout)
      if ready < 0 && errno == EINTR { continue }
      return ready > 0
    }
  }

  /// What arrived within `timeout` milliseconds.
  func receive(timeout: Int32) -> Received {
    guard fd >= 0 else { return .closed }
    guard Self.wait(fd, timeout: timeout) else { return .timeout }
    var buffer = [UInt8](repeating: 0, count: 4096)
    let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
    if count <= 0 {
      if count < 0 && (errno == EINTR || errno == EAGAIN) { return .timeout }
      return .closed
    }
    return .data(Array(buffer[0..<count]))
  }

  /// Sends everything; false when the peer has gone.
  @discardableResult
  func send(_ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count && fd >= 0 {
      let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      if sent < 0 && errno == EINTR { continue }
      guard sent > 0 else { return false }
      offset += sent
    }
    return offset == bytes.count
  }

  func close() {
    if fd >= 0 { _ = Glibc.close(fd) }
    fd = -1
  }
}

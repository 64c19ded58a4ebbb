import Foundation

/// An exclusive `flock` on a file, taken by one promptops process at a time (the promotion lock,
/// the notes lock), that never waits forever and never waits in silence.
///
/// The kernel releases a `flock` when its holder dies, so a killed run never leaves this lock
/// behind; a hung one can hold it indefinitely. The holder writes who it is (pid, command, since
/// when) into the file; a waiter says whom it waits for, and gives up after `timeout` seconds
/// with an error naming the holder and how to stop it.
public struct FileMutex: Sendable {
  /// The file the lock is taken on.
  public let path: String
  /// What the lock guards, for messages ("the promotion lock").
  public let purpose: String
  /// Seconds to wait for another holder.
  public var timeout: Double

  /// Seconds a waiter waits by default: `PROMPTOPS_LOCK_TIMEOUT` when set, else two minutes,
  /// longer than any promotion holds the lock (a commit whose hooks run included).
  public static var defaultTimeout: Double {
    ProcessInfo.processInfo.environment[timeoutVariable].flatMap(Double.init).map { max(0, $0) } ?? 120
  }
  public static let timeoutVariable = "PROMPTOPS_LOCK_TIMEOUT"

  /// Told once, after a short wait, whom a waiter waits for (the command line prints it).
  nonisolated(unsafe) public static var waitNotice: ((String) -> Void)?

  public init(path: String, purpose: String, timeout: Double = FileMutex.defaultTimeout) {
    self.path = path
    self.purpose = purpose
    self.timeout = timeout
  }

  /// Runs `body` holding the lock (released on return, or by the kernel if the process dies).
  public func withLock<T>(_ body: () throws -> T) throws -> T {
    let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw PromptOpsError.io(path: path, message: "cannot open \(purpose): \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    let started = Date()
    var told = false
    while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
      guard errno == EWOULDBLOCK || errno == EINTR else {
        throw PromptOpsError.io(path: path, message: "cannot take \(purpose): \(String(cString: strerror(errno)))")
      }
      let waited = Date().timeIntervalSince(started)
      if waited >= timeout {
        let (who, pid) = holder(descriptor)
        throw PromptOpsError.io(
          path: path,
          message: "\(purpose) is held by \(who), and was not released within \(Int(timeout.rounded())) s "
            + "(\(Self.timeoutVariable)); if that process is hung, stop it\(pid.map { " (`kill \($0)`)" } ?? "") and run this again"
        )
      }
      if !told && waited >= 1 {
        told = true
        Self.waitNotice?(
          "waiting for \(purpose) (\(path)), held by \(holder(descriptor).who); giving up after \(Int(timeout.rounded())) s"
        )
      }
      usleep(50_000)
    }
    defer { flock(descriptor, LOCK_UN) }
    recordHolder(descriptor)
    return try body()
  }

  /// Who holds the lock, as its holder wrote it: "process 1234 (`promptops promote a --env
  /// prod`, since …)", and whether that process still runs.
  private func holder(_ descriptor: Int32) -> (who: String, pid: Int32?) {
    var buffer = [UInt8](repeating: 0, count: 1024)
    let count = pread(descriptor, &buffer, buffer.count, 0)
    let text = count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : ""
    var fields: [String: String] = [:]
    for line in text.split(separator: "\n") {
      guard let equals = line.firstIndex(of: "=") else { continue }
      fields[String(line[..<equals])] = String(line[line.index(after: equals)...])
    }
    guard let pidText = fields["pid"], let pid = Int32(pidText) else {
      return ("another process (it did not say which)", nil)
    }
    let alive = kill(pid, 0) == 0 || errno == EPERM
    let who =
      "process \(pid)"
      + (fields["command"].map { " (`\($0)`" + (fields["since"].map { ", since \($0)" } ?? "") + ")" } ?? "")
      + (alive ? "" : ", which has exited: a process it started may hold the lock still")
    return (who, alive ? pid : nil)
  }

  /// Writes who holds the lock, for waiters' messages; the lock works without it.
  private func recordHolder(_ descriptor: Int32) {
    let arguments = CommandLine.arguments
    let name = arguments.first.map { ($0 as NSString).lastPathComponent } ?? "promptops"
    let command = ([name] + arguments.dropFirst()).joined(separator: " ").split(whereSeparator: \.isNewline).joined(
      separator: " ")
    let text = "pid=\(getpid())\ncommand=\(command.prefix(300))\nsince=\(UTCTime.rfc3339(Date()))\n"
    _ = ftruncate(descriptor, 0)
    _ = Array(text.utf8).withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
  }
}

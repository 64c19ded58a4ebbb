import Foundation

#if canImport(Glibc)
  import CSpawnSupport
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How a child process ended, with everything it printed.
public struct ChildProcessOutcome: Sendable {
  public enum Termination: Sendable, Equatable {
    case exited(Int32)
    case signalled(Int32)
    /// Still running at the deadline: its whole process group was killed.
    case timedOut
    /// Printed more than the limit on standard output, where the caller needs all of it: its
    /// whole process group was killed.
    case outputTooLarge
  }

  public var termination: Termination
  public var stdout: Data
  public var stderr: Data
  /// Standard output went past the limit: `stdout` holds only its first part.
  public var stdoutCut = false
  /// Standard error went past the limit: `stderr` holds only its first part.
  public var stderrCut = false
}

/// Spawn's error: why a child process could not be started. Each caller turns it into its own
/// target's error (a provider that cannot run, git that cannot be started), so it names no exit
/// class; one that reached the executable unwrapped would exit 2, as no verdict was reached.
public struct ChildProcessLaunchFailure: LocalizedError, CustomStringConvertible {
  public var description: String

  public var errorDescription: String? { description }
}

/// Runs one program without a shell, in its own process group, so a timeout can kill it and
/// everything it started (a `bash -c 'sleep 100'` must not outlive the eval that timed out).
///
/// Foundation's `Process` can do neither of the two things needed here: put the child in a new
/// process group, and keep our pipe ends from leaking into children spawned concurrently by other
/// threads (which would keep pipes open and hang readers). So this spawns with `posix_spawn`,
/// `POSIX_SPAWN_SETPGROUP` and close-on-exec pipes.
public enum ChildProcess {
  /// Output beyond this many bytes per stream is not kept, so a runaway program cannot exhaust
  /// memory; the outcome says when a stream was cut (`stdoutCut`, `stderrCut`), so that no
  /// caller takes a cut stream for the whole.
  public static let outputLimit = 16 << 20

  /// Blocks the calling thread until the program ends or `timeout` seconds pass.
  ///
  /// With `ownProcessGroup` (the default) the child leads a process group of its own, which a
  /// timeout kills whole. Without it the child stays in ours, in the terminal's foreground, for
  /// programs that may ask the person at it (ssh-keygen's passphrase, a signing agent's prompt
  /// for git): a background group reading the terminal would be stopped. A timeout then kills the
  /// child alone.
  ///
  /// With `stopPastOutputLimit` (for a caller that needs all of standard output, such as an
  /// answer to grade), output past `outputLimit` ends the run at once: the process group is
  /// killed and the outcome is `.outputTooLarge`. Without it, the rest is read and dropped.
  public static func run(
    executable: String, arguments: [String], environment: [String: String], workingDirectory: String,
    input: Data?, timeout: Double, outputLimit: Int = ChildProcess.outputLimit, stopPastOutputLimit: Bool = false,
    ownProcessGroup: Bool = true
  ) throws -> ChildProcessOutcome {
    ignoreSIGPIPE
    let stdinPipe = input == nil ? nil : try makePipe()
    let stdoutPipe = try makePipe()
    let stderrPipe = try makePipe()
    let parentEnds: [Int32] = [stdoutPipe.read, stderrPipe.read]
    var childEnds: [Int32] = [stdoutPipe.write, stderrPipe.write]
    if let stdinPipe { childEnds.append(stdinPipe.read) }
    defer { parentEnds.forEach { _ = close($0) } }

    let pid: pid_t
    do {
      defer { childEnds.forEach { _ = close($0) } }
      do {
        pid = try spawn(
          executable: executable, arguments: arguments, environment: environment,
          workingDirectory: workingDirectory, stdin: stdinPipe?.read, stdout: stdoutPipe.write,
          stderr: stderrPipe.write, ownProcessGroup: ownProcessGroup)
      } catch {
        if let stdinPipe { close(stdinPipe.write) }
        throw error
      }
    }
    let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(timeout, 0) * 1e9)

    if let input, let stdinPipe {
      // A separate writer, which owns the pipe's write end, so a child that prints before it
      // reads cannot deadlock us.
      let writeEnd = stdinPipe.write
      Thread.detachNewThread {
        input.withUnsafeBytes { buffer in
          var offset = 0
          while offset < buffer.count {
            let written = write(writeEnd, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { break }  // EPIPE: the child stopped reading; that is its business.
            offset += written
          }
        }
        close(writeEnd)
      }
    }

    var killed = false
    var tooLarge = false
    func killGroup() {
      if !killed {
        kill(ownProcessGroup ? -pid : pid, SIGKILL)
        killed = true
      }
    }
    func pastDeadline() -> Bool { DispatchTime.now().uptimeNanoseconds >= deadline }

    // Read both streams until they close, or until the deadline (then kill, and give the pipes
    // a moment to drain: a grandchild that escaped the group may hold them open forever).
    var stdout = Data()
    var stderr = Data()
    var stdoutCut = false
    var stderrCut = false
    var open: [(fd: Int32, isStdout: Bool)] = [(stdoutPipe.read, true), (stderrPipe.read, false)]
    var drainDeadline: UInt64?
    var buffer = [UInt8](repeating: 0, count: 65536)
    while !open.isEmpty {
      let now = DispatchTime.now().uptimeNanoseconds
      if !killed && now >= deadline {
        killGroup()
        drainDeadline = now + 1_000_000_000
      }
      if let drainDeadline, now >= drainDeadline { break }
      let limit = drainDeadline ?? deadline
      let waitMs = Int32(clamping: max(1, (limit &- now) / 1_000_000))
      var polled = open.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
      let ready = poll(&polled, nfds_t(polled.count), min(waitMs, 1000))
      if ready < 0 && errno != EINTR { break }
      if ready <= 0 { continue }
      var stillOpen: [(fd: Int32, isStdout: Bool)] = []
      for (index, stream) in open.enumerated() {
        guard polled[index].revents != 0 else {
          stillOpen.append(stream)
          continue
        }
        let count = read(stream.fd, &buffer, buffer.count)
        if count > 0 {
          if stream.isStdout {
            let kept = min(count, max(0, outputLimit - stdout.count))
            stdout.append(contentsOf: buffer[0..<kept])
            if kept < count {
              stdoutCut = true
              if stopPastOutputLimit && !killed {
                tooLarge = true
                killGroup()
                drainDeadline = DispatchTime.now().uptimeNanoseconds + 1_000_000_000
              }
            }
          } else {
            let kept = min(count, max(0, outputLimit - stderr.count))
            stderr.append(contentsOf: buffer[0..<kept])
            if kept < count { stderrCut = true }
          }
          stillOpen.append(stream)
        } else if count < 0 && (errno == EINTR || errno == EAGAIN) {
          stillOpen.append(stream)
        }
      }
      open = stillOpen
    }

    // The child may have closed its output and still be running. Most children are reapable a
    // few microseconds after their pipes close, so the wait starts short and backs off to 5 ms:
    // a flat 5 ms sleep cost every spawn about 5 ms (git, ssh-keygen and every exec provider).
    var status: Int32 = 0
    var backoff: UInt32 = 20
    while true {
      let result = waitpid(pid, &status, killed ? 0 : WNOHANG)
      if result == pid { break }
      if result < 0 && errno != EINTR { break }
      if !killed && pastDeadline() {
        killGroup()
        continue
      }
      if !killed {
        usleep(backoff)
        backoff = min(backoff * 2, 5_000)
      }
    }

    let termination: ChildProcessOutcome.Termination
    if tooLarge {
      termination = .outputTooLarge
    } else if killed {
      termination = .timedOut
    } else if status & 0x7f == 0 {
      termination = .exited((status >> 8) & 0xff)
    } else {
      termination = .signalled(status & 0x7f)
    }
    return ChildProcessOutcome(
      termination: termination, stdout: stdout, stderr: stderr, stdoutCut: stdoutCut, stderrCut: stderrCut)
  }

  // MARK: - libc plumbing

  private static let ignoreSIGPIPE: Void = {
    // Writing a prompt to a child that exited must be an EPIPE error, not the end of promptops.
    signal(SIGPIPE, SIG_IGN)
  }()

  private static func makePipe() throws -> (read: Int32, write: Int32) {
    var fds: [Int32] = [-1, -1]
    #if canImport(Glibc)
      guard promptops_pipe_cloexec(&fds) == 0 else {
        throw ChildProcessLaunchFailure(description: "cannot create a pipe: \(String(cString: strerror(errno)))")
      }
    #else
      // Darwin has no pipe2. A descriptor another thread's spawn inherits in between is closed in
      // our own children by POSIX_SPAWN_CLOEXEC_DEFAULT (see `spawn`), as in Foundation's Process.
      guard pipe(&fds) == 0 else {
        throw ChildProcessLaunchFailure(description: "cannot create a pipe: \(String(cString: strerror(errno)))")
      }
      for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    #endif
    return (fds[0], fds[1])
  }

  private static func spawn(
    executable: String, arguments: [String], environment: [String: String], workingDirectory: String,
    stdin: Int32?, stdout: Int32, stderr: Int32, ownProcessGroup: Bool
  ) throws -> pid_t {
    #if canImport(Glibc)
      var actions = posix_spawn_file_actions_t()
    #else
      var actions: posix_spawn_file_actions_t? = nil
    #endif
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if let stdin {
      posix_spawn_file_actions_adddup2(&actions, stdin, 0)
    } else {
      posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    }
    posix_spawn_file_actions_adddup2(&actions, stdout, 1)
    posix_spawn_file_actions_adddup2(&actions, stderr, 2)
    // A descriptor some library opened without O_CLOEXEC must not live on in a provider: an
    // inherited write end keeps a reader waiting, an inherited script keeps "Text file busy".
    // (Darwin: POSIX_SPAWN_CLOEXEC_DEFAULT below does the same.)
    #if canImport(Glibc)
      guard promptops_spawn_add_closefrom(&actions, 3) == 0 else {
        throw ChildProcessLaunchFailure(description: "cannot close inherited descriptors in the child")
      }
      let chdirResult = promptops_spawn_add_chdir(&actions, workingDirectory)
    #else
      let chdirResult = posix_spawn_file_actions_addchdir_np(&actions, workingDirectory)
    #endif
    guard chdirResult == 0 else {
      throw ChildProcessLaunchFailure(description: "cannot use working directory \(workingDirectory)")
    }

    #if canImport(Glibc)
      var attributes = posix_spawnattr_t()
      let platformFlags: Int32 = 0
    #else
      var attributes: posix_spawnattr_t? = nil
      let platformFlags = Int32(POSIX_SPAWN_CLOEXEC_DEFAULT)
    #endif
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    let groupFlag = ownProcessGroup ? Int32(POSIX_SPAWN_SETPGROUP) : 0
    posix_spawnattr_setflags(
      &attributes, Int16(groupFlag | Int32(POSIX_SPAWN_SETSIGDEF) | Int32(POSIX_SPAWN_SETSIGMASK) | platformFlags))
    if ownProcessGroup { posix_spawnattr_setpgroup(&attributes, 0) }
    // The child starts with default signal handling (our ignored SIGPIPE must not leak into it)
    // and an empty signal mask.
    var defaultSignals = sigset_t()
    sigemptyset(&defaultSignals)
    sigaddset(&defaultSignals, SIGPIPE)
    posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
    var emptyMask = sigset_t()
    sigemptyset(&emptyMask)
    posix_spawnattr_setsigmask(&attributes, &emptyMask)

    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    // The process's own secrets stay with it, whatever environment the caller built.
    let envp = WithheldEnvironment.removing(from: environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      argv.forEach { free($0) }
      envp.forEach { free($0) }
    }
    var pid: pid_t = 0
    var result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
    // ETXTBSY: a script written a moment ago can still be open for writing in a child that
    // another thread is forking; that passes within milliseconds.
    var busyRetries = 0
    while result == ETXTBSY && busyRetries < 50 {
      busyRetries += 1
      usleep(20_000)
      result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
    }
    guard result == 0 else {
      throw ChildProcessLaunchFailure(description: "cannot run \(executable): \(String(cString: strerror(result)))")
    }
    return pid
  }
}

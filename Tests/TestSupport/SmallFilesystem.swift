import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A small tmpfs mounted on a folder, to give a test a disk that fills up or turns read-only for
/// real: the kernel answers the writes with ENOSPC or EROFS, as a full or failing disk would.
///
/// Mounting needs root (CAP_SYS_ADMIN); `available` says whether this machine allows it, so the
/// tests that need one can say why they did not run. Unmounted when the value goes away.
public final class SmallFilesystem {
  public let path: String
  private var mounted = true

  /// Whether tmpfs can be mounted here (root with CAP_SYS_ADMIN, no seccomp filter against it).
  public static let available: Bool = {
    guard geteuid() == 0,
      let mount = which("mount") ?? (FileManager.default.isExecutableFile(atPath: "/bin/mount") ? "/bin/mount" : nil)
    else { return false }
    let probe = FileManager.default.temporaryDirectory.appendingPathComponent(
      "promptops-mount-probe-\(UUID().uuidString)"
    ).path
    guard (try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)) != nil else {
      return false
    }
    defer { try? FileManager.default.removeItem(atPath: probe) }
    guard
      let result = try? runProcess(
        mount, ["-t", "tmpfs", "-o", "size=16k", "tmpfs", probe], in: "/", environment: [:]),
      result.status == 0
    else { return false }
    _ = try? runProcess(which("umount") ?? "/bin/umount", [probe], in: "/", environment: [:])
    return true
  }()

  /// Mounts a tmpfs of `kilobytes` on `path` (created when missing), holding copies of `files`
  /// (name → content) to start with.
  public init(at path: String, kilobytes: Int = 16, files: [String: Data] = [:]) throws {
    self.path = path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    try Self.run("mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k,mode=0755", "tmpfs", path])
    for (name, data) in files { try data.write(to: URL(fileURLWithPath: path + "/" + name)) }
  }

  deinit { unmount() }

  /// Takes every free block, so the next write that needs one fails with ENOSPC.
  public func fill() throws {
    let filler = path + "/.filler"
    guard
      let handle = FileHandle(forWritingAtPath: filler)
        ?? {
          _ = FileManager.default.createFile(atPath: filler, contents: nil)
          return FileHandle(forWritingAtPath: filler)
        }()
    else { throw Failure(description: "cannot create \(filler)") }
    defer { try? handle.close() }
    let block = Data(count: 4096)
    while (try? handle.write(contentsOf: block)) != nil {}
    // A few bytes more fill the last partial page.
    for _ in 0..<4096 where (try? handle.write(contentsOf: Data(count: 1))) != nil {}
  }

  /// Turns the filesystem read-only: every write fails with EROFS.
  public func makeReadOnly() throws {
    try Self.run("mount", ["-o", "remount,ro", path])
  }

  public func unmount() {
    guard mounted else { return }
    mounted = false
    _ = try? Self.run("umount", ["-l", path])
  }

  struct Failure: Error, CustomStringConvertible { var description: String }

  private static func run(_ program: String, _ arguments: [String]) throws {
    let executable = which(program) ?? "/bin/\(program)"
    let result = try runProcess(executable, arguments, in: "/", environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
    guard result.status == 0 else {
      throw Failure(description: "\(program) \(arguments.joined(separator: " ")) failed: \(result.stderr)")
    }
  }
}

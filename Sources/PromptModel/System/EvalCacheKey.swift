import Crypto
import Foundation

/// The key that authenticates eval cache entries, kept outside the repository and outside the
/// cache, so that whoever can write to either (a pull request, a restored CI cache, a hand edit)
/// cannot forge an entry.
///
/// `PROMPTOPS_CACHE_KEY` when it is set and not empty (in CI, from a secret); else a per-user key
/// file, `$XDG_CONFIG_HOME/promptops/cache.key` (or `~/.config/promptops/cache.key`), made on first
/// use: 32 random bytes as hexadecimal, mode 0600. A key file that others may read or write is
/// refused, as ssh refuses such a private key.
///
/// Without a key the cache is off for the run: every provider is asked, which costs time and
/// never changes a verdict. Whoever opens the cache says why on standard error, once.
public enum EvalCacheKey {
  public static let environmentVariable = "PROMPTOPS_CACHE_KEY"

  /// Why there is no key.
  public struct Unavailable: Error, Equatable, CustomStringConvertible {
    public let description: String
  }

  public static func resolve(environment: [String: String]) -> Result<SymmetricKey, Unavailable> {
    // Empty is unset: a CI job that gets no secret (a pull request from a fork) uses the runner's
    // own key file.
    if let secret = environment[environmentVariable], !secret.isEmpty { return .success(key(secret: secret)) }
    guard let path = keyFilePath(environment: environment) else {
      return .failure(Unavailable(description: "neither \(environmentVariable), XDG_CONFIG_HOME nor HOME is set"))
    }
    return readOrCreate(at: path)
  }

  /// The key a secret text gives (its bytes; HMAC hashes a key longer than its block).
  package static func key(secret: String) -> SymmetricKey { SymmetricKey(data: Data(secret.utf8)) }

  /// `$XDG_CONFIG_HOME/promptops/cache.key`, or `$HOME/.config/promptops/cache.key`; the XDG
  /// variable counts only when it is an absolute path, as the specification says.
  static func keyFilePath(environment: [String: String]) -> String? {
    if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") { return config + "/promptops/cache.key" }
    if let home = environment["HOME"], !home.isEmpty { return home + "/.config/promptops/cache.key" }
    return nil
  }

  static func readOrCreate(at path: String) -> Result<SymmetricKey, Unavailable> {
    switch read(path) {
    case .success(let key?): return .success(key)
    case .failure(let problem): return .failure(problem)
    case .success(nil): break
    }
    let folder = (path as NSString).deletingLastPathComponent
    if let problem = makeFolders(folder) { return .failure(problem) }
    // Written whole under a temporary name, then linked into place: link never replaces a key
    // another run made meanwhile, and nobody ever reads half a key.
    let key = SymmetricKey(size: .bits256)
    let text = key.withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() } + "\n"
    let temporary = "\(folder)/.cache.key.\(getpid()).\(UUID().uuidString)"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      return .failure(Unavailable(description: "cannot write \(temporary): \(String(cString: strerror(errno)))"))
    }
    defer { unlink(temporary) }
    let bytes = Array(text.utf8)
    let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    let closed = close(descriptor)
    guard written == bytes.count, closed == 0 else {
      return .failure(Unavailable(description: "cannot write \(temporary)"))
    }
    if link(temporary, path) != 0 && errno != EEXIST {
      return .failure(Unavailable(description: "cannot create \(path): \(String(cString: strerror(errno)))"))
    }
    // Ours, or the one another run linked first.
    switch read(path) {
    case .success(let key?): return .success(key)
    case .success(nil): return .failure(Unavailable(description: "\(path) vanished as it was made"))
    case .failure(let problem): return .failure(problem)
    }
  }

  /// The key in the file, nil when there is no file, or why the file cannot serve as a key.
  private static func read(_ path: String) -> Result<SymmetricKey?, Unavailable> {
    var status = stat()
    guard stat(path, &status) == 0 else {
      if errno == ENOENT { return .success(nil) }
      return .failure(Unavailable(description: "cannot read \(path): \(String(cString: strerror(errno)))"))
    }
    guard status.st_mode & S_IFMT == S_IFREG else {
      return .failure(Unavailable(description: "\(path) is not a regular file"))
    }
    guard status.st_uid == geteuid() else {
      return .failure(Unavailable(description: "\(path) belongs to another user"))
    }
    guard status.st_mode & 0o077 == 0 else {
      return .failure(
        Unavailable(
          description:
            "\(path) may be read or written by others (mode \(String(status.st_mode & 0o777, radix: 8))); run chmod 600 on it"
        ))
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      return .failure(Unavailable(description: "cannot read \(path)"))
    }
    // ASCII white space only, trimmed by hand: Foundation's trimming costs the pre-commit check
    // more than the rest of reading the key.
    func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
    let text = String(
      decoding: [UInt8](data).drop(while: isSpace).reversed().drop(while: isSpace).reversed(), as: UTF8.self)
    guard text.utf8.count == 64, let bytes = Hex.bytes(text) else {
      return .failure(
        Unavailable(
          description: "\(path) does not hold a cache key (64 hexadecimal digits); delete it to make a new one"))
    }
    return .success(SymmetricKey(data: bytes))
  }

  /// Makes a folder and the ones above it that are missing (new ones readable by their owner
  /// only); nil when it exists afterwards.
  private static func makeFolders(_ folder: String) -> Unavailable? {
    var made = folder.hasPrefix("/") ? "" : "."
    for part in folder.split(separator: "/") {
      made += "/" + part
      if mkdir(made, 0o700) != 0 && errno != EEXIST {
        return Unavailable(description: "cannot make \(made) for the cache key: \(String(cString: strerror(errno)))")
      }
    }
    var status = stat()
    guard stat(folder, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
      return Unavailable(description: "cannot make \(folder) for the cache key: it is not a folder")
    }
    return nil
  }
}

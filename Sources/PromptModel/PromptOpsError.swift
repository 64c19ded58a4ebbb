/// A reason the tool could not evaluate a change at all (exit 2), as opposed to a finding.
///
/// Each case names the file (and line where there is one) so the user can go straight to it.
public enum PromptOpsError: Error, CustomStringConvertible, Equatable {
  case invalidConfiguration(file: String, line: Int?, message: String)
  case repository(String)
  case usage(String)
  case promptNotFound(id: String, detail: String)
  case io(path: String, message: String)

  public var description: String {
    switch self {
    case .invalidConfiguration(let file, let line, let message):
      return "\(file)\(line.map { ":\($0)" } ?? ""): invalid configuration: \(message)"
    case .repository(let message):
      return message
    case .usage(let message):
      return message
    case .promptNotFound(let id, let detail):
      return "no prompt with id '\(id)' \(detail)"
    case .io(let path, let message):
      return "\(path): \(message)"
    }
  }
}

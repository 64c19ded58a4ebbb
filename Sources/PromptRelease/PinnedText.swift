import GitKit
import PromptModel

/// The prompt text an environment runs: the pinned content, read from the pinned commit and
/// verified against the pinned hash before anyone sees it.
public struct PinnedText: Sendable {
  public let pin: LockFile.Pin
  public let bytes: [UInt8]

  public static func read(id: String, environment: String, workspace: ReleaseWorkspace) throws -> PinnedText {
    _ = try workspace.environment(environment)
    guard let pin = try workspace.lockStore.read().pin(id, in: environment) else {
      throw PromptOpsError.promptNotFound(id: id, detail: "pinned in \(environment) (\(workspace.settings.lockFile))")
    }
    let mismatch = "[\(RuleID.pinMismatch.rawValue)] \(environment): \(id) \(pin.version): "
    guard let commit = ObjectID(hex: pin.commit), workspace.repository.commitExists(commit),
      let prompt = try PromptFinder.find(
        textPath: pin.path, in: .commit(commit), repository: workspace.repository, layout: workspace.layout),
      let bytes = try workspace.textBytes(of: prompt, at: commit)
    else {
      throw PromotionRefused(reasons: [mismatch + "commit \(pin.commit.prefix(12)) or \(pin.path) in it is missing"])
    }
    let actual = Prompt.sha256(of: bytes)
    guard actual == pin.sha256 else {
      throw PromotionRefused(reasons: [
        mismatch
          + "the content at commit \(pin.commit.prefix(12)) has sha256 \(actual), but the pin records \(pin.sha256)"
      ])
    }
    return PinnedText(pin: pin, bytes: bytes)
  }
}

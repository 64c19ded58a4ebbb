import ArgumentParser
import Foundation
import PromptChanges
import PromptGate

extension PromptOps {
  struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "diff",
      abstract: "Show a prompt-aware diff of one prompt.",
      discussion: """
        Shows versions, the bump the change needs and why (variables added or removed, model), \
        constraint lines lost, and the text diff. Without --base: the staged change (index \
        against HEAD). With --base: that revision against --head (default HEAD).
        """)

    @Argument(help: "The prompt's id.")
    var id: String

    @Option(help: "Compare against this revision.")
    var base: String?

    @Option(help: "The revision to show (default HEAD); needs --base.")
    var head: String?

    @OptionGroup var options: GlobalOptions

    func validate() throws {
      if head != nil && base == nil { throw ValidationError("--head needs --base") }
    }

    func run() throws {
      let repository = try options.openRepository()
      let comparison: Comparison = base.map { .commits(base: $0, head: head) } ?? .staged
      let (change, configuration) = try Analyzer(repository: repository).change(of: id, in: comparison)
      guard let change else {
        print("\(id): no changes")
        return
      }
      let diff = PromptDiff(change: change, configuration: configuration)
      if options.format == .json {
        let object: [String: Any] = [
          "id": diff.id, "status": diff.status.rawValue, "old_version": diff.oldVersion as Any,
          "new_version": diff.newVersion as Any, "required_bump": diff.requirement.level.rawValue,
          "actual_bump": diff.actualBump?.rawValue as Any,
          "variables_added": diff.requirement.addedVariables, "variables_removed": diff.requirement.removedVariables,
          "model_changed": diff.requirement.modelChanged, "constraints_lost": diff.lostConstraints,
          "old_sha256": diff.oldSha256 as Any, "new_sha256": diff.newSha256 as Any, "diff": diff.textDiff,
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: data, as: UTF8.self))
        return
      }
      var out = "\(diff.id) (\(diff.status.rawValue)): \(diff.oldVersion ?? "none") → \(diff.newVersion ?? "none")"
      if let actual = diff.actualBump { out += actual == .none ? "  [no bump]" : "  [\(actual.rawValue) bump]" }
      out += "\nrequired bump: \(diff.requirement.level.rawValue)"
      if !diff.requirement.reasons.isEmpty { out += " — " + diff.requirement.reasons.joined(separator: "; ") }
      out += "\n"
      if !diff.requirement.addedVariables.isEmpty {
        out += "variables added: " + diff.requirement.addedVariables.map { "{{\($0)}}" }.joined(separator: ", ") + "\n"
      }
      if !diff.requirement.removedVariables.isEmpty {
        out +=
          "variables removed: " + diff.requirement.removedVariables.map { "{{\($0)}}" }.joined(separator: ", ") + "\n"
      }
      for lost in diff.lostConstraints { out += "constraint lost: \(lost)\n" }
      if let old = diff.oldSha256, let new = diff.newSha256, old != new {
        out += "sha256: \(old.prefix(12)) → \(new.prefix(12))\n"
      }
      if !diff.textDiff.isEmpty { out += "\n" + diff.textDiff }
      FileHandle.standardOutput.write(Data(out.utf8))
    }
  }
}

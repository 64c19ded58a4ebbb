import Foundation
import GitKit
import PromptModel

/// `eval merge`'s work that is not the merging itself: reading the shard runs' output files, and
/// recording the merged verdict as a git note on the commit the shards evaluated.
public enum ShardMerge {
  /// Each file's JSON, named by its path; a file that cannot be read or is not JSON ends the merge
  /// (a verdict from some shards only would pass tests that never ran).
  public static func readOutputs(_ files: [String]) throws -> [(name: String, value: JSONValue)] {
    try files.map { file in
      guard let data = FileManager.default.contents(atPath: file) else {
        throw PromptOpsError.io(path: file, message: "cannot read the file")
      }
      do {
        return (file, try JSONValue.parse(data))
      } catch {
        throw PromptOpsError.io(path: file, message: "not JSON: \(error.localizedDescription)")
      }
    }
  }

  /// Records the merged verdicts on `commit` in the repository at `directory`, and returns what
  /// the user should know. The note is history: not being able to write it (no repository here,
  /// a commit this clone lacks) is said in a notice, never hidden, and never stands in for the
  /// verdict, so this does not throw.
  public static func record(_ prompts: [PromptEvalResult], commit: String, repositoryAt directory: String) -> [String] {
    do {
      let repository = try Repository.open(at: directory)
      return try EvalService(repository: repository).record(prompts, on: try repository.resolveCommit(commit))
    } catch {
      return [
        "the merged results were not recorded as a git note on \(commit.prefix(12)): \(error); the verdicts stand"
      ]
    }
  }
}

import Foundation
import GitKit
import PromptModel

/// The files `promptops init` writes: a commented configuration and one example prompt.
public enum Scaffold {
  public static let files: [(path: String, content: String)] = [
    (Configuration.fileName, configuration),
    ("prompts/example/prompt.txt", examplePrompt),
    ("prompts/example/prompt-card.yml", exampleCard),
  ]

  /// Writes the scaffold at the top of the repository's working tree; a bare repository has
  /// none to write to.
  public static func write(into repository: Repository, force: Bool) throws -> [String] {
    guard let top = repository.workingDirectory else {
      throw PromptOpsError.repository(
        "\(repository.gitDirectory) is a bare repository: there is no working tree to write to")
    }
    return try write(into: top, force: force)
  }

  /// Writes the scaffold below `directory`. Existing files are never overwritten unless `force`;
  /// every target is checked before the first is written, so a refusal leaves nothing behind.
  public static func write(into directory: String, force: Bool) throws -> [String] {
    let fileManager = FileManager.default
    if !force {
      let existing = files.map(\.path).filter { fileManager.fileExists(atPath: directory + "/" + $0) }
      if !existing.isEmpty {
        throw PromptOpsError.io(
          path: existing.joined(separator: ", "), message: "already exists; not overwritten (use --force to replace)")
      }
    }
    var written: [String] = []
    for (path, content) in files {
      let url = URL(fileURLWithPath: directory).appendingPathComponent(path)
      do {
        try fileManager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: url, options: .atomic)
      } catch {
        throw PromptOpsError.io(path: path, message: "cannot write: \(error.localizedDescription)")
      }
      written.append(path)
    }
    return written
  }

  static let configuration = """
    # promptops configuration. Every key is optional: the values below are the defaults.
    # Reference: docs/configuration.md and schemas/promptops-config.schema.json in promptops' repository.
    version: 1

    prompts:
      # Folders that hold prompts (repository-relative).
      roots: [prompts]
      # Folder layout: <root>/<id>/prompt.txt (the text) + <root>/<id>/prompt-card.yml (the card).
      text_file: prompt.txt
      card_file: prompt-card.yml
      # Optional Keep-a-Changelog file beside a folder prompt ("## [1.2.0] - 2026-01-31").
      changelog_file: CHANGELOG.md
      # Single-file prompts: YAML front matter (the card) between --- lines, then the text.
      single_file_suffixes: [.prompt.md, .prompt, .prompty]

    variables:
      # Template variables; capture group 1 is the name. Removing one needs a major bump,
      # adding one a minor bump.
      pattern: '\\{\\{\\s*([A-Za-z_][A-Za-z0-9_.-]*)\\s*\\}\\}'

    constraints:
      # Words that make a line a constraint; removing or weakening one is reported.
      keywords: [must, must not, never, only, always, do not, don't, cannot, can't, required,
        require, requires, shall, shall not, forbidden, prohibited, under no circumstances,
        at all times, exactly, strictly, mandatory]

    rules:
      # Severity per rule: error (fails the gate), warning, info, or off.
      version-not-bumped: error
      version-not-increased: error
      bump-too-small: error
      changelog-missing: error
      card-invalid: error
      duplicate-id: error
      constraint-removed: warning
      version-changed-without-content: warning
      prompt-deleted: info

    """

  static let examplePrompt = """
    You are a support assistant for {{product}}.
    Answer the customer's question: {{question}}
    You must only answer from the policy text provided.
    Never invent prices, dates or discounts.

    """

  static let exampleCard = """
    id: example
    description: Answers customer questions from the support policy
    version: 1.0.0
    tags: [support]
    created_by: you@example.com
    changelog:
      - version: 1.0.0
        date: "2026-01-01"
        author: you@example.com
        changes: First version

    """
}

import Foundation
import Testing
import TestSupport

/// The change-based checks open only the changed prompts' blobs: proven on a repository whose
/// unchanged cards are all invalid YAML, which any read of them would report.
@Suite("reads only what changed")
struct ReadsOnlyWhatChangedTests {
  @Test func unchangedBrokenCardsAreNeverRead() throws {
    let repo = try TempRepo("readsOnlyChanged")
    for index in 0..<40 {
      let id = "p\(index)"
      try repo.write("prompts/\(id)/prompt.txt", "Prompt \(index)\n")
      try repo.write("prompts/\(id)/prompt-card.yml", "id: \(id)\nversion: [this is not: valid yaml\n")
    }
    try repo.writePrompt("target", text: "Hello {{name}}\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write("src/app.py", "print('hi')\n")
    try repo.commit()

    try repo.writePrompt("target", text: "Hello {{name}}!\n", version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try repo.write("src/app.py", "print('hello')\n")
    try repo.stage()
    let staged = try repo.promptops("check", "--staged", "--verbose")
    #expect(staged.status == 0, "\(staged.stdout)")
    // target's text, card (and no changelog file) on both sides: 4 blobs; nothing else.
    #expect(staged.stderr.contains("2 changed paths, 1 prompts read, 4 blobs read"), "\(staged.stderr)")
    try repo.commit()

    let range = try repo.promptops("check", "--base", "HEAD~1", "--verbose")
    #expect(range.status == 0, "\(range.stdout)")
    #expect(range.stderr.contains("2 changed paths, 1 prompts read, 4 blobs read"), "\(range.stderr)")

    let gate = try repo.promptops("gate", "--base", "HEAD~1", "--verbose")
    #expect(gate.status == 0)
    #expect(gate.stderr.contains("4 blobs read"), "\(gate.stderr)")

    // The whole-tree check does read them all, and says so.
    let all = try repo.promptops("check", "--all")
    #expect(all.status == 1)
    #expect(all.stdout.components(separatedBy: "error[card-invalid]").count - 1 == 40)
  }
}

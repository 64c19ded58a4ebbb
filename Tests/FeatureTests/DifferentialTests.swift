import Foundation
import GitKit
import PromptGate
import TestSupport
import Testing

/// The set of prompts a comparison reports as changed must be exactly what git itself reports
/// (`git diff --name-status -M`, mapped to prompt folders) between the same commits.
@Suite("differential: changed prompts agree with git diff --name-status -M")
struct DifferentialTests {
  @Test(arguments: [UInt64(7), 20_261_125])
  func randomizedHistoryAgreesWithGit(seed: UInt64) throws {
    var random = SplitMix64(state: seed)
    let repo = try TempRepo("differential\(seed)")
    var live: [String: String] = [:]  // id -> folder
    var nextID = 0
    func newID() -> String {
      defer { nextID += 1 }
      return "p\(nextID)"
    }
    func text(_ id: String, _ salt: Int) -> String {
      (0..<12).map { "Line \($0) of \(id): keep {{var\($0 % 3)}} in mind, version \(salt)." }.joined(separator: "\n")
        + "\n"
    }
    for _ in 0..<12 {
      let id = newID()
      try repo.writePrompt(id, text: text(id, 0), version: "1.0.0", changelog: ["1.0.0"])
      live[id] = "prompts/\(id)"
    }
    try repo.write("README.md", "readme\n")
    var commits = [try repo.commit("initial")]
    var operations = 0

    for round in 0..<60 {
      let steps = Int.random(in: 2...6, using: &random)
      for _ in 0..<steps {
        let ids = live.keys.sorted()
        let kind = Int.random(in: 0..<100, using: &random)
        guard let id = ids.randomElement(using: &random) else { continue }
        let folder = live[id]!
        switch kind {
        case 0..<30:  // edit the text a little (git sees a modification)
          var lines = try repo.read(folder + "/prompt.txt").split(separator: "\n").map(String.init)
          lines[Int.random(in: 0..<lines.count, using: &random)] += " edited \(round)"
          try repo.write(folder + "/prompt.txt", lines.joined(separator: "\n") + "\n")
        case 30..<40:  // edit only the card
          try repo.write(
            folder + "/prompt-card.yml", try repo.read(folder + "/prompt-card.yml") + "tags: [r\(round)]\n")
        case 40..<55:  // move the folder (between prompts/<id> and prompts/archive/<id>)
          let target = folder.hasPrefix("prompts/archive/") ? "prompts/\(id)" : "prompts/archive/\(id)"
          try moveFolder(repo, folder, target)
          live[id] = target
        case 55..<65:  // move and rewrite heavily (git may call it a delete plus an add)
          let target = folder.hasPrefix("prompts/archive/") ? "prompts/\(id)" : "prompts/archive/\(id)"
          try moveFolder(repo, folder, target)
          try repo.write(target + "/prompt.txt", "Completely new text \(round) for \(id)\n")
          live[id] = target
        case 65..<75:  // delete
          try FileManager.default.removeItem(atPath: repo.path + "/" + folder)
          live[id] = nil
        case 75..<85:  // add a new prompt
          let fresh = newID()
          try repo.writePrompt(fresh, text: text(fresh, round), version: "1.0.0", changelog: ["1.0.0"])
          live[fresh] = "prompts/\(fresh)"
        case 85..<92:  // a file beside the prompt that is not part of it
          try repo.write(folder + "/evalsuite.yml", "description: round \(round)\n")
        default:  // a change outside the prompts
          try repo.write("src/file\(round).txt", "\(round)\n")
        }
        operations += 1
      }
      commits.append(try repo.commit("round \(round)"))
    }
    #expect(operations >= 200)

    let repository = try Repository.open(at: repo.path, environment: repo.environment)
    let analyzer = Analyzer(repository: repository)
    var ranges: [(String, String)] = zip(commits, commits.dropFirst()).map { ($0, $1) }
    for _ in 0..<15 {
      let a = Int.random(in: 0..<commits.count, using: &random)
      let b = Int.random(in: 0..<commits.count, using: &random)
      ranges.append((commits[min(a, b)], commits[max(a, b)]))
    }
    for (base, head) in ranges {
      let report = try analyzer.analyze(.commits(base: base, head: head))
      var reported = Set<String>()
      for prompt in report.prompts {
        reported.insert(prompt.path)
        if let old = prompt.oldPath { reported.insert(old) }
      }
      let oracle = try gitChangedPromptFolders(repo, base, head)
      #expect(reported == oracle.folders, "seed \(seed), \(base.prefix(8))..\(head.prefix(8))")
      // Every folder git saw move (its card renamed, its name kept) is one renamed prompt here,
      // and every renamed prompt kept its id.
      let renamed = Set(report.prompts.filter { $0.status == .renamed }.map { "\($0.oldPath ?? "")->\($0.path)" })
      #expect(oracle.moves.isSubset(of: renamed), "seed \(seed): git moves \(oracle.moves.subtracting(renamed))")
      #expect(
        report.prompts.filter { $0.status == .renamed }.allSatisfy {
          ($0.oldPath! as NSString).lastPathComponent == ($0.path as NSString).lastPathComponent
        })
    }
  }

  /// Moves a folder in the working tree (tracked or not); the commit stages everything.
  func moveFolder(_ repo: TempRepo, _ from: String, _ to: String) throws {
    let target = URL(fileURLWithPath: repo.path + "/" + to)
    try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
    try FileManager.default.moveItem(atPath: repo.path + "/" + from, toPath: target.path)
  }

  /// Prompt folders touched between two commits, according to git alone.
  func gitChangedPromptFolders(_ repo: TempRepo, _ base: String, _ head: String) throws -> (
    folders: Set<String>, moves: Set<String>
  ) {
    let output = try repo.git("diff", "--name-status", "-M", base, head, "--", "prompts")
    var folders = Set<String>()
    var moves = Set<String>()
    for line in output.split(separator: "\n") {
      let fields = line.split(separator: "\t").map(String.init)
      // A move keeps the folder's name (the id); git also pairs different prompts whose
      // templated cards look alike, which are not moves of one prompt.
      if fields[0].hasPrefix("R"), fields.count == 3, fields[1].hasSuffix("/prompt-card.yml"),
        ((fields[1] as NSString).deletingLastPathComponent as NSString).lastPathComponent
          == ((fields[2] as NSString).deletingLastPathComponent as NSString).lastPathComponent
      {
        moves.insert(
          (fields[1] as NSString).deletingLastPathComponent + "->" + (fields[2] as NSString).deletingLastPathComponent)
      }
      for path in fields.dropFirst() {
        let name = (path as NSString).lastPathComponent
        guard name == "prompt.txt" || name == "prompt-card.yml" else { continue }
        folders.insert((path as NSString).deletingLastPathComponent)
      }
    }
    return (folders, moves)
  }
}

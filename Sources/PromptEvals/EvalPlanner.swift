import Foundation
import GitKit
import PromptChanges
import PromptModel
import PromptTemplates

/// Finds the prompts a comparison must evaluate and reads their suites from one snapshot.
///
/// A prompt's eval inputs are its text, its card, its suites, the test files they read and the
/// provider files they name: a change to any of them re-runs that prompt's evals.
public struct EvalPlanner {
  let repository: Repository
  let configuration: Configuration
  let snapshot: Snapshot
  let layout: PromptLayout
  let environment: [String: String]
  /// Suites already read from this snapshot: a gate reads a changed prompt's suites for the
  /// weakening check and again to plan its tests.
  private let loadedSuites = LoadedSuites()

  public init(
    repository: Repository, configuration: Configuration, snapshot: Snapshot,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) {
    self.repository = repository
    self.configuration = configuration
    self.snapshot = snapshot
    layout = PromptLayout(configuration)
    self.environment = environment
  }

  private var settings: EvalSettings { configuration.evals }

  /// The suite at `path` in this snapshot, read once.
  private func loadSuite(_ path: String) throws -> EvalSuite {
    if let known = loadedSuites.result(for: path) { return try known.get() }
    let result = Result { try loader.load(path: path) }
    loadedSuites.store(result, for: path)
    return try result.get()
  }

  private var loader: SuiteLoader {
    let repository = self.repository
    let snapshot = self.snapshot
    return SuiteLoader(
      read: { try repository.contents(at: $0, in: snapshot) },
      list: { try repository.files(under: [$0], in: snapshot).map(\.path) },
      settings: settings)
  }

  // MARK: - Which prompts

  /// Every prompt in the snapshot, sorted by id.
  public func allPrompts() throws -> [Prompt] {
    let builder = ChangeSetBuilder(repository: repository, configuration: configuration)
    return try builder.wholeTree(snapshot).changes.compactMap(\.new)
  }

  /// The prompt with this id, or nil.
  public func prompt(id: String) throws -> Prompt? {
    let reader = PromptReader(repository: SnapshotReader(repository: repository, snapshot: snapshot), layout: layout)
    for location in layout.canonicalLocations(for: id) {
      if let prompt = try reader.read(location), prompt.id == id { return prompt }
    }
    return try allPrompts().first { $0.id == id }
  }

  /// Prompts present in this snapshot whose eval inputs differ from `base`.
  ///
  /// Prompts with no suite are left out unless `includingWithoutSuite` (for `eval-missing`): only
  /// the prompts that will be evaluated are read, and of those only the ones not in `known`
  /// (prompts of this snapshot read already, under the same layout).
  public func changedPrompts(since base: Snapshot, includingWithoutSuite: Bool = true, reusing known: [Prompt] = [])
    throws -> [Prompt]
  {
    try changes(since: base, includingWithoutSuite: includingWithoutSuite, reusing: known).prompts
  }

  /// `changedPrompts`, and whether the change touched a suite file anywhere (a suite deleted
  /// beside a prompt that moved away from it may have been that prompt's bar), from one diff.
  func changes(since base: Snapshot, includingWithoutSuite: Bool, reusing known: [Prompt]) throws -> (
    prompts: [Prompt], suiteTouched: Bool
  ) {
    let changes = try repository.changedFiles(from: base, to: snapshot, under: [])
    // By bytes, as git keeps paths apart (see `PromptLocation`).
    var paths = Set<BytePath>()
    for change in changes {
      if let path = change.oldPath { paths.insert(BytePath(path)) }
      if let path = change.newPath { paths.insert(BytePath(path)) }
    }
    guard !paths.isEmpty else { return ([], false) }
    // A suite file the change touched (deleted with a prompt that moved away from it, say) may
    // have been some changed prompt's bar: then every changed prompt stays, for the gate to
    // compare with the base.
    let suiteTouched = paths.contains { Self.isSuite($0.path, suiteFile: settings.suiteFile) }
    let reader = PromptReader(repository: SnapshotReader(repository: repository, snapshot: snapshot), layout: layout)
    let knownByLocation = Dictionary(known.map { ($0.location, $0) }, uniquingKeysWith: { first, _ in first })
    func read(_ location: PromptLocation) throws -> Prompt? {
      if let prompt = knownByLocation[location] { return prompt }
      return try reader.read(location)
    }
    // Keyed by location, which compares paths by their bytes (see `PromptLocation`).
    var found: [PromptLocation: Prompt] = [:]
    var unattributed: [String] = []
    var seen = Set<PromptLocation>()
    for path in paths.sorted().map(\.path) {
      guard let location = promptLocation(for: path) else {
        unattributed.append(path)
        continue
      }
      guard seen.insert(location).inserted else { continue }
      // The id a suite selection matches is the location's: a card with another id is card-invalid.
      // A prompt whose own suite this change deleted stays: the gate reports the lost suite.
      if !includingWithoutSuite && !suiteTouched && suitePaths(for: location, id: location.expectedID).isEmpty
        && !paths.contains(BytePath(besideSuitePath(for: location)))
      {
        continue
      }
      if let prompt = try read(location) {
        found[prompt.location] = prompt
      } else {
        unattributed.append(path)
      }
    }
    if !unattributed.isEmpty {
      // A file outside any prompt folder changed: a shared test file, a provider script, a
      // configured suite. Only the suites themselves tell which prompts it feeds, so the suites
      // that could read it are read; prompts without a suite are never opened.
      let changedSet = Set(unattributed)
      func touched(_ suitePath: String) -> Bool {
        if changedSet.contains(suitePath) { return true }
        // A suite that cannot be read may read anything: its prompts are evaluated, and the
        // suite's problem is reported there.
        guard let suite = try? loadSuite(suitePath) else { return true }
        return suite.inputFiles.keys.contains(where: changedSet.contains)
      }
      for file in try suitesThatMayRead(unattributed) {
        guard let location = promptLocation(for: file.path), found[location] == nil, touched(file.path),
          let prompt = try read(location)
        else { continue }
        found[location] = prompt
      }
      let touchedSelections = settings.suites.filter { touched($0.path) }
      if !touchedSelections.isEmpty {
        for prompt in try allPrompts() where found[prompt.location] == nil {
          if touchedSelections.contains(where: { $0.prompts.contains(where: { PromptIDGlob.matches(prompt.id, $0) }) })
          {
            found[prompt.location] = prompt
          }
        }
      }
    }
    return (found.values.sorted { ($0.id, $0.location.path) < ($1.id, $1.location.path) }, suiteTouched)
  }

  /// The suite files under the prompt roots that could read one of `changed` (files that belong
  /// to no prompt): the ones whose text may name a file outside their own folder, and the ones
  /// in a folder at or above a changed file.
  private func suitesThatMayRead(_ changed: [String]) throws -> [FileEntry] {
    let suffix = "/" + settings.suiteFile
    let dottedSuffix = "." + settings.suiteFile
    func isSuite(_ path: String) -> Bool { path.hasSuffix(suffix) || path.hasSuffix(dottedSuffix) }
    func below(_ suitePath: String) -> Bool {
      let folder = SuiteLoader.folder(of: suitePath) + "/"
      return changed.contains { $0.hasPrefix(folder) }
    }
    guard case .commit(let commit) = snapshot else {
      // The index has no tree ids to know folders by: every suite is looked at.
      return try repository.files(under: layout.roots, in: snapshot).filter { file in
        guard isSuite(file.path) else { return false }
        if below(file.path) { return true }
        guard let bytes = try? repository.blob(file.id) else { return true }
        return SuiteLoader.mayReadOutsideItsFolder(bytes)
      }
    }
    let key = try? EvalCacheKey.resolve(environment: environment).get()  // none: no index kept, every walk reads
    let index = SuiteIndex(repository: repository, suiteFile: settings.suiteFile, key: key)
    var suites = Set(try index.suitesReadingOutside(under: layout.roots, inCommit: commit))
    // The folders holding a changed file, up to its root: few, and each one tree.
    var folders = Set<String>()
    for path in changed {
      guard let root = layout.roots.first(where: { $0.isEmpty || path.hasPrefix($0 + "/") }) else { continue }
      var folder = SuiteLoader.folder(of: path)
      while folders.insert(folder).inserted, folder.count > root.count {
        folder = SuiteLoader.folder(of: folder)
      }
    }
    for folder in folders {
      guard let tree = try repository.treeID(at: folder, inCommit: commit) else { continue }
      let prefix = folder.isEmpty ? "" : folder + "/"
      try repository.forEachEntry(ofTree: tree) { name, isTree, id in
        let path = prefix + String(decoding: name, as: UTF8.self)
        if !isTree && isSuite(path) { suites.insert(FileEntry(path: path, id: id)) }
      }
    }
    return suites.sorted { $0.path < $1.path }
  }

  /// The prompt a changed file belongs to: its text, card or changelog, or a file in its folder
  /// (suite, test cases), or a single-file prompt's suite beside it.
  private func promptLocation(for path: String) -> PromptLocation? {
    if let location = layout.location(containing: path) { return location }
    let folder = SuiteLoader.folder(of: path)
    guard !folder.isEmpty, layout.roots.contains(where: { $0.isEmpty || folder.hasPrefix($0 + "/") }) else {
      return nil
    }
    if mayExist(folder + "/" + configuration.cardFile) || mayExist(folder + "/" + configuration.textFile) {
      return layout.folderLocation(folder)
    }
    let name = String(path[path.index(after: path.lastIndex(of: "/")!)...])
    let suffix = "." + settings.suiteFile
    if name.hasSuffix(suffix) {
      let id = String(name.dropLast(suffix.count))
      for candidate in configuration.singleFileSuffixes {
        let file = folder + "/" + id + candidate
        if mayExist(file) { return layout.location(containing: file) }
      }
    }
    return nil
  }

  /// Whether a file is in this snapshot. A lookup that fails counts as present: reading the file
  /// then reports the failure, where answering "absent" would leave a suite or prompt out.
  private func mayExist(_ path: String) -> Bool {
    do {
      return try repository.blobID(at: path, in: snapshot) != nil
    } catch {
      return true
    }
  }

  /// Where the suite beside a prompt lives, whether or not there is one.
  /// Whether `path` names a suite file: `<suite file>` in a folder, or `<id>.<suite file>`.
  static func isSuite(_ path: String, suiteFile: String) -> Bool {
    path == suiteFile || path.hasSuffix("/" + suiteFile) || path.hasSuffix("." + suiteFile)
  }

  func besideSuitePath(for location: PromptLocation) -> String {
    switch location.kind {
    case .folder: return location.path + "/" + settings.suiteFile
    case .singleFile:
      let folder = SuiteLoader.folder(of: location.path)
      return (folder.isEmpty ? "" : folder + "/") + location.expectedID + "." + settings.suiteFile
    }
  }

  /// The suite files that apply to a prompt: the one beside it and the configured ones selecting it.
  public func suitePaths(for prompt: Prompt) -> [String] { suitePaths(for: prompt.location, id: prompt.id) }

  func suitePaths(for location: PromptLocation, id: String) -> [String] {
    var paths: [String] = []
    let beside = besideSuitePath(for: location)
    if mayExist(beside) { paths.append(beside) }
    for selection in settings.suites where selection.prompts.contains(where: { PromptIDGlob.matches(id, $0) }) {
      if !paths.contains(selection.path) { paths.append(selection.path) }
    }
    return paths
  }

  // MARK: - Plans

  /// Reads a prompt's suites and renders every test: the units to run, or the problems that stop them.
  public func plan(_ prompt: Prompt) -> PromptEvalPlan {
    var inputs: [String: String] = [:]
    var errors: [SuiteProblem] = []
    // The card (for a single file, the whole file as stored: the prompt's own hash covers its
    // text only) is an input too; one that cannot be read stops the prompt's evals.
    let storedFile = prompt.location.kind == .folder ? prompt.location.cardPath : prompt.location.textPath
    if prompt.location.kind == .folder, let sha = prompt.sha256 { inputs[prompt.location.textPath] = sha }
    do {
      if let bytes = try repository.contents(at: storedFile, in: snapshot) {
        inputs[storedFile] = Prompt.sha256(of: bytes)
      }
    } catch {
      errors.append(SuiteProblem(file: storedFile, line: 1, message: "cannot be read: \(error)"))
    }
    var warnings: [SuiteProblem] = []
    var units: [EvalUnit] = []
    var thresholds = EvalThresholds()
    thresholds.minPassRate = 0
    let paths = suitePaths(for: prompt)
    if paths.isEmpty { thresholds.minPassRate = 1 }
    let text = prompt.text ?? ""
    if prompt.text == nil {
      errors.append(
        SuiteProblem(file: prompt.location.textPath, line: 1, message: "the prompt has no text to evaluate"))
    }
    let top = repository.workingDirectory ?? FileManager.default.currentDirectoryPath
    for path in paths {
      let suite: EvalSuite
      do {
        suite = try loadSuite(path)
      } catch let problem as SuiteProblem {
        errors.append(problem)
        continue
      } catch {
        errors.append(SuiteProblem(file: path, line: 1, message: "\(error)"))
        continue
      }
      inputs.merge(suite.inputFiles) { $1 }
      warnings += suite.warnings
      thresholds.minPassRate = max(thresholds.minPassRate, suite.thresholds.minPassRate)
      thresholds.minScore = max(thresholds.minScore, suite.thresholds.minScore)
      let folder = SuiteLoader.folder(of: path)
      let providerFiles = suite.providerFiles
      let providerHashes = providerFiles.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }
      // Provider scripts run from the working tree: it must hold the evaluated commit's copies.
      if settings.mode == .builtin,
        let problem = WorkingTreeInputs.problem(
          WorkingTreeInputs.differing(providerFiles.keys, in: repository, snapshot: snapshot),
          usedBy: "exec providers run")
      {
        errors.append(problem)
        continue
      }
      let prompts: [SuitePrompt]
      switch promptsToEvaluate(prompt, text: text, suite: suite) {
      case .success(let found):
        prompts = found.prompts
        warnings += found.warnings
      case .failure(let problem):
        errors.append(problem)
        continue
      }
      var reported = Set<String>()
      func report(_ problem: SuiteProblem) {
        if reported.insert(problem.description).inserted { errors.append(problem) }
      }
      for (testIndex, suiteTest) in suite.tests.enumerated() {
        if let only = suiteTest.promptID, only != prompt.id { continue }
        if let problem = Self.selectionProblem(suiteTest, providers: suite.providers, prompts: prompts) {
          report(problem)
          continue
        }
        var test = suiteTest
        do {
          test.vars = try PromptVariables.prepare(test.vars)
        } catch {
          report(SuiteProblem(file: test.file, line: test.line, message: "test '\(test.name)': \(error.message)"))
          continue
        }
        // As in promptfoo, expected values are templates too (`contains: "{{name}}"`).
        var assertionsRendered = true
        for index in test.assertions.indices {
          do {
            test.assertions[index] = try Self.renderingValue(
              of: test.assertions[index], with: test.vars, pattern: configuration.variablePattern)
          } catch {
            let assertion = test.assertions[index]
            report(
              Self.problem(
                error, test: test, file: test.file, line: assertion.line,
                usedBy: "its `\(assertion.fullType)` assertion"))
            assertionsRendered = false
          }
        }
        guard assertionsRendered else { continue }
        for (promptIndex, suitePrompt) in prompts.enumerated() {
          // The test's `prompts:` (`isAllowedPrompt` in `src/evaluator.ts`); undecidable ones
          // were refused above.
          guard PromptfooSelection.allows(suitePrompt, test.promptFilter) == true else { continue }
          let rendered: String
          do {
            rendered = try PromptTemplate(text: suitePrompt.raw, variablePattern: configuration.variablePattern)
              .renderPrompt(test.vars)
          } catch {
            let file = suitePrompt.file ?? path
            var line = suitePrompt.firstLine
            if case .invalid(let problem) = error { line += problem.line - 1 }
            report(Self.problem(error, test: test, file: file, line: line, usedBy: file))
            continue
          }
          for (providerIndex, provider) in suite.providers.enumerated() {
            // The test's `providers:` (`isProviderAllowed` in `src/evaluator.ts`).
            guard PromptfooSelection.allows(provider, test.providerFilter) == true else { continue }
            // A provider is named by its label or id; two alike (one model at two temperatures)
            // are told apart by their place, so each unit keeps a key of its own. A test's own
            // `provider` answers in place of each of them, as in promptfoo.
            let name = provider.label ?? provider.id
            let alike = suite.providers.filter { ($0.label ?? $0.id) == name }.count > 1
            units.append(
              EvalUnit(
                key: "\(prompt.id)|\(path)|\(testIndex)|\(name)" + (alike ? "#\(providerIndex + 1)" : "")
                  + (prompts.count > 1 ? "|prompt \(promptIndex + 1)" : ""),
                promptID: prompt.id, suitePath: path,
                testIndex: testIndex, test: test, provider: test.provider ?? provider,
                grader: test.grader ?? suite.grader ?? settings.grader,
                renderedPrompt: rendered, workingDirectory: top + (folder.isEmpty ? "" : "/" + folder),
                providerFileHashes: providerHashes, promptLabel: suitePrompt.label))
          }
        }
      }
    }
    // Nothing is asked of any provider when an assertion could not be graded.
    let ungradable = AssertionValidation.problems(units, settings: settings, environment: environment)
    if !ungradable.isEmpty { (errors, units) = (errors + ungradable, []) }
    return PromptEvalPlan(
      promptID: prompt.id, version: prompt.card?.version.text, sha256: prompt.sha256, path: prompt.location.path,
      textPath: prompt.location.textPath, suitePaths: paths,
      thresholds: thresholds, inputs: inputs, units: units, errors: errors, warnings: warnings)
  }

  /// Why a test's `providers:` or `prompts:` cannot be applied: a name that names none of the
  /// suite's providers or prompts (promptfoo refuses the suite, `validateTestPromptReferences`),
  /// or one whose answer depends on the folder promptfoo would run in (see `PromptfooSelection`).
  static func selectionProblem(_ test: EvalTest, providers: [ProviderSpec], prompts: [SuitePrompt]) -> SuiteProblem? {
    if let names = test.providerFilter {
      let at = (test.providerFilterFile.isEmpty ? test.file : test.providerFilterFile, test.providerFilterLine)
      for name in names where !providers.contains(where: { PromptfooSelection.mayName(name, $0) }) {
        let known = providers.map { $0.label ?? $0.id }.joined(separator: ", ")
        return SuiteProblem(
          file: at.0, line: at.1,
          message: "test '\(test.name)' names provider '\(name)' in `providers`, and the suite has none such (\(known))"
        )
      }
      if providers.contains(where: { PromptfooSelection.allows($0, names) == nil }) {
        return SuiteProblem(
          file: at.0, line: at.1,
          message:
            "test '\(test.name)': which providers `providers` selects depends on the folder promptfoo runs in; name them by label or id as written"
        )
      }
    }
    if let names = test.promptFilter {
      let at = (test.promptFilterFile.isEmpty ? test.file : test.promptFilterFile, test.promptFilterLine)
      for name in names where !prompts.contains(where: { PromptfooSelection.mayName(name, $0) }) {
        return SuiteProblem(
          file: at.0, line: at.1,
          message: "test '\(test.name)' names prompt '\(name)' in `prompts`, and the suite has none such")
      }
      if prompts.contains(where: { PromptfooSelection.allows($0, names) == nil }) {
        return SuiteProblem(
          file: at.0, line: at.1,
          message:
            "test '\(test.name)': which prompts `prompts` selects depends on the folder promptfoo runs in; give the prompts labels and name those"
        )
      }
    }
    return nil
  }

  /// The message for a prompt or expected value that could not be rendered for a test.
  static func problem(_ failure: TemplateError, test: EvalTest, file: String, line: Int, usedBy: String)
    -> SuiteProblem
  {
    switch failure {
    case .missing(let names):
      return SuiteProblem(
        file: test.file, line: file == test.file ? line : test.line,
        message:
          "test '\(test.name)' gives no value for \(names.map { "{{\($0)}}" }.joined(separator: ", ")) used by \(usedBy)"
      )
    case .invalid(let problem):
      return SuiteProblem(
        file: file, line: line, message: "template: \(problem.message) (rendering it for test '\(test.name)')")
    }
  }

  /// Which prompts a suite evaluates for `prompt`: the ones its `prompts:` names, which must
  /// include the prompt's own text file (other prompts named beside it are evaluated too and
  /// count toward its pass rate, as promptfoo counts every prompt × test, with a warning), or,
  /// without that key, the prompt's text read as promptfoo reads a prompt file.
  func promptsToEvaluate(_ prompt: Prompt, text: String, suite: EvalSuite) -> Result<
    (prompts: [SuitePrompt], warnings: [SuiteProblem]), SuiteProblem
  > {
    let textPath = prompt.location.textPath
    guard let listed = suite.prompts else {
      // promptfoo trims a prompt file; a `.txt` file is also split on `---` lines.
      let parts =
        prompt.location.kind == .folder
        ? SuiteLoader.promptfooPrompts(text, path: textPath) : [(JavaScriptText.trim(text), 1)].filter { !$0.0.isEmpty }
      guard !parts.isEmpty else {
        return .failure(
          SuiteProblem(file: textPath, line: 1, message: "the prompt is empty once trimmed, as promptfoo trims it"))
      }
      return .success(
        (
          parts.map {
            SuitePrompt(
              raw: $0.text, file: textPath, label: "\(textPath): \($0.text)", line: 1, firstLine: $0.line,
              relativePath: SuiteLoader.relative(textPath, from: SuiteLoader.folder(of: suite.path)))
          }, []
        ))
    }
    guard prompt.location.kind == .folder else {
      return .failure(
        SuiteProblem(
          file: suite.path, line: suite.promptsLine,
          message:
            "`prompts` names files, but \(prompt.id) is a single-file prompt whose file holds its card too (promptfoo would send that): leave `prompts` out to evaluate its text"
        ))
    }
    guard listed.contains(where: { $0.file == textPath }) else {
      let named = Set(listed.map { $0.file ?? "an inline prompt" }).sorted().joined(separator: ", ")
      return .failure(
        SuiteProblem(
          file: suite.path, line: suite.promptsLine,
          message:
            "`prompts` names \(named) but not \(textPath), the prompt this suite evaluates: its results would not be \(prompt.id)'s"
        ))
    }
    let others = Set(listed.filter { $0.file != textPath }.map { $0.file ?? "inline prompt '\($0.label.prefix(40))'" })
      .sorted()
    var warnings: [SuiteProblem] = []
    if !others.isEmpty {
      warnings.append(
        SuiteProblem(
          file: suite.path, line: suite.promptsLine,
          message:
            "`prompts` also names \(others.joined(separator: ", ")): evaluated with every test and counted in \(prompt.id)'s pass rate, as promptfoo counts them"
        ))
    }
    return .success((listed, warnings))
  }

  /// An assertion whose text values (a string, or the strings of a list) have the test's
  /// variables filled in; mappings (JSON schemas, `equals` objects) are left as they are.
  static func renderingValue(of assertion: EvalAssertion, with vars: [String: JSONValue], pattern: String)
    throws(TemplateError) -> EvalAssertion
  {
    func render(_ text: String) throws(TemplateError) -> String {
      try PromptTemplate(text: text, variablePattern: pattern).render(vars)
    }
    var result = assertion
    switch assertion.value {
    case .string(let text)?:
      result.value = .string(try render(text))
    case .array(let items)?:
      var rendered: [JSONValue] = []
      for item in items {
        if case .string(let text) = item { rendered.append(.string(try render(text))) } else { rendered.append(item) }
      }
      result.value = .array(rendered)
    default:
      break
    }
    return result
  }

  /// The suites of a prompt as this snapshot has them (for weakening checks against the base).
  func suites(for prompt: Prompt) -> [String: Result<EvalSuite, SuiteProblem>] {
    var result: [String: Result<EvalSuite, SuiteProblem>] = [:]
    for path in suitePaths(for: prompt) {
      do {
        result[path] = .success(try loadSuite(path))
      } catch let problem as SuiteProblem {
        result[path] = .failure(problem)
      } catch {
        result[path] = .failure(SuiteProblem(file: path, line: 1, message: "\(error)"))
      }
    }
    return result
  }
}

/// Suites read by one planner, by path; shared by its copies.
private final class LoadedSuites: @unchecked Sendable {
  private var results: [String: Result<EvalSuite, any Error>] = [:]
  private let lock = NSLock()

  func result(for path: String) -> Result<EvalSuite, any Error>? {
    lock.lock()
    defer { lock.unlock() }
    return results[path]
  }

  func store(_ result: Result<EvalSuite, any Error>, for path: String) {
    lock.lock()
    defer { lock.unlock() }
    results[path] = result
  }
}

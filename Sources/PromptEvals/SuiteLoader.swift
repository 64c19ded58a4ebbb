import Foundation
import PromptModel
import PromptTemplates

/// Reads a promptfoo-style suite and the test files it names from one snapshot.
///
/// Files are read through `read` (git blobs, never the working tree), so what is evaluated is
/// exactly what the commit holds, and the content hashes of every input are known.
struct SuiteLoader {
  /// The file at a repository-relative path, or nil when there is none.
  let read: (String) throws -> [UInt8]?
  /// Every file below a repository-relative folder (for globs).
  let list: (String) throws -> [String]
  let settings: EvalSettings

  /// The assertion types promptops runs (see `AssertionCatalog`).
  static var assertionTypes: Set<String> { AssertionCatalog.supported }
  /// Suite keys promptfoo defines that promptops reads.
  static let suiteKeys: Set<String> = [
    "description", "prompts", "providers", "tests", "scenarios", "defaultTest", "thresholds", "options", "repeat",
    "minPass",
  ]
  static let testKeys: Set<String> = [
    "description", "name", "vars", "input", "assert", "threshold", "options", "repeat", "minPass", "metadata", "tags",
    "promptId", "provider", "providers", "prompts", "providerOutput",
  ]

  func load(path: String) throws -> EvalSuite {
    guard let bytes = try read(path) else { throw SuiteProblem(file: path, line: 1, message: "suite file not found") }
    var inputs = SuiteInputs(files: [path: Prompt.sha256(of: bytes)])
    // One budget for the aliases of everything this suite reads: a thousand small files or lines
    // must not each expand to the limit.
    let aliasBudget = inputs.aliasBudget
    let root = try parse(bytes, file: path, aliasBudget: aliasBudget)
    guard let root, let pairs = try mapping(root, file: path) else {
      throw SuiteProblem(
        file: path, line: root?.line ?? 1,
        message: "a suite must be a mapping of keys (description, prompts, providers, tests, …)")
    }
    let folder = Self.folder(of: path)
    var suite = EvalSuite(
      path: path, description: nil, providers: [], tests: [], thresholds: EvalThresholds(), grader: nil,
      inputFiles: [:], warnings: [])
    var testsNode: YAMLValue?
    var scenariosNode: YAMLValue?
    var defaultTest: YAMLValue?
    var suiteRepeat: (count: Int, minPass: Int?) = (1, nil)
    for (key, keyLine, value) in pairs {
      switch key {
      case "description": suite.description = value.scalarText
      case "prompts":
        suite.prompts = try prompts(value, file: path, folder: folder, inputs: &inputs)
        suite.promptsLine = keyLine
      case "providers":
        let items = value.sequence ?? [value]
        for item in items { suite.providers.append(try provider(item, file: path, folder: folder, inputs: &inputs)) }
      case "tests": testsNode = value
      case "scenarios": scenariosNode = value
      case "defaultTest": defaultTest = value
      case "thresholds":
        for (subkey, subLine, subvalue) in try mapping(value, "thresholds", file: path) {
          switch subkey {
          case "minPassRate":
            suite.thresholds.minPassRate = try fraction(subvalue, "thresholds.minPassRate", file: path)
            suite.thresholds.minPassRateLine = subLine
          case "minScore":
            suite.thresholds.minScore = try fraction(subvalue, "thresholds.minScore", file: path)
            suite.thresholds.minScoreLine = subLine
          default:
            suite.warnings.append(
              SuiteProblem(
                file: path, line: subLine,
                message: "unknown key `thresholds.\(subkey)` is ignored (known: minPassRate, minScore)"))
          }
        }
      case "options":
        if let (grader, line) = try options(
          value, "options", file: path, folder: folder, warnings: &suite.warnings, inputs: &inputs
        ).grader {
          suite.grader = grader
          suite.graderLine = line
        }
      case "repeat": suiteRepeat.count = try count(value, "repeat", file: path)
      case "minPass": suiteRepeat.minPass = try count(value, "minPass", file: path)
      default:
        suite.warnings.append(
          SuiteProblem(
            file: path, line: keyLine,
            message:
              "key `\(key)` is not used by promptops and has no effect (read: \(Self.suiteKeys.sorted().joined(separator: ", ")))"
          ))
      }
    }
    guard !suite.providers.isEmpty else {
      throw SuiteProblem(file: path, line: root.line, message: "the suite names no `providers`")
    }

    var base = EvalTest(description: nil, vars: [:], assertions: [], file: path, line: defaultTest?.line ?? 1)
    base.repeatCount = suiteRepeat.count
    base.minPass = suiteRepeat.minPass
    if let defaultTest {
      base = try test(
        defaultTest, file: path, folder: folder, defaults: base, warnings: &suite.warnings, inputs: &inputs,
        isDefaultTest: true)
    }
    // `options.disableDefaultAsserts` (`src/evaluator.ts`): a test whose options (merged over
    // `defaultTest.options`) say so runs only its own assertions. Every test starts from `base`,
    // so its first assertions are `defaultTest`'s.
    let defaultAssertionCount = base.assertions.count
    if suite.grader == nil {
      suite.grader = base.grader
      suite.graderLine = base.graderLine
    }
    // The configured grader grades this suite's model-graded assertions when the suite names
    // none: its script is an input like the suite's own (an edit of it is a weakening, is held
    // to the evaluated commit, and keys the cache), whoever's configuration names it.
    if suite.grader == nil, let configured = settings.grader {
      try recordFiles(of: configured, folder: folder, inputs: &inputs)
    }

    var written: [EvalTest] = []
    if let testsNode {
      let entries = testsNode.sequence ?? [testsNode]
      for entry in entries {
        if let reference = entry.scalarText {
          for file in try files(matching: reference, folder: folder, from: path, line: entry.line) {
            written += try tests(
              inFile: file, defaults: base, aliasBudget: aliasBudget, warnings: &suite.warnings, inputs: &inputs)
          }
        } else {
          written.append(
            try test(entry, file: path, folder: folder, defaults: base, warnings: &suite.warnings, inputs: &inputs))
        }
      }
    }
    if let scenariosNode {
      written += try scenarioTests(
        scenariosNode, file: path, folder: folder, defaults: base, warnings: &suite.warnings, inputs: &inputs)
    }
    // promptfoo's `generateVarCombinations` (`src/evaluator.ts`): a list of texts, or a
    // `file://` glob, in a test's vars makes one test per value (the cartesian product over
    // such vars); `file://` vars are then read (`renderPrompt`, `src/evaluatorHelpers.ts`).
    for var test in written {
      if test.disableDefaultAsserts { test.assertions.removeFirst(min(defaultAssertionCount, test.assertions.count)) }
      suite.tests += try expandingVars(test, suiteFolder: folder, inputs: &inputs)
    }
    suite.inputFiles = inputs.files
    suite.providerFiles = inputs.providerFiles
    return suite
  }

  // MARK: - Tests

  private func tests(
    inFile file: String, defaults: EvalTest, aliasBudget: YAMLAliasBudget, warnings: inout [SuiteProblem],
    inputs: inout SuiteInputs
  ) throws -> [EvalTest] {
    guard let bytes = try read(file) else { throw SuiteProblem(file: file, line: 1, message: "test file not found") }
    inputs.files[file] = Prompt.sha256(of: bytes)
    let folder = Self.folder(of: file)
    if file.lowercased().hasSuffix(".csv") {
      return try csvTests(bytes, file: file, defaults: defaults, warnings: &warnings)
    }
    if file.lowercased().hasSuffix(".jsonl") {
      // Each line is a document of its own, composed alone: its lines (the test's, its
      // assertions', its problems') are moved down to where the line sits in the file.
      var tests: [EvalTest] = []
      for (index, line) in String(decoding: bytes, as: UTF8.self).split(
        separator: "\n", omittingEmptySubsequences: false
      ).enumerated()
      where !line.trimmingCharacters(in: .whitespaces).isEmpty {
        guard let node = try parse(Array(line.utf8), file: file, lineOffset: index, aliasBudget: aliasBudget) else {
          continue
        }
        let warningsBefore = warnings.count
        do {
          var test = try test(
            node, file: file, folder: folder, defaults: defaults, warnings: &warnings, inputs: &inputs)
          if test.file == file {
            test.line += index
            if test.graderLine > 0 { test.graderLine += index }
          }
          // The test's own assertions follow the defaults (which keep their suite's lines).
          for position in test.assertions.indices.dropFirst(defaults.assertions.count) {
            test.assertions[position].line += index
          }
          tests.append(test)
        } catch var problem as SuiteProblem where problem.file == file {
          problem.line += index
          throw problem
        }
        for position in warnings.indices.dropFirst(warningsBefore) where warnings[position].file == file {
          warnings[position].line += index
        }
      }
      return tests
    }
    var nodes: [YAMLValue] = []
    if let root = try parse(bytes, file: file, aliasBudget: aliasBudget) {
      nodes = root.sequence ?? [root]
    }
    return try nodes.map {
      try test($0, file: file, folder: folder, defaults: defaults, warnings: &warnings, inputs: &inputs)
    }
  }

  private func test(
    _ node: YAMLValue, file: String, folder: String, defaults: EvalTest, warnings: inout [SuiteProblem],
    inputs: inout SuiteInputs, isDefaultTest: Bool = false
  ) throws -> EvalTest {
    var test = defaults
    test.file = file
    test.line = node.line
    test.description = nil
    test.promptID = nil
    test.graderLine = 0
    // promptfoo gives a test `defaultTest`'s vars, assertions, options, threshold, provider,
    // `providers` and `prompts` (`src/evaluator.ts`), never its `providerOutput`.
    test.providerOutput = nil
    for (key, keyLine, value) in try mapping(node, "test", file: file) {
      switch key {
      case "description", "name": test.description = value.scalarText
      case "vars":
        guard case .object(let vars) = try json(value, "`vars`", file: file) else {
          throw SuiteProblem(
            file: file, line: value.line, message: "`vars` must be a mapping of variable names to values")
        }
        test.vars.merge(vars) { $1 }
      case "input": test.vars[settings.inputVariable] = try json(value, "`input`", file: file)
      case "assert":
        guard let items = value.sequence else {
          throw SuiteProblem(file: file, line: value.line, message: "`assert` must be a list of assertions")
        }
        test.assertions += try items.map {
          try assertion($0, file: file, folder: folder, warnings: &warnings, inputs: &inputs)
        }
      case "threshold": test.threshold = try fraction(value, "threshold", file: file)
      case "options":
        let options = try options(
          value, "test options", file: file, folder: folder, warnings: &warnings, inputs: &inputs, ofTest: true)
        if let (grader, line) = options.grader {
          test.grader = grader
          test.graderLine = line
        }
        if let disable = options.disableVarExpansion { test.disableVarExpansion = disable }
        if let disable = options.disableDefaultAsserts { test.disableDefaultAsserts = disable }
      case "repeat": test.repeatCount = try count(value, "repeat", file: file)
      case "minPass": test.minPass = try count(value, "minPass", file: file)
      case "promptId": test.promptID = value.scalarText
      case "provider": test.provider = try provider(value, file: file, folder: folder, inputs: &inputs)
      case "providers":
        test.providerFilter = try references(value, key, file: file)
        (test.providerFilterFile, test.providerFilterLine) = (file, keyLine)
      case "prompts":
        test.promptFilter = try references(value, key, file: file)
        (test.promptFilterFile, test.promptFilterLine) = (file, keyLine)
      case "providerOutput":
        guard !isDefaultTest else {
          throw SuiteProblem(
            file: file, line: keyLine,
            message: "`providerOutput` in `defaultTest`: promptfoo does not give it to the tests; set it on each test")
        }
        switch try json(value, "`providerOutput`", file: file) {
        case .string(let text):
          // promptfoo tests it for truth (`if (test.providerOutput)`): an empty text asks the provider.
          test.providerOutput = text.isEmpty ? nil : text
        case .null: test.providerOutput = nil
        default:
          throw SuiteProblem(
            file: file, line: value.line,
            message:
              "`providerOutput` as a mapping is graded as promptfoo's JSON text of it, which promptops does not write; give the text"
          )
        }
      case "assertScoringFunction":
        throw SuiteProblem(
          file: file, line: keyLine,
          message: "test key `assertScoringFunction` changes how the test is scored, and promptops does not run it")
      case "metadata", "tags": break
      default:
        warnings.append(
          SuiteProblem(
            file: file, line: keyLine,
            message:
              "test key `\(key)` is not used by promptops and has no effect (read: \(Self.testKeys.sorted().joined(separator: ", ")))"
          ))
      }
    }
    return test
  }

  // MARK: - Prompts, scenarios, vars

  /// File extensions promptfoo's `maybeFilePath` (`src/prompts/utils.ts`) takes as a path.
  static let promptFileExtensions = [
    ".txt", ".json", ".jsonl", ".yaml", ".yml", ".md", ".j2", ".csv", ".js", ".cjs", ".mjs", ".ts", ".cts", ".mts",
    ".py",
  ]

  /// Whether promptfoo reads a prompt string as a file path (`maybeFilePath`).
  static func isPromptPath(_ text: String) -> Bool {
    if text.contains("\n") || text.contains("portkey://") || text.contains("langfuse://")
      || text.contains("helicone://")
    {
      return false
    }
    if text.hasPrefix("file://") { return true }
    let tokens = text.split(separator: ":", omittingEmptySubsequences: false)
    let lastTokens = tokens.suffix(2)
    if Self.promptFileExtensions.contains(where: { ext in lastTokens.contains { $0.hasSuffix(ext) } }) { return true }
    let characters = Array(text.utf16)
    if characters.count >= 3 && characters[characters.count - 3] == 0x2E { return true }
    if characters.count >= 4 && characters[characters.count - 4] == 0x2E { return true }
    return text.contains("*") || text.contains("/") || text.contains("\\")
  }

  /// A suite's `prompts:` as promptfoo's `processPrompts` reads them: inline texts, files
  /// (relative to the suite, globs allowed), a `.txt` file split on `---` lines with each part
  /// trimmed, a `.json` file of chat messages. Other kinds (scripts, `.md`, `.j2`, `exec:`,
  /// integrations) are refused: promptops would send something else than promptfoo does.
  private func prompts(_ node: YAMLValue, file: String, folder: String, inputs: inout SuiteInputs) throws
    -> [SuitePrompt]
  {
    var result: [SuitePrompt] = []
    if node.mapping != nil, node.sequence == nil {
      throw SuiteProblem(
        file: file, line: node.line,
        message: "`prompts` as a mapping of files to labels is promptfoo's deprecated form; write a list")
    }
    let entries = node.sequence ?? [node]
    guard !entries.isEmpty else {
      throw SuiteProblem(file: file, line: node.line, message: "`prompts` names no prompt")
    }
    for entry in entries {
      var raw: String
      var label: String?
      var givenID: String?
      if let text = entry.scalarString {
        raw = text
      } else {
        var rawValue: String?
        var id: String?
        for (key, keyLine, value) in try mapping(entry, "a prompt", file: file) {
          switch key {
          case "raw": rawValue = value.scalarString
          case "id":
            id = value.scalarString
            givenID = id
          case "label": label = value.scalarString
          case "config", "function":
            throw SuiteProblem(
              file: file, line: keyLine,
              message: "prompt key `\(key)` changes what is sent, and promptops does not apply it")
          default:
            throw SuiteProblem(
              file: file, line: keyLine, message: "prompt key `\(key)` is not supported (known: raw, id, label)")
          }
        }
        guard let text = rawValue ?? id else {
          throw SuiteProblem(file: file, line: entry.line, message: "a prompt needs `raw` (or `id`)")
        }
        raw = text
      }
      if raw.hasPrefix("exec:") {
        throw SuiteProblem(
          file: file, line: entry.line,
          message: "`exec:` prompts (a program that writes the prompt) are not run by promptops")
      }
      guard Self.isPromptPath(raw) else {
        result.append(
          SuitePrompt(
            raw: raw, file: nil, label: label ?? raw, line: entry.line, firstLine: entry.line, givenLabel: label,
            givenID: givenID))
        continue
      }
      var pattern = raw.hasPrefix("file://") ? String(raw.dropFirst(7)) : raw
      if let colon = pattern.lastIndex(of: ":"), !pattern[pattern.index(after: colon)...].contains("/"),
        pattern[..<colon].contains(".")
      {
        throw SuiteProblem(
          file: file, line: entry.line,
          message: "prompt '\(raw)' names a function in a file; promptops does not run prompt functions")
      }
      if pattern.hasPrefix("./") { pattern.removeFirst(2) }
      let paths = try files(matching: pattern, folder: folder, from: file, line: entry.line, what: "prompt")
      for path in paths {
        let lowered = path.lowercased()
        guard lowered.hasSuffix(".txt") || lowered.hasSuffix(".json") else {
          throw SuiteProblem(
            file: file, line: entry.line,
            message:
              "prompt file \(path): promptops reads `.txt` files (split on `---` lines) and `.json` chat prompts; promptfoo's processor for this kind is not run"
          )
        }
        guard let bytes = try read(path) else {
          throw SuiteProblem(file: file, line: entry.line, message: "prompt file \(path) not found")
        }
        inputs.files[path] = Prompt.sha256(of: bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        let relativePath = Self.relative(path, from: folder)
        // A glob's files are labelled `<label>: <path>` (`processPrompt`, `src/prompts/index.ts`).
        let isGlob = pattern.contains(where: { "*?[".contains($0) })
        for (prompt, firstLine) in Self.promptfooPrompts(text, path: path) {
          result.append(
            SuitePrompt(
              raw: prompt, file: path, label: label.map { "\($0): \(path)" } ?? "\(path): \(prompt)", line: entry.line,
              firstLine: firstLine, givenLabel: isGlob ? label.map { "\($0): \(relativePath)" } : label,
              relativePath: relativePath))
        }
      }
    }
    return result
  }

  /// The prompts promptfoo reads from a file: for `.json`, its content printed compactly again
  /// (`processors/json.ts`); otherwise `processors/text.ts`: lines split on `\r?\n`, a line that
  /// trims to `---` separates prompts, each prompt trimmed, empty ones dropped.
  static func promptfooPrompts(_ text: String, path: String) -> [(text: String, line: Int)] {
    if path.lowercased().hasSuffix(".json") {
      if let json = OrderedJSON.parse(text) { return [(json.stringify(indent: 0), 1)] }
      return [(text, 1)]
    }
    var prompts: [(text: String, line: Int)] = []
    var buffer: [Substring] = []
    var bufferLine = 1
    func flush() {
      let joined = buffer.joined(separator: "\n")
      let prompt = JavaScriptText.trim(joined)
      if !prompt.isEmpty {
        // The line of the prompt's first character, for messages about it.
        let leading = joined.unicodeScalars.prefix { JavaScriptText.isSpace($0) }.filter { $0 == "\n" }.count
        prompts.append((prompt, bufferLine + leading))
      }
      buffer = []
    }
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = line.hasSuffix("\r") ? line.dropLast() : line
      if JavaScriptText.trim(String(line)) == "---" {
        flush()
        bufferLine = index + 2
      } else {
        buffer.append(line)
      }
    }
    flush()
    return prompts
  }

  /// promptfoo's `scenarios` (`buildScenarioTests` in `src/evaluator.ts`): for each scenario,
  /// each entry of its `config` with each of its `tests` (or one empty test), merged as
  /// `{...defaultTest, ...config, ...test}` with vars merged and the config's assertions first.
  private func scenarioTests(
    _ node: YAMLValue, file: String, folder: String, defaults: EvalTest, warnings: inout [SuiteProblem],
    inputs: inout SuiteInputs
  ) throws -> [EvalTest] {
    guard let scenarios = node.sequence else {
      throw SuiteProblem(file: file, line: node.line, message: "`scenarios` must be a list")
    }
    var result: [EvalTest] = []
    for scenario in scenarios {
      guard scenario.scalarText == nil else {
        throw SuiteProblem(
          file: file, line: scenario.line,
          message: "scenarios loaded from files are not supported; write them in the suite")
      }
      var configs: [YAMLValue] = []
      var tests: [YAMLValue]?
      for (key, keyLine, value) in try mapping(scenario, "a scenario", file: file) {
        switch key {
        case "config":
          guard let items = value.sequence else {
            throw SuiteProblem(file: file, line: value.line, message: "scenario `config` must be a list")
          }
          configs = items
        case "tests":
          guard let items = value.sequence, items.allSatisfy({ $0.scalarText == nil }) else {
            throw SuiteProblem(
              file: file, line: value.line, message: "scenario `tests` must be a list of tests written in the suite")
          }
          tests = items
        case "description": break
        default:
          warnings.append(
            SuiteProblem(
              file: file, line: keyLine,
              message:
                "scenario key `\(key)` is not used by promptops and has no effect (read: description, config, tests)"))
        }
      }
      for config in configs {
        let withConfig = try test(
          config, file: file, folder: folder, defaults: defaults, warnings: &warnings, inputs: &inputs)
        for entry in tests ?? [] {
          var merged = try test(
            entry, file: file, folder: folder, defaults: withConfig, warnings: &warnings, inputs: &inputs)
          if merged.description == nil { merged.description = withConfig.description }
          if merged.promptID == nil { merged.promptID = withConfig.promptID }
          if merged.providerOutput == nil { merged.providerOutput = withConfig.providerOutput }
          result.append(merged)
        }
        if tests == nil { result.append(withConfig) }
      }
    }
    return result
  }

  /// One test per combination of its list and `file://` glob vars, with `file://` vars read:
  /// a text file's content trimmed, a `.yaml`/`.yml` file's content as JSON text, both as
  /// promptfoo's `renderPrompt` reads them; each file read is an input of the suite.
  private func expandingVars(_ test: EvalTest, suiteFolder: String, inputs: inout SuiteInputs) throws -> [EvalTest] {
    var combinations: [[String: JSONValue]] = [[:]]
    for name in test.vars.keys.sorted() {
      let value = test.vars[name]!
      var values: [JSONValue]
      switch value {
      case .string(let text) where test.disableVarExpansion && text.hasPrefix("file://"):
        // Without expansion promptfoo reads the path as it is (`renderPrompt`): a glob names no file.
        guard !text.contains(where: { "*?[".contains($0) }) else {
          throw SuiteProblem(
            file: test.file, line: test.line,
            message: "variable `\(name)` is a `file://` glob, which `disableVarExpansion` keeps from being expanded")
        }
        values = [value]
      case _ where test.disableVarExpansion:
        // `disableVarExpansion` (`src/evaluator.ts`): `varCombinations = [testCase.vars]`.
        values = [value]
      case .string(let text) where text.hasPrefix("file://"):
        let pattern = String(text.dropFirst(7))
        values = try files(
          matching: pattern, folder: suiteFolder, from: test.file, line: test.line, what: "file for variable `\(name)`"
        )
        .map { JSONValue.string("file://" + $0) }
      case .array(let items)
      where items.first.map({ if case .string = $0 { return true } else { return false } }) ?? false:
        values = items
      default:
        values = [value]
      }
      combinations = combinations.flatMap { combination in
        values.map { item in combination.merging([name: item]) { $1 } }
      }
    }
    var result: [EvalTest] = []
    for combination in combinations {
      var expanded = test
      for (name, value) in combination {
        if case .string(let text) = value, text.hasPrefix("file://") {
          expanded.vars[name] = .string(try varFile(String(text.dropFirst(7)), name: name, test: test, inputs: &inputs))
        } else {
          expanded.vars[name] = value
        }
      }
      result.append(expanded)
    }
    return result
  }

  private func varFile(_ path: String, name: String, test: EvalTest, inputs: inout SuiteInputs) throws -> String {
    let lowered = path.lowercased()
    let scripted = [
      ".js", ".cjs", ".mjs", ".ts", ".cts", ".mts", ".py", ".pdf", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp",
      ".svg", ".mp3", ".wav", ".mp4",
    ]
    if let kind = scripted.first(where: { lowered.hasSuffix($0) }) {
      throw SuiteProblem(
        file: test.file, line: test.line,
        message: "variable `\(name)` reads a `\(kind)` file, which promptfoo runs or converts; promptops does not")
    }
    guard let bytes = try read(path) else {
      throw SuiteProblem(file: test.file, line: test.line, message: "variable `\(name)`: file \(path) not found")
    }
    inputs.files[path] = Prompt.sha256(of: bytes)
    let text = String(decoding: bytes, as: UTF8.self)
    if lowered.hasSuffix(".yaml") || lowered.hasSuffix(".yml") {
      guard let node = try parse(bytes, file: path, aliasBudget: inputs.aliasBudget) else { return "null" }
      do {
        return try OrderedJSON.from(yaml: node).stringify(indent: 0)
      } catch {
        throw SuiteProblem(file: path, line: node.line, message: "\(error)")
      }
    }
    return JavaScriptText.trim(text)
  }

  /// promptfoo options that change the prompt, the answer or the grading: run without them, a
  /// test would check something other than what its author wrote, so a suite that uses them is
  /// an error (in external mode, where the team's own tool runs them, they are its business).
  static let optionsThatChangeWhatIsChecked: Set<String> = [
    "transform", "postprocess", "transformVars", "prefix", "suffix", "rubricPrompt", "factuality",
  ]

  /// What a test's `options` decide besides what is refused.
  struct TestOptions {
    /// The grader, with the line of its key.
    var grader: (ProviderSpec, line: Int)?
    var disableVarExpansion: Bool?
    var disableDefaultAsserts: Bool?
  }

  /// Options that change which tests run or what they check and that promptops applies as
  /// promptfoo does (`src/evaluator.ts`); read on a test or `defaultTest` only.
  static let testOptionsApplied: Set<String> = ["disableVarExpansion", "disableDefaultAsserts"]

  /// An `options` mapping: its `provider` is the grader (returned with the line of the key);
  /// `disableVarExpansion` and `disableDefaultAsserts` are read on tests; the other options are
  /// refused (see `optionsThatChangeWhatIsChecked`) or reported as having no effect, never
  /// silently dropped.
  private func options(
    _ node: YAMLValue, _ what: String, file: String, folder: String, warnings: inout [SuiteProblem],
    inputs: inout SuiteInputs, ofTest: Bool = false
  ) throws -> TestOptions {
    var result = TestOptions()
    for (key, keyLine, value) in try mapping(node, "`options`", file: file) {
      if key == "provider" {
        result.grader = (try provider(value, file: file, folder: folder, inputs: &inputs, asGrader: true), keyLine)
      } else if ofTest, Self.testOptionsApplied.contains(key) {
        guard case .bool(let flag) = try json(value, "`\(key)`", file: file) else {
          throw SuiteProblem(file: file, line: value.line, message: "\(what) key `\(key)` must be true or false")
        }
        if key == "disableVarExpansion" {
          result.disableVarExpansion = flag
        } else {
          result.disableDefaultAsserts = flag
        }
      } else if settings.mode == .external {
        continue
      } else if Self.optionsThatChangeWhatIsChecked.contains(key) {
        throw SuiteProblem(
          file: file, line: keyLine,
          message: "\(what) key `\(key)` changes what is checked, and promptops does not run it")
      } else {
        warnings.append(
          SuiteProblem(
            file: file, line: keyLine,
            message:
              "\(what) key `\(key)` is not used by promptops and has no effect (read: provider\(ofTest ? ", disableVarExpansion, disableDefaultAsserts" : ""))"
          ))
      }
    }
    return result
  }

  /// A test's `providers` or `prompts`: a list of labels, ids or patterns.
  private func references(_ node: YAMLValue, _ key: String, file: String) throws -> [String] {
    guard case .array(let items) = try json(node, "`\(key)`", file: file),
      items.allSatisfy({ $0.stringValue != nil })
    else {
      throw SuiteProblem(file: file, line: node.line, message: "test `\(key)` must be a list of names")
    }
    return items.compactMap(\.stringValue)
  }

  private func assertion(
    _ node: YAMLValue, file: String, folder: String, warnings: inout [SuiteProblem], inputs: inout SuiteInputs,
    inSet: Bool = false
  ) throws -> EvalAssertion {
    var rawType: String?
    var providerLine = 0
    var childrenNode: YAMLValue?
    var result = EvalAssertion(type: "", negated: false, value: nil, threshold: nil, line: node.line)
    for (key, keyLine, value) in try mapping(node, "assertion", file: file) {
      switch key {
      case "type": rawType = value.scalarText
      case "value": result.value = try json(value, "assertion `value`", file: file)
      case "threshold": result.threshold = try number(value, "threshold", file: file)
      case "weight": result.weight = try number(value, "weight", file: file)
      case "metric": result.metric = value.scalarText
      case "assert": childrenNode = value
      case "config":
        guard case .object(let config) = try json(value, "assertion `config`", file: file) else {
          throw SuiteProblem(file: file, line: value.line, message: "assertion `config` must be a mapping")
        }
        result.config = config
      case "provider":
        result.provider = try provider(value, file: file, folder: folder, inputs: &inputs, asGrader: true)
        providerLine = keyLine
      default:
        throw SuiteProblem(
          file: file, line: keyLine,
          message:
            "assertion key `\(key)` is not supported (known: type, value, threshold, weight, metric, provider, assert, config)"
        )
      }
    }
    guard var type = rawType else {
      throw SuiteProblem(file: file, line: node.line, message: "assertion without a `type`")
    }
    if type.hasPrefix("not-") {
      result.negated = true
      type.removeFirst(4)
    }
    result.type = type
    // In external mode the team's own tool runs the assertions: types (and schemas) only it
    // knows are its business; promptops still reads them for the weakening check.
    let external = settings.mode == .external
    if !external, let refusal = AssertionCatalog.refusal(of: type, negated: result.negated) {
      throw SuiteProblem(file: file, line: node.line, message: refusal)
    }
    if type == "assert-set" {
      guard !inSet || external else {
        throw SuiteProblem(file: file, line: node.line, message: "an `assert-set` cannot hold another `assert-set`")
      }
      guard let items = childrenNode?.sequence, !items.isEmpty else {
        throw SuiteProblem(file: file, line: node.line, message: "`assert-set` needs an `assert` list of assertions")
      }
      result.children = try items.map {
        try assertion($0, file: file, folder: folder, warnings: &warnings, inputs: &inputs, inSet: true)
      }
    } else if childrenNode != nil, !external {
      throw SuiteProblem(file: file, line: node.line, message: "only `assert-set` takes an `assert` list")
    }
    if !external, result.provider != nil, !result.isModelGraded {
      warnings.append(
        SuiteProblem(
          file: file, line: providerLine,
          message:
            "assertion key `provider` has no effect on `\(result.fullType)`: only model-graded assertions (\(AssertionCatalog.needsGrader.sorted().joined(separator: ", "))) have a grader"
        ))
    }
    guard result.weight >= 0 else {
      throw SuiteProblem(file: file, line: node.line, message: "assertion `weight` must not be negative")
    }
    guard !external else { return result }
    if !result.config.isEmpty && AssertionCatalog.scripts[type] == nil {
      // promptfoo hands `config` to script assertions only; anywhere else it changes nothing.
      warnings.append(
        SuiteProblem(
          file: file, line: node.line,
          message:
            "assertion key `config` has no effect on `\(result.fullType)`: only python and javascript assertions read it"
        ))
    }
    if type == "is-json" || type == "contains-json", let value = result.value,
      value.stringValue.map({ !$0.contains("{{") && !$0.contains("{%") && !$0.hasPrefix("file://") }) ?? true
    {
      // A schema given as text is read as promptfoo's `yaml.load` reads it; one holding a
      // template is read once rendered, when the test runs.
      do {
        if let schema = try DeterministicAssertion.schema(value) { try JSONSchemaCheck.validate(schema) }
      } catch let unsupported as JSONSchemaCheck.Unsupported {
        throw SuiteProblem(file: file, line: node.line, message: "\(result.fullType): \(unsupported.description)")
      } catch {
        throw SuiteProblem(file: file, line: node.line, message: "\(result.fullType): \(error)")
      }
    }
    if case .string(let text)? = result.value, text.hasPrefix("file://") {
      guard AssertionCatalog.scripts[type] != nil else {
        // promptfoo would load the value from the file; read as text it would check something else.
        throw SuiteProblem(
          file: file, line: node.line,
          message:
            "`\(result.fullType)` values loaded from files (`\(text)`) are not supported; write the value in the suite")
      }
      let reference = ScriptAssertion.fileReference(text, language: type)
      let isPath =
        type == "python"
        ? reference.path.hasSuffix(".py") : [".js", ".cjs", ".mjs"].contains(where: reference.path.hasSuffix)
      guard isPath else {
        throw SuiteProblem(
          file: file, line: node.line,
          message:
            "a \(type) assertion file must end in \(type == "python" ? ".py" : ".js, .cjs or .mjs"), not `\(reference.path)`"
        )
      }
      guard !reference.path.hasPrefix("/"), let path = Self.resolve(reference.path, folder: folder) else {
        throw SuiteProblem(
          file: file, line: node.line, message: "the \(type) file `\(reference.path)` is outside the repository")
      }
      guard let bytes = try read(path) else {
        throw SuiteProblem(file: file, line: node.line, message: "the \(type) file `\(path)` does not exist")
      }
      // The script decides the verdict: an input like a provider script (hashed, and run only
      // when the working tree holds the evaluated commit's copy).
      let sha = Prompt.sha256(of: bytes)
      inputs.files[path] = sha
      inputs.providerFiles[path] = sha
    } else if AssertionCatalog.scripts[type] != nil, result.value?.stringValue == nil {
      throw SuiteProblem(
        file: file, line: node.line, message: "a \(type) assertion needs code or `file://…` as its value")
    }
    return result
  }

  /// promptfoo's CSV tests: a header of variable names; `__expected` columns hold assertions
  /// (`contains: x`, `regex: x`, …, or a plain value meaning `equals`), `__description` names the test.
  private func csvTests(_ bytes: [UInt8], file: String, defaults: EvalTest, warnings: inout [SuiteProblem]) throws
    -> [EvalTest]
  {
    let rows = CSV.parse(String(decoding: bytes, as: UTF8.self))
    guard let header = rows.first?.fields else { return [] }
    // `testCaseFromCsvRow` (`src/csv.ts`): the special columns are `__expected…`, `__prefix`,
    // `__suffix`, `__description`, `__providerOutput`, `__metric`, `__threshold`,
    // `__metadata:…` and `__config:…`; any other column, `__` or not, is a variable.
    for column in header where settings.mode != .external {
      if column == "__prefix" || column == "__suffix" {
        throw SuiteProblem(
          file: file, line: rows[0].line,
          message: "CSV column `\(column)` changes the prompt, and promptops does not apply it")
      }
      if column.hasPrefix("__config:") {
        throw SuiteProblem(
          file: file, line: rows[0].line,
          message: "CSV column `\(column)` sets an assertion's threshold, and promptops does not apply it")
      }
      if column == "__metadata" || column.hasPrefix("__metadata:") {
        warnings.append(
          SuiteProblem(
            file: file, line: rows[0].line,
            message: "CSV column `\(column)` is metadata, which promptops does not record (no effect on verdicts)"))
      }
    }
    var result: [EvalTest] = []
    for row in rows.dropFirst() where !(row.fields.count == 1 && row.fields[0].isEmpty) {
      var test = defaults
      test.file = file
      test.line = row.line
      test.description = nil
      test.graderLine = 0
      test.providerOutput = nil
      var ownAssertions: [EvalAssertion] = []
      var metric: String?
      for (index, column) in header.enumerated() {
        let value = index < row.fields.count ? row.fields[index] : ""
        if column.hasPrefix("__expected") {
          guard !JavaScriptText.trim(value).isEmpty else { continue }
          ownAssertions.append(try csvAssertion(value, file: file, line: row.line))
        } else if column == "__description" {
          test.description = value
        } else if column == "__metric" {
          metric = value
        } else if column == "__threshold" {
          guard !value.isEmpty else { continue }
          guard let threshold = Double(value), (0...1).contains(threshold) else {
            throw SuiteProblem(
              file: file, line: row.line, message: "`__threshold` must be a number from 0 to 1, not '\(value)'")
          }
          // promptfoo drops a threshold of 0 (`...(threshold ? { threshold } : {})`).
          if threshold != 0 { test.threshold = threshold }
        } else if column == "__providerOutput" {
          // `...(providerOutput ? { providerOutput } : {})`: an empty cell asks the provider.
          test.providerOutput = value.isEmpty ? nil : value
        } else if column == "__metadata" || column.hasPrefix("__metadata:") || column.hasPrefix("__config:") {
          continue  // reported once, below the header
        } else {
          test.vars[column] = .string(value)
        }
      }
      // `__metric` names every assertion of the row, none if empty (`testCaseFromCsvRow`).
      for index in ownAssertions.indices { ownAssertions[index].metric = metric }
      test.assertions += ownAssertions
      result.append(test)
    }
    return result
  }

  /// promptfoo assertion types promptops does not run, as a CSV `__expected` prefix.
  static var promptfooOnlyAssertionTypes: Set<String> { Set(AssertionCatalog.refused.keys) }

  /// promptfoo's `assertionFromString` (`src/csv.ts`): `[not-]type[(threshold)][:value]` for a
  /// known type, the value kept as written (not trimmed); `grade:` and `llm-rubric:` are
  /// rubrics; `contains-all` and the like split their value on commas; `levenshtein`,
  /// `starts-with`, `latency` and `cost` take the threshold in parentheses, else 0.75, as
  /// promptfoo sets it; anything else is an `equals` of the whole text.
  private func csvAssertion(_ text: String, file: String, line: Int) throws -> EvalAssertion {
    func made(_ type: String, _ value: JSONValue?, threshold: Double? = nil) -> EvalAssertion {
      let negated = type.hasPrefix("not-")
      return EvalAssertion(
        type: negated ? String(type.dropFirst(4)) : type, negated: negated, value: value, threshold: threshold,
        line: line)
    }
    // Inline code runs as the YAML `javascript` and `python` assertions do, its text trimmed.
    for (prefix, type) in [("javascript:", "javascript"), ("fn:", "javascript"), ("eval:", "javascript")]
    where text.hasPrefix(prefix) {
      return made(type, .string(JavaScriptText.trim(String(text.dropFirst(prefix.count)))))
    }
    if text.hasPrefix("file://")
      && [".py", ".js", ".ts", ".mjs", ".cjs"].contains(where: { text.hasSuffix($0) || text.contains($0 + ":") })
    {
      // promptfoo strips `file://` from a CSV script reference and hands the bare path on as the
      // assertion's value, which its handlers then read as code or as a file depending on the
      // version: what it runs cannot be told from here.
      throw SuiteProblem(
        file: file, line: line,
        message:
          "`__expected` `\(text)`: promptfoo drops `file://` from a script named in a CSV cell, and what it then runs differs between its versions; write the assertion in YAML (`type: python`, `value: \(text)`)"
      )
    }
    if text.hasPrefix("grade:") { return made("llm-rubric", .string(String(text.dropFirst(6)))) }
    if text.hasPrefix("llm-rubric:") { return made("llm-rubric", .string(String(text.dropFirst(11)))) }
    if text.hasPrefix("python:") { return made("python", .string(JavaScriptText.trim(String(text.dropFirst(7))))) }
    // `^(not-)?(type)(?:\((\d+(?:\.\d+)?)\))?(?::([\s\S]*))?$`
    var rest = Substring(text)
    let negated = rest.hasPrefix("not-")
    if negated { rest = rest.dropFirst(4) }
    let typeEnd = rest.firstIndex { $0 == "(" || $0 == ":" } ?? rest.endIndex
    let type = String(rest[..<typeEnd])
    var threshold: Double?
    var value: String?
    var tail = rest[typeEnd...]
    var matches =
      Self.assertionTypes.contains(type) || Self.promptfooOnlyAssertionTypes.contains(type)
      || Self.otherPromptfooAssertionTypes.contains(type)
    if matches, tail.hasPrefix("(") {
      if let close = tail.firstIndex(of: ")"), let number = Double(tail[tail.index(after: tail.startIndex)..<close]),
        tail[tail.index(after: tail.startIndex)..<close].allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
        !tail[tail.index(after: tail.startIndex)..<close].hasPrefix("."),
        !tail[tail.index(after: tail.startIndex)..<close].hasSuffix(".")
      {
        threshold = number
        tail = tail[tail.index(after: close)...]
      } else {
        matches = false
      }
    }
    if matches {
      if tail.hasPrefix(":") {
        value = String(tail.dropFirst())
      } else if !tail.isEmpty {
        matches = false
      }
    }
    guard matches else { return made("equals", .string(text)) }
    let fullType = (negated ? "not-" : "") + type
    guard Self.assertionTypes.contains(type) || settings.mode == .external else {
      throw SuiteProblem(
        file: file, line: line,
        message: "`__expected` assertion `\(fullType)` is a promptfoo assertion promptops does not run")
    }
    switch type {
    case "contains-all", "contains-any", "icontains-all", "icontains-any":
      // `value ? value.split(',').map((s) => s.trim()) : value`: no value is an error when run.
      guard let value, !value.isEmpty else { return made(fullType, nil) }
      return made(
        fullType,
        .array(
          value.split(separator: ",", omittingEmptySubsequences: false).map {
            .string(JavaScriptText.trim(String($0)))
          }))
    case "levenshtein", "starts-with", "latency", "cost":
      return made(fullType, value.map(JSONValue.string), threshold: (threshold ?? 0) == 0 ? 0.75 : threshold)
    default:
      return made(fullType, value.map(JSONValue.string))
    }
  }

  /// promptfoo assertion types neither run by promptops nor listed above; as a CSV `__expected`
  /// prefix they are refused, never read as `equals`.
  static let otherPromptfooAssertionTypes: Set<String> = [
    "is-html", "contains-html", "is-valid-function-call", "max-score", "assert-set", "guardrails", "pi",
    "search-rubric",
    "conversation-relevance", "tool-call-f1", "trajectory:goal-success", "word-count", "skill-used", "not-regex",
  ]

  // MARK: - Providers

  /// A provider: the model under test (`providers:`), or, `asGrader`, a grader (`options.provider`
  /// or an assertion's `provider`), which may name a chat and an embedding model at once
  /// (`{text: …, embedding: …}`, promptfoo's provider type map).
  private func provider(
    _ node: YAMLValue, file: String, folder: String, inputs: inout SuiteInputs, asGrader: Bool = false
  ) throws -> ProviderSpec {
    if asGrader, let pairs = try mapping(node, file: file), !pairs.isEmpty,
      pairs.allSatisfy({ GraderRole.mapKeys.contains($0.key) })
    {
      var roles: [String: JSONValue] = [:]
      for (key, keyLine, value) in pairs {
        guard let role = GraderRole(rawValue: key) else {
          throw SuiteProblem(
            file: file, line: keyLine, message: "a `\(key)` grader is not supported (known: text, embedding)")
        }
        let spec = try provider(value, file: file, folder: folder, inputs: &inputs, asGrader: true)
        guard spec.id != ProviderSpec.rolesID else {
          throw SuiteProblem(
            file: file, line: value.line, message: "a grader's `\(key)` must name one provider, not another map")
        }
        roles[role.rawValue] = spec.json
      }
      return ProviderSpec(id: ProviderSpec.rolesID, config: roles)
    }
    let spec = try providerSpec(node, file: file, folder: folder, inputs: &inputs)
    guard settings.mode != .external else { return spec }
    let kind: ProviderKind
    do {
      kind = try ProviderKind.of(spec.id)
    } catch {
      throw SuiteProblem(file: file, line: node.line, message: error.description)
    }
    if kind.isEmbedding && !asGrader {
      throw SuiteProblem(
        file: file, line: node.line,
        message: "provider \(spec.id): an embedding model cannot answer prompts; it can only grade (`similar`)")
    }
    return spec
  }

  private func providerSpec(_ node: YAMLValue, file: String, folder: String, inputs: inout SuiteInputs) throws
    -> ProviderSpec
  {
    var spec: ProviderSpec
    if let id = node.scalarText {
      spec = ProviderSpec(id: id)
    } else {
      let pairs = try mapping(node, "provider", file: file)
      if pairs.count == 1, pairs[0].key != "id", pairs[0].value.mapping != nil {
        // promptfoo's short form: `- openai:gpt-4: {config: …}`
        spec = ProviderSpec(id: pairs[0].key)
        if case .object(let object) = try json(pairs[0].value, "provider `\(pairs[0].key)`", file: file),
          case .object(let config)? = object["config"]
        {
          spec.config = config
        }
      } else {
        spec = ProviderSpec(id: "")
        for (key, keyLine, value) in pairs {
          switch key {
          case "id": spec.id = value.scalarText ?? ""
          case "label": spec.label = value.scalarText
          case "config":
            guard case .object(let config) = try json(value, "provider `config`", file: file) else {
              throw SuiteProblem(file: file, line: value.line, message: "provider `config` must be a mapping")
            }
            spec.config = config
          default:
            throw SuiteProblem(
              file: file, line: keyLine, message: "provider key `\(key)` is not supported (known: id, label, config)")
          }
        }
      }
    }
    guard !spec.id.isEmpty else { throw SuiteProblem(file: file, line: node.line, message: "provider without an `id`") }
    try recordFiles(of: spec, folder: folder, inputs: &inputs)
    return spec
  }

  /// Records the files in the repository that `spec`'s command names (an `exec:` script, a
  /// `file://` provider) as inputs of the suite: they decide its results as much as its tests.
  private func recordFiles(of spec: ProviderSpec, folder: String, inputs: inout SuiteInputs) throws {
    // An `exec:` command runs in its `basePath` (relative to the suite's folder), so that is
    // where the files it names are; a base outside the repository holds nothing git tracks.
    var commandFolder: String? = folder
    if case .string(let basePath)? = spec.config["basePath"] {
      commandFolder = basePath.hasPrefix("/") ? nil : Self.resolve(basePath, folder: folder)
    }
    for candidate in providerFileCandidates(spec.id) where !candidate.hasPrefix("/") {
      let path = commandFolder.flatMap { Self.resolve(candidate, folder: $0) }
      if let path, let bytes = try read(path) {
        let sha = Prompt.sha256(of: bytes)
        inputs.files[path] = sha
        inputs.providerFiles[path] = sha
      }
    }
  }

  /// Files a provider id names: `file://…`, or the arguments of an `exec:` command that look like
  /// relative paths (a script beside the suite).
  private func providerFileCandidates(_ id: String) -> [String] {
    if id.hasPrefix("file://") { return [String(id.dropFirst(7))] }
    guard id.hasPrefix("exec:") else { return [] }
    return id.dropFirst(5).split(separator: " ").map(String.init).filter { $0.contains("/") || $0.contains(".") }
  }

  // MARK: - Files

  private func files(
    matching reference: String, folder: String, from file: String, line: Int, what: String = "test file"
  ) throws -> [String] {
    var pattern = reference
    if pattern.hasPrefix("file://") { pattern.removeFirst(7) }
    guard let resolved = Self.resolve(pattern, folder: folder) else {
      throw SuiteProblem(file: file, line: line, message: "\(what) '\(reference)' points outside the repository")
    }
    guard resolved.contains(where: { "*?[".contains($0) }) else { return [resolved] }
    let fixed = resolved.split(separator: "/").prefix { !$0.contains(where: { "*?[".contains($0) }) }.joined(
      separator: "/")
    let matcher = Glob(resolved)
    let matches = try list(fixed).filter(matcher.matches).sorted()
    guard !matches.isEmpty else {
      throw SuiteProblem(file: file, line: line, message: "no \(what)s match '\(reference)'")
    }
    return matches
  }

  /// Whether a suite's text could name a file outside its own folder: only a path that climbs
  /// (`..`) or starts at the top (`/…`, and, to be safe, anything after a `:` such as a URL) can.
  /// A suite that cannot is skipped unread when a file elsewhere changes, which spares parsing
  /// every suite of a large repository; when in doubt the answer is yes.
  static func mayReadOutsideItsFolder(_ bytes: [UInt8]) -> Bool {
    var previous: UInt8 = 0x0A
    for byte in bytes {
      if byte == 0x2E && previous == 0x2E { return true }  // ".."
      if byte == 0x2F {  // "/" that does not continue a relative path
        let continuesPath =
          (0x30...0x39).contains(previous) || (0x41...0x5A).contains(previous) || (0x61...0x7A).contains(previous)
          || previous == 0x2E || previous == 0x5F || previous == 0x2D || previous >= 0x80
        if !continuesPath { return true }
      }
      previous = byte
    }
    return false
  }

  /// `path` (a repository path) relative to `folder`, climbing with `..` where it must.
  static func relative(_ path: String, from folder: String) -> String {
    let target = path.split(separator: "/")
    let base = folder.split(separator: "/")
    var common = 0
    while common < min(target.count, base.count) && target[common] == base[common] { common += 1 }
    return (Array(repeating: "..", count: base.count - common) + target[common...].map(String.init)).joined(
      separator: "/")
  }

  static func folder(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "" }
    return String(path[..<slash])
  }

  /// A path relative to `folder`, normalised; nil when it climbs above the repository.
  static func resolve(_ relative: String, folder: String) -> String? {
    var parts: [Substring] = relative.hasPrefix("/") ? [] : folder.split(separator: "/")
    for part in relative.split(separator: "/") {
      switch part {
      case ".", "": continue
      case "..":
        guard !parts.isEmpty else { return nil }
        parts.removeLast()
      default: parts.append(part)
      }
    }
    return parts.joined(separator: "/")
  }

  // MARK: - Values

  /// `lineOffset`: lines before `bytes` in the file (a JSONL line is parsed on its own).
  private func parse(_ bytes: [UInt8], file: String, lineOffset: Int = 0, aliasBudget: YAMLAliasBudget) throws
    -> YAMLValue?
  {
    do {
      return try YAMLValue.parse(
        String(decoding: bytes, as: UTF8.self), lineOffset: lineOffset, aliasBudget: aliasBudget)
    } catch {
      // JSON that YAML 1.1 rejects (tab indentation, some escapes): read it as JSON, then as one
      // compact line, which YAML reads (line numbers are lost, values are not).
      // Either step failing leaves YAML's own error, with its line, as the one reported.
      if let value = try? JSONValue.parse(Data(bytes)),
        let node = try? YAMLValue.parse(value.canonicalJSON, lineOffset: lineOffset, aliasBudget: aliasBudget)
      {
        return node
      }
      throw SuiteProblem(file: file, line: error.line ?? (lineOffset + 1), message: error.message)
    }
  }

  private func mapping(_ node: YAMLValue, _ what: String, file: String) throws -> [(
    key: String, keyLine: Int, value: YAMLValue
  )] {
    guard let pairs = try mapping(node, file: file) else {
      throw SuiteProblem(file: file, line: node.line, message: "\(what) must be a mapping")
    }
    return pairs
  }

  /// The pairs of a mapping, nil for any other value; a key that YAML aliases blow up is an error.
  private func mapping(_ node: YAMLValue, file: String) throws -> [(key: String, keyLine: Int, value: YAMLValue)]? {
    do {
      return try node.stringPairs
    } catch {
      throw SuiteProblem(file: file, line: node.line, message: "a key of this mapping \(error)")
    }
  }

  /// A value as JSON. Past its bound it is an error at its line, never a `null` in its place: a
  /// test would run with other vars than written, and two truncated values would compare equal.
  private func json(_ node: YAMLValue, _ what: String, file: String) throws -> JSONValue {
    do {
      return try node.jsonValue()
    } catch {
      throw SuiteProblem(file: file, line: node.line, message: "\(what) \(error)")
    }
  }

  private func number(_ node: YAMLValue, _ key: String, file: String) throws -> Double {
    guard let value = try json(node, "`\(key)`", file: file).doubleValue, value.isFinite else {
      throw SuiteProblem(file: file, line: node.line, message: "`\(key)` must be a number")
    }
    return value
  }

  private func fraction(_ node: YAMLValue, _ key: String, file: String) throws -> Double {
    let value = try number(node, key, file: file)
    guard (0...1).contains(value) else {
      throw SuiteProblem(file: file, line: node.line, message: "`\(key)` must be between 0 and 1 (got \(value))")
    }
    return value
  }

  private func count(_ node: YAMLValue, _ key: String, file: String) throws -> Int {
    guard case .integer(let value) = try json(node, "`\(key)`", file: file), (1...1000).contains(value) else {
      throw SuiteProblem(file: file, line: node.line, message: "`\(key)` must be a whole number in 1…1000")
    }
    return Int(value)
  }
}

/// A shell-style glob over repository paths: `*` and `?` stay within one folder, `**` crosses them
/// (`**/` is any number of folders, none included), and every other character is itself.
///
/// Matched by dynamic programming over (pattern position, path position), never by a backtracking
/// regular expression: a pattern a suite names and a path a change adds are both the change's,
/// and `**/**/**/…` against a deep path makes a regular expression try every way of dividing the
/// path among the `**`s (seconds per path at a dozen, then a wrong "no match" when the regex
/// engine gives up). Here each pair of positions is looked at once.
struct Glob {
  private enum Token: Equatable {
    case literal(Unicode.Scalar)
    /// `?`: one character other than `/`.
    case one
    /// `*`: any run of characters other than `/`.
    case run
    /// `**` not followed by `/`: any run of characters.
    case anything
    /// `**/`: nothing, or any run of characters that ends with `/`.
    case folders
  }

  private let tokens: [Token]

  init(_ pattern: String) {
    let chars = Array(pattern.unicodeScalars)
    var tokens: [Token] = []
    var index = 0
    while index < chars.count {
      let char = chars[index]
      if char == "*" {
        if index + 1 < chars.count && chars[index + 1] == "*" {
          index += 1
          if index + 1 < chars.count && chars[index + 1] == "/" {
            index += 1
            // `**/**/` is `**/`: folded, so the table does not grow with repetitions.
            if tokens.last != .folders { tokens.append(.folders) }
          } else {
            tokens.append(.anything)
          }
        } else {
          tokens.append(.run)
        }
      } else if char == "?" {
        tokens.append(.one)
      } else {
        tokens.append(.literal(char))
      }
      index += 1
    }
    self.tokens = tokens
  }

  func matches(_ path: String) -> Bool {
    let text = Array(path.unicodeScalars)
    let count = text.count
    // `next[j]`: the tokens after the current one match `text[j...]`; rows are built from the
    // last token back to the first, each from the end of the path to its start.
    var next = [Bool](repeating: false, count: count + 1)
    next[count] = true
    var current = [Bool](repeating: false, count: count + 1)
    for token in tokens.reversed() {
      var slashAhead = false  // for `**/`: some `/` at or after j has `next` true just past it
      for j in stride(from: count, through: 0, by: -1) {
        let char: Unicode.Scalar? = j < count ? text[j] : nil
        switch token {
        case .literal(let expected): current[j] = char == expected && next[j + 1]
        case .one: current[j] = char != nil && char != "/" && next[j + 1]
        case .run: current[j] = next[j] || (char != nil && char != "/" && current[j + 1])
        case .anything: current[j] = next[j] || (char != nil && current[j + 1])
        case .folders:
          if char == "/" && next[j + 1] { slashAhead = true }
          current[j] = next[j] || slashAhead
        }
      }
      swap(&next, &current)
    }
    return next[0]
  }
}

/// RFC 4180 CSV: quoted fields may hold commas, quotes (doubled) and line breaks.
enum CSV {
  struct Row {
    var fields: [String]
    var line: Int
  }

  static func parse(_ text: String) -> [Row] {
    var rows: [Row] = []
    var field = ""
    var fields: [String] = []
    var inQuotes = false
    var line = 1
    var rowLine = 1
    var iterator = Array(text.unicodeScalars).makeIterator()
    var pending: Unicode.Scalar? = nil
    func next() -> Unicode.Scalar? {
      if let value = pending {
        pending = nil
        return value
      }
      return iterator.next()
    }
    while let char = next() {
      if inQuotes {
        if char == "\"" {
          if let following = next() {
            if following == "\"" {
              field.unicodeScalars.append("\"")
            } else {
              inQuotes = false
              pending = following
            }
          } else {
            inQuotes = false
          }
        } else {
          if char == "\n" { line += 1 }
          field.unicodeScalars.append(char)
        }
        continue
      }
      switch char {
      case "\"": inQuotes = true
      case ",":
        fields.append(field)
        field = ""
      case "\r": continue
      case "\n":
        fields.append(field)
        rows.append(Row(fields: fields, line: rowLine))
        fields = []
        field = ""
        line += 1
        rowLine = line
      default: field.unicodeScalars.append(char)
      }
    }
    if !field.isEmpty || !fields.isEmpty {
      fields.append(field)
      rows.append(Row(fields: fields, line: rowLine))
    }
    return rows
  }
}

/// The files a suite reads, with their SHA-256: every one, and the ones its providers' and
/// graders' commands name.
struct SuiteInputs {
  var files: [String: String] = [:]
  var providerFiles: [String: String] = [:]
  /// The alias budget of the suite's load: a YAML var file shares it with the suite and its tests.
  var aliasBudget = YAMLAliasBudget()
}

import Foundation
import GitKit
import PromptModel
import Spawn

/// promptfoo's `python` and `javascript` assertions (`src/assertions/python.ts`,
/// `src/assertions/javascript.ts`): a `file://script.py[:function]` (default function
/// `get_assert`) or `file://script.js[:function]` (its exported function), or inline code, called
/// as `f(output, context)`. Python runs with `python3`, JavaScript with `node`, both looked up
/// on `PATH` by `ExecutableSearch` (absolute folders only); the context is `{prompt, vars, test:
/// {vars}, config}`.
///
/// The result is read as promptfoo reads it (`src/assertions/scriptResultNormalization.ts`): a
/// boolean passes or fails; a number is the score and passes above 0, or at or above the
/// assertion's `threshold` when it has one (0 included); an object with `pass`, `score` and
/// `reason` is the verdict itself, failed by Python's below the `threshold` (a dict, or a text
/// holding its JSON). A script that fails, or returns anything else, is an eval
/// error (promptfoo records a failed assertion; neither passes).
struct ScriptAssertion {
  static let timeoutSeconds = 120.0

  let assertion: EvalAssertion
  let context: AssertionContext

  var language: String { assertion.type }

  func check(output: String) async throws -> Verdict {
    guard case .string(let source)? = assertion.value else {
      throw AssertionError("\(language) needs a string value (code or file://…)")
    }
    let interpreter = AssertionCatalog.scripts[language] ?? language
    guard let executable = ExecutableSearch.find(interpreter, path: context.environment["PATH"]) else {
      throw AssertionError("\(language) assertions need `\(interpreter)` on PATH, and it is not there")
    }
    var request: [String: JSONValue] = [
      "output": .string(output),
      "context": .object([
        "prompt": .string(context.prompt), "vars": .object(context.vars),
        "test": .object(["vars": .object(context.vars)]),
        "config": .object(assertion.config),
      ]),
    ]
    if source.hasPrefix("file://") {
      let reference = Self.fileReference(source, language: language)
      request["mode"] = .string("file")
      request["path"] = .string(ExecProvider.resolve(reference.path, against: context.folder))
      request["function"] = reference.function.map(JSONValue.string) ?? .null
    } else {
      request["mode"] = .string("inline")
      request["code"] = .string(language == "python" ? Self.pythonProgram(source) : source.trimmingTrailingWhitespace)
    }
    let harness = language == "python" ? Self.pythonHarness : Self.nodeHarness
    let arguments = language == "python" ? ["-c", harness] : ["-e", harness]
    let input = Data(try ProviderJSON.encode(.object(request)))
    let folder = context.folder
    let environment = context.environment
    let outcome: ChildProcessOutcome = try await withCheckedThrowingContinuation { continuation in
      Thread.detachNewThread {
        do {
          continuation.resume(
            returning: try ChildProcess.run(
              executable: executable, arguments: arguments, environment: environment, workingDirectory: folder,
              input: input,
              timeout: Self.timeoutSeconds))
        } catch {
          continuation.resume(
            throwing: AssertionError("\(language) assertion could not start \(interpreter): \(error)"))
        }
      }
    }
    let stderr = ExecProvider.tail(of: outcome.stderr)
    guard outcome.termination == .exited(0) else {
      throw AssertionError(
        "\(language) assertion failed (\(outcome.termination)): \(stderr.isEmpty ? "no error output" : stderr)")
    }
    guard case .object(let answer)? = try? JSONValue.parse(outcome.stdout), let result = answer["result"] else {
      throw AssertionError("\(language) assertion returned a value that is not JSON: \(stderr)")
    }
    return try verdict(from: result)
  }

  /// promptfoo's reading of what the function returned.
  private func verdict(from result: JSONValue) throws -> Verdict {
    let threshold = assertion.threshold
    // `normalizeScriptAssertionResult` (`src/assertions/scriptResultNormalization.ts`): a number
    // passes above 0, or, with a `threshold` (0 included), at or above it.
    func number(_ score: Double) -> Verdict {
      let pass = threshold.map { score >= $0 } ?? (score > 0)
      return Verdict(
        pass: pass, score: score, reason: pass ? "assertion passed" : "\(language) returned score \(score)")
    }
    func gradingResult(_ value: JSONValue, applyThreshold: Bool) throws -> Verdict {
      guard case .bool(let pass)? = value["pass"], let score = value["score"].flatMap(Self.number),
        case .string(let reason)? = value["reason"]
      else {
        throw AssertionError(
          "\(language) assertion must return a boolean, a number, or {pass, score, reason}; got \(quoted(value.canonicalJSON))"
        )
      }
      // `normalizeScriptObjectResult`: a Python object (a dict, or the JSON text of one) below
      // the `threshold` fails; JavaScript's objects are taken as they are.
      if applyThreshold, let threshold, score < threshold {
        return Verdict(
          pass: false, score: score, reason: "\(language) score \(score) is less than threshold \(threshold)")
      }
      return Verdict(pass: pass, score: score, reason: reason)
    }
    switch result {
    case .bool(let pass): return .binary(pass, pass ? "assertion passed" : "\(language) returned false")
    case .integer, .number: return number(Self.number(result) ?? 0)
    case .object: return try gradingResult(result, applyThreshold: language == "python")
    case .string(let text) where language == "python":
      if text.lowercased() == "true" { return .binary(true, "assertion passed") }
      if text.lowercased() == "false" { return .binary(false, "python returned false") }
      if text.hasPrefix("{") {
        guard let parsed = try? JSONValue.parse(Data(text.utf8)) else {
          throw AssertionError("python assertion returned invalid JSON: \(quoted(text))")
        }
        return try gradingResult(parsed, applyThreshold: true)
      }
      guard let score = Self.parseFloat(text) else {
        throw AssertionError(
          "python assertion must return a boolean, a number, or {pass, score, reason}; got \(quoted(text))")
      }
      return number(score)
    default:
      throw AssertionError(
        "\(language) assertion must return a boolean, a number, or {pass, score, reason}; got \(quoted(result.canonicalJSON))"
      )
    }
  }

  private static func number(_ value: JSONValue) -> Double? {
    switch value {
    case .integer(let whole): return Double(whole)
    case .number(let fraction): return fraction
    default: return nil
    }
  }

  /// JavaScript's `parseFloat`: the longest number at the start (after whitespace), else nil.
  static func parseFloat(_ text: String) -> Double? {
    let trimmed = text.drop(while: { $0.isWhitespace })
    guard
      let match = trimmed.range(
        of: "^[+-]?(Infinity|([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?)", options: .regularExpression)
    else { return nil }
    let literal = trimmed[match]
    if literal.hasSuffix("Infinity") { return literal.hasPrefix("-") ? -.infinity : .infinity }
    return Double(literal)
      ?? Double(literal.replacingOccurrences(of: "e", with: "").replacingOccurrences(of: "E", with: ""))
  }

  /// `file://path[:function]`; Python's function defaults to `get_assert`.
  static func fileReference(_ value: String, language: String) -> (path: String, function: String?) {
    let reference = String(value.dropFirst("file://".count))
    let parts = reference.split(separator: ":", maxSplits: 1).map(String.init)
    let function = parts.count > 1 ? parts[1] : nil
    return (parts.first ?? reference, function ?? (language == "python" ? "get_assert" : nil))
  }

  /// promptfoo's wrapping of inline Python: one line becomes `return <line>`; several lines are
  /// the body of `main`, indented by the first indented line's indentation.
  static func pythonProgram(_ code: String) -> String {
    var body: String
    if code.contains("\n") {
      var indent = "    "
      for line in code.split(separator: "\n", omittingEmptySubsequences: false) where !line.allSatisfy(\.isWhitespace) {
        let leading = line.prefix(while: { $0.isWhitespace })
        if !leading.isEmpty {
          indent = String(leading)
          break
        }
      }
      body = code.split(separator: "\n", omittingEmptySubsequences: false).map { indent + $0 }.joined(separator: "\n")
    } else {
      body = "    return \(code)"
    }
    return "import json\n\ndef main(output, context):\n\(body)\n"
  }

  /// Runs the request on standard input; what the script prints goes to standard error, so
  /// standard output carries only `{"result": …}`.
  static let pythonHarness = """
    import importlib.util, json, os, sys
    request = json.load(sys.stdin)
    answer = sys.stdout
    sys.stdout = sys.stderr
    if request["mode"] == "file":
        path = request["path"]
        sys.path.insert(0, os.path.dirname(path))
        spec = importlib.util.spec_from_file_location("promptops_assertion", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        function = getattr(module, request["function"])
    else:
        namespace = {}
        exec(compile(request["code"], "<assertion>", "exec"), namespace)
        function = namespace["main"]
    result = function(request["output"], request["context"])
    answer.write(json.dumps({"result": result}))
    """

  static let nodeHarness = """
    const fs = require('fs');
    const { pathToFileURL } = require('url');
    const request = JSON.parse(fs.readFileSync(0, 'utf8'));
    const answer = process.stdout.write.bind(process.stdout);
    console.log = (...parts) => process.stderr.write(parts.join(' ') + '\\n');
    (async () => {
      let fn;
      if (request.mode === 'file') {
        const mod = await import(pathToFileURL(request.path).href);
        const exported = mod.default;
        if (request.function) {
          fn = typeof mod[request.function] === 'function' ? mod[request.function]
            : (exported && typeof exported[request.function] === 'function' ? exported[request.function] : undefined);
        } else if (typeof exported === 'function') {
          fn = exported;
        } else if (exported && typeof exported.default === 'function') {
          fn = exported.default;
        }
        if (!fn) throw new Error(request.path + ' must export a function or have a default export as a function');
      } else {
        const body = request.code.includes('\\n') ? request.code : 'return ' + request.code;
        fn = new Function('output', 'context', body);
      }
      const result = await Promise.resolve(fn(request.output, request.context));
      answer(JSON.stringify({ result: result === undefined ? null : result }));
    })().catch((error) => { process.stderr.write(String((error && error.stack) || error)); process.exit(1); });
    """
}

extension String {
  fileprivate var trimmingTrailingWhitespace: String {
    var text = self
    while let last = text.last, last.isWhitespace { text.removeLast() }
    return text
  }
}

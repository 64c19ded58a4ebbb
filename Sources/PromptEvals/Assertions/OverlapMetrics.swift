import Foundation

/// The n-gram overlap scores promptfoo computes itself.
enum OverlapMetrics {
  /// ROUGE-N with n = 1, as promptfoo's `rouge-n` calls it (`src/assertions/rouge.ts`, through
  /// the `js-rouge` package's `n(candidate, reference)`): the distinct candidate unigrams that
  /// occur in the reference, over the number of reference unigrams, both tokenized with the
  /// package's Penn Treebank tokenizer (case kept).
  static func rougeN(candidate: String, reference: String) throws -> Double {
    guard !candidate.isEmpty else { throw AssertionError("rouge-n: the output is empty (ROUGE needs a candidate)") }
    guard !reference.isEmpty else { throw AssertionError("rouge-n: the reference value is empty") }
    let candidateGrams = Set(TreebankTokenizer.tokenize(candidate))
    let referenceGrams = TreebankTokenizer.tokenize(reference)
    let referenceSet = Set(referenceGrams)
    let matched = candidateGrams.filter(referenceSet.contains).count
    return Double(matched) / Double(referenceGrams.count)
  }

  /// promptfoo's BLEU (`src/assertions/bleu.ts`): words are the lower-cased text split on
  /// whitespace; clipped 1- to 4-gram precisions, the best over the references for each n, a
  /// zero precision smoothed to 1e-7, equal weights, and the brevity penalty against the
  /// reference whose length is closest (the first such, as `reduce` keeps it).
  static func bleu(candidate: String, references: [String]) throws -> Double {
    guard !candidate.isEmpty, !references.isEmpty else {
      throw AssertionError("bleu: the output and the references must not be empty")
    }
    func words(_ text: String) -> [String] {
      // JavaScript's `trim().split(/\s+/)`: an empty text is one empty word.
      let parts = text.lowercased().split(whereSeparator: { $0.isWhitespace }).map(String.init)
      return parts.isEmpty ? [""] : parts
    }
    func grams(_ words: [String], _ n: Int) -> [String] {
      guard words.count >= n else { return [] }
      return (0...(words.count - n)).map { words[$0..<($0 + n)].joined(separator: " ") }
    }
    let candidateWords = words(candidate)
    let referenceWords = references.map(words)
    var closest = referenceWords[0].count
    for length in referenceWords.dropFirst().map(\.count)
    where abs(length - candidateWords.count) < abs(closest - candidateWords.count) {
      closest = length
    }
    var logSum = 0.0
    for n in 1...4 {
      let candidateGrams = grams(candidateWords, n)
      var counts: [String: Int] = [:]
      for gram in candidateGrams { counts[gram, default: 0] += 1 }
      var best = 0
      for reference in referenceWords {
        var referenceCounts: [String: Int] = [:]
        for gram in grams(reference, n) { referenceCounts[gram, default: 0] += 1 }
        best = max(best, counts.reduce(0) { $0 + min($1.value, referenceCounts[$1.key] ?? 0) })
      }
      let precision = candidateGrams.isEmpty ? 0 : Double(best) / Double(candidateGrams.count)
      logSum += 0.25 * log(precision == 0 ? 1e-7 : precision)
    }
    let penalty = candidateWords.count > closest ? 1 : exp(1 - Double(candidateWords.count) / Double(closest))
    return penalty * exp(logSum)
  }
}

/// The Penn Treebank tokenizer of the `js-rouge` package (`treeBankTokenize`), rule for rule.
enum TreebankTokenizer {
  private static func replace(
    _ text: String, _ pattern: String, _ template: String, caseInsensitive: Bool = false, first: Bool = false
  ) -> String {
    let regex = try! NSRegularExpression(pattern: pattern, options: caseInsensitive ? [.caseInsensitive] : [])
    let range = NSRange(text.startIndex..., in: text)
    if first {
      guard let match = regex.firstMatch(in: text, range: range) else { return text }
      let replacement = regex.replacementString(for: match, in: text, offset: 0, template: template)
      return (text as NSString).replacingCharacters(in: match.range, with: replacement)
    }
    return regex.stringByReplacingMatches(in: text, range: range, withTemplate: template)
  }

  /// The package's contractions, each split at its first match only (its expressions are not global).
  private static let contractions = [
    "\\b(can)(not)\\b", "\\b(d)('ye)\\b", "\\b(gim)(me)\\b", "\\b(gon)(na)\\b", "\\b(got)(ta)\\b", "\\b(lem)(me)\\b",
    "\\b(more)('n)\\b", "\\b(wan)(na) ", "\\ ('t)(is)\\b", "\\ ('t)(was)\\b",
  ]

  static func tokenize(_ input: String) -> [String] {
    guard !input.isEmpty else { return [] }
    var parse = input
    parse = replace(parse, "^\"", " `` ", first: true)
    parse = replace(parse, "([ (\\[{<])\"", "$1 `` ")
    parse = replace(parse, "\\.\\.\\.*", " ... ")
    parse = replace(parse, "[;@#$%&]", " $0 ")
    parse = replace(parse, "([^\\.])(\\.)([\\]\\)}>\"']*)\\s*$", "$1 $2$3 ")
    parse = replace(parse, "[,?!]", " $0 ")
    parse = replace(parse, "[\\]\\[\\(\\)\\{\\}<>]", " $0 ")
    parse = replace(parse, "---*", " -- ")
    parse = " \(parse) "
    parse = replace(parse, "\"", " '' ")
    parse = replace(parse, "([^'])' ", "$1 ' ")
    parse = replace(parse, "'([sSmMdD]) ", " '$1 ")
    parse = replace(parse, "('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) ", " $1 ")
    for pattern in contractions { parse = replace(parse, pattern, " $1 $2 ", caseInsensitive: true, first: true) }
    // The package's loop runs once past its list and replaces the text "undefined" (its first
    // occurrence) with the literal " $1 $2 ".
    if let range = parse.range(of: "undefined") { parse.replaceSubrange(range, with: " $1 $2 ") }
    parse = replace(parse, "\\ \\ +", " ")
    parse = replace(parse, "^\\ |\\ $", "")
    return parse.components(separatedBy: " ")
  }
}

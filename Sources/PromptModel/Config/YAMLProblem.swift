/// A YAML problem located at a 1-based line of the file it came from.
package struct YAMLProblem: Error, Sendable {
  package let line: Int?
  package let message: String
}

/// The plain scalars YAML reads as null (the core schema's spellings and the empty value).
package func isYAMLNull(_ plainText: String) -> Bool {
  switch plainText {
  case "", "~", "null", "Null", "NULL": return true
  default: return false
  }
}

/// A unified diff (`@@ -a,b +c,d @@` hunks with context) of two line lists, built on the
/// standard library's Myers difference.
package enum UnifiedDiff {
  private enum Operation {
    case same(String)
    case removed(String)
    case added(String)
  }

  package static func render(old: [String], new: [String], oldName: String, newName: String, context: Int = 3) -> String
  {
    let difference = new.difference(from: old)
    guard !difference.isEmpty else { return "" }
    var removed = Set<Int>()
    var inserted = Set<Int>()
    for change in difference {
      switch change {
      case .remove(let offset, _, _): removed.insert(offset)
      case .insert(let offset, _, _): inserted.insert(offset)
      }
    }
    // Merge the two sides into one edit script: old index i, new index j.
    var script: [(op: Operation, oldLine: Int, newLine: Int)] = []
    var i = 0
    var j = 0
    while i < old.count || j < new.count {
      if i < old.count && removed.contains(i) {
        script.append((.removed(old[i]), i, j))
        i += 1
      } else if j < new.count && inserted.contains(j) {
        script.append((.added(new[j]), i, j))
        j += 1
      } else if i < old.count && j < new.count {
        script.append((.same(old[i]), i, j))
        i += 1
        j += 1
      } else {
        break
      }
    }
    let changedIndices = script.indices.filter { if case .same = script[$0].op { return false } else { return true } }
    var hunks: [ClosedRange<Int>] = []
    for index in changedIndices {
      let range = max(0, index - context)...min(script.count - 1, index + context)
      if let last = hunks.last, range.lowerBound <= last.upperBound + 1 {
        hunks[hunks.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
      } else {
        hunks.append(range)
      }
    }
    var out = "--- \(oldName)\n+++ \(newName)\n"
    for hunk in hunks {
      let slice = script[hunk]
      let oldCount = slice.filter { if case .added = $0.op { return false } else { return true } }.count
      let newCount = slice.filter { if case .removed = $0.op { return false } else { return true } }.count
      let first = slice.first!
      let oldStart = oldCount == 0 ? first.oldLine : first.oldLine + 1
      let newStart = newCount == 0 ? first.newLine : first.newLine + 1
      out += "@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@\n"
      for item in slice {
        switch item.op {
        case .same(let line): out += " \(line)\n"
        case .removed(let line): out += "-\(line)\n"
        case .added(let line): out += "+\(line)\n"
        }
      }
    }
    return out
  }
}

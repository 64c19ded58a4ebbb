import Foundation
import GitKit
import TestSupport
import Testing

/// promptops finds git, ssh-keygen and itself on `PATH` one way: absolute folders in order, an
/// executable file (not a folder, not a plain file) wins, relative entries are skipped.
@Suite("ExecutableSearch: programs on PATH")
struct ExecutableSearchTests {
  @Test func findsTheFirstExecutableFileInAnAbsoluteFolderAndSkipsTheRest() throws {
    let root = NSTemporaryDirectory() + "promptops-search-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: root) }
    for folder in ["a", "b", "c", "d"] {
      try FileManager.default.createDirectory(atPath: "\(root)/\(folder)", withIntermediateDirectories: true)
    }
    try FileManager.default.createDirectory(atPath: "\(root)/a/tool", withIntermediateDirectories: true)  // a folder
    try ScriptFile.write("#!/bin/sh\n", to: "\(root)/b/tool", mode: 0o644)  // not executable
    try ScriptFile.write("#!/bin/sh\n", to: "\(root)/c/tool")
    try ScriptFile.write("#!/bin/sh\n", to: "\(root)/d/tool")
    #expect(ExecutableSearch.find("tool", path: "\(root)/a:\(root)/b:\(root)/c:\(root)/d") == "\(root)/c/tool")
    #expect(ExecutableSearch.find("tool", path: "\(root)/d/:\(root)/c") == "\(root)/d/tool")
    #expect(ExecutableSearch.find("tool", path: "\(root)/a:\(root)/b") == nil)

    // A relative entry is never searched, even when it leads to the program from the current
    // folder (built from it, so no test changes this process's folder).
    let depth = FileManager.default.currentDirectoryPath.split(separator: "/").count
    let relative = String(repeating: "../", count: depth) + root.dropFirst() + "/c"
    #expect(FileManager.default.isExecutableFile(atPath: relative + "/tool"), "the relative entry does lead to it")
    #expect(ExecutableSearch.find("tool", path: "\(relative):::\(root)/a") == nil)
    #expect(ExecutableSearch.find("tool", path: "\(relative):\(root)/d") == "\(root)/d/tool")
  }
}

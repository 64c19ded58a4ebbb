import CLibgit2

/// The version of the libgit2 the process runs with (not the headers it was compiled against):
/// with a shared libgit2 the two can differ, and `promptops --version` reports what runs.
public func libgit2RuntimeVersion() -> String {
  var major: Int32 = 0
  var minor: Int32 = 0
  var revision: Int32 = 0
  guard git_libgit2_version(&major, &minor, &revision) == 0 else { return "unknown" }
  return "\(major).\(minor).\(revision)"
}

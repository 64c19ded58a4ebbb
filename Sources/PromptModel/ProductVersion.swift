/// The version reported in SARIF and `--version`.
public let promptOpsVersion = "0.1.0"

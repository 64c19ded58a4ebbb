/// Wall time of each phase of a run, for `--verbose`: where a slow check spends its time.
public struct PhaseTimer: Sendable {
  public struct Phase: Sendable, Codable, Equatable {
    public let name: String
    public let milliseconds: Double
  }

  public private(set) var phases: [Phase] = []
  private let clock = ContinuousClock()
  private var last: ContinuousClock.Instant

  public init() { last = clock.now }

  /// Closes the phase that started at the previous mark.
  public mutating func mark(_ name: String) {
    let now = clock.now
    let elapsed = last.duration(to: now)
    let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    phases.append(Phase(name: name, milliseconds: (milliseconds * 100).rounded() / 100))
    last = now
  }
}

/// A potential that reports counters of its own as extra thermo columns (a deep potential's
/// sel overflows, say), so the run layer shows them without knowing the potential's kind.
public protocol PotentialDiagnostics {
    /// Column names, fixed for the potential's lifetime (e.g. `sel_overflow`).
    var diagnosticNames: [String] { get }
    /// The current values, one per name (counters over the run so far).
    var diagnosticValues: [Int] { get }
}

import Atomistics
import Foundation

/// What a report needs computed at its step beyond positions, velocities and forces.
public struct ReportNeeds: OptionSet, Sendable {
    /// The raw value.
    public let rawValue: Int
    /// A value from its raw bits.
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// Potential energy and virial (and everything derived from them: the thermo row). Steps
    /// that no reporter asks this of run with `forcesOnly`.
    public static let energy = ReportNeeds(rawValue: 1)
    /// Each atom's potential energy (``RunReport/atomEnergies``).
    public static let atomEnergies = ReportNeeds(rawValue: 2)
    /// Each atom's virial (``RunReport/atomVirials``).
    public static let atomVirials = ReportNeeds(rawValue: 4)
}

/// A read-only view of the run at one step, handed to every reporter that asked for it.
public struct RunReport {
    /// The system after the step.
    public let system: System
    /// The thermo row, when energies were computed at this step (nil otherwise, and for the last
    /// good frame before a failure).
    public let row: ThermoRow?
    /// The virial of the step (eV in metal), with `row`.
    public let virial: [Double]?
    /// Each atom's potential energy (eV in metal), when a reporter asked for them at this step.
    public var atomEnergies: [Double]? = nil
    /// Each atom's virial, 9 per atom (eV in metal), when a reporter asked for them at this step.
    public var atomVirials: [Double]? = nil
    /// Whether this is the last good frame written before a failed step.
    public let isLastGood: Bool
    /// The whole resumable state (for checkpoint reporters).
    public let state: () -> RunState
}

/// Where reporters come from: the deck, the starting state, and the restart point.
public struct ReporterContext {
    /// The deck being run.
    public let deck: RunDeck
    /// The system the run starts from (atom count and species for headers and topologies).
    public let system: System
    /// The checkpoint's step and time (ps) when the run continues from one; outputs keep what the
    /// earlier run wrote up to it and append.
    public let restart: (step: Int, time: Double)?
    /// The potential's extra thermo columns (``PotentialDiagnostics``).
    public let diagnosticNames: [String]
}

/// Something that writes the run somewhere on its own schedule (OpenMM's reporter contract): it
/// says at which steps it wants a report and what it needs; the driver computes only the union.
public protocol RunReporter: AnyObject {
    /// What the reporter needs after `step`, or nil when it wants no report then; `isLast` marks
    /// the run's final step.
    func needs(atStep step: Int, isLast: Bool) -> ReportNeeds?
    /// Writes the report.
    ///
    /// - Throws: `DeckError` naming the output's deck key.
    func report(_ report: RunReport) throws
    /// The last good frame before a failed step (trajectories append it; others ignore it).
    func reportLastGood(_ report: RunReport)
    /// Flushes and closes what the reporter holds open.
    func close()
}

extension RunReporter {
    /// Ignored by default.
    public func reportLastGood(_ report: RunReport) {}
    /// Nothing to close by default.
    public func close() {}
}

/// A trajectory format: a frame every `every` steps (with energies), and the last good frame
/// before a failure; each format says only how it writes a frame.
protocol FrameReporter: RunReporter {
    /// Interval in steps.
    var every: Int { get }
    /// Per-atom quantities its frames carry beyond positions and forces (none by default).
    var perAtomNeeds: ReportNeeds { get }
    /// Appends one frame (without forces or energies when `report.isLastGood`).
    func write(_ report: RunReport) throws
}

extension FrameReporter {
    /// None by default.
    var perAtomNeeds: ReportNeeds { [] }
    /// Every `every` steps, with energies and the per-atom quantities the frames carry.
    public func needs(atStep step: Int, isLast: Bool) -> ReportNeeds? { step % every == 0 ? ReportNeeds.energy.union(perAtomNeeds) : nil }
    /// Appends the frame.
    public func report(_ report: RunReport) throws { try write(report) }
    /// Appends the last good frame (best effort: the run is failing already).
    public func reportLastGood(_ report: RunReport) { try? write(report) }
}

/// The registered output formats: each maker returns its reporter when the deck asks for that
/// output. A new format is one new file with a `make(_:)` and one line here.
public enum RunReporters {
    /// A reporter maker.
    public typealias Maker = @Sendable (ReporterContext) throws -> (any RunReporter)?

    /// Every registered maker, in the order their reports are written at a step.
    public static let makers: [Maker] = [
        ThermoReporter.make,
        ExtXYZTrajectoryReporter.make,
        NetCDFTrajectoryReporter.make,
        LAMMPSDumpReporter.make,
        ModelDeviationReporter.make,
        CheckpointReporter.make,
    ]
}

import Atomistics
import Synchronization

/// A deep potential as an MD `Potential`: full neighbor list → environments → fused
/// energy, forces and virial (eV, eV/Å, eV).
///
/// Neighbors beyond `sel` are never silent: each evaluation that drops some increments
/// ``selOverflowCount`` and the first few are reported through `warn` with the atom and count.
public final class DeepPotential: Potential, PotentialDiagnostics, Sendable {
    /// The model.
    public let model: DeepPotentialModel
    /// Where warnings go (stderr by the CLI); called with one line each.
    public let warn: @Sendable (String) -> Void
    /// Warnings printed at most this many times (the counter keeps counting).
    public let maxWarnings: Int
    private let counters = Mutex<(overflowAtoms: Int, warnings: Int)>((0, 0))

    /// A potential from a model; `warn` receives sel-overflow warnings.
    public init(model: DeepPotentialModel, maxWarnings: Int = 10, warn: @escaping @Sendable (String) -> Void = { _ in }) {
        self.model = model
        self.warn = warn
        self.maxWarnings = maxWarnings
    }

    /// A potential from a model file.
    public convenience init(contentsOf path: String, warn: @escaping @Sendable (String) -> Void = { _ in }) throws {
        self.init(model: try DeepPotentialModel.load(from: path), warn: warn)
    }

    /// The model's cutoff r_c (Å).
    public var cutoff: Double { model.spec.descriptor.rcut }
    /// Always true: every atom needs all its neighbors.
    public var needsFullNeighborList: Bool { true }
    /// The element names of the model's types.
    public var typeMap: [String] { model.spec.typeMap }

    /// Atoms (summed over evaluations) that had more neighbors of a type than `sel` allows.
    public var selOverflowCount: Int { counters.withLock { $0.overflowAtoms } }

    /// One thermo column, `sel_overflow`.
    public var diagnosticNames: [String] { ["sel_overflow"] }
    /// ``selOverflowCount``.
    public var diagnosticValues: [Int] { [selOverflowCount] }

    /// Energy (eV), forces (eV/Å) and virial (eV) of `system` from its full neighbor list.
    public func compute(_ system: System, neighbors: NeighborList, into result: inout ForceResult) throws {
        let types = try model.typeIndices(for: system.types.map { system.typeNames[$0] })
        let d = model.spec.descriptor
        let env = try AtomEnvironments(positions: system.positions, types: types, neighbors: neighbors,
                                       rcut: d.rcut, sel: d.sel)
        if !env.overflows.isEmpty { report(env.overflows, step: system.step) }
        let out = model.evaluateFused(env, atomVirial: result.perAtomVirial != nil)
        result.reset(atomCount: system.count)
        result.energy = out.energy
        result.forces = out.forces
        result.virial = out.virial
        if result.perAtomEnergy != nil { result.perAtomEnergy = out.atomEnergies }
        if result.perAtomVirial != nil { result.perAtomVirial = out.atomVirial }
    }

    private func report(_ overflows: [SelOverflow], step: Int) {
        let shown = counters.withLock { c -> Int in
            c.overflowAtoms += overflows.count
            let room = Swift.max(0, maxWarnings - c.warnings)
            c.warnings += Swift.min(room, overflows.count)
            return Swift.min(room, overflows.count)
        }
        for o in overflows.prefix(shown) {
            let name = model.spec.typeMap[o.neighborType]
            warn("warning: step \(step): atom \(o.atom) has \(o.count) \(name) neighbors within rcut \(cutoff) Å but sel allows \(model.spec.descriptor.sel[o.neighborType]); the farthest were dropped (raise sel)")
        }
    }
}

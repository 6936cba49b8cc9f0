/// The force side of an MD step: a potential, its neighbor list and the last result.
///
/// `evaluate` updates the neighbor list by its every/delay/check schedule, calls the potential and
/// puts the forces into the system. The driver and the integrators never know what kind of
/// potential they call (one existential call per step; the per-atom loops are inside the
/// potential, concrete).
public struct ForceEvaluator {
    /// The potential (energy eV, forces eV/Å, virial eV in metal).
    public var potential: any Potential
    /// The neighbor list, built for the potential's cutoff + skin, of the kind it needs.
    public var neighbors: NeighborList
    /// The last evaluation (energy, forces, virial; per-atom energies if requested).
    public private(set) var result: ForceResult
    /// How many times the potential was called.
    public private(set) var evaluationCount = 0
    /// When true, evaluations may skip energy and virial (`ForceResult.forcesOnly`): set it for
    /// steps whose energy nobody reads (between thermo outputs), clear it before one that is read.
    /// `potentialEnergy` and `virial` are then 0 or stale. Default false.
    public var forcesOnly = false
    /// A cell deformation μ (row-major 3×3, dimensionless) to apply at the next evaluation, before
    /// the forces are computed: positions and lattice vectors x ← o + (x − o)·μ, and velocities
    /// v ← v·μ⁻ᵀ when `scalesVelocities`. Barostats that rescale the cell (``CellBarostat``) set it at the start of a step
    /// from that step's pressure, so the scaling lands between the step's drift and its force
    /// evaluation and every integrator keeps one force evaluation per step. Cleared once applied.
    public var pendingDeformation: (matrix: [Double], scalesVelocities: Bool)? = nil
    /// The change of kinetic energy (eV in metal) made by the last applied ``pendingDeformation``
    /// (its velocity scaling), for the barostat's energy account.
    public private(set) var deformationKineticChange = 0.0

    /// An evaluator with a list of `skin` (length units; the unit style's default when nil).
    ///
    /// - Throws: `AtomisticsError` for an invalid skin or cutoff.
    public init(potential: any Potential, skin: Double? = nil, units: UnitStyle = .metal,
                perAtomEnergy: Bool = false) throws {
        self.potential = potential
        neighbors = try NeighborList(cutoff: potential.cutoff, skin: skin ?? units.defaultSkin,
                                     kind: potential.needsFullNeighborList ? .full : .half)
        result = ForceResult(atomCount: 0, perAtomEnergy: perAtomEnergy)
    }

    /// An evaluator continuing with a saved neighbor list (e.g. from a checkpoint: the list's
    /// reference positions and schedule decide the next rebuilds, and its entry order the
    /// summation order, so keeping it keeps a continued run bit-identical).
    ///
    /// - Throws: `AtomisticsError.neighborListMismatch` when the list is of the wrong kind or too short.
    public init(potential: any Potential, neighbors: NeighborList, perAtomEnergy: Bool = false) throws {
        if potential.needsFullNeighborList && neighbors.kind != .full {
            throw AtomisticsError.needsFullNeighborList(potential: "\(type(of: potential))")
        }
        guard neighbors.listCutoff >= potential.cutoff else {
            throw AtomisticsError.neighborListMismatch(expected: "a list cutoff ≥ \(potential.cutoff)", found: "\(neighbors.listCutoff)")
        }
        self.potential = potential
        self.neighbors = neighbors
        result = ForceResult(atomCount: 0, perAtomEnergy: perAtomEnergy)
    }

    /// Whether evaluations fill per-atom energies (``ForceResult/perAtomEnergy``, eV in metal); set
    /// it for steps whose per-atom energies are read.
    public var perAtomEnergies: Bool {
        get { result.perAtomEnergy != nil }
        set {
            if newValue && result.perAtomEnergy == nil { result.perAtomEnergy = [Double](repeating: 0, count: result.forces.count / 3) }
            if !newValue { result.perAtomEnergy = nil }
        }
    }

    /// Whether evaluations fill per-atom virials (``ForceResult/perAtomVirial``, eV in metal).
    public var perAtomVirials: Bool {
        get { result.perAtomVirial != nil }
        set {
            if newValue && result.perAtomVirial == nil { result.perAtomVirial = [Double](repeating: 0, count: 3 * result.forces.count) }
            if !newValue { result.perAtomVirial = nil }
        }
    }

    /// Whether the last evaluation computed the energy and virial (there was one, not `forcesOnly`).
    public var lastEvaluationHasVirial: Bool { evaluationCount > 0 && !result.forcesOnly }

    /// Potential energy of the last evaluation (eV in metal).
    public var potentialEnergy: Double { result.energy }
    /// Virial of the last evaluation, row-major 3×3 (eV in metal).
    public var virial: [Double] { result.virial }

    /// Updates the neighbor list if due (one MD step of its schedule), computes energy, forces and
    /// virial, and stores the forces in `system.forces` (eV/Å in metal). With `updateNeighbors`
    /// false the list is used as it is (built if never built): for re-evaluating the same step,
    /// e.g. after restoring a checkpoint, without advancing the list's schedule.
    ///
    /// - Throws: what the list or the potential throws (overlapping atoms, wrong list kind, …);
    ///   `AtomisticsError.unstable` naming the step when an energy or force is NaN or infinite
    ///   (the forces in `system` are then those bad values; keep the last good state yourself).
    public mutating func evaluate(_ system: inout System, updateNeighbors: Bool = true) throws {
        if let mu = pendingDeformation {
            pendingDeformation = nil
            let before = system.kineticEnergy
            try system.deformCell(by: mu.matrix, scalingVelocities: mu.scalesVelocities)
            deformationKineticChange = system.kineticEnergy - before
        }
        if updateNeighbors || !neighbors.isBuilt || neighbors.atomCount != system.count {
            try neighbors.update(system)
        } else {
            neighbors.follow(system.box)
        }
        if result.forces.count != 3 * system.count { result.reset(atomCount: system.count) }
        // The previous step's forces become the result's buffer: no allocation per step.
        swap(&system.forces, &result.forces)
        result.forcesOnly = forcesOnly
        try potential.compute(system, neighbors: neighbors, into: &result)
        swap(&system.forces, &result.forces)
        evaluationCount += 1
        guard result.energy.isFinite else { throw AtomisticsError.unstable(step: system.step, atom: nil) }
        let bad = system.forces.withUnsafeBufferPointer { f -> Int? in
            var sum = 0.0
            for k in 0..<f.count { sum += f[k] * 0 }  // NaN or ±∞ anywhere makes the sum NaN
            guard sum.isNaN else { return nil }
            return (0..<f.count).first { !f[$0].isFinite }.map { $0 / 3 }
        }
        if let bad { throw AtomisticsError.unstable(step: system.step, atom: bad) }
    }
}

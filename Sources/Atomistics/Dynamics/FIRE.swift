/// What a minimisation reached.
public struct MinimizationResult: Sendable, Equatable, Codable {
    /// True when the largest per-atom force fell below the tolerance.
    public var converged: Bool
    /// Iterations taken.
    public var steps: Int
    /// Final potential energy (eV in metal).
    public var energy: Double
    /// Final largest per-atom force norm max_i |F_i| (eV/Å in metal).
    public var maxForce: Double
}

/// The FIRE minimiser (Bitzek, Koskinen, Gähler, Moseler & Gumbsch, PRL 97, 170201, 2006), with
/// masses, in ASE's order: the FIRE mixing v ← (1 − α)v + α|v|F̂ while the power F·v is positive
/// (a stop, α reset and timestep cut when it is not), then an MD update v ← v + Δt·F/m,
/// x ← x + Δt·v, with each atom's displacement per iteration capped at `maxStep` (ASE caps the
/// norm of the whole displacement).
///
/// Converged when max_i |F_i| < `forceTolerance` (ASE's `fmax`; LAMMPS's ftol is a norm of the
/// whole force vector instead).
public struct FIRE: Sendable, Codable, Equatable {
    /// Stop when every atom's force norm is below this (eV/Å in metal).
    public var forceTolerance: Double
    /// Stop after this many iterations.
    public var maxSteps: Int
    /// Initial timestep (ps in metal).
    public var timestep: Double
    /// Largest timestep (ps in metal), 10× the initial by default.
    public var maxTimestep: Double
    /// Largest displacement of one atom per iteration (Å in metal).
    public var maxStep: Double
    /// Positive-power steps before the timestep may grow (5).
    public var minStepsBeforeGrowth = 5
    /// Timestep growth (1.1) and cut (0.5) factors.
    public var growth = 1.1, cut = 0.5
    /// Initial mixing α (0.1) and its decay factor (0.99).
    public var alphaStart = 0.1, alphaDecay = 0.99

    /// FIRE with a force tolerance (eV/Å), a step limit, and optional timestep (ps; the unit
    /// style's default timestep when nil) and per-iteration displacement cap (Å; 0.1 when nil).
    public init(forceTolerance: Double, maxSteps: Int, timestep: Double? = nil, maxStep: Double? = nil,
                units: UnitStyle = .metal) throws {
        try checkPositive("FIRE force tolerance", forceTolerance, unit: "force")
        guard maxSteps >= 0 else {
            throw AtomisticsError.invalidParameter(name: "FIRE maximum steps", expected: "≥ 0", found: "\(maxSteps)")
        }
        self.forceTolerance = forceTolerance
        self.maxSteps = maxSteps
        self.timestep = timestep ?? units.defaultTimestep
        maxTimestep = 10 * self.timestep
        self.maxStep = maxStep ?? 0.1
        try checkPositive("FIRE timestep", self.timestep, unit: "time")
        try checkPositive("FIRE maximum step", self.maxStep, unit: "length")
    }

    /// Relaxes `system`'s positions (box fixed); velocities are left as they were, forces current.
    ///
    /// - Throws: what the force evaluation throws.
    public func minimize(_ system: inout System, forces: inout ForceEvaluator) throws -> MinimizationResult {
        let savedVelocities = system.velocities
        defer { system.velocities = savedVelocities }
        system.velocities = [Double](repeating: 0, count: 3 * system.count)
        try forces.evaluate(&system)
        var dt = timestep, alpha = alphaStart, positive = 0
        var steps = 0
        func maxForce() -> Double {
            var m = 0.0
            let f = system.forces
            for i in 0..<system.count {
                m = Swift.max(m, f[3 * i] * f[3 * i] + f[3 * i + 1] * f[3 * i + 1] + f[3 * i + 2] * f[3 * i + 2])
            }
            return m.squareRoot()
        }
        var fmax = maxForce()
        while fmax >= forceTolerance && steps < maxSteps {
            var power = 0.0, vv = 0.0, ff = 0.0
            for k in 0..<(3 * system.count) {
                power += system.forces[k] * system.velocities[k]
                vv += system.velocities[k] * system.velocities[k]
                ff += system.forces[k] * system.forces[k]
            }
            if power > 0 {
                let mix = ff > 0 ? alpha * (vv / ff).squareRoot() : 0
                for k in 0..<(3 * system.count) {
                    system.velocities[k] = (1 - alpha) * system.velocities[k] + mix * system.forces[k]
                }
                positive += 1
                if positive > minStepsBeforeGrowth {
                    dt = Swift.min(dt * growth, maxTimestep)
                    alpha *= alphaDecay
                }
            } else {
                system.velocities = [Double](repeating: 0, count: 3 * system.count)
                dt *= cut
                alpha = alphaStart
                positive = 0
            }
            kick(&system, dt)
            // Displacement, capped per atom.
            for i in 0..<system.count {
                var d = (dt * system.velocities[3 * i], dt * system.velocities[3 * i + 1], dt * system.velocities[3 * i + 2])
                let len = (d.0 * d.0 + d.1 * d.1 + d.2 * d.2).squareRoot()
                if len > maxStep {
                    let c = maxStep / len
                    d = (d.0 * c, d.1 * c, d.2 * c)
                }
                system.positions[3 * i] += d.0
                system.positions[3 * i + 1] += d.1
                system.positions[3 * i + 2] += d.2
            }
            try forces.evaluate(&system)
            steps += 1
            fmax = maxForce()
        }
        return MinimizationResult(converged: fmax < forceTolerance, steps: steps, energy: forces.potentialEnergy, maxForce: fmax)
    }
}

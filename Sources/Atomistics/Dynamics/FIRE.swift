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
    /// Relax the cell too, toward this hydrostatic pressure (nil: the cell stays fixed).
    public var cellRelaxation: CellRelaxation? = nil

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

    /// Relaxes `system`'s positions, and the cell when `cellRelaxation` is set; velocities are left
    /// as they were, forces current.
    ///
    /// With a cell, the cell's degrees of freedom are N·L with L = log(H₀⁻¹H) the cell's logarithmic
    /// deformation (ASE's `FrechetCellFilter`, `exp_cell_factor` = N), their generalized force
    /// (W − P₀V·I)/N restricted to what `coupling` moves (W the virial, eV in metal), and each
    /// iteration moves the atoms by their own displacement and affinely with the cell. Converged when
    /// every atom's force and every cell force is below the tolerance.
    ///
    /// - Throws: what the force evaluation throws; `AtomisticsError.invalidParameter` for a cell
    ///   relaxation of a non-periodic or (aniso/tri) non-restricted cell.
    public func minimize(_ system: inout System, forces: inout ForceEvaluator) throws -> MinimizationResult {
        if let cell = cellRelaxation { try cell.validate(system) }
        let savedVelocities = system.velocities
        let savedForcesOnly = forces.forcesOnly
        defer { system.velocities = savedVelocities; forces.forcesOnly = savedForcesOnly }
        forces.forcesOnly = false
        system.velocities = [Double](repeating: 0, count: 3 * system.count)
        try forces.evaluate(&system)
        var dt = timestep, alpha = alphaStart, positive = 0
        var steps = 0
        let n = system.count
        // The cell's generalized velocity (9 values) and mass (the mean atomic mass).
        var cellVelocity = [Double](repeating: 0, count: 9)
        let cellMass = system.atomMasses.reduce(0, +) / Double(max(1, n))
        func cellForce() -> [Double] {
            guard let cell = cellRelaxation else { return [Double](repeating: 0, count: 9) }
            return cell.generalizedForce(system, virial: forces.virial)
        }
        func maxForce(_ fc: [Double]) -> Double {
            var m = 0.0
            let f = system.forces
            for i in 0..<n {
                m = Swift.max(m, f[3 * i] * f[3 * i] + f[3 * i + 1] * f[3 * i + 1] + f[3 * i + 2] * f[3 * i + 2])
            }
            for r in 0..<3 { m = Swift.max(m, fc[3 * r] * fc[3 * r] + fc[3 * r + 1] * fc[3 * r + 1] + fc[3 * r + 2] * fc[3 * r + 2]) }
            return m.squareRoot()
        }
        var fc = cellForce()
        var fmax = maxForce(fc)
        while fmax >= forceTolerance && steps < maxSteps {
            var power = 0.0, vv = 0.0, ff = 0.0
            for k in 0..<(3 * n) {
                power += system.forces[k] * system.velocities[k]
                vv += system.velocities[k] * system.velocities[k]
                ff += system.forces[k] * system.forces[k]
            }
            for k in 0..<9 {
                power += fc[k] * cellVelocity[k]; vv += cellVelocity[k] * cellVelocity[k]; ff += fc[k] * fc[k]
            }
            if power > 0 {
                let mix = ff > 0 ? alpha * (vv / ff).squareRoot() : 0
                for k in 0..<(3 * n) {
                    system.velocities[k] = (1 - alpha) * system.velocities[k] + mix * system.forces[k]
                }
                for k in 0..<9 { cellVelocity[k] = (1 - alpha) * cellVelocity[k] + mix * fc[k] }
                positive += 1
                if positive > minStepsBeforeGrowth {
                    dt = Swift.min(dt * growth, maxTimestep)
                    alpha *= alphaDecay
                }
            } else {
                system.velocities = [Double](repeating: 0, count: 3 * n)
                cellVelocity = [Double](repeating: 0, count: 9)
                dt *= cut
                alpha = alphaStart
                positive = 0
            }
            kick(&system, dt)
            // Displacement, capped per atom.
            for i in 0..<n {
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
            if cellRelaxation != nil {
                let c = dt * system.units.ftm2v / cellMass
                for k in 0..<9 { cellVelocity[k] += c * fc[k] }
                // The cell's displacement N·ΔL, capped as an atom's, then x ← x·exp(ΔL).
                var d = cellVelocity.map { dt * $0 }
                let len = d.reduce(0) { $0 + $1 * $1 }.squareRoot()
                if len > maxStep { d = d.map { $0 * maxStep / len } }
                let l = d.map { $0 / Double(max(1, n)) }
                var mu = [Double](repeating: 0, count: 9)
                for a in 0..<3 { for b in 0..<3 {
                    var sq = 0.0
                    for k in 0..<3 { sq += l[3 * a + k] * l[3 * k + b] }
                    mu[3 * a + b] = (a == b ? 1 : 0) + l[3 * a + b] + 0.5 * sq
                } }
                try system.deformCell(by: mu, scalingVelocities: false)
            }
            try forces.evaluate(&system)
            steps += 1
            fc = cellForce()
            fmax = maxForce(fc)
        }
        return MinimizationResult(converged: fmax < forceTolerance, steps: steps, energy: forces.potentialEnergy, maxForce: fmax)
    }
}

/// What a cell relaxation moves and toward which pressure (`[minimize] relax_cell`, `pressure`).
public struct CellRelaxation: Sendable, Codable, Equatable {
    /// `iso` (one scale), `aniso` (three lengths), `tri` (lengths and tilts of a restricted cell).
    public var coupling: PressureCoupling
    /// Target hydrostatic pressure P₀ (bar in metal, ε/σ³ in lj).
    public var pressure: Double

    /// A relaxation of `coupling` toward `pressure` (bar in metal).
    public init(coupling: PressureCoupling, pressure: Double = 0) {
        self.coupling = coupling
        self.pressure = pressure
    }

    /// Checks that the cell can move as asked.
    ///
    /// - Throws: `AtomisticsError.invalidParameter` for a non-periodic cell, or aniso/tri on a
    ///   cell not in LAMMPS's restricted form.
    public func validate(_ s: System) throws {
        try coupling.requireMovableCell(s, name: "relax_cell")
    }

    /// −∂(U + P₀V)/∂L / N for the moving components of L (energy units; row-major 3×3): the
    /// configurational virial W minus P₀V on the diagonal, hydrostatic for iso, diagonal for aniso,
    /// the lower triangle (which keeps a restricted cell restricted) for tri.
    public func generalizedForce(_ s: System, virial w: [Double]) -> [Double] {
        let pv = pressure * s.box.volume / s.units.nktv2p
        let n = Double(max(1, s.count))
        var g = [Double](repeating: 0, count: 9)
        switch coupling {
        case .iso:
            let h = ((w[0] + w[4] + w[8]) / 3 - pv) / n
            g[0] = h; g[4] = h; g[8] = h
        case .aniso:
            for a in 0..<3 { g[4 * a] = (w[4 * a] - pv) / n }
        case .tri:
            for a in 0..<3 { for b in 0...a { g[3 * a + b] = (0.5 * (w[3 * a + b] + w[3 * b + a]) - (a == b ? pv : 0)) / n } }
        }
        return g
    }
}

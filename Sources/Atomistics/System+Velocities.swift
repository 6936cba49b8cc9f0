extension System {
    /// Draws Maxwell–Boltzmann velocities at `temperature` (K in metal), removes the total
    /// momentum, then scales them so the temperature over `dof` degrees of freedom is exactly
    /// `temperature` (LAMMPS `velocity … create T seed dist gaussian`, default 3N − 3).
    ///
    /// Each component is drawn as √(k_B T/(m·mvv2e))·ξ with ξ standard normal from `rng`, atoms in
    /// order, x y z per atom; the same seed gives the same velocities on every machine. Zero total
    /// momentum is skipped for one atom.
    ///
    /// - Throws: `AtomisticsError.invalidParameter` for a negative or non-finite temperature.
    public mutating func setMaxwellBoltzmannVelocities(temperature: Double, using rng: inout Xoshiro256StarStar,
                                                       dof: DegreesOfFreedom = .momentumRemoved,
                                                       removeMomentum: Bool = true) throws {
        guard temperature >= 0, temperature.isFinite else {
            throw AtomisticsError.invalidParameter(name: "temperature", expected: "a finite temperature ≥ 0",
                                                   found: "\(temperature)")
        }
        let kT = units.boltzmann * temperature
        var v = [Double](repeating: 0, count: 3 * count)
        for i in 0..<count {
            let sd = (kT / (masses[types[i]] * units.mvv2e)).squareRoot()
            for k in 0..<3 { v[3 * i + k] = sd * rng.nextNormal() }
        }
        velocities = v
        if removeMomentum && count > 1 { zeroTotalMomentum() }
        let t = self.temperature(dof: dof)
        if temperature == 0 || t == 0 {
            velocities = [Double](repeating: 0, count: 3 * count)
        } else {
            scaleVelocities(by: (temperature / t).squareRoot())
        }
    }

    /// Subtracts the centre-of-mass velocity so that Σ m v = 0.
    public mutating func zeroTotalMomentum() {
        guard count > 0 else { return }
        let p = totalMomentum
        var mtot = 0.0
        for t in types { mtot += masses[t] }
        let vc = p.map { $0 / mtot }
        for i in 0..<count { for k in 0..<3 { velocities[3 * i + k] -= vc[k] } }
    }

    /// Multiplies every velocity by `factor` (dimensionless).
    public mutating func scaleVelocities(by factor: Double) {
        velocities.withUnsafeMutableBufferPointer { v in
            for k in v.indices { v[k] *= factor }
        }
    }
}

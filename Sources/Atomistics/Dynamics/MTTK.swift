import Foundation

/// Isothermal–isobaric dynamics: the Martyna–Tobias–Klein equations with Nosé–Hoover chains on the
/// particles and on the barostat, integrated as LAMMPS `fix npt` does (Shinoda, Shiga & Mikami,
/// PRB 69, 134103, 2004; Tuckerman et al., J. Phys. A 39, 5629, 2006).
///
/// One step: barostat chain ½Δt, particle chain ½Δt, barostat velocity ½Δt from the pressure,
/// velocities scaled by the barostat, half kick, cell ½Δt, drift, cell ½Δt, forces, half kick,
/// barostat scaling, new pressure, barostat velocity ½Δt, particle chain ½Δt, barostat chain ½Δt.
/// The barostat velocities ω̇ (1/ps in metal) are in LAMMPS's order xx, yy, zz, yz, xz, xy; the
/// barostat mass is W = (N + 1) k_B T / ω_P² with ω_P = 1/τ_P, its chain masses k_B T/ω_P².
///
/// Conserved: KE + PE + the particle chain's energy + Σ ½Wω̇² + P₀(V − V₀) + the barostat chain's
/// energy. `iso` moves any cell uniformly; `aniso` and `tri` need LAMMPS's restricted triclinic
/// form (a along x, b in the xy plane; lengths then scale with their own pressure component,
/// tilts with their shear component under `tri`).
public struct MTTK: Integrator, Codable, Equatable {
    /// Timestep (ps in metal).
    public var timestep: Double
    /// The particles' Nosé–Hoover chain (temperature K, period τ_T ps, chain length).
    public var thermostat: NoseHooverChain
    /// Target pressure P₀ (bar in metal, ε/σ³ in lj); hydrostatic, no shear stress.
    public var pressure: Double
    /// Barostat period τ_P (ps in metal), LAMMPS's `Pdamp`.
    public var pressureDamping: Double
    /// Which cell degrees of freedom move.
    public var coupling: PressureCoupling
    /// Barostat velocities ω̇ (1/ps in metal): xx, yy, zz, yz, xz, xy.
    public var omegaDot = [Double](repeating: 0, count: 6)
    /// The barostat chain's positions (dimensionless) and velocities (1/ps in metal), length 3.
    public var barostatChainPositions = [0.0, 0.0, 0.0]
    /// The barostat chain's velocities (1/ps in metal).
    public var barostatChainVelocities = [0.0, 0.0, 0.0]
    /// The volume at the first step (Å³ in metal), the zero of the P₀V term.
    public var referenceVolume: Double? = nil

    /// NPT at `temperature` (K) and `pressure` (bar in metal) with periods τ_T and τ_P (ps).
    ///
    /// - Throws: `AtomisticsError.invalidParameter` for a non-positive timestep, temperature or
    ///   period, or a non-finite pressure.
    public init(timestep dt: Double, temperature: Double, temperatureDamping: Double, chain: Int = 3,
                pressure: Double, pressureDamping: Double, coupling: PressureCoupling = .iso) throws {
        try checkPositive("MTTK barostat period", pressureDamping, unit: "time")
        guard pressure.isFinite else {
            throw AtomisticsError.invalidParameter(name: "barostat pressure", expected: "a finite pressure", found: "\(pressure)")
        }
        thermostat = try NoseHooverChain(timestep: dt, temperature: temperature, relaxationTime: temperatureDamping, length: chain)
        thermostat.weights = [1]  // LAMMPS's plain Trotter half-steps (nc_tchain = 1)
        timestep = dt
        self.pressure = pressure
        self.pressureDamping = pressureDamping
        self.coupling = coupling
    }

    /// 3N − 3, as the particle chain.
    public var degreesOfFreedom: DegreesOfFreedom { thermostat.degreesOfFreedom }

    /// The barostatted components: xx, yy, zz always, the tilts under `tri`.
    var movingComponents: Range<Int> { coupling == .tri ? 0..<6 : 0..<3 }

    /// W (energy·time²: eV·ps² in metal) for N atoms.
    func barostatMass(atoms n: Int, units: UnitStyle) -> Double {
        Double(n + 1) * units.boltzmann * thermostat.temperature * pressureDamping * pressureDamping
    }

    /// Checks that the cell can be moved as `coupling` asks.
    ///
    /// - Throws: `AtomisticsError.invalidParameter` for a non-periodic direction, or an
    ///   anisotropic/triclinic barostat on a cell that is not LAMMPS's restricted form.
    public func validate(_ s: System) throws {
        try coupling.requireMovableCell(s, name: "barostat")
    }

    /// One step (positions Å, velocities Å/ps, cell Å, time ps).
    public mutating func step(_ s: inout System, forces: inout ForceEvaluator) throws {
        try validate(s)
        if referenceVolume == nil { referenceVolume = s.box.volume }
        let dt = timestep
        let w = barostatMass(atoms: s.count, units: s.units)
        propagateBarostatChain(s, 0.5 * dt)
        thermostat.propagateChain(&s, 0.5 * dt)
        var mtk2 = updateOmegaDot(s, virial: forces.virial, w: w, 0.5 * dt)
        scaleVelocities(&s, mtk2)
        kick(&s, 0.5 * dt)
        try remap(&s, 0.5 * dt)
        drift(&s, dt)
        try remap(&s, 0.5 * dt)
        tick(&s, dt)
        try forces.evaluate(&s)
        kick(&s, 0.5 * dt)
        scaleVelocities(&s, mtk2)
        mtk2 = updateOmegaDot(s, virial: forces.virial, w: w, 0.5 * dt)
        _ = mtk2
        thermostat.propagateChain(&s, 0.5 * dt)
        propagateBarostatChain(s, 0.5 * dt)
    }

    /// The pressure each barostat component feels (bar in metal): the scalar pressure for `iso`,
    /// the diagonal of the (symmetrised) pressure tensor otherwise, and its yz, xz, xy under `tri`.
    func currentPressure(_ s: System, virial: [Double]) -> [Double] {
        if coupling == .iso {
            let p = s.pressure(virial: virial)
            return [p, p, p, 0, 0, 0]
        }
        let t = s.pressureTensor(virial: virial)
        return [t[0], t[4], t[8], 0.5 * (t[5] + t[7]), 0.5 * (t[2] + t[6]), 0.5 * (t[1] + t[3])]
    }

    /// LAMMPS's `nh_omega_dot`: ω̇_a += ½Δt·[(P_a − P₀)V/(W·nktv2p) + (2K/(3N))/W] for the lengths
    /// (the second term is the MTK coupling to the particles' kinetic energy), ω̇ += ½Δt·P_aV/(W·nktv2p)
    /// for the tilts. Returns MTK's Σω̇_a/(3N) that scales the velocities.
    mutating func updateOmegaDot(_ s: System, virial: [Double], w: Double, _ duration: Double) -> Double {
        let p = currentPressure(s, virial: virial)
        let v = s.box.volume, n = Double(max(1, s.count))
        let mtk1 = 2 * s.kineticEnergy / (3 * n)
        let nktv2p = s.units.nktv2p
        for a in 0..<3 {
            omegaDot[a] += duration * ((p[a] - pressure) * v / (w * nktv2p) + mtk1 / w)
        }
        if coupling == .tri {
            for a in 3..<6 { omegaDot[a] += duration * p[a] * v / (w * nktv2p) }
        }
        return (omegaDot[0] + omegaDot[1] + omegaDot[2]) / (3 * n)
    }

    /// LAMMPS's `nh_v_press`: v_a ← v_a·e^{−¼Δt(ω̇_a + mtk₂)} twice, with the tilts' shear of the
    /// velocities between the two halves under `tri`.
    func scaleVelocities(_ s: inout System, _ mtk2: Double) {
        let q = 0.25 * timestep, h = 0.5 * timestep
        let f0 = exp(-q * (omegaDot[0] + mtk2)), f1 = exp(-q * (omegaDot[1] + mtk2)), f2 = exp(-q * (omegaDot[2] + mtk2))
        let tri = coupling == .tri
        let od3 = omegaDot[3], od4 = omegaDot[4], od5 = omegaDot[5]
        s.velocities.withUnsafeMutableBufferPointer { v in
            var k = 0
            while k < v.count {
                var x = v[k] * f0, y = v[k + 1] * f1, z = v[k + 2] * f2
                if tri {
                    x += -h * (y * od5 + z * od4)
                    y += -h * z * od3
                }
                v[k] = x * f0; v[k + 1] = y * f1; v[k + 2] = z * f2
                k += 3
            }
        }
    }

    /// LAMMPS's `remap` over `duration`: the cell h ← exp(duration·ω̇)·h as its symmetric
    /// splitting (tilts, lengths, tilts), atoms carried at fixed fractional coordinates.
    mutating func remap(_ s: inout System, _ duration: Double) throws {
        let mu: [Double]
        if coupling == .iso {
            let e = exp(duration * omegaDot[0])
            mu = [e, 0, 0, 0, e, 0, 0, 0, e]
        } else {
            let old = s.box.vectors
            // LAMMPS's h: xprd, yprd, zprd, yz, xz, xy.
            var h = [old[0], old[4], old[8], old[7], old[6], old[3]]
            let d2 = duration / 2, d4 = duration / 4, d8 = duration / 8
            let od = omegaDot
            func tilts() {
                guard coupling == .tri else { return }
                var e = exp(d8 * od[0])
                h[4] = (h[4] * e + d4 * (od[5] * h[3] + od[4] * h[2])) * e
                e = exp(d4 * od[1])
                h[3] = (h[3] * e + d2 * od[3] * h[2]) * e
                e = exp(d4 * od[0])
                h[5] = (h[5] * e + d2 * od[5] * h[1]) * e
                e = exp(d8 * od[0])
                h[4] = (h[4] * e + d4 * (od[5] * h[3] + od[4] * h[2])) * e
            }
            tilts()
            let e0 = exp(duration * od[0]), e1 = exp(duration * od[1]), e2 = exp(duration * od[2])
            let lengths = (h[0] * e0, h[1] * e1, h[2] * e2)
            if coupling == .aniso {
                // Tilts follow their lattice vector's length (LAMMPS scalexy/xz/yz yes).
                h[5] *= e1; h[4] *= e2; h[3] *= e2
            }
            tilts()
            h[0] = lengths.0; h[1] = lengths.1; h[2] = lengths.2
            let newBox = try s.box.withVectors([h[0], 0, 0, h[5], h[1], 0, h[4], h[3], h[2]])
            mu = NeighborList.deformation(from: s.box, to: newBox)
        }
        try s.deformCell(by: mu, scalingVelocities: false)
    }

    /// LAMMPS's `nhc_press_integrate`: the barostat's Nosé–Hoover chain over `duration`, which
    /// scales ω̇. Chain masses k_B T/ω_P²; the first link's target is k_B T per barostat degree of
    /// freedom (1 for `iso`, 3 for `aniso`, 6 for `tri`).
    mutating func propagateBarostatChain(_ s: System, _ duration: Double) {
        let kt = s.units.boltzmann * thermostat.temperature
        let q = kt * pressureDamping * pressureDamping
        let w = barostatMass(atoms: s.count, units: s.units)
        let comps = movingComponents
        let lkt = coupling == .iso ? kt : Double(comps.count) * kt
        // iso moves three equal ω̇ that are one degree of freedom of mass 3W.
        func kinetic() -> Double { comps.reduce(0) { $0 + w * omegaDot[$1] * omegaDot[$1] } }
        var v = barostatChainVelocities
        let m = v.count
        func force(_ j: Int, _ ke: Double) -> Double { j == 0 ? (ke - lkt) / q : (q * v[j - 1] * v[j - 1] - kt) / q }
        let d = duration
        var ke = kinetic()
        v[m - 1] += 0.5 * d * force(m - 1, ke)
        for j in stride(from: m - 2, through: 0, by: -1) {
            let e = exp(-0.25 * d * v[j + 1])
            v[j] = (v[j] * e + 0.5 * d * force(j, ke)) * e
        }
        for j in 0..<m { barostatChainPositions[j] += d * v[j] }
        let a = exp(-d * v[0])
        for c in comps { omegaDot[c] *= a }
        ke = kinetic()
        for j in 0..<(m - 1) {
            let e = exp(-0.25 * d * v[j + 1])
            v[j] = (v[j] * e + 0.5 * d * force(j, ke)) * e
        }
        v[m - 1] += 0.5 * d * force(m - 1, ke)
        barostatChainVelocities = v
    }

    /// KE + PE + the chains' energies + Σ ½Wω̇² + P₀(V − V₀) (eV in metal).
    public func conservedEnergy(_ s: System, potentialEnergy: Double) -> Double {
        var e = thermostat.conservedEnergy(s, potentialEnergy: potentialEnergy)
        let w = barostatMass(atoms: s.count, units: s.units)
        for c in movingComponents { e += 0.5 * w * omegaDot[c] * omegaDot[c] }
        e += pressure * (s.box.volume - (referenceVolume ?? s.box.volume)) / s.units.nktv2p
        let kt = s.units.boltzmann * thermostat.temperature
        let q = kt * pressureDamping * pressureDamping
        let lkt = coupling == .iso ? kt : Double(movingComponents.count) * kt
        for j in 0..<barostatChainPositions.count {
            let v = barostatChainVelocities[j]
            e += 0.5 * q * v * v + (j == 0 ? lkt : kt) * barostatChainPositions[j]
        }
        return e
    }
}

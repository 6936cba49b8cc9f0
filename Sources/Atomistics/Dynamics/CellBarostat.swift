import Foundation

/// A barostat that rescales the cell once per step and leaves the thermostat to an integrator it
/// wraps (``CellBarostatted``): stochastic cell rescaling or Berendsen's weak coupling.
///
/// The scaling μ is decided at the start of a step from that step's pressure (the virial of the
/// current positions and the current kinetic energy) and applied between the step's drift and its
/// force evaluation (``ForceEvaluator/pendingDeformation``), so the integrator keeps its one force
/// evaluation per step and forces always belong to the positions they act at.
public struct CellBarostat: Sendable, Codable, Equatable {
    /// Which rescaling.
    public enum Method: String, Sendable, Codable, Equatable, CaseIterable {
        /// Stochastic cell rescaling (Bernetti & Bussi, J. Chem. Phys. 153, 114107, 2020): with
        /// ε = ln V (iso) or ε_a = ln L_a (aniso), the Itô step
        /// dε = (β_T/τ_P)(P − P₀)dt + √(2k_BTβ_T dt/(Vτ_P))·ξ (a third of both rates per length
        /// under aniso); positions scale by μ, velocities by μ⁻¹. In V the drift carries
        /// +k_BT/V; in ε = ln V Itô's lemma removes it again (an ideal gas then has
        /// ⟨V⟩ = (N + 1)k_BT/P, which a test checks). Samples NPT with any correct thermostat.
        case stochastic = "c-rescale"
        /// Berendsen: μ_a = [1 − (β_TΔt/τ_P)(P₀ − P_a)]^{1/3}, positions only, as LAMMPS
        /// `fix press/berendsen`. Relaxes the pressure but does not sample NPT (volume
        /// fluctuations are suppressed): for equilibration only.
        case berendsen
    }

    /// Which rescaling.
    public var method: Method
    /// Target pressure P₀ (bar in metal, ε/σ³ in lj).
    public var pressure: Double
    /// Relaxation time τ_P (ps in metal).
    public var relaxationTime: Double
    /// Isothermal compressibility β_T assumed by the coupling (1/bar in metal); only the relaxation
    /// speed depends on it.
    public var compressibility: Double
    /// `iso` or `aniso` (lengths of a LAMMPS restricted cell, each with its own pressure component).
    public var coupling: PressureCoupling
    /// The ensemble's temperature (K in metal), for the noise (c-rescale).
    public var temperature: Double
    /// The noise generator (part of the state).
    public var rng: Xoshiro256StarStar
    /// Energy the barostat put into the system so far (eV in metal): the work of each rescaling
    /// on KE and PE (PE from the virials before and after, trapezoid rule) plus P₀ΔV. Subtracted in the conserved
    /// quantity (GROMACS's `baros_integral`), whose drift then measures the integration error.
    public var barostatEnergy = 0.0

    /// A barostat at `pressure` (bar in metal) with τ_P (ps), β_T (1/bar) and the thermostat's
    /// temperature (K).
    ///
    /// - Throws: `AtomisticsError.invalidParameter` for a non-positive τ_P or β_T, a non-finite
    ///   pressure, or `tri` coupling (c-rescale and Berendsen move lengths only here; use mttk).
    public init(method: Method, pressure: Double, relaxationTime: Double, compressibility: Double,
                coupling: PressureCoupling, temperature: Double, seed: UInt64) throws {
        try checkPositive("barostat tau", relaxationTime, unit: "time")
        try checkPositive("barostat compressibility", compressibility, unit: "inverse pressure")
        guard pressure.isFinite else {
            throw AtomisticsError.invalidParameter(name: "barostat pressure", expected: "a finite pressure", found: "\(pressure)")
        }
        guard coupling != .tri else {
            throw AtomisticsError.invalidParameter(name: "\(method.rawValue) coupling", expected: "\"iso\" or \"aniso\" (the \"mttk\" barostat moves tilts)", found: "\"tri\"")
        }
        self.method = method
        self.pressure = pressure
        self.relaxationTime = relaxationTime
        self.compressibility = compressibility
        self.coupling = coupling
        self.temperature = temperature
        rng = Xoshiro256StarStar(seed: seed)
    }

    /// Checks that the cell can be moved as `coupling` asks.
    ///
    /// - Throws: `AtomisticsError.invalidParameter` for a non-periodic direction or an anisotropic
    ///   barostat on a cell that is not LAMMPS's restricted form.
    public func validate(_ s: System) throws {
        try coupling.requireMovableCell(s, name: "barostat")
    }

    /// The deformation μ (row-major 3×3) for one step of `dt` (ps in metal) from the current
    /// kinetic energy and `virial` (eV in metal; of the current positions). Draws the step's noise.
    public mutating func deformation(_ s: System, virial: [Double], dt: Double) -> [Double] {
        let v = s.box.volume
        let beta = compressibility, tau = relaxationTime
        let kTOverV = s.units.boltzmann * temperature / v * s.units.nktv2p  // bar: the noise's scale
        var factors = [1.0, 1.0, 1.0]
        switch (method, coupling) {
        case (.stochastic, .iso):
            let p = s.pressure(virial: virial)
            let de = beta / tau * (p - pressure) * dt + (2 * kTOverV * beta * dt / tau).squareRoot() * rng.nextNormal()
            let e = exp(de / 3)
            factors = [e, e, e]
        case (.stochastic, _):
            let t = s.pressureTensor(virial: virial)
            for a in 0..<3 {
                let de = beta / (3 * tau) * (t[4 * a] - pressure) * dt
                    + (2 * kTOverV * beta * dt / (3 * tau)).squareRoot() * rng.nextNormal()
                factors[a] = exp(de)
            }
        case (.berendsen, .iso):
            let p = s.pressure(virial: virial)
            let e = Foundation.pow(max(0.5, 1 - beta * dt / tau * (pressure - p)), 1.0 / 3)
            factors = [e, e, e]
        case (.berendsen, _):
            let t = s.pressureTensor(virial: virial)
            for a in 0..<3 { factors[a] = Foundation.pow(max(0.5, 1 - beta * dt / tau * (pressure - t[4 * a])), 1.0 / 3) }
        }
        if coupling == .iso {
            return [factors[0], 0, 0, 0, factors[1], 0, 0, 0, factors[2]]
        }
        // Each lattice vector of the restricted cell scales with its own length: H' = diag(f)·H,
        // μ = H⁻¹·diag(f)·H (diagonal for an orthorhombic cell).
        let h = s.box.vectors
        let scaled = (0..<9).map { h[$0] * factors[$0 / 3] }
        guard let target = try? s.box.withVectors(scaled) else { return [1, 0, 0, 0, 1, 0, 0, 0, 1] }
        return NeighborList.deformation(from: s.box, to: target)
    }

    /// Whether the rescaling also scales velocities (c-rescale does, Berendsen does not).
    public var scalesVelocities: Bool { method == .stochastic }
}

/// A thermostatted integrator with a ``CellBarostat``: NPT by c-rescale with any thermostat, or
/// Berendsen pressure relaxation.
public struct CellBarostatted<Inner: Integrator & Codable & Equatable>: Integrator, Codable, Equatable {
    /// The integrator that moves the particles (and holds the thermostat).
    public var inner: Inner
    /// The barostat.
    public var barostat: CellBarostat

    /// `inner` under `barostat`.
    public init(_ inner: Inner, barostat: CellBarostat) {
        self.inner = inner
        self.barostat = barostat
    }

    /// The inner integrator's timestep (ps in metal).
    public var timestep: Double { inner.timestep }
    /// The inner integrator's degrees of freedom.
    public var degreesOfFreedom: DegreesOfFreedom { inner.degreesOfFreedom }

    /// One step: μ from this step's pressure, the inner step (which applies μ after its drift).
    public mutating func step(_ s: inout System, forces: inout ForceEvaluator) throws {
        try barostat.validate(s)
        let virial = forces.virial
        let mu = barostat.deformation(s, virial: virial, dt: inner.timestep)
        // The generator L = log μ to second order: the cell moves along x·e^{sL}, s ∈ [0, 1].
        var l = [Double](repeating: 0, count: 9)
        for a in 0..<3 { for b in 0..<3 {
            var sq = 0.0
            for c in 0..<3 { sq += (mu[3 * a + c] - (a == c ? 1 : 0)) * (mu[3 * c + b] - (c == b ? 1 : 0)) }
            l[3 * a + b] = mu[3 * a + b] - (a == b ? 1 : 0) - 0.5 * sq
        } }
        let v0 = s.box.volume
        forces.pendingDeformation = (mu, barostat.scalesVelocities)
        try inner.step(&s, forces: &forces)
        // PE change of the rescaling, dU/ds = −Σ L_ab W_ab(s), by the trapezoid rule over the
        // virials before and after (exact for a quadratic energy: no systematic drift from the noise).
        let after = forces.virial
        var dU = 0.0
        for k in 0..<9 { dU -= l[k] * 0.5 * (virial[k] + after[k]) }
        barostat.barostatEnergy += forces.deformationKineticChange + dU + barostat.pressure * (s.box.volume - v0) / s.units.nktv2p
    }

    /// The inner conserved quantity + P₀V − the barostat's work (eV in metal).
    public func conservedEnergy(_ s: System, potentialEnergy: Double) -> Double {
        inner.conservedEnergy(s, potentialEnergy: potentialEnergy) + barostat.pressure * s.box.volume / s.units.nktv2p
            - barostat.barostatEnergy
    }
}

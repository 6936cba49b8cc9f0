import Foundation

/// Velocity Verlet (NVE): B(½Δt) A(Δt) forces B(½Δt). Conserves KE + PE.
public struct VelocityVerlet: Integrator, Codable, Equatable {
    /// Timestep (ps in metal).
    public var timestep: Double
    /// Temperature is reported over 3N − 3 (momentum is conserved).
    public var degreesOfFreedom: DegreesOfFreedom = .momentumRemoved

    /// NVE with timestep `dt` (ps in metal).
    public init(timestep dt: Double) throws {
        try checkPositive("timestep", dt, unit: "time")
        timestep = dt
    }

    /// One step (positions Å, velocities Å/ps, forces eV/Å, time ps).
    public mutating func step(_ s: inout System, forces: inout ForceEvaluator) throws {
        let dt = timestep
        try velocityVerlet(&s, dt, forces: &forces)
    }

    /// KE + PE (eV in metal).
    public func conservedEnergy(_ s: System, potentialEnergy: Double) -> Double {
        s.kineticEnergy + potentialEnergy
    }
}

/// Langevin dynamics, BAOAB splitting (Leimkuhler & Matthews 2013): B A O A forces B.
///
/// Samples the canonical ensemble at `temperature` with friction `friction`; does not conserve
/// momentum, so temperature is counted over 3N. The conserved quantity adds the heat the
/// thermostat took out: KE + PE + Σ(KE before O − KE after O).
public struct Langevin: Integrator, Codable, Equatable {
    /// Timestep (ps in metal).
    public var timestep: Double
    /// Target temperature (K in metal).
    public var temperature: Double
    /// Friction γ (1/ps in metal); 1/γ is the velocity relaxation time.
    public var friction: Double
    /// The noise generator (part of the state: a saved copy continues the same noise).
    public var rng: Xoshiro256StarStar
    /// Energy taken out of the system by the thermostat so far (eV in metal).
    public var thermostatEnergy = 0.0
    /// 3N: Langevin noise does not conserve momentum.
    public var degreesOfFreedom: DegreesOfFreedom = .all

    /// BAOAB with timestep (ps), temperature (K), friction (1/ps) and a noise seed.
    public init(timestep dt: Double, temperature: Double, friction: Double, seed: UInt64) throws {
        try checkPositive("timestep", dt, unit: "time")
        try checkPositive("Langevin friction", friction, unit: "rate (1/time)")
        guard temperature >= 0, temperature.isFinite else {
            throw AtomisticsError.invalidParameter(name: "temperature", expected: "a finite temperature ≥ 0", found: "\(temperature)")
        }
        timestep = dt
        self.temperature = temperature
        self.friction = friction
        rng = Xoshiro256StarStar(seed: seed)
    }

    /// One step.
    public mutating func step(_ s: inout System, forces: inout ForceEvaluator) throws {
        let dt = timestep
        kick(&s, 0.5 * dt)
        drift(&s, 0.5 * dt)
        let before = s.kineticEnergy
        ornsteinUhlenbeck(&s, friction: friction, temperature: temperature, dt, using: &rng)
        thermostatEnergy += before - s.kineticEnergy
        drift(&s, 0.5 * dt)
        tick(&s, dt)
        try forces.evaluate(&s)
        kick(&s, 0.5 * dt)
    }

    /// KE + PE + heat removed (eV in metal).
    public func conservedEnergy(_ s: System, potentialEnergy: Double) -> Double {
        s.kineticEnergy + potentialEnergy + thermostatEnergy
    }
}

/// Canonical sampling through velocity rescaling, CSVR (Bussi, Donadio & Parrinello, J. Chem.
/// Phys. 126, 014101, 2007): the kinetic energy follows the stochastic process of eq. A7 for
/// ½Δt, then velocity Verlet, then ½Δt again. Scaling keeps zero momentum zero, so temperature is
/// counted over 3N − 3. Conserved: KE + PE + energy the thermostat took out.
public struct CSVR: Integrator, Codable, Equatable {
    /// Timestep (ps in metal).
    public var timestep: Double
    /// Target temperature (K in metal).
    public var temperature: Double
    /// Relaxation time τ of the kinetic energy (ps in metal).
    public var relaxationTime: Double
    /// The noise generator.
    public var rng: Xoshiro256StarStar
    /// Energy taken out of the system by the thermostat so far (eV in metal).
    public var thermostatEnergy = 0.0
    /// 3N − 3 by default (the system's momentum must be zero; set `.all` otherwise).
    public var degreesOfFreedom: DegreesOfFreedom = .momentumRemoved

    /// CSVR with timestep (ps), temperature (K), relaxation time τ (ps) and a noise seed.
    public init(timestep dt: Double, temperature: Double, relaxationTime tau: Double, seed: UInt64) throws {
        try checkPositive("timestep", dt, unit: "time")
        try checkPositive("CSVR relaxation time", tau, unit: "time")
        guard temperature >= 0, temperature.isFinite else {
            throw AtomisticsError.invalidParameter(name: "temperature", expected: "a finite temperature ≥ 0", found: "\(temperature)")
        }
        timestep = dt
        self.temperature = temperature
        relaxationTime = tau
        rng = Xoshiro256StarStar(seed: seed)
    }

    /// One step: thermostat ½Δt, velocity Verlet, thermostat ½Δt.
    public mutating func step(_ s: inout System, forces: inout ForceEvaluator) throws {
        let dt = timestep
        rescale(&s, 0.5 * dt)
        try velocityVerlet(&s, dt, forces: &forces)
        rescale(&s, 0.5 * dt)
    }

    /// Bussi's `resamplekin` over `duration` (ps): draws the new kinetic energy and scales
    /// velocities by α = ±√(K′/K).
    mutating func rescale(_ s: inout System, _ duration: Double) {
        let k = s.kineticEnergy
        guard k > 0 else { return }
        let nf = Double(degreesOfFreedom.value(atoms: s.count))
        let target = 0.5 * nf * s.units.boltzmann * temperature  // K̄
        let c = exp(-duration / relaxationTime)
        let r1 = rng.nextNormal()
        let sum = rng.nextChiSquared(degrees: degreesOfFreedom.value(atoms: s.count) - 1)
        let newK = k + (1 - c) * (target * (sum + r1 * r1) / nf - k) + 2 * r1 * (k * target / nf * (1 - c) * c).squareRoot()
        var alpha = (max(0, newK) / k).squareRoot()
        // The sign of α (eq. A8): negative when R₁ < −√(c·N_f·K/((1 − c)K̄)).
        if c < 1, r1 + (c * nf * k / ((1 - c) * target)).squareRoot() < 0 { alpha = -alpha }
        s.scaleVelocities(by: alpha)
        thermostatEnergy -= (alpha * alpha - 1) * k
    }

    /// KE + PE + heat removed (eV in metal).
    public func conservedEnergy(_ s: System, potentialEnergy: Double) -> Double {
        s.kineticEnergy + potentialEnergy + thermostatEnergy
    }
}

/// Nosé–Hoover chain thermostat (Martyna, Klein & Tuckerman 1992), integrated as MTTK 1996: the
/// chain's Liouville operator for ½Δt (Suzuki–Yoshida order-4 weights, `respaSteps` inner loops),
/// velocity Verlet, the chain for ½Δt again. Masses Q₁ = N_f k_B T τ², Q_j = k_B T τ².
///
/// Conserved: KE + PE + Σ ½Q_j v_ξj² + N_f k_B T ξ₁ + k_B T Σ_{j≥2} ξ_j. Temperature over 3N − 3
/// (the system's momentum must be zero).
public struct NoseHooverChain: Integrator, Codable, Equatable {
    /// Suzuki–Yoshida fourth-order weights: w₁ = w₃ = 1/(2 − 2^{1/3}), w₂ = 1 − 2w₁.
    public static let suzukiYoshida4: [Double] = [1.351207191959658, -1.702414383919315, 1.351207191959658]

    /// Timestep (ps in metal).
    public var timestep: Double
    /// Target temperature (K in metal).
    public var temperature: Double
    /// Thermostat period τ (ps in metal), as LAMMPS's `Tdamp`.
    public var relaxationTime: Double
    /// Thermostat positions ξ_j (dimensionless), chain length M.
    public var positions: [Double]
    /// Thermostat velocities v_ξj = p_ξj/Q_j (1/ps in metal).
    public var velocities: [Double]
    /// Inner (RESPA) loops per half step (LAMMPS `tloop`, default 1).
    public var respaSteps = 1
    /// Suzuki–Yoshida weights (order 4 by default; [1] for the plain second-order Trotter step).
    public var weights: [Double] = NoseHooverChain.suzukiYoshida4
    /// 3N − 3 by default.
    public var degreesOfFreedom: DegreesOfFreedom = .momentumRemoved

    /// A chain of `length` (3 by default, as LAMMPS) at temperature (K) with period τ (ps).
    public init(timestep dt: Double, temperature: Double, relaxationTime tau: Double, length: Int = 3) throws {
        try checkPositive("timestep", dt, unit: "time")
        try checkPositive("Nosé–Hoover relaxation time", tau, unit: "time")
        try checkPositive("Nosé–Hoover temperature", temperature, unit: "temperature")
        guard length >= 1 else {
            throw AtomisticsError.invalidParameter(name: "Nosé–Hoover chain length", expected: "≥ 1", found: "\(length)")
        }
        timestep = dt
        self.temperature = temperature
        relaxationTime = tau
        positions = [Double](repeating: 0, count: length)
        velocities = [Double](repeating: 0, count: length)
    }

    /// Q_j (energy·time²: eV·ps² in metal) for N_f degrees of freedom.
    public func masses(dof nf: Double, units: UnitStyle) -> [Double] {
        let kT = units.boltzmann * temperature, t2 = relaxationTime * relaxationTime
        return (0..<positions.count).map { $0 == 0 ? nf * kT * t2 : kT * t2 }
    }

    /// One step: chain ½Δt, velocity Verlet, chain ½Δt.
    public mutating func step(_ s: inout System, forces: inout ForceEvaluator) throws {
        let dt = timestep
        propagateChain(&s, 0.5 * dt)
        try velocityVerlet(&s, dt, forces: &forces)
        propagateChain(&s, 0.5 * dt)
    }

    /// exp(iL_NHC·duration) by Suzuki–Yoshida/Trotter factorisation (MTTK 1996; the same
    /// sequence as LAMMPS's `nhc_temp_integrate` with weights).
    mutating func propagateChain(_ s: inout System, _ duration: Double) {
        let m = positions.count
        let nf = Double(degreesOfFreedom.value(atoms: s.count))
        let kT = s.units.boltzmann * temperature
        let q = masses(dof: nf, units: s.units)
        var twoKE = 2 * s.kineticEnergy
        var scale = 1.0
        var v = velocities
        func force(_ j: Int) -> Double {
            j == 0 ? (twoKE - nf * kT) / q[0] : (q[j - 1] * v[j - 1] * v[j - 1] - kT) / q[j]
        }
        for _ in 0..<respaSteps {
            for w in weights {
                let d = w * duration / Double(respaSteps)
                // Down the chain: the last thermostat, then each one damped by the next.
                v[m - 1] += 0.5 * d * force(m - 1)
                for j in stride(from: m - 2, through: 0, by: -1) {
                    let e = exp(-0.25 * d * v[j + 1])
                    v[j] = (v[j] * e + 0.5 * d * force(j)) * e
                }
                // The particles.
                let a = exp(-d * v[0])
                scale *= a
                twoKE *= a * a
                for j in 0..<m { positions[j] += d * v[j] }
                // Back up the chain.
                for j in 0..<(m - 1) {
                    let e = exp(-0.25 * d * v[j + 1])
                    v[j] = (v[j] * e + 0.5 * d * force(j)) * e
                }
                v[m - 1] += 0.5 * d * force(m - 1)
            }
        }
        velocities = v
        s.scaleVelocities(by: scale)
    }

    /// KE + PE + chain energy (eV in metal).
    public func conservedEnergy(_ s: System, potentialEnergy: Double) -> Double {
        let nf = Double(degreesOfFreedom.value(atoms: s.count))
        let kT = s.units.boltzmann * temperature
        let q = masses(dof: nf, units: s.units)
        var e = s.kineticEnergy + potentialEnergy
        for j in 0..<positions.count {
            e += 0.5 * q[j] * velocities[j] * velocities[j] + (j == 0 ? nf * kT : kT) * positions[j]
        }
        return e
    }
}

/// Berendsen weak coupling: velocity Verlet, then velocities scaled by
/// λ = √(1 + (Δt/τ)(T₀/T − 1)). For equilibration only: it does not sample the canonical ensemble
/// (kinetic-energy fluctuations are suppressed). Conserved: KE + PE + energy removed.
public struct Berendsen: Integrator, Codable, Equatable {
    /// Timestep (ps in metal).
    public var timestep: Double
    /// Target temperature (K in metal).
    public var temperature: Double
    /// Coupling time τ (ps in metal).
    public var relaxationTime: Double
    /// Energy taken out of the system by the thermostat so far (eV in metal).
    public var thermostatEnergy = 0.0
    /// 3N − 3 by default.
    public var degreesOfFreedom: DegreesOfFreedom = .momentumRemoved

    /// Berendsen with timestep (ps), temperature (K) and coupling time τ (ps).
    public init(timestep dt: Double, temperature: Double, relaxationTime tau: Double) throws {
        try checkPositive("timestep", dt, unit: "time")
        try checkPositive("Berendsen relaxation time", tau, unit: "time")
        guard temperature >= 0, temperature.isFinite else {
            throw AtomisticsError.invalidParameter(name: "temperature", expected: "a finite temperature ≥ 0", found: "\(temperature)")
        }
        timestep = dt
        self.temperature = temperature
        relaxationTime = tau
    }

    /// One step.
    public mutating func step(_ s: inout System, forces: inout ForceEvaluator) throws {
        let dt = timestep
        try velocityVerlet(&s, dt, forces: &forces)
        let k = s.kineticEnergy
        let t = s.temperature(dof: degreesOfFreedom)
        if t > 0 {
            let lambda = max(0, 1 + dt / relaxationTime * (temperature / t - 1)).squareRoot()
            s.scaleVelocities(by: lambda)
            thermostatEnergy -= (lambda * lambda - 1) * k
        }
    }

    /// KE + PE + energy removed (eV in metal).
    public func conservedEnergy(_ s: System, potentialEnergy: Double) -> Double {
        s.kineticEnergy + potentialEnergy + thermostatEnergy
    }
}

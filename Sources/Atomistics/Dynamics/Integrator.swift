import Foundation

/// One way of advancing a system in time, with its own conserved quantity.
///
/// `step` expects `system.forces` to hold the forces of the current positions (call
/// `forces.evaluate(&system)` once before the first step) and leaves them current. The clock
/// (`step`, `time`) advances as soon as the positions do, before the force evaluation, so an
/// evaluation that fails names the step whose positions it was given. Integrators are
/// small value types: their whole state (thermostat variables, random generator) is in stored
/// properties, so a saved copy continues bit-identically.
public protocol Integrator: Sendable {
    /// Timestep (ps in metal, τ in lj).
    var timestep: Double { get }
    /// The degrees of freedom its temperature is counted over.
    var degreesOfFreedom: DegreesOfFreedom { get }
    /// Advances positions, velocities, forces, time and step by one timestep.
    mutating func step(_ system: inout System, forces: inout ForceEvaluator) throws
    /// The quantity the exact dynamics conserves (eV in metal): KE + PE plus the thermostat's
    /// energy account.
    func conservedEnergy(_ system: System, potentialEnergy: Double) -> Double
}

// MARK: The pieces every integrator is made of (JAX-MD's habit: small pure-ish steps).

/// B: v ← v + Δt·F/m (velocities Å/ps, Δt ps, F eV/Å, m amu, times ftm2v in metal).
@inlinable
public func kick(_ s: inout System, _ dt: Double) {
    let c = dt * s.units.ftm2v
    let invMass = s.masses.map { c / $0 }
    s.types.withUnsafeBufferPointer { ty in
    s.forces.withUnsafeBufferPointer { f in
    s.velocities.withUnsafeMutableBufferPointer { v in
        for i in 0..<ty.count {
            let a = invMass[ty[i]]
            v[3 * i] += a * f[3 * i]; v[3 * i + 1] += a * f[3 * i + 1]; v[3 * i + 2] += a * f[3 * i + 2]
        }
    }}}
}

/// A: x ← x + Δt·v (positions Å, Δt ps).
@inlinable
public func drift(_ s: inout System, _ dt: Double) {
    s.velocities.withUnsafeBufferPointer { v in
    s.positions.withUnsafeMutableBufferPointer { x in
        for k in 0..<x.count { x[k] += dt * v[k] }
    }}
}

/// O: the exact Ornstein–Uhlenbeck update v ← c₁v + √((1 − c₁²) k_B T/(m·mvv2e))·ξ with
/// c₁ = e^{−γΔt} (γ 1/ps, T K), one normal deviate per component from `rng`, atoms in order.
public func ornsteinUhlenbeck(_ s: inout System, friction gamma: Double, temperature: Double, _ dt: Double,
                              using rng: inout Xoshiro256StarStar) {
    let c1 = exp(-gamma * dt)
    let kT = s.units.boltzmann * temperature
    let sd = s.masses.map { ((1 - c1 * c1) * kT / ($0 * s.units.mvv2e)).squareRoot() }
    for i in 0..<s.count {
        let a = sd[s.types[i]]
        for k in 0..<3 { s.velocities[3 * i + k] = c1 * s.velocities[3 * i + k] + a * rng.nextNormal() }
    }
}

/// Advances the clock by one step of `dt` (ps in metal); integrators call it once the positions
/// have reached the new step, before evaluating forces.
@inlinable
public func tick(_ s: inout System, _ dt: Double) {
    s.step += 1
    s.time += dt
}

/// Checks a timestep and a thermostat parameter.
func checkPositive(_ name: String, _ value: Double, unit: String) throws {
    guard value > 0, value.isFinite else {
        throw AtomisticsError.invalidParameter(name: name, expected: "a positive finite \(unit)", found: "\(value)")
    }
}

/// One velocity-Verlet step of length `dt` (time units): half kick, drift, clock tick, new
/// forces, half kick. The core that VelocityVerlet, CSVR, Nosé–Hoover and Berendsen wrap with
/// their thermostat half-steps.
public func velocityVerlet(_ s: inout System, _ dt: Double, forces: inout ForceEvaluator) throws {
    kick(&s, 0.5 * dt)
    drift(&s, dt)
    tick(&s, dt)
    try forces.evaluate(&s)
    kick(&s, 0.5 * dt)
}

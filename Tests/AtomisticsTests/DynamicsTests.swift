import Foundation
import Testing
@testable import Atomistics

/// Samples of one run: time, KE, PE, conserved quantity, temperature.
struct Trajectory {
    var time: [Double] = []
    var kinetic: [Double] = []
    var potential: [Double] = []
    var conserved: [Double] = []
    var temperature: [Double] = []
}

/// Runs `steps` steps, sampling every `every` steps (and step 0).
func run(_ system: inout System, _ integrator: inout some Integrator, _ forces: inout ForceEvaluator,
         steps: Int, every: Int = 1) throws -> Trajectory {
    var t = Trajectory()
    if forces.evaluationCount == 0 { try forces.evaluate(&system) }
    func sample() {
        t.time.append(system.time)
        t.kinetic.append(system.kineticEnergy)
        t.potential.append(forces.potentialEnergy)
        t.conserved.append(integrator.conservedEnergy(system, potentialEnergy: forces.potentialEnergy))
        t.temperature.append(system.temperature(dof: integrator.degreesOfFreedom))
    }
    sample()
    for k in 1...steps {
        try integrator.step(&system, forces: &forces)
        if k % every == 0 { sample() }
    }
    return t
}

func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(x.count) }
func standardDeviation(_ x: [Double]) -> Double {
    let m = mean(x)
    return (x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count)).squareRoot()
}
/// Least-squares slope of y against x.
func slope(_ x: [Double], _ y: [Double]) -> Double {
    let mx = mean(x), my = mean(y)
    var sxy = 0.0, sxx = 0.0
    for k in x.indices { sxy += (x[k] - mx) * (y[k] - my); sxx += (x[k] - mx) * (x[k] - mx) }
    return sxy / sxx
}

/// An LJ liquid: fcc at ρ 0.8442 (n×n×n cells), velocities at T from `seed`, force-shifted cutoff 2.5.
func ljLiquid(cells: Int = 3, temperature: Double = 1.2, seed: UInt64 = 1) throws -> (System, ForceEvaluator) {
    let a = Lattice.fcc.latticeConstant(density: 0.8442)
    var s = try Lattice.fcc.system(latticeConstant: a, cells: [cells, cells, cells], mass: 1, units: .lj)
    var rng = Xoshiro256StarStar(seed: seed)
    try s.setMaxwellBoltzmannVelocities(temperature: temperature, using: &rng)
    let lj = try LennardJones(epsilon: 1, sigma: 1, cutoff: 2.5, truncation: .forceShifted)
    var f = try ForceEvaluator(potential: lj, units: .lj)
    try f.evaluate(&s)
    return (s, f)
}

/// Integrated autocorrelation time of a series, in samples (Sokal's window, c = 5).
func integratedAutocorrelationTime(_ x: [Double]) -> Double {
    let n = x.count, m = mean(x)
    let d = x.map { $0 - m }
    let c0 = d.reduce(0) { $0 + $1 * $1 } / Double(n)
    guard c0 > 0 else { return 0.5 }
    var tau = 0.5
    for lag in 1..<(n / 2) {
        var c = 0.0
        for k in 0..<(n - lag) { c += d[k] * d[k + lag] }
        tau += c / Double(n - lag) / c0
        if Double(lag) >= 5 * tau { break }
    }
    return Swift.max(0.5, tau)
}

@Suite struct DynamicsTests {
    /// Velocity Verlet on 108 force-shifted LJ atoms: the conserved energy's fluctuation is
    /// ∝ dt² and it does not drift.
    @Test func nveFluctuationScalesAsTimestepSquaredAndDoesNotDrift() throws {
        var (s0, f0) = try ljLiquid(temperature: 1.44, seed: 4)
        var warm = try VelocityVerlet(timestep: 0.005)
        _ = try run(&s0, &warm, &f0, steps: 200, every: 200)
        var sigma = [Double]()
        var drift = 0.0
        for (dt, steps) in [(0.005, 600), (0.0025, 1200)] {
            var s = s0, f = f0
            var vv = try VelocityVerlet(timestep: dt)
            let t = try run(&s, &vv, &f, steps: steps, every: steps / 300)
            sigma.append(standardDeviation(t.conserved))
            if dt == 0.005 { drift = abs(slope(t.time, t.conserved)) / Double(s.count) }
        }
        let ratio = sigma[0] / sigma[1]
        print("NVE LJ (108 atoms, 3 τ): σ(E) dt 0.005 → \(sigma[0]), dt 0.0025 → \(sigma[1]), ratio \(ratio); drift \(drift) ε/τ per atom")
        #expect(ratio > 4 * 0.7 && ratio < 4 * 1.3, "σ ratio \(ratio), expected 4 within 30 %")
        // GROMACS's 0.005 kJ/mol/ps per atom in argon's LJ units (ε = 0.996 kJ/mol, τ = 2.156 ps):
        // 0.0108 ε/τ per atom.
        #expect(drift < 0.0108)
    }

    /// Velocity Verlet in metal units: 32 Cu atoms with a force-shifted Morse potential, 1 ps.
    @Test func nveMetalUnitsDriftWithinTheGromacsBudget() throws {
        var s = try Lattice.fcc.system(latticeConstant: 3.61, cells: [2, 2, 2], mass: Element(symbol: "Cu")!.mass, typeName: "Cu")
        var rng = Xoshiro256StarStar(seed: 7)
        try s.setMaxwellBoltzmannVelocities(temperature: 600, using: &rng)
        // Girifalco & Weizer's Morse parameters for Cu.
        let morse = try Morse(depth: 0.3429, alpha: 1.3588, r0: 2.866, cutoff: 6.0, truncation: .forceShifted)
        var f = try ForceEvaluator(potential: morse, skin: 1.0)
        var vv = try VelocityVerlet(timestep: 0.002)
        let t = try run(&s, &vv, &f, steps: 500, every: 5)
        let drift = abs(slope(t.time, t.conserved)) / Double(s.count)
        print("NVE Morse Cu (32 atoms, 1 ps, dt 2 fs): σ(E) \(standardDeviation(t.conserved)) eV, drift \(drift) eV/ps per atom; T \(mean(t.temperature)) K")
        #expect(drift < 5.18e-5)
        #expect(standardDeviation(t.conserved) < 1e-3 * abs(mean(t.conserved)))
    }

    /// ⟨KE⟩ = N_f k_B T/2 with each thermostat's own N_f, within four standard errors built from
    /// √(2/N_f) and the measured correlation time.
    @Test(arguments: ["Langevin", "CSVR", "Nosé–Hoover chain"])
    func thermostatSamplesTheTargetKineticEnergy(_ name: String) throws {
        var (s, f) = try ljLiquid(temperature: 1.0, seed: 5)
        let target = 1.0, dt = 0.005
        let steps = 2500, equilibration = 500
        let t: Trajectory, nf: Int
        switch name {
        case "Langevin":
            var i = try Langevin(timestep: dt, temperature: target, friction: 2, seed: 11)
            _ = try run(&s, &i, &f, steps: equilibration, every: equilibration)
            t = try run(&s, &i, &f, steps: steps)
            nf = i.degreesOfFreedom.value(atoms: s.count)
            #expect(nf == 3 * s.count)
        case "CSVR":
            var i = try CSVR(timestep: dt, temperature: target, relaxationTime: 0.1, seed: 12)
            _ = try run(&s, &i, &f, steps: equilibration, every: equilibration)
            t = try run(&s, &i, &f, steps: steps)
            nf = i.degreesOfFreedom.value(atoms: s.count)
            #expect(nf == 3 * s.count - 3)
        default:
            var i = try NoseHooverChain(timestep: dt, temperature: target, relaxationTime: 0.5)
            _ = try run(&s, &i, &f, steps: equilibration, every: equilibration)
            t = try run(&s, &i, &f, steps: steps)
            nf = i.degreesOfFreedom.value(atoms: s.count)
            #expect(nf == 3 * s.count - 3)
        }
        let expected = 0.5 * Double(nf) * target
        let ratio = mean(t.kinetic) / expected
        let tau = integratedAutocorrelationTime(t.kinetic)
        let standardError = (2 / Double(nf)).squareRoot() * (2 * tau / Double(t.kinetic.count)).squareRoot()
        let relativeSpread = standardDeviation(t.kinetic) / mean(t.kinetic)
        let conservedDrift = abs(slope(t.time, t.conserved)) / Double(s.count)
        print("\(name): ⟨KE⟩/(N_f kT/2) = \(ratio) (N_f \(nf), τ_int \(tau) steps, 4σ = \(4 * standardError)); σ_K/⟨K⟩ = \(relativeSpread) vs √(2/N_f) = \((2 / Double(nf)).squareRoot()); conserved drift \(conservedDrift) ε/τ per atom")
        #expect(abs(ratio - 1) < 4 * standardError)
        // Canonical kinetic-energy fluctuations (Gamma(N_f/2, kT)): σ_K/⟨K⟩ = √(2/N_f), loosely.
        #expect(abs(relativeSpread / (2 / Double(nf)).squareRoot() - 1) < 0.3)
        #expect(conservedDrift < 0.0108)
    }

    /// Berendsen reaches the target but suppresses kinetic-energy fluctuations: not canonical.
    @Test func berendsenIsForEquilibrationOnly() throws {
        var (s, f) = try ljLiquid(temperature: 1.0, seed: 6)
        var b = try Berendsen(timestep: 0.005, temperature: 1.0, relaxationTime: 0.05)
        _ = try run(&s, &b, &f, steps: 300, every: 300)
        let t = try run(&s, &b, &f, steps: 600)
        let nf = Double(b.degreesOfFreedom.value(atoms: s.count))
        let spread = standardDeviation(t.kinetic) / mean(t.kinetic) / (2 / nf).squareRoot()
        print("Berendsen: ⟨T⟩ \(mean(t.temperature)), σ_K/⟨K⟩ / √(2/N_f) = \(spread)")
        #expect(abs(mean(t.temperature) - 1) < 0.05)
        #expect(spread < 0.5)
    }

    /// Same seed, same trajectory; and a run saved half-way (state encoded and decoded) continues
    /// bit-identically.
    @Test func sameSeedSameTrajectoryAndRestartIsBitIdentical() throws {
        func fresh() throws -> (System, ForceEvaluator, Langevin) {
            let (s, f) = try ljLiquid(temperature: 1.0, seed: 8)
            return (s, f, try Langevin(timestep: 0.005, temperature: 1.0, friction: 1, seed: 99))
        }
        var (a, fa, ia) = try fresh()
        var (b, fb, ib) = try fresh()
        _ = try run(&a, &ia, &fa, steps: 120, every: 120)
        _ = try run(&b, &ib, &fb, steps: 60, every: 60)
        // Checkpoint: system, integrator (with its generator) and neighbor list, through JSON.
        let encoder = JSONEncoder(), decoder = JSONDecoder()
        let saved = try (encoder.encode(b), encoder.encode(ib), encoder.encode(fb.neighbors))
        var c = try decoder.decode(System.self, from: saved.0)
        var ic = try decoder.decode(Langevin.self, from: saved.1)
        var fc = try ForceEvaluator(potential: fb.potential, neighbors: decoder.decode(NeighborList.self, from: saved.2))
        try fc.evaluate(&c, updateNeighbors: false)
        #expect(c.forces == b.forces)
        _ = try run(&c, &ic, &fc, steps: 60, every: 60)
        #expect(c.positions == a.positions)
        #expect(c.velocities == a.velocities)
        #expect(c.step == 120)
        #expect(ic == ia)
        // A different seed gives a different trajectory.
        var (d, fd, _) = try fresh()
        var id = try Langevin(timestep: 0.005, temperature: 1.0, friction: 1, seed: 100)
        _ = try run(&d, &id, &fd, steps: 10, every: 10)
        var (e, fe, ie) = try fresh()
        _ = try run(&e, &ie, &fe, steps: 10, every: 10)
        #expect(d.positions != e.positions)
    }

    @Test func maxwellBoltzmannVelocities() throws {
        var s = try Lattice.fcc.system(latticeConstant: 3.61, cells: [3, 3, 3], mass: 63.546)
        var rng = Xoshiro256StarStar(seed: 1)
        try s.setMaxwellBoltzmannVelocities(temperature: 300, using: &rng)
        expectClose(s.temperature(), 300, rtol: 1e-13)
        #expect(s.totalMomentum.allSatisfy { abs($0) < 1e-10 })
        // KE = (3N − 3)k_B T/2 in eV.
        expectClose(s.kineticEnergy, Double(3 * s.count - 3) * 8.617343e-5 * 300 / 2, rtol: 1e-13)
        // Same seed, same velocities.
        var t = s
        var rng2 = Xoshiro256StarStar(seed: 1)
        try t.setMaxwellBoltzmannVelocities(temperature: 300, using: &rng2)
        #expect(t.velocities == s.velocities)
        #expect(throws: AtomisticsError.self) { try t.setMaxwellBoltzmannVelocities(temperature: -1, using: &rng2) }
    }

    @Test func invalidSystemsAreTypedErrors() throws {
        let box = try Box(lengths: [5, 5, 5])
        #expect(throws: AtomisticsError.nonPositiveMass(type: 0, found: 0)) {
            try System(positions: [0, 0, 0], types: [0], masses: [0], box: box)
        }
        #expect(throws: AtomisticsError.typeOutOfRange(atom: 1, type: 1, typeCount: 1)) {
            try System(positions: [0, 0, 0, 1, 1, 1], types: [0, 1], masses: [1], box: box)
        }
        #expect(throws: AtomisticsError.countMismatch(what: "positions (3 per atom, 2 atoms)", expected: 6, found: 5)) {
            try System(positions: [0, 0, 0, 1, 1], types: [0, 0], masses: [1], box: box)
        }
        #expect(throws: AtomisticsError.self) { try VelocityVerlet(timestep: -0.001) }
        #expect(throws: AtomisticsError.self) { try Langevin(timestep: 0.001, temperature: 300, friction: 0, seed: 1) }
        // Atoms on top of each other stop the first force evaluation.
        var s = try System(positions: [1, 1, 1, 1, 1, 1], types: [0, 0], masses: [1], box: box)
        var f = try ForceEvaluator(potential: LennardJones(epsilon: 1, sigma: 1, cutoff: 2.5), units: .lj)
        #expect(throws: AtomisticsError.overlappingAtoms(i: 0, j: 1, distance: 0, minimum: 1e-3)) { try f.evaluate(&s) }
    }

    /// A potential that breaks down at a given step: NaN force on one atom, or NaN energy.
    struct BreaksAt: Potential {
        var step: Int
        var atom: Int?
        var cutoff: Double { 1 }
        var needsFullNeighborList: Bool { false }
        func compute(_ system: System, neighbors: NeighborList, into result: inout ForceResult) throws {
            result.reset(atomCount: system.count)
            guard system.step >= step else { return }
            if let atom { result.forces[3 * atom + 1] = .nan } else { result.energy = .infinity }
        }
    }

    @Test func aBrokenEvaluationStopsTheRunNamingTheStep() throws {
        for atom in [2, nil] as [Int?] {
            var s = try randomSystem(5, box: Box(lengths: [6, 6, 6]), seed: 4, minimumSeparation: 1)
            var f = try ForceEvaluator(potential: BreaksAt(step: 6, atom: atom), skin: 0.5)
            try f.evaluate(&s)
            var vv = try VelocityVerlet(timestep: 0.001)
            var thrown: Error?
            do { for _ in 0..<10 { try vv.step(&s, forces: &f) } } catch { thrown = error }
            #expect(thrown as? AtomisticsError == .unstable(step: 6, atom: atom))
            #expect(String(describing: thrown!).hasPrefix("step 6: "))
        }
    }

    /// FIRE relaxes a perturbed 13-atom LJ cluster to the icosahedral minimum −44.326801 ε
    /// (Wales & Doye 1997).
    @Test func fireFindsTheLJ13Minimum() throws {
        let phi = (1 + 5.0.squareRoot()) / 2
        var x: [Double] = [0, 0, 0]
        for (a, b) in [(1.0, phi), (-1.0, phi), (1.0, -phi), (-1.0, -phi)] {
            x += [0, a, b]; x += [a, b, 0]; x += [b, 0, a]
        }
        // Scale to the nearest-neighbour distance ≈ 1.1 σ and perturb.
        let scale = 1.1 / 2.0
        var rng = Xoshiro256StarStar(seed: 3)
        x = x.map { $0 * scale + 0.08 * (rng.nextUniform() - 0.5) }
        let box = try Box(lengths: [20, 20, 20], periodic: [false, false, false])
        var s = try System(positions: x.map { $0 + 10 }, types: [Int](repeating: 0, count: 13), masses: [1], box: box, units: .lj)
        var f = try ForceEvaluator(potential: LennardJones(epsilon: 1, sigma: 1, cutoff: 15), units: .lj)
        let fire = try FIRE(forceTolerance: 1e-6, maxSteps: 5000, units: .lj)
        let r = try fire.minimize(&s, forces: &f)
        print("FIRE LJ13: \(r.steps) steps, E = \(r.energy), max |F| = \(r.maxForce)")
        #expect(r.converged)
        expectClose(r.energy, -44.326801, atol: 5e-7)
    }
}

import Foundation
import Testing
@testable import Atomistics

/// No interaction at all: an ideal gas, whose isothermal–isobaric volume distribution is known,
/// ρ(V) ∝ V^N e^{−PV/k_BT}, so ⟨V⟩ = (N + 1) k_BT/P.
private struct NoInteraction: Potential {
    var cutoff: Double { 0.1 }
    var needsFullNeighborList: Bool { false }
    func compute(_ system: System, neighbors: NeighborList, into result: inout ForceResult) throws {
        result.reset(atomCount: system.count)
    }
}

@Suite struct BarostatTests {
    @Test func deformingTheCellKeepsFractionalCoordinatesAndScalesMomenta() throws {
        var s = try PotentialTests.liquid()
        var rng = Xoshiro256StarStar(seed: 3)
        try s.setMaxwellBoltzmannVelocities(temperature: 1, using: &rng)
        let before = s
        let mu = [1.02, 0.01, 0, 0, 0.97, 0, 0, 0, 1.01]
        try s.deformCell(by: mu)
        expectClose(s.box.fractional(fromCartesian: s.positions), before.box.fractional(fromCartesian: before.positions), rtol: 1e-12, atol: 1e-12)
        expectClose(s.box.volume, before.box.volume * 1.02 * 0.97 * 1.01, rtol: 1e-12)
        // p·x is invariant under x → xμ, p → pμ⁻ᵀ: Σ v·x unchanged.
        let dot = { (t: System) in zip(t.velocities, t.positions).reduce(0) { $0 + $1.0 * $1.1 } }
        expectClose(dot(s), dot(before), rtol: 1e-12)
    }

    @Test func theNeighborListFollowsADeformedCell() throws {
        var s = try PotentialTests.liquid()
        let lj = try PotentialTests.twoTypeLJ(.plain)
        var f = try ForceEvaluator(potential: lj, skin: 0.4, units: .lj)
        try f.evaluate(&s)
        let builds = f.neighbors.buildCount
        // A small shear + compression: the list follows without a rebuild, the energy equals a
        // fresh list's.
        try s.deformCell(by: [0.995, 0.002, 0, 0, 0.998, 0, 0.001, 0, 1.003])
        try f.evaluate(&s)
        #expect(f.neighbors.buildCount == builds)
        var fresh = try ForceEvaluator(potential: lj, skin: 0.4, units: .lj)
        var t = s
        try fresh.evaluate(&t)
        expectClose(f.potentialEnergy, fresh.potentialEnergy, rtol: 1e-12)
        expectClose(s.forces, t.forces, rtol: 1e-10, atol: 1e-12)
        expectClose(f.virial, fresh.virial, rtol: 1e-10, atol: 1e-12)
        // A strain larger than the skin allows forces a rebuild.
        try s.deformCell(by: [0.9, 0, 0, 0, 0.9, 0, 0, 0, 0.9])
        try f.evaluate(&s)
        #expect(f.neighbors.buildCount == builds + 1)
    }

    /// FIRE with `tri` cell relaxation undoes a shear of an LJ fcc crystal: the stress vanishes and
    /// the energy equals the `iso`-relaxed unsheared crystal's.
    @Test func triCellRelaxationRemovesAShear() throws {
        let lj = try LennardJones(epsilon: 1, sigma: 1, cutoff: 2.5, truncation: .forceShifted)
        func relaxed(_ coupling: PressureCoupling, shear: Double) throws -> (System, ForceEvaluator) {
            var s = try Lattice.fcc.system(latticeConstant: 1.56, cells: [3, 3, 3], mass: 1, units: .lj)
            try s.deformCell(by: [1, 0, 0, shear, 1, 0, 0, 0, 1], scalingVelocities: false)
            var f = try ForceEvaluator(potential: lj, units: .lj)
            var fire = try FIRE(forceTolerance: 1e-7, maxSteps: 5000, units: .lj)
            fire.cellRelaxation = CellRelaxation(coupling: coupling)
            let r = try fire.minimize(&s, forces: &f)
            #expect(r.converged)
            return (s, f)
        }
        let (sheared, f) = try relaxed(.tri, shear: 0.08)
        let p = sheared.pressureTensor(virial: f.virial)
        for k in [0, 1, 2, 4, 5, 8] { #expect(abs(p[k]) < 1e-4, "P[\(k)] = \(p[k])") }
        #expect(sheared.box.isLAMMPSRestricted)
        let (cubic, g) = try relaxed(.iso, shear: 0)
        expectClose(f.potentialEnergy, g.potentialEnergy, rtol: 1e-7)
        expectClose(sheared.box.volume, cubic.box.volume, rtol: 1e-5)
    }

    /// An LJ liquid at T* = 1.0 under a barostat: conserved-quantity drift per atom and per τ,
    /// and the mean pressure after equilibration.
    func run<I: Integrator>(_ make: (Double) throws -> I, steps: Int, dt: Double = 0.004) throws -> (drift: Double, pressure: Double, volumes: [Double]) {
        var (s, f) = try ljLiquid(cells: 3, temperature: 1.0, seed: 5)
        s.zeroTotalMomentum()
        var integrator = try make(dt)
        var conserved = [Double](), times = [Double](), pressures = [Double](), volumes = [Double]()
        for k in 0..<steps {
            try integrator.step(&s, forces: &f)
            if k % 10 == 0 {
                conserved.append(integrator.conservedEnergy(s, potentialEnergy: f.potentialEnergy) / Double(s.count))
                times.append(s.time)
                if k >= steps / 4 { pressures.append(s.pressure(virial: f.virial)); volumes.append(s.box.volume) }
            }
        }
        return (slope(times, conserved), mean(pressures), volumes)
    }

    @Test(arguments: [PressureCoupling.iso, .aniso, .tri])
    func mttkConservesItsEnergyAndHoldsThePressure(_ coupling: PressureCoupling) throws {
        let r = try run({ dt in (try MTTK(timestep: dt, temperature: 1.0, temperatureDamping: 0.4, pressure: 2.0,
                                                 pressureDamping: 2.0, coupling: coupling)) }, steps: 6000)
        #expect(abs(r.drift) < 2e-4, "MTTK \(coupling) drift \(r.drift) ε/atom/τ")
        #expect(abs(r.pressure - 2.0) < 0.35, "MTTK \(coupling) mean pressure \(r.pressure)")
        #expect(Set(r.volumes).count > 100)
    }

    @Test(arguments: [PressureCoupling.iso, .aniso])
    func cRescaleEffectiveEnergyAndPressure(_ coupling: PressureCoupling) throws {
        let r = try run({ dt in
            let b = try CellBarostat(method: .stochastic, pressure: 2.0, relaxationTime: 0.5, compressibility: 0.05,
                                     coupling: coupling, temperature: 1.0, seed: 9)
            return CellBarostatted(try CSVR(timestep: dt, temperature: 1.0, relaxationTime: 0.2, seed: 4), barostat: b)
        }, steps: 6000)
        #expect(abs(r.drift) < 2e-4, "c-rescale \(coupling) effective-energy drift \(r.drift) ε/atom/τ")
        #expect(abs(r.pressure - 2.0) < 0.35, "c-rescale \(coupling) mean pressure \(r.pressure)")
    }

    @Test func berendsenRelaxesThePressureWithoutNoise() throws {
        let r = try run({ dt in
            let b = try CellBarostat(method: .berendsen, pressure: 2.0, relaxationTime: 0.5, compressibility: 0.05,
                                     coupling: .iso, temperature: 1.0, seed: 9)
            return CellBarostatted(try CSVR(timestep: dt, temperature: 1.0, relaxationTime: 0.2, seed: 4), barostat: b)
        }, steps: 4000)
        #expect(abs(r.pressure - 2.0) < 0.3, "Berendsen mean pressure \(r.pressure)")
    }

    /// The ensemble itself: an ideal gas of N = 6 atoms, where ⟨V⟩ = (N + 1)k_BT/P (not N k_BT/P),
    /// the distinction that the k_BT/V term of c-rescale and MTK's 1/N_f terms exist for.
    @Test(arguments: ["c-rescale", "mttk"])
    func idealGasVolumeIsTheIsobaricOne(_ method: String) throws {
        let n = 6, kT = 1.0, p = 0.5
        let box = try Box(lengths: [3, 3, 3])
        var s = try randomSystem(n, box: box, seed: 17)
        var rng = Xoshiro256StarStar(seed: 18)
        try s.setMaxwellBoltzmannVelocities(temperature: kT, using: &rng)
        var f = try ForceEvaluator(potential: NoInteraction(), skin: 0, units: .lj)
        f.neighbors.minimumDistance = 0
        try f.evaluate(&s)
        let dt = 0.01
        var integrator: StageIntegratorForTests
        if method == "mttk" {
            var m = try MTTK(timestep: dt, temperature: kT, temperatureDamping: 0.1, pressure: p, pressureDamping: 0.5)
            m.thermostat.degreesOfFreedom = .all
            integrator = .mttk(m)
        } else {
            let b = try CellBarostat(method: .stochastic, pressure: p, relaxationTime: 0.5, compressibility: 0.2,
                                     coupling: .iso, temperature: kT, seed: 19)
            integrator = .cRescale(CellBarostatted(try Langevin(timestep: dt, temperature: kT, friction: 5, seed: 20), barostat: b))
        }
        var sum = 0.0, count = 0.0
        for k in 0..<100_000 {
            try integrator.step(&s, forces: &f)
            if k >= 5000 { sum += s.box.volume; count += 1 }
        }
        let expected = Double(n + 1) * kT / p
        #expect(abs(sum / count - expected) < 0.05 * expected, "\(method): ⟨V⟩ = \(sum / count), isobaric ideal gas \(expected), N k_BT/P = \(Double(n) * kT / p)")
    }
}

/// The two barostatted integrators of the ideal-gas test, without SymmdDeck's StageIntegrator.
private enum StageIntegratorForTests {
    case mttk(MTTK)
    case cRescale(CellBarostatted<Langevin>)
    mutating func step(_ s: inout System, forces: inout ForceEvaluator) throws {
        switch self {
        case .mttk(var i): try i.step(&s, forces: &forces); self = .mttk(i)
        case .cRescale(var i): try i.step(&s, forces: &forces); self = .cRescale(i)
        }
    }
}

import Atomistics
import NNCore
import Testing
@testable import NeuralPotentials

/// Conservation and smoothness: energy and forces continuous as a neighbor crosses r_c, forces
/// equal to finite differences across the crossing, NVE energy conservation with dt² scaling.
@Suite struct SmoothnessTests {
    /// A probe atom moved along a line through the cutoff sphere of a small open cluster.
    @Test(arguments: DescriptorKind.allCases)
    func energyAndForcesContinuousAcrossTheCutoff(_ kind: DescriptorKind) throws {
        var sys = try NPFixtures.structure(seed: 41, n: 6, box: "cubic", length: 5, periodic: false)
        let model = try NPFixtures.model(kind: kind, seed: 12, calibration: sys)
        let pot = DeepPotential(model: model)
        let rc = model.spec.descriptor.rcut
        // Put atom 5 at distance r from atom 0 along a fixed direction, away from the others.
        let dir = [0.48, 0.6, 0.64]
        let norm = (dir.reduce(0) { $0 + $1 * $1 }).squareRoot()
        func place(_ r: Double) {
            for a in 0..<3 { sys.positions[15 + a] = sys.positions[a] + dir[a] / norm * r }
        }
        func eval(_ r: Double) throws -> ForceResult { place(r); return try pot.evaluate(sys) }
        // Approaching r_c from inside, the probe's effect vanishes as (r_c − r)³ in the energy and
        // (r_c − r)² in the forces (w ≈ 10(1 − u)³): halving the distance divides by ≈ 8 and ≈ 4.
        // A jump at r_c would make these ratios tend to 1.
        let outsideRef = try eval(rc + 1e-3)
        var dE: [Double] = [], dF: [Double] = []
        for delta in [4e-2, 2e-2, 1e-2, 5e-3] {
            let e = try eval(rc - delta)
            dE.append(abs(e.energy - outsideRef.energy))
            dF.append(NPFixtures.maxAbsDiff(e.forces, outsideRef.forces))
        }
        for k in 1..<dE.count {
            #expect(abs(dE[k - 1] / dE[k] - 8) < 8 * 0.3, "energy ratios \(zip(dE, dE.dropFirst()).map { $0 / $1 })")
            #expect(abs(dF[k - 1] / dF[k] - 4) < 4 * 0.3, "force ratios \(zip(dF, dF.dropFirst()).map { $0 / $1 })")
        }
        // Exactly at and beyond r_c the probe contributes nothing to atom 0's environment.
        let outside = try eval(rc + 1e-9), inside = try eval(rc - 1e-9)
        #expect(abs(outside.energy - inside.energy) < 1e-14 * max(1, abs(outside.energy)))
        // Forces equal central differences of E for positions straddling r_c.
        for r0 in [rc - 2e-4, rc - 1e-6, rc + 1e-6] {
            place(r0)
            let f = try pot.evaluate(sys).forces
            var worst = 0.0
            for a in 15..<18 {
                let x0 = sys.positions[a]
                let d = 1e-6
                sys.positions[a] = x0 + d
                let ep = try pot.evaluate(sys).energy
                sys.positions[a] = x0 - d
                let em = try pot.evaluate(sys).energy
                sys.positions[a] = x0
                worst = max(worst, abs(-(ep - em) / (2 * d) - f[a]))
            }
            #expect(worst < 1e-8, "r = \(r0): |F − FD| = \(worst)")
        }
    }

    /// NVE with a random se_e2_a model on 32 Cu atoms: the conserved energy's fluctuation scales
    /// as dt² (ratio 4 ± 30 % when dt halves) and does not drift.
    @Test func nveConservesEnergyWithTimestepSquaredScaling() throws {
        var s0 = try Lattice.fcc.system(latticeConstant: 3.61, cells: [2, 2, 2], mass: 63.546, typeName: "Cu")
        var rng = Xoshiro256StarStar(seed: 3)
        for k in 0..<s0.positions.count { s0.positions[k] += 0.05 * rng.nextNormal() }
        try s0.setMaxwellBoltzmannVelocities(temperature: 600, using: &rng)
        let model = try NPFixtures.model(seed: 21, rcut: 4.0, rcutSmooth: 3.0, sel: 60, calibration: s0)
        // Make forces copper-sized (~0.5 eV/Å): scale the fitting output layer.
        let last = model.fittings[0].layers.last!
        last.weight.value = last.weight.value * 3000
        let pot = DeepPotential(model: model)
        var sigma: [Double] = []
        var maxDrift = 0.0
        for dt in [0.002, 0.001] {
            var s = s0
            var f = try ForceEvaluator(potential: pot, skin: 0.5)
            try f.evaluate(&s)
            var vv = try VelocityVerlet(timestep: dt)
            let steps = Int((0.1 / dt).rounded())
            var e: [Double] = []
            for _ in 0..<steps {
                try vv.step(&s, forces: &f)
                e.append(s.kineticEnergy + f.potentialEnergy)
            }
            let m = e.reduce(0, +) / Double(e.count)
            sigma.append((e.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(e.count)).squareRoot())
            let half = e.count / 2
            let first = e[..<half].reduce(0, +) / Double(half), second = e[half...].reduce(0, +) / Double(e.count - half)
            maxDrift = max(maxDrift, abs(second - first))
            #expect(NPFixtures.maxAbs(s.forces) > 0.2, "forces too small for a meaningful NVE test")
        }
        let ratio = sigma[0] / sigma[1]
        print("NVE deep potential (32 Cu, 0.1 ps): σ(E) dt 2 fs → \(sigma[0]) eV, 1 fs → \(sigma[1]) eV, ratio \(ratio), drift \(maxDrift) eV")
        #expect(ratio > 4 * 0.7 && ratio < 4 * 1.3)
        #expect(maxDrift < 3 * sigma[0] + 1e-6)
    }
}

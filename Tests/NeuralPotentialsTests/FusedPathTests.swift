import Atomistics
import NNCore
import Testing
@testable import NeuralPotentials

/// The fused (hand-written) inference path against the autodiff path, and forces against
/// finite differences of the energy.
@Suite struct FusedPathTests {
    static let cases: [(DescriptorKind, [String], Bool, String)] = [
        (.seE2A, ["Cu"], true, "cubic"), (.seE2A, ["Cu", "Au"], true, "triclinic"),
        (.seE2A, ["Cu", "Au"], false, "left"), (.seE2R, ["Cu"], true, "triclinic"),
        (.seE2R, ["Cu", "Au"], false, "cubic"),
    ]

    @Test(arguments: 0..<5)
    func fusedEqualsAutodiff(_ k: Int) throws {
        let (kind, species, oneSide, box) = Self.cases[k]
        let sys = try NPFixtures.structure(seed: UInt64(10 + k), n: 14, species: species, box: box, length: 6.5)
        let model = try NPFixtures.model(kind: kind, species: species, typeOneSide: oneSide, seed: UInt64(k + 1),
                                         calibration: sys)
        let env = try NPFixtures.environments(sys, model)
        let graph = model.evaluateGraph(env)
        let fused = model.evaluateFused(env)
        let e = graph.energy.scalar
        #expect(abs(fused.energy - e) <= 1e-10 * abs(e))
        let fScale = NPFixtures.maxAbs(graph.forces.scalars)
        #expect(fScale > 1e-6, "forces should not vanish")
        #expect(NPFixtures.maxAbsDiff(fused.forces, graph.forces.scalars) <= 1e-10 * fScale)
        let vScale = NPFixtures.maxAbs(graph.virial.scalars)
        #expect(NPFixtures.maxAbsDiff(fused.virial, graph.virial.scalars) <= 1e-10 * vScale)
        #expect(NPFixtures.maxAbsDiff(fused.atomEnergies, graph.atomEnergies.scalars) <= 1e-10 * abs(e))
        // Two threads give the same numbers to rounding.
        let fused2 = model.evaluateFused(env, threads: 2)
        #expect(NPFixtures.maxAbsDiff(fused.forces, fused2.forces) <= 1e-12 * fScale)
    }

    @Test(arguments: 0..<5)
    func forcesAreMinusEnergyGradient(_ k: Int) throws {
        let (kind, species, oneSide, box) = Self.cases[k]
        var sys = try NPFixtures.structure(seed: UInt64(20 + k), n: 10, species: species, box: box, length: 6.0)
        let model = try NPFixtures.model(kind: kind, species: species, typeOneSide: oneSide, seed: UInt64(k + 7),
                                         calibration: sys)
        func energy(_ s: System) throws -> Double { model.evaluateFused(try NPFixtures.environments(s, model)).energy }
        let f = model.evaluateFused(try NPFixtures.environments(sys, model)).forces
        let h = 1e-5
        var worst = 0.0
        for a in 0..<sys.positions.count {
            let x0 = sys.positions[a]
            sys.positions[a] = x0 + h
            let ep = try energy(sys)
            sys.positions[a] = x0 - h
            let em = try energy(sys)
            sys.positions[a] = x0
            worst = max(worst, abs(-(ep - em) / (2 * h) - f[a]))
        }
        #expect(worst <= 1e-6 * max(1, NPFixtures.maxAbs(f)), "max |F − FD| = \(worst)")
    }
}

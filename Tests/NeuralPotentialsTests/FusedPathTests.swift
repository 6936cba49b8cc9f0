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

    @Test func virialIsStrainDerivative() throws {
        // W = −∂E/∂ε (homogeneous strain of cell and positions): checks the virial's sign and layout.
        let sys = try NPFixtures.structure(seed: 31, n: 12, species: ["Cu", "Au"], box: "triclinic", length: 6.2)
        let model = try NPFixtures.model(species: ["Cu", "Au"], seed: 5, calibration: sys)
        let w = model.evaluateFused(try NPFixtures.environments(sys, model)).virial
        let h = 1e-6
        func strained(_ a: Int, _ b: Int, _ e: Double) throws -> Double {
            var m = [1.0, 0, 0, 0, 1, 0, 0, 0, 1]
            m[3 * a + b] += e
            func apply(_ v: [Double]) -> [Double] {
                stride(from: 0, to: v.count, by: 3).flatMap { k in
                    (0..<3).map { r in (0..<3).reduce(0.0) { $0 + m[3 * r + $1] * v[k + $1] } }
                }
            }
            var s = sys
            s.box = try Box(vectors: apply(sys.box.vectors))
            s.positions = apply(sys.positions)
            return model.evaluateFused(try NPFixtures.environments(s, model)).energy
        }
        for a in 0..<3 {
            for b in 0..<3 {
                let d = -(try strained(a, b, h) - strained(a, b, -h)) / (2 * h)
                #expect(abs(d - w[3 * a + b]) <= 1e-6 * max(1, NPFixtures.maxAbs(w)), "W[\(a)\(b)] \(w[3 * a + b]) vs \(d)")
            }
        }
    }
}

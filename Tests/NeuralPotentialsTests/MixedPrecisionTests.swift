import Atomistics
import Testing
@testable import NeuralPotentials

/// Mixed and float32 precision on the fused path: float32 nets inside float64 geometry and sums
/// (mixed), and float32 rows and their derivatives too (float32). The results must differ from
/// float64 (the float32 path is really taken) by no more than float32 rounding, exact and
/// compressed, and keep the symmetries to that level.
@Suite struct MixedPrecisionTests {
    static func pair(compressed: Bool, species: [String] = ["Cu"], precision: NetworkPrecision = .mixed) throws
        -> (FusedEvaluation, FusedEvaluation) {
        let s = try NPFixtures.structure(seed: 31, n: 24, species: species, box: "triclinic", length: 8.0)
        let m = try NPFixtures.model(species: species, seed: 5, calibration: s)
        if compressed { m.compress(stride: 0.01) }
        let env = try NPFixtures.environments(s, m)
        let double = m.evaluateFused(env, precision: .float64)
        let reduced = m.evaluateFused(env, precision: precision)
        return (double, reduced)
    }

    @Test(arguments: [false, true], [NetworkPrecision.mixed, .float32])
    func reducedPrecisionDiffersFromFloat64ByFloat32Rounding(_ compressed: Bool, _ precision: NetworkPrecision) throws {
        for species in [["Cu"], ["Cu", "Au"]] {
            let (d, m) = try Self.pair(compressed: compressed, species: species, precision: precision)
            let n = Double(d.atomEnergies.count)
            let fScale = NPFixtures.maxAbs(d.forces), dF = NPFixtures.maxAbsDiff(d.forces, m.forces)
            let dE = abs(d.energy - m.energy) / n
            #expect(dF > 0, "\(precision) forces equal float64's bit for bit: the nets did not run in float32")
            #expect(dF < 1e-5 * fScale, "max |ΔF| \(dF) against force scale \(fScale)")
            #expect(dE < 1e-6 * NPFixtures.maxAbs(d.atomEnergies), "|ΔE|/N \(dE)")
            #expect(NPFixtures.maxAbsDiff(d.virial, m.virial) < 1e-5 * NPFixtures.maxAbs(d.virial) * n)
        }
    }

    @Test func float32RowsDifferFromMixed() throws {
        // the float32 precision computes the rows in float32 too: not the mixed result
        let (_, mixed) = try Self.pair(compressed: false, precision: .mixed)
        let (_, single) = try Self.pair(compressed: false, precision: .float32)
        #expect(NPFixtures.maxAbsDiff(mixed.forces, single.forces) > 0)
    }

    @Test(arguments: [NetworkPrecision.mixed, .float32])
    func reducedPrecisionKeepsTheSymmetriesToFloat32Rounding(_ precision: NetworkPrecision) throws {
        let s = try NPFixtures.structure(seed: 41, n: 20, box: "triclinic", length: 7.5)
        let m = try NPFixtures.model(seed: 6, calibration: s)
        m.precision = precision
        let p = DeepPotential(model: m)
        let r = try SymmetryCheck.run(potential: p, system: s, trials: 2, seed: 3, tolerance: 1e-5)
        #expect(r.passed, "\(r.json)")
    }
}

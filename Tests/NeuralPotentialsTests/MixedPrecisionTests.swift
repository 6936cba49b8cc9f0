import Atomistics
import Testing
@testable import NeuralPotentials

/// Mixed precision on the fused path: float32 nets inside float64 geometry and sums. The results
/// must differ from float64 (the nets really run in float32) by no more than float32 rounding,
/// exact and compressed, and keep the symmetries to that level.
@Suite struct MixedPrecisionTests {
    static func pair(compressed: Bool, species: [String] = ["Cu"]) throws -> (FusedEvaluation, FusedEvaluation) {
        let s = try NPFixtures.structure(seed: 31, n: 24, species: species, box: "triclinic", length: 8.0)
        let m = try NPFixtures.model(species: species, seed: 5, calibration: s)
        if compressed { m.compress(stride: 0.01) }
        let env = try NPFixtures.environments(s, m)
        let double = m.evaluateFused(env, precision: .float64)
        let mixed = m.evaluateFused(env, precision: .mixed)
        return (double, mixed)
    }

    @Test(arguments: [false, true])
    func mixedDiffersFromFloat64ByFloat32Rounding(_ compressed: Bool) throws {
        for species in [["Cu"], ["Cu", "Au"]] {
            let (d, m) = try Self.pair(compressed: compressed, species: species)
            let n = Double(d.atomEnergies.count)
            let fScale = NPFixtures.maxAbs(d.forces), dF = NPFixtures.maxAbsDiff(d.forces, m.forces)
            let dE = abs(d.energy - m.energy) / n
            #expect(dF > 0, "mixed forces equal float64's bit for bit: the nets did not run in float32")
            #expect(dF < 1e-5 * fScale, "max |ΔF| \(dF) against force scale \(fScale)")
            #expect(dE < 1e-6 * NPFixtures.maxAbs(d.atomEnergies), "|ΔE|/N \(dE)")
            #expect(NPFixtures.maxAbsDiff(d.virial, m.virial) < 1e-5 * NPFixtures.maxAbs(d.virial) * n)
        }
    }

    @Test func mixedKeepsTheSymmetriesToFloat32Rounding() throws {
        let s = try NPFixtures.structure(seed: 41, n: 20, box: "triclinic", length: 7.5)
        let m = try NPFixtures.model(seed: 6, calibration: s)
        m.precision = .mixed
        let p = DeepPotential(model: m)
        let r = try SymmetryCheck.run(potential: p, system: s, trials: 2, seed: 3, tolerance: 1e-5)
        #expect(r.passed, "\(r.json)")
    }
}

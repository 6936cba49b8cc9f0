import Foundation
import NNCore
import Testing
@testable import NeuralPotentials

/// The tabulated embedding net (model compression): forward-mode derivatives against finite
/// differences, and the table against the exact net.
@Suite struct EmbeddingTableTests {
    static func net() -> MLP {
        var g = RandomGenerator(seed: 12)
        return MLP(widths: [1, 6, 12, 24], activation: .tanh, skip: true, timestep: true, linearOutput: false, using: &g)
    }

    @Test func forwardModeDerivativesMatchTheNet() {
        let m = Self.net()
        let xs = [-1.3, -0.2, 0.0, 0.7, 2.4]
        let (y, d1, d2) = EmbeddingTable.derivatives(m, at: xs)
        let exact = m(Tensor(shape: [xs.count, 1], scalars: xs)).scalars
        #expect(NPFixtures.maxAbsDiff(y, exact) < 1e-14)
        let h = 1e-4
        let yp = EmbeddingTable.derivatives(m, at: xs.map { $0 + h }).0, ym = EmbeddingTable.derivatives(m, at: xs.map { $0 - h }).0
        let fd1 = zip(yp, ym).map { ($0 - $1) / (2 * h) }
        let fd2 = zip(zip(yp, ym), y).map { ($0.0 + $0.1 - 2 * $1) / (h * h) }
        #expect(NPFixtures.maxAbsDiff(d1, fd1) < 1e-8)
        #expect(NPFixtures.maxAbsDiff(d2, fd2) < 1e-5)
    }

    @Test func tableMatchesTheNetBetweenNodes() {
        let m = Self.net()
        let table = EmbeddingTable(net: m, lower: -2, upper: 5, stride: 0.01)
        var g = RandomGenerator(seed: 2)
        let xs = (0..<200).map { _ in -2 + 7 * g.nextUniform() }
        var tg = [Double](repeating: 0, count: xs.count * table.width), tdg = tg
        xs.withUnsafeBufferPointer { x in
            tg.withUnsafeMutableBufferPointer { gp in
                tdg.withUnsafeMutableBufferPointer { dp in
                    table.evaluate(x.baseAddress!, count: xs.count, g: gp.baseAddress!, dg: dp.baseAddress!)
                }
            }
        }
        let (y, d1, _) = EmbeddingTable.derivatives(m, at: xs)
        let errG = NPFixtures.maxAbsDiff(tg, y), errD = NPFixtures.maxAbsDiff(tdg, d1)
        print("embedding table (stride 0.01): max |Δg| \(errG), max |Δg′| \(errD)")
        #expect(errG < 1e-10 && errD < 1e-7)
    }

    /// The compressed fused path against the exact one, both descriptors, one and two species.
    @Test(arguments: [(DescriptorKind.seE2A, ["Cu"], true), (.seE2A, ["Cu", "Au"], false), (.seE2R, ["Cu", "Au"], true)])
    func compressedModelMatchesExactModel(_ kind: DescriptorKind, _ species: [String], _ oneSide: Bool) throws {
        let sys = try NPFixtures.structure(seed: 61, n: 16, species: species, box: "triclinic", length: 6.5)
        let model = try NPFixtures.model(kind: kind, species: species, typeOneSide: oneSide, seed: 8, calibration: sys)
        let env = try NPFixtures.environments(sys, model)
        let exact = model.evaluateFused(env)
        model.compress(stride: 0.01)
        let tab = model.evaluateFused(env)
        let fScale = NPFixtures.maxAbs(exact.forces)
        let dE = abs(tab.energy - exact.energy) / abs(exact.energy), dF = NPFixtures.maxAbsDiff(tab.forces, exact.forces) / fScale
        print("compressed (stride 0.01) \(kind.rawValue) \(species): relative ΔE \(dE), max ΔF/max|F| \(dF)")
        #expect(dE < 1e-9 && dF < 1e-6)
        #expect(dF > 0 || dE > 0, "the compressed path should actually be used")
        // Compressed forces are still −∂E/∂x of the compressed energy (the table is C¹).
        var s2 = sys
        let h = 1e-5
        s2.positions[4] += h
        let ep = model.evaluateFused(try NPFixtures.environments(s2, model)).energy
        s2.positions[4] -= 2 * h
        let em = model.evaluateFused(try NPFixtures.environments(s2, model)).energy
        #expect(abs(-(ep - em) / (2 * h) - tab.forces[4]) < 1e-6 * max(1, fScale))
    }
}

import Foundation
import Atomistics
import NNCore
import Testing
@testable import NeuralPotentials

/// The symmetry-invariance regression suite: for random models (several seeds, both descriptors,
/// one and two species, type_one_side on and off) and random periodic (cubic, triclinic,
/// left-handed) and open configurations, energy invariant, forces equivariant and virial a
/// tensor under translations, proper and improper rotations, permutations of like atoms and
/// lattice shifts with wrapping, to 1e-10 relative.
@Suite struct SymmetryInvarianceTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var kind: DescriptorKind
        var species: [String]
        var oneSide: Bool
        var box: String
        var periodic: Bool
        var seed: UInt64
        var testDescription: String {
            "\(kind.rawValue) \(species.joined(separator: "+")) one_side=\(oneSide) \(periodic ? box : "open") seed \(seed)"
        }
    }

    static let cases: [Case] = {
        var out: [Case] = []
        var seed: UInt64 = 100
        for kind in DescriptorKind.allCases {
            for species in [["Cu"], ["Cu", "Au"]] {
                for (box, periodic) in [("cubic", true), ("triclinic", true), ("left", true), ("cubic", false)] {
                    seed += 1
                    out.append(Case(kind: kind, species: species, oneSide: seed % 2 == 0, box: box, periodic: periodic, seed: seed))
                }
            }
        }
        return out
    }()

    @Test(arguments: cases)
    func energyInvariantForcesEquivariant(_ c: Case) throws {
        let sys = try NPFixtures.structure(seed: c.seed, n: 12, species: c.species, box: c.box, length: 6.4,
                                           periodic: c.periodic)
        let model = try NPFixtures.model(kind: c.kind, species: c.species, typeOneSide: c.oneSide, seed: c.seed,
                                         calibration: sys)
        let pot = DeepPotential(model: model)
        let ref = try pot.evaluate(sys)
        let eScale = abs(ref.energy), fScale = NPFixtures.maxAbs(ref.forces), wScale = NPFixtures.maxAbs(ref.virial)
        #expect(fScale > 1e-7 && wScale > 1e-7, "a degenerate test: forces \(fScale), virial \(wScale)")
        let report = try SymmetryCheck.run(potential: pot, system: sys, trials: 3, seed: c.seed, tolerance: 1e-10)
        for (name, d) in report.entries where d.applicable {
            #expect(d.energyMaxAbs <= 1e-10 * eScale, "\(name): ΔE \(d.energyMaxAbs) vs E \(eScale)")
            #expect(d.forceMaxAbs <= 1e-10 * fScale, "\(name): ΔF \(d.forceMaxAbs) vs max|F| \(fScale)")
            #expect(d.virialMaxAbs <= 1e-10 * Swift.max(wScale, eScale), "\(name): ΔW \(d.virialMaxAbs) vs max|W| \(wScale)")
        }
        #expect(report.periodicShift.applicable == c.periodic)
        #expect(report.passed)
    }

    /// The check itself must catch a potential that is not invariant: an external field along x
    /// breaks rotation and reflection symmetry (and only those).
    @Test func checkFlagsABrokenSymmetry() throws {
        struct Field: Potential {
            var cutoff: Double { 1 }
            var needsFullNeighborList: Bool { false }
            func compute(_ system: System, neighbors: NeighborList, into result: inout ForceResult) throws {
                result.reset(atomCount: system.count)
                for i in 0..<system.count {
                    result.energy += 0.1 * system.positions[3 * i] * system.positions[3 * i]
                    result.forces[3 * i] = -0.2 * system.positions[3 * i]
                }
            }
        }
        let sys = try NPFixtures.structure(seed: 3, n: 6, box: "cubic", length: 6, periodic: false)
        let r = try SymmetryCheck.run(potential: Field(), system: sys, trials: 2, seed: 9, tolerance: 1e-10)
        #expect(!r.passed)
        #expect(r.rotation.energyMaxAbs > 1e-3 && r.reflection.forceMaxAbs > 1e-3)
        #expect(r.permutation.energyMaxAbs < 1e-12)
        #expect(r.json.contains("\"passed\":false"))
    }
}

/// Negative controls: the statements of DESIGN.md §4 that say what is NOT invariant.
@Suite struct NegativeControlTests {
    /// Neighbor vectors of one atom (rows r_ij) from a random open cluster.
    static func neighborVectors() throws -> [[Double]] {
        let sys = try NPFixtures.structure(seed: 77, n: 9, box: "cubic", length: 8, periodic: false)
        return (1..<sys.count).map { j in (0..<3).map { sys.positions[3 * j + $0] - sys.positions[$0] } }
    }

    static func omega(_ r: [[Double]]) -> [Double] {
        var o = [Double](repeating: 0, count: 9)
        for v in r { for a in 0..<3 { for b in 0..<3 { o[3 * a + b] += v[a] * v[b] } } }
        return o
    }

    /// Eigenvalues of a symmetric 3×3 (closed form), ascending.
    static func eigenvalues(_ m: [Double]) -> [Double] {
        let p1 = m[1] * m[1] + m[2] * m[2] + m[5] * m[5]
        let q = (m[0] + m[4] + m[8]) / 3
        let p2 = (m[0] - q) * (m[0] - q) + (m[4] - q) * (m[4] - q) + (m[8] - q) * (m[8] - q) + 2 * p1
        let p = (p2 / 6).squareRoot()
        var b = m
        for k in [0, 4, 8] { b[k] -= q }
        b = b.map { $0 / p }
        let detB = b[0] * (b[4] * b[8] - b[5] * b[7]) - b[1] * (b[3] * b[8] - b[5] * b[6]) + b[2] * (b[3] * b[7] - b[4] * b[6])
        let phi = Foundation.acos(Swift.min(1, Swift.max(-1, detB / 2))) / 3
        let e1 = q + 2 * p * Foundation.cos(phi), e3 = q + 2 * p * Foundation.cos(phi + 2 * Double.pi / 3)
        return [e3, 3 * q - e1 - e3, e1].sorted()
    }

    @Test func threeByThreeFormRotatesButItsInvariantsDoNot() throws {
        let r = try Self.neighborVectors()
        var rng = Xoshiro256StarStar(seed: 5)
        let u = SymmetryCheck.randomRotation(&rng)
        let rr = r.map { v in let x = SymmetryCheck.rotate(u, v[0], v[1], v[2]); return [x.0, x.1, x.2] }
        let o = Self.omega(r), or = Self.omega(rr)
        #expect(NPFixtures.maxAbsDiff(o, or) > 1e-2 * NPFixtures.maxAbs(o), "Ω should change under rotation")
        #expect(NPFixtures.maxAbsDiff(SymmetryCheck.conjugate(u, o), or) < 1e-10 * NPFixtures.maxAbs(o), "Ω → UΩUᵀ")
        #expect(abs((o[0] + o[4] + o[8]) - (or[0] + or[4] + or[8])) < 1e-10 * NPFixtures.maxAbs(o))
        #expect(NPFixtures.maxAbsDiff(Self.eigenvalues(o), Self.eigenvalues(or)) < 1e-9 * NPFixtures.maxAbs(o))
    }

    @Test func gramMatrixReordersUnderNeighborPermutation() throws {
        let r = try Self.neighborVectors()
        func gram(_ r: [[Double]]) -> [Double] { r.flatMap { a in r.map { b in a[0] * b[0] + a[1] * b[1] + a[2] * b[2] } } }
        let perm = Array(r.indices.reversed())
        let g = gram(r), gp = gram(perm.map { r[$0] })
        #expect(NPFixtures.maxAbsDiff(g, gp) > 1e-2 * NPFixtures.maxAbs(g), "the Gram matrix should reorder")
        // …but it is rotation-invariant.
        var rng = Xoshiro256StarStar(seed: 6)
        let u = SymmetryCheck.randomRotation(&rng)
        let rr = r.map { v in let x = SymmetryCheck.rotate(u, v[0], v[1], v[2]); return [x.0, x.1, x.2] }
        #expect(NPFixtures.maxAbsDiff(g, gram(rr)) < 1e-10 * NPFixtures.maxAbs(g))
    }

    @Test func plainMLPOnCoordinatesIsNotInvariant() throws {
        let r = try Self.neighborVectors()
        var g = RandomGenerator(seed: 3)
        let mlp = MLP(widths: [3 * r.count, 16, 1], activation: .tanh, using: &g)
        func f(_ v: [[Double]]) -> Double { mlp(Tensor(shape: [1, 3 * v.count], scalars: v.flatMap { $0 })).scalars[0] }
        var rng = Xoshiro256StarStar(seed: 8)
        let u = SymmetryCheck.randomRotation(&rng)
        let rr = r.map { v in let x = SymmetryCheck.rotate(u, v[0], v[1], v[2]); return [x.0, x.1, x.2] }
        let e = f(r)
        #expect(abs(f(rr) - e) > 1e-3 * Swift.max(abs(e), 1e-3), "an MLP on coordinates should change under rotation")
        #expect(abs(f(r.reversed()) - e) > 1e-3 * Swift.max(abs(e), 1e-3), "…and under permutation")
        // The descriptor-based model on the same cluster does not change.
        let sys = try NPFixtures.structure(seed: 77, n: 9, box: "cubic", length: 8, periodic: false)
        let model = try NPFixtures.model(seed: 4, calibration: sys)
        let rep = try SymmetryCheck.run(potential: DeepPotential(model: model), system: sys, trials: 1, seed: 2, tolerance: 1e-10)
        #expect(rep.passed)
    }
}

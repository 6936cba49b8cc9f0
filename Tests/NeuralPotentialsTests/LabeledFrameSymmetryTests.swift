import Atomistics
import Testing
@testable import NeuralPotentials

/// The bookkeeping of rotation augmentation and permuted test data: a frame labelled by a
/// symmetric potential, rotated (or permuted) with its labels, is labelled the same way by the
/// potential — energy unchanged, forces turned (or reordered) with the atoms, virial uWuᵀ.
@Suite struct LabeledFrameSymmetryTests {
    static func labelled(_ kind: DescriptorKind, seed: UInt64) throws -> (DeepPotential, LabeledFrame) {
        let sys = try NPFixtures.structure(seed: seed, n: 12, box: "triclinic", length: 6.4)
        let pot = DeepPotential(model: try NPFixtures.model(kind: kind, seed: seed, calibration: sys))
        let ref = try pot.evaluate(sys)
        return (pot, LabeledFrame(system: sys, energy: ref.energy, forces: ref.forces, virial: ref.virial, source: "test"))
    }

    @Test(arguments: DescriptorKind.allCases)
    func rotatedLabelsMatchThePotential(_ kind: DescriptorKind) throws {
        let (pot, frame) = try Self.labelled(kind, seed: 31)
        var rng = Xoshiro256StarStar(seed: 5)
        for _ in 0..<3 {
            let u = SymmetryCheck.randomRotation(&rng)
            let turned = try frame.rotated(by: u, about: frame.cellCentre)
            // The centre is a fixed point and the labels moved: forces differ from the originals.
            #expect(NPFixtures.maxAbsDiff(turned.cellCentre, frame.cellCentre) < 1e-12)
            #expect(NPFixtures.maxAbsDiff(turned.forces!, frame.forces!) > 1e-3 * NPFixtures.maxAbs(frame.forces!))
            #expect(turned.energy == frame.energy)
            let r = try pot.evaluate(turned.system)
            let fScale = NPFixtures.maxAbs(frame.forces!), wScale = NPFixtures.maxAbs(frame.virial!)
            #expect(abs(r.energy - turned.energy) <= 1e-10 * abs(frame.energy))
            #expect(NPFixtures.maxAbsDiff(r.forces, turned.forces!) <= 1e-10 * fScale)
            #expect(NPFixtures.maxAbsDiff(r.virial, turned.virial!) <= 1e-10 * Swift.max(wScale, abs(frame.energy)))
            // |F| per atom is preserved by a rotation.
            for i in 0..<frame.system.count {
                let a = (0..<3).map { frame.forces![3 * i + $0] }, b = (0..<3).map { turned.forces![3 * i + $0] }
                #expect(abs(a.map { $0 * $0 }.reduce(0, +) - b.map { $0 * $0 }.reduce(0, +)) <= 1e-12 * fScale * fScale)
            }
        }
    }

    @Test func permutedLabelsMatchThePotential() throws {
        let (pot, frame) = try Self.labelled(.seE2A, seed: 32)
        let n = frame.system.count
        let order = (0..<n).map { (7 * $0 + 3) % n }  // 7 and 12 are coprime: a permutation
        let p = frame.permuted(order)
        for k in 0..<n {
            #expect(Array(p.system.positions[(3 * k)..<(3 * k + 3)]) == Array(frame.system.positions[(3 * order[k])..<(3 * order[k] + 3)]))
            #expect(Array(p.forces![(3 * k)..<(3 * k + 3)]) == Array(frame.forces![(3 * order[k])..<(3 * order[k] + 3)]))
        }
        let r = try pot.evaluate(p.system)
        #expect(abs(r.energy - p.energy) <= 1e-10 * abs(frame.energy))
        #expect(NPFixtures.maxAbsDiff(r.forces, p.forces!) <= 1e-10 * NPFixtures.maxAbs(frame.forces!))
        #expect(p.virial == frame.virial)
    }
}

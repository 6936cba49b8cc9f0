@testable import Atomistics
import Testing

@Suite("EAM threading")
struct EAMThreadingTests {
    @Test("blocks of atoms on several threads give the single-thread result", arguments: [NeighborList.Kind.half, .full])
    func blocksAgree(_ kind: NeighborList.Kind) throws {
        let ref = try EAMReference(EAMCase.cuNi.rawValue)
        let pot = try EAMCase.cuNi.potential(elements: ref.elements)
        let system = try ref.system(masses: pot.typeMasses)
        var list = try NeighborList(cutoff: pot.cutoff, skin: 0, kind: kind)
        try list.build(system)
        func run(_ blocks: Int) -> (Double, [Double], [Double], [Double]) {
            var forces = [Double](repeating: 0, count: 3 * system.count)
            var atoms: [Double]? = [Double](repeating: 0, count: system.count)
            var virials: [Double]? = [Double](repeating: 0, count: 9 * system.count)
            let (e, w) = pot.evaluate(positions: system.positions, types: system.types, list: list, newton: kind == .half,
                                      blocks: blocks, forces: &forces, perAtomEnergy: &atoms, perAtomVirial: &virials)
            // The per-atom virials sum to the virial, whatever the blocks.
            var sum = [Double](repeating: 0, count: 9)
            for i in 0..<system.count { for c in 0..<9 { sum[c] += virials![9 * i + c] } }
            for c in 0..<9 { #expect(abs(sum[c] - w[c]) <= 1e-10 * max(1, abs(w[c]))) }
            return (e, forces, w, atoms!)
        }
        let one = run(1)
        for blocks in [2, 3] {
            let many = run(blocks)
            #expect(abs(many.0 - one.0) < 1e-12 * abs(one.0))
            #expect(forceErrors(many.1, one.1).scaled < 1e-12)
            #expect(zip(many.2, one.2).allSatisfy { abs($0 - $1) < 1e-10 })
            #expect(zip(many.3, one.3).allSatisfy { abs($0 - $1) < 1e-12 })
            // Bit-for-bit the same on a second run with the same block count.
            let again = run(blocks)
            #expect(again.0 == many.0 && again.1 == many.1 && again.2 == many.2)
        }
    }
}

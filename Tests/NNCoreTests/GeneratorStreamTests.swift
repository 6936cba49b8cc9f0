import NNCore
import Testing

/// The generator's stream is part of every result's reproducibility: the first draws of seed 42,
/// recorded once, must never change (fitted models and runs are reproduced from their seeds).
@Suite("Generator stream")
struct GeneratorStreamTests {
    @Test("Seed 42: 64-bit words, uniforms, normals, integers and a permutation as recorded")
    func recordedStream() {
        var g = RandomGenerator(seed: 42)
        var bits: UInt64 = 0
        for _ in 0..<1000 { bits = bits &* 31 &+ g.next() }
        var u = 0.0, z = 0.0
        for _ in 0..<1001 { u += g.nextUniform() }
        for _ in 0..<1001 { z += g.nextNormal() }
        let k = (0..<100).map { _ in g.nextInt(below: 97) }.reduce(0, +)
        let p = g.permutation(10)
        #expect(bits == 14_358_092_893_230_813_775)
        #expect(u.bitPattern == 4_647_484_045_145_395_971)
        #expect(z.bitPattern == 13_828_652_799_949_309_926)
        #expect(k == 5147)
        #expect(p == [6, 7, 8, 0, 1, 9, 3, 5, 2, 4])
    }
}

import Foundation
import NNCore
import SymmdTestSupport
import Testing

/// Sample mean and (population) variance.
private func moments(_ xs: [Double]) -> (mean: Double, variance: Double) {
    let n = Double(xs.count)
    let mean = xs.reduce(0, +) / n
    let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
    return (mean, variance)
}

@Suite struct RandomTests {
    static let n = 20_000

    @Test func sameSeedSameSequence() {
        var a = RandomGenerator(seed: 12345), b = RandomGenerator(seed: 12345)
        let sa = (0..<1000).map { _ in a.next() }, sb = (0..<1000).map { _ in b.next() }
        #expect(sa == sb)
        // …for every derived draw too, including the cached second Box–Muller value
        var c = RandomGenerator(seed: 9), d = RandomGenerator(seed: 9)
        for _ in 0..<101 {
            #expect(c.nextNormal().bitPattern == d.nextNormal().bitPattern)
            #expect(c.nextUniform() == d.nextUniform())
            #expect(c.nextInt(below: 17) == d.nextInt(below: 17))
        }
        #expect(c.permutation(50) == d.permutation(50))
        // a copy continues the same sequence (value semantics)
        var e = c
        #expect((0..<10).map { _ in c.next() } == (0..<10).map { _ in e.next() })
    }

    @Test func differentSeedsDiffer() {
        let seqs = [0, 1, 2, 42, UInt64.max].map { seed -> [UInt64] in
            var g = RandomGenerator(seed: seed)
            return (0..<64).map { _ in g.next() }
        }
        for i in seqs.indices {
            for j in seqs.indices where j > i {
                let equal = zip(seqs[i], seqs[j]).filter { $0 == $1 }.count
                #expect(equal == 0, "seeds \(i) and \(j) share \(equal) of 64 outputs")
            }
        }
    }

    @Test func matchesReferenceXoshiro256StarStar() {
        // From an independent implementation of SplitMix64 seeding + xoshiro256** (Blackman & Vigna).
        var g0 = RandomGenerator(seed: 0)
        #expect((0..<4).map { _ in g0.next() }
                == [0x99ec_5f36_cb75_f2b4, 0xbf6e_1f78_4956_452a, 0x1a5f_849d_4933_e6e0, 0x6aa5_94f1_262d_2d2c])
        var g42 = RandomGenerator(seed: 42)
        #expect((0..<4).map { _ in g42.next() }
                == [0x1578_0b2e_0c2e_c716, 0x6104_d986_6d11_3a7e, 0xae17_5332_39e4_99a1, 0xecb8_ad47_03b3_60a1])
        // nextUniform uses the top 53 bits
        var u = RandomGenerator(seed: 0)
        #expect(u.nextUniform() == Double(UInt64(0x99ec_5f36_cb75_f2b4) >> 11) * 0x1.0p-53)
    }

    @Test func uniformMoments() {
        var g = RandomGenerator(seed: 77)
        let xs = (0..<Self.n).map { _ in g.nextUniform() }
        #expect(xs.allSatisfy { $0 >= 0 && $0 < 1 })
        let (mean, variance) = moments(xs)
        // σ(mean) = √(1/12/n) ≈ 0.0020; σ(var) = √((1/80 − 1/144)/n) ≈ 0.00053; bounds are 5σ
        #expect(abs(mean - 0.5) < 0.0102, "mean \(mean)")
        #expect(abs(variance - 1.0 / 12) < 0.0027, "variance \(variance)")
        // every tenth of [0, 1) gets about n/10 samples (σ ≈ 42)
        var bins = [Int](repeating: 0, count: 10)
        for x in xs { bins[Int(x * 10)] += 1 }
        #expect(bins.allSatisfy { abs($0 - Self.n / 10) < 210 }, "bins \(bins)")
    }

    @Test func normalMoments() {
        var g = RandomGenerator(seed: 78)
        let xs = (0..<Self.n).map { _ in g.nextNormal() }
        let (mean, variance) = moments(xs)
        // σ(mean) = 1/√n ≈ 0.0071; σ(var) = √(2/n) = 0.01; bounds are 5σ
        #expect(abs(mean) < 0.036, "mean \(mean)")
        #expect(abs(variance - 1) < 0.05, "variance \(variance)")
        // about 68.27 % within one σ (σ of the fraction ≈ 0.0033)
        let within = Double(xs.filter { abs($0) < 1 }.count) / Double(Self.n)
        #expect(abs(within - 0.6827) < 0.017, "fraction within 1σ \(within)")
        // no two consecutive values are equal (both halves of each Box–Muller pair are used, not repeated)
        #expect(zip(xs, xs.dropFirst()).allSatisfy { $0 != $1 })
    }

    @Test func tensorRandomHelpers() {
        var g = RandomGenerator(seed: 79)
        let t = Tensor.randomNormal([100, 200], mean: 3, std: 0.5, using: &g)
        let (mean, variance) = moments(t.scalars)
        #expect(abs(mean - 3) < 0.018 && abs(variance.squareRoot() - 0.5) < 0.02)
        let u = Tensor.randomUniform([100, 200], low: -2, high: 4, using: &g)
        #expect(u.scalars.allSatisfy { $0 >= -2 && $0 < 4 })
        let (um, uv) = moments(u.scalars)
        #expect(abs(um - 1) < 0.07 && abs(uv - 3) < 0.1)
        #expect(randomTensor([5], seed: 3).scalars == randomTensor([5], seed: 3).scalars)
        #expect(randomTensor([5], seed: 3).scalars != randomTensor([5], seed: 4).scalars)
    }

    @Test func nextIntAndPermutation() {
        var g = RandomGenerator(seed: 80)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<7000 { counts[g.nextInt(below: 7)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 1000) < 160 }, "counts \(counts)")
        let p = g.permutation(100)
        #expect(p.sorted() == Array(0..<100))
        #expect(p != Array(0..<100))
    }

    // MARK: Initialisers

    static let initializerCases: [(Initializer, Double)] = [
        (.glorotNormal, (2.0 / 300).squareRoot()),
        (.glorotUniform, (2.0 / 300).squareRoot()),
        (.heNormal, (2.0 / 200).squareRoot()),
        (.heUniform, (2.0 / 200).squareRoot()),
        (.normal(mean: 0, std: 0.3), 0.3),
    ]

    /// fanIn 200, fanOut 100 → 20 000 samples; σ of a sample std ≈ std/√(2n) = 0.5 %.
    @Test(arguments: initializerCases)
    func initializerStandardDeviation(_ initializer: Initializer, _ expectedStd: Double) {
        var g = RandomGenerator(seed: 81)
        let w = initializer.make([200, 100], fanIn: 200, fanOut: 100, using: &g)
        #expect(w.shape == [200, 100])
        let (mean, variance) = moments(w.scalars)
        let std = variance.squareRoot()
        #expect(abs(std / expectedStd - 1) < 0.03, "std \(std), expected \(expectedStd)")
        #expect(abs(mean) < 0.04 * expectedStd, "mean \(mean)")
        switch initializer {
        case .glorotUniform:
            let a = (6.0 / 300).squareRoot()
            #expect(w.scalars.allSatisfy { abs($0) <= a })
            #expect(w.scalars.map(abs).max()! > 0.99 * a)
        case .heUniform:
            let a = (6.0 / 200).squareRoot()
            #expect(w.scalars.allSatisfy { abs($0) <= a })
            #expect(w.scalars.map(abs).max()! > 0.99 * a)
        default: break
        }
    }

    @Test func otherInitializers() {
        var g = RandomGenerator(seed: 82)
        #expect(Initializer.zeros.make([3, 4], fanIn: 3, fanOut: 4, using: &g).scalars == [Double](repeating: 0, count: 12))
        let shifted = Initializer.normal(mean: 5, std: 0.1).make([100, 100], fanIn: 1, fanOut: 1, using: &g)
        let (mean, variance) = moments(shifted.scalars)
        #expect(abs(mean - 5) < 0.005 && abs(variance.squareRoot() / 0.1 - 1) < 0.03)
        // same seed → same weights
        var a = RandomGenerator(seed: 5), b = RandomGenerator(seed: 5)
        #expect(Initializer.heNormal.make([4, 4], fanIn: 4, fanOut: 4, using: &a).scalars
                == Initializer.heNormal.make([4, 4], fanIn: 4, fanOut: 4, using: &b).scalars)
        // Dense draws its weights with the fans of its shape
        var r = RandomGenerator(seed: 83)
        let d = Dense(inputs: 400, outputs: 50, initializer: .heNormal, using: &r)
        let (_, dv) = moments(d.weight.value.scalars)
        #expect(abs(dv.squareRoot() / (2.0 / 400).squareRoot() - 1) < 0.03)
    }
}

@Suite struct RandomIntegerTests {
    @Test func nextIntIsUniformAndInRange() {
        var rng = RandomGenerator(seed: 11)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[rng.nextInt(below: 7)] += 1 }
        // each count ~ Binomial(70000, 1/7): mean 10000, sd ≈ 92.6; allow 5 sd
        for c in counts { #expect(abs(c - 10_000) < 463, "counts \(counts)") }
    }

    @Test func permutationIsReproducibleAndComplete() {
        var a = RandomGenerator(seed: 7), b = RandomGenerator(seed: 7)
        let p = a.permutation(50), q = b.permutation(50)
        #expect(p == q)
        #expect(p.sorted() == Array(0..<50))
        #expect(p != Array(0..<50))
    }
}

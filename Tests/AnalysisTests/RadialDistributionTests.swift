import Analysis
import Atomistics
import Testing

@Suite struct RadialDistributionTests {
    /// Uniform random points (an ideal gas) have g(r) = 1 within counting noise.
    @Test func idealGasIsFlat() throws {
        var rng = Xoshiro256StarStar(seed: 3)
        let box = try Box(lengths: [10, 10, 10])
        let n = 400
        var rdf = RadialDistribution(rMax: 5, bins: 10)
        for _ in 0..<20 {
            let x = (0..<(3 * n)).map { _ in 10 * rng.nextUniform() }
            try rdf.add(positions: x, box: box, a: Array(0..<n), b: Array(0..<n))
        }
        // outer bins hold ~ thousands of pairs per frame: 5 % is many standard errors
        for (r, g) in zip(rdf.r, rdf.g) where r > 1.5 { #expect(abs(g - 1) < 0.05, "g(\(r)) = \(g)") }
    }

    /// Two frames of different volume: InterRDF's normalisation (mean counts × mean volume) and
    /// LAMMPS's (mean of per-frame g) differ exactly as their formulas say.
    @Test func normalisationsWithAChangingVolume() throws {
        // Two atoms 1.05 apart in a cubic cell of edge 4, then 1.8 apart in one of edge 5.
        var inter = RadialDistribution(rMax: 2, bins: 4), lammps = RadialDistribution(rMax: 2, bins: 4)
        lammps.normalization = .perFrame
        for (l, d) in [(4.0, 1.05), (5.0, 1.8)] {
            let box = try Box(lengths: [l, l, l])
            let x = [0.5, 0.5, 0.5, 0.5 + d, 0.5, 0.5]
            try inter.add(positions: x, box: box, a: [0, 1], b: [0, 1])
            try lammps.add(positions: x, box: box, a: [0, 1], b: [0, 1])
        }
        // n_k/(N N′) = 2/2 = 1 in the pair's bin of its frame.
        let shell2 = 4.0 / 3.0 * Double.pi * (1.5 * 1.5 * 1.5 - 1.0), shell3 = 4.0 / 3.0 * Double.pi * (8.0 - 1.5 * 1.5 * 1.5)
        #expect(abs(inter.g[2] - 0.5 * (64.0 + 125.0) / 2 / shell2) < 1e-12)
        #expect(abs(lammps.g[2] - 64.0 / 2 / shell2) < 1e-12)
        #expect(abs(inter.g[3] - 0.5 * (64.0 + 125.0) / 2 / shell3) < 1e-12)
        #expect(abs(lammps.g[3] - 125.0 / 2 / shell3) < 1e-12)
        #expect(inter.g[0] == 0 && lammps.g[0] == 0)
    }

    /// A perfect fcc crystal: the first shell holds exactly 12 neighbours at a/√2.
    @Test func fccFirstShellHoldsTwelve() throws {
        let a = 3.6
        let s = try Lattice.fcc.system(latticeConstant: a, cells: [4, 4, 4], mass: 63.546)
        var rdf = RadialDistribution(rMax: 7.0, bins: 700)
        try rdf.add(positions: s.positions, box: s.box, a: Array(0..<s.count), b: Array(0..<s.count))
        let peak = rdf.firstPeak
        #expect(abs(peak.r - a / 2.0.squareRoot()) < 0.01)
        // coordination just past the first shell and before the second (at a)
        let k = Int(3.0 / 0.01)
        #expect(abs(rdf.coordination[k] - 12) < 1e-9, "coordination \(rdf.coordination[k])")
        #expect(abs(rdf.coordination[Int(3.7 / 0.01)] - 18) < 1e-9)
    }

    /// The like-pair path (each unordered pair once, counted twice) equals the textbook ordered
    /// double loop over i ≠ j with the V/(N(N−1)·shell) normalisation, atoms outside the box included.
    @Test func likePairsEqualTheOrderedDoubleLoop() throws {
        var rng = Xoshiro256StarStar(seed: 17)
        let l = [7.0, 8.0, 9.0]
        let box = try Box(lengths: l)
        let n = 150, bins = 35, rMax = 3.5
        let x = (0..<(3 * n)).map { k in l[k % 3] * (3 * rng.nextUniform() - 1) }
        var rdf = RadialDistribution(rMax: rMax, bins: bins)
        try rdf.add(positions: x, box: box, a: Array(0..<n), b: Array(0..<n))
        var counts = [Double](repeating: 0, count: bins)
        for i in 0..<n {
            for j in 0..<n where j != i {
                var r2 = 0.0
                for d in 0..<3 {
                    var dx = x[3 * j + d] - x[3 * i + d]
                    dx -= l[d] * (dx / l[d]).rounded()
                    r2 += dx * dx
                }
                let k = Int(r2.squareRoot() / rMax * Double(bins))
                if r2 < rMax * rMax, k < bins { counts[k] += 1 }
            }
        }
        let dr = rMax / Double(bins)
        for k in 0..<bins {
            let outer: Double = Double(k + 1) * dr, inner: Double = Double(k) * dr
            let shell: Double = 4.0 / 3.0 * Double.pi * (outer * outer * outer - inner * inner * inner)
            let pairs: Double = Double(n) * Double(n - 1)
            let expected: Double = counts[k] * box.volume / pairs / shell
            #expect(abs(rdf.g[k] - expected) <= 1e-12 * max(1, expected), "bin \(k): \(rdf.g[k]) vs \(expected)")
        }
        #expect(counts.reduce(0, +) > 1000)
    }

    @Test func refusesRadiusBeyondHalfTheBox() throws {
        let box = try Box(lengths: [6, 8, 8])
        var rdf = RadialDistribution(rMax: 3.5, bins: 10)
        #expect(throws: AnalysisError.rMaxTooLarge(rMax: 3.5, halfWidth: 3)) {
            try rdf.add(positions: [0, 0, 0, 1, 1, 1], box: box, a: [0, 1], b: [0, 1])
        }
    }

    /// Unlike pairs use N_A·N_B, like pairs N(N−1): a two-species ideal gas is flat for both.
    @Test func unlikePairsAreNormalisedByNaNb() throws {
        var rng = Xoshiro256StarStar(seed: 9)
        let box = try Box(lengths: [9, 9, 9])
        var ab = RadialDistribution(rMax: 4.5, bins: 9)
        for _ in 0..<30 {
            let x = (0..<(3 * 300)).map { _ in 9 * rng.nextUniform() }
            try ab.add(positions: x, box: box, a: Array(0..<100), b: Array(100..<300))
        }
        for (r, g) in zip(ab.r, ab.g) where r > 1.5 { #expect(abs(g - 1) < 0.06, "g(\(r)) = \(g)") }
    }
}

@Suite struct RadialDistributionInputTests {
    @Test func refusesAnOpenBox() throws {
        let box = try Box(lengths: [10, 10, 10], periodic: [true, true, false])
        var rdf = RadialDistribution(rMax: 3, bins: 10)
        #expect(throws: AnalysisError.notPeriodic(periodic: [true, true, false])) {
            try rdf.add(positions: [0, 0, 0, 1, 1, 1], box: box, a: [0, 1], b: [0, 1])
        }
    }
}

import Testing
@testable import Atomistics

@Suite struct BoxTests {
    static let boxes: [Box] = [
        try! Box(lengths: [5, 6, 7]),
        try! Box(lammpsLow: [-1, 2, 0.5], high: [4, 8, 6], xy: 1.5, xz: -2.0, yz: 2.5),
        // Arbitrary (rotated, strongly skewed) vectors.
        try! Box(vectors: [4.1, 0.7, -0.3, 2.9, 3.8, 0.9, -1.1, 2.4, 5.2], origin: [0.3, -0.2, 1.0]),
        try! Box(vectors: [6, 0, 0, 5.5, 1.2, 0, 0.4, 0.3, 3], periodic: [true, true, false]),
    ]

    @Test(arguments: 0..<boxes.count) func fractionalCartesianRoundTrip(_ k: Int) throws {
        let box = Self.boxes[k]
        var rng = Xoshiro256StarStar(seed: 11)
        let x = (0..<60).map { _ in 20 * rng.nextUniform() - 10 }
        let back = box.cartesian(fromFractional: box.fractional(fromCartesian: x))
        expectClose(back, x, rtol: 0, atol: 1e-12)
        // The corners: a, b, c are at unit fractional coordinates.
        let corner = box.fractional(fromCartesian: [box.origin[0] + box.vectors[3], box.origin[1] + box.vectors[4], box.origin[2] + box.vectors[5]])
        expectClose(corner, [0, 1, 0], rtol: 0, atol: 1e-14)
    }

    @Test(arguments: 0..<boxes.count) func volumeAndWidths(_ k: Int) throws {
        let box = Self.boxes[k]
        let h = box.vectors
        let det = h[0] * (h[4] * h[8] - h[5] * h[7]) - h[1] * (h[3] * h[8] - h[5] * h[6]) + h[2] * (h[3] * h[7] - h[4] * h[6])
        expectClose(box.volume, abs(det))
        // The width along a is the distance between the planes s_a = 0 and s_a = 1: 1/|column 0 of H⁻¹|.
        for c in 0..<3 {
            let m = box.inverse
            let norm = (m[c] * m[c] + m[3 + c] * m[3 + c] + m[6 + c] * m[6 + c]).squareRoot()
            expectClose(box.perpendicularWidths[c], 1 / norm)
        }
    }

    @Test(arguments: 0..<boxes.count) func minimumImageMatchesBruteForce(_ k: Int) throws {
        let box = Self.boxes[k]
        var rng = Xoshiro256StarStar(seed: 5)
        for _ in 0..<300 {
            let d0 = (30 * rng.nextUniform() - 15, 30 * rng.nextUniform() - 15, 30 * rng.nextUniform() - 15)
            var d = d0
            box.minimumImage(&d)
            var best = Double.infinity
            // Every image that could be shorter: |n_k| ≤ |d0|/w_k + 1.
            let len = (d0.0 * d0.0 + d0.1 * d0.1 + d0.2 * d0.2).squareRoot()
            let r = (0..<3).map { c -> ClosedRange<Int> in
                let m = Int(len / box.perpendicularWidths[c]) + 1
                return box.periodic[c] ? -m...m : 0...0
            }
            for a in r[0] { for b in r[1] { for c in r[2] {
                let t = box.latticeShift(a, b, c)
                let e = (d0.0 + t.0, d0.1 + t.1, d0.2 + t.2)
                best = min(best, (e.0 * e.0 + e.1 * e.1 + e.2 * e.2).squareRoot())
            }}}
            let got = (d.0 * d.0 + d.1 * d.1 + d.2 * d.2).squareRoot()
            expectClose(got, best, rtol: 1e-12)
            // The result is an image of the input: d − d0 is a lattice vector.
            let f = box.fractional(fromCartesian: [d.0 - d0.0 + box.origin[0], d.1 - d0.1 + box.origin[1], d.2 - d0.2 + box.origin[2]])
            for c in 0..<3 { #expect(abs(f[c] - f[c].rounded()) < 1e-9) }
        }
    }

    @Test(arguments: 0..<boxes.count) func wrapMovesIntoTheBoxByLatticeVectors(_ k: Int) throws {
        let box = Self.boxes[k]
        var rng = Xoshiro256StarStar(seed: 9)
        let x0 = (0..<90).map { _ in 60 * rng.nextUniform() - 30 }
        var x = x0
        box.wrap(&x)
        let s = box.fractional(fromCartesian: x)
        let s0 = box.fractional(fromCartesian: x0)
        for p in 0..<30 {
            for c in 0..<3 {
                if box.periodic[c] {
                    #expect(s[3 * p + c] >= -1e-12 && s[3 * p + c] < 1 + 1e-12)
                    #expect(abs((s0[3 * p + c] - s[3 * p + c]) - (s0[3 * p + c] - s[3 * p + c]).rounded()) < 1e-9)
                } else {
                    expectClose(s[3 * p + c], s0[3 * p + c], rtol: 0, atol: 1e-12)
                }
            }
        }
        // Wrapping wrapped positions changes nothing, bit for bit.
        var again = x
        box.wrap(&again)
        #expect(again == x)
    }

    @Test func lengthsAnglesConstructorRoundTrip() throws {
        let box = try Box(lengths: [5, 6, 7], anglesInDegrees: [80, 95, 110])
        expectClose(box.lengths, [5, 6, 7], rtol: 1e-13)
        expectClose(box.anglesInDegrees, [80, 95, 110], rtol: 1e-12)
        #expect(box.isLAMMPSRestricted)
        #expect(!box.isOrthorhombic)
    }

    @Test func invalidBoxesThrowTypedErrors() {
        #expect(throws: AtomisticsError.degenerateBox(volume: 0)) {
            try Box(vectors: [1, 0, 0, 2, 0, 0, 0, 0, 1])
        }
        #expect(throws: AtomisticsError.countMismatch(what: "box vectors (3×3, row-major)", expected: 9, found: 3)) {
            try Box(vectors: [1, 2, 3])
        }
        #expect(throws: AtomisticsError.self) { try Box(lengths: [1, -2, 3]) }
        #expect(throws: AtomisticsError.self) { try Box(lammpsLow: [0, 0, 0], high: [1, 0, 1]) }
    }
}

@Suite struct ConversionTests {
    @Test func lammpsRestrictedRotationKeepsDistancesAndEnergy() throws {
        let box = try Box(vectors: [4.1, 0.7, -0.3, 2.9, 3.8, 0.9, -1.1, 2.4, 5.2], origin: [0.3, -0.2, 1.0])
        let (restricted, r) = try box.lammpsRestricted()
        #expect(restricted.isLAMMPSRestricted)
        expectClose(restricted.volume, box.volume, rtol: 1e-13)
        expectClose(restricted.lengths, box.lengths, rtol: 1e-13)
        expectClose(restricted.anglesInDegrees, box.anglesInDegrees, rtol: 1e-12)
        // Rotated positions give the same LJ energy and rotated forces.
        var s = try randomSystem(30, box: box, seed: 31, minimumSeparation: 0.9)
        var t = s
        t.box = restricted
        for i in 0..<s.count {
            let x = (0..<3).map { s.positions[3 * i + $0] - box.origin[$0] }
            for k in 0..<3 { t.positions[3 * i + k] = x[0] * r[k] + x[1] * r[3 + k] + x[2] * r[6 + k] }
        }
        let lj = try LennardJones(epsilon: 1, sigma: 1, cutoff: 2.5)
        let a = try lj.evaluate(s), b = try lj.evaluate(t)
        expectClose(b.energy, a.energy, rtol: 1e-12)
        for i in 0..<s.count {
            for k in 0..<3 {
                let rotated = a.forces[3 * i] * r[k] + a.forces[3 * i + 1] * r[3 + k] + a.forces[3 * i + 2] * r[6 + k]
                expectClose(b.forces[3 * i + k], rotated, rtol: 1e-9, atol: 1e-10)
            }
        }
        s.box = try Box(vectors: [1, 0, 0, 0, 0, 1, 0, 1, 0])
        #expect(throws: AtomisticsError.self) { try s.box.lammpsRestricted() }
    }

    @Test func systemFromSymbols() throws {
        let box = try Box(lengths: [10, 10, 10])
        let s = try System(positions: [0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2], symbols: ["Cu", "Ni", "Cu", "Ni"], box: box)
        #expect(s.types == [0, 1, 0, 1])
        #expect(s.typeNames == ["Cu", "Ni"])
        #expect(s.masses == [63.546, 58.6934])
        #expect(Element(symbol: "Og")?.atomicNumber == 118)
        #expect(Element(atomicNumber: 29)?.symbol == "Cu")
        #expect(throws: AtomisticsError.self) {
            try System(positions: [0, 0, 0], symbols: ["Xx"], box: box)
        }
    }
}

@Suite struct MinimumImageEdgeTests {
    /// Separations of exactly half a lattice vector (perfect crystals) once made an empty image range trap.
    @Test func halfBoxSeparationsDoNotTrap() throws {
        let box = try Box(lengths: [14.4, 14.4, 14.4])
        var d = (7.2, 1.8, 0.0)
        box.minimumImage(&d)
        #expect(abs(abs(d.0) - 7.2) < 1e-12 && abs(d.1 - 1.8) < 1e-12)
    }
}

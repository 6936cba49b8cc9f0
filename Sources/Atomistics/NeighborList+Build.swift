import Foundation

extension NeighborList {
    /// Builds the list for `system` with a cell (bin) list: O(N) for a fixed density.
    ///
    /// Bins are laid in fractional coordinates, at least cutoff + skin wide between faces, so the
    /// search is correct in triclinic boxes. Along a periodic direction the stencil reaches as many
    /// bins (and so as many periodic images) as the cutoff needs, which makes the list complete
    /// in boxes narrower than twice the cutoff. Along a non-periodic direction bins span the atoms'
    /// extent. Runs on `AtomisticsParallel.threads` threads; the result does not depend on them.
    ///
    /// - Throws: `AtomisticsError.overlappingAtoms` when two atoms (or an atom and an image) are
    ///   closer than `minimumDistance`; `AtomisticsError.nonFinite` for a NaN position.
    public mutating func build(_ system: System) throws {
        let n = system.count
        let box = system.box
        for (k, x) in system.positions.enumerated() where !x.isFinite {
            throw AtomisticsError.nonFinite(what: "positions", index: k)
        }
        let grid = BinGrid(box: box, positions: system.positions, count: n, listCutoff: listCutoff)

        let blocks = AtomisticsParallel.blockCount(n)
        var parts = [BuildPart](repeating: BuildPart(), count: blocks)
        let half = kind == .half
        let rc2 = listCutoff * listCutoff
        let min2 = minimumDistance * minimumDistance
        parts.withUnsafeMutableBufferPointer { partsBuffer in
            let out = AtomisticsUncheckedSendable(partsBuffer)
            AtomisticsParallel.forEachBlock(n, blocks: blocks) { k, range in
                out.value[k] = grid.search(range, box: box, half: half, rc2: rc2, min2: min2)
            }
        }
        if let bad = parts.lazy.compactMap(\.overlap).first {
            throw AtomisticsError.overlappingAtoms(i: bad.i, j: bad.j, distance: bad.r, minimum: minimumDistance)
        }
        // Concatenate the blocks in order.
        if blocks == 1 {
            neighbors = parts[0].neighbors
            shifts = parts[0].shifts
            var off = [Int](repeating: 0, count: n + 1)
            for i in 0..<n { off[i + 1] = off[i] + parts[0].counts[i] }
            offsets = off
        } else {
            var off = [Int](repeating: 0, count: n + 1)
            var i = 0
            for p in parts { for c in p.counts { off[i + 1] = off[i] + c; i += 1 } }
            var nb = [Int32](); nb.reserveCapacity(off[n])
            var sh = [Double](); sh.reserveCapacity(3 * off[n])
            for p in parts { nb.append(contentsOf: p.neighbors); sh.append(contentsOf: p.shifts) }
            offsets = off
            neighbors = nb
            shifts = sh
        }
        referencePositions = system.positions
        referenceBox = box
        buildCount += 1
        stepsSinceBuild = 0
    }
}

/// One thread's share of a build: per-atom counts, entries, shifts, and the first overlap seen.
struct BuildPart {
    var counts: [Int] = []
    var neighbors: [Int32] = []
    var shifts: [Double] = []
    var overlap: (i: Int, j: Int, r: Double)? = nil
}

/// Atoms sorted into bins laid in fractional coordinates.
struct BinGrid: @unchecked Sendable {
    /// Bins along a, b, c.
    var nbins: (Int, Int, Int)
    /// How many bins either side the stencil reaches along a, b, c.
    var reach: (Int, Int, Int)
    var periodic: (Bool, Bool, Bool)
    /// Atom indices sorted by bin (by atom index within a bin), and each bin's start.
    var binStart: [Int]
    var binAtoms: [Int32]
    /// Each atom's bin coordinates, 3 per atom.
    var atomBin: [Int32]
    /// Each atom's lattice image: x = wrapped + image·H, 3 per atom.
    var image: [Int32]
    /// Wrapped Cartesian positions, 3 per atom.
    var wrapped: [Double]

    init(box: Box, positions: [Double], count n: Int, listCutoff rc: Double) {
        let m = box.inverse, o = box.origin
        let per = box.periodic
        periodic = (per[0], per[1], per[2])
        var frac = [Double](repeating: 0, count: 3 * n)
        var img = [Int32](repeating: 0, count: 3 * n)
        var wr = positions
        var lo = [Double.infinity, .infinity, .infinity], hi = [-Double.infinity, -.infinity, -.infinity]
        for i in 0..<n {
            let dx = positions[3 * i] - o[0], dy = positions[3 * i + 1] - o[1], dz = positions[3 * i + 2] - o[2]
            var s = [dx * m[0] + dy * m[3] + dz * m[6], dx * m[1] + dy * m[4] + dz * m[7], dx * m[2] + dy * m[5] + dz * m[8]]
            var f = [0, 0, 0]
            for k in 0..<3 {
                if per[k] {
                    let fl = s[k].rounded(.down)
                    f[k] = Int(fl)
                    s[k] -= fl
                    if s[k] >= 1 { s[k] = 0; f[k] += 1 }
                    if s[k] < 0 { s[k] = 0 }
                } else {
                    lo[k] = Swift.min(lo[k], s[k]); hi[k] = Swift.max(hi[k], s[k])
                }
                frac[3 * i + k] = s[k]
                img[3 * i + k] = Int32(f[k])
            }
            if f != [0, 0, 0] {
                let t = box.latticeShift(f[0], f[1], f[2])
                wr[3 * i] -= t.0; wr[3 * i + 1] -= t.1; wr[3 * i + 2] -= t.2
            }
        }
        // Bin counts: bins at least rc (slightly more, against rounding) wide between faces.
        let w = box.perpendicularWidths
        var nb = [1, 1, 1], rch = [1, 1, 1]
        var span = [1.0, 1.0, 1.0]
        for k in 0..<3 {
            if per[k] {
                nb[k] = Swift.max(1, Int((w[k] / (rc * (1 + 1e-10))).rounded(.down)))
            } else if n > 0 {
                span[k] = hi[k] - lo[k]
                nb[k] = Swift.max(1, Int((span[k] * w[k] / (rc * (1 + 1e-10))).rounded(.down)))
                if !(span[k] > 0) { span[k] = 1; nb[k] = 1 }
            }
        }
        // Never more bins than about 4 per atom (a sparse or elongated system).
        let limit = Swift.max(27, 4 * n)
        while nb[0] * nb[1] * nb[2] > limit {
            let k = nb.indices.max { nb[$0] < nb[$1] }!
            nb[k] = Swift.max(1, nb[k] / 2)
        }
        for k in 0..<3 {
            if per[k] {
                // Bins needed either side: every image whose fractional offset can be within rc.
                rch[k] = Swift.max(1, Int((rc * Double(nb[k]) / w[k] * (1 + 1e-10)).rounded(.up)))
            } else {
                rch[k] = 1
            }
        }
        nbins = (nb[0], nb[1], nb[2])
        reach = (rch[0], rch[1], rch[2])
        var ab = [Int32](repeating: 0, count: 3 * n)
        var counts = [Int](repeating: 0, count: nb[0] * nb[1] * nb[2] + 1)
        for i in 0..<n {
            var b = [0, 0, 0]
            for k in 0..<3 {
                let s = per[k] ? frac[3 * i + k] : (frac[3 * i + k] - (lo[k].isFinite ? lo[k] : 0)) / span[k]
                b[k] = Swift.min(nb[k] - 1, Swift.max(0, Int(s * Double(nb[k]))))
                ab[3 * i + k] = Int32(b[k])
            }
            counts[(b[0] * nb[1] + b[1]) * nb[2] + b[2] + 1] += 1
        }
        for c in 1..<counts.count { counts[c] += counts[c - 1] }
        var fill = counts
        var atoms = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            let c = (Int(ab[3 * i]) * nb[1] + Int(ab[3 * i + 1])) * nb[2] + Int(ab[3 * i + 2])
            atoms[fill[c]] = Int32(i)
            fill[c] += 1
        }
        binStart = counts
        binAtoms = atoms
        atomBin = ab
        image = img
        wrapped = wr
    }

    /// Finds the entries of atoms in `range`.
    func search(_ range: Range<Int>, box: Box, half: Bool, rc2: Double, min2: Double) -> BuildPart {
        var part = BuildPart()
        part.counts = [Int](repeating: 0, count: range.count)
        let estimate = range.count * 64
        part.neighbors.reserveCapacity(estimate)
        part.shifts.reserveCapacity(3 * estimate)
        let (n0, n1, n2) = nbins
        let (m0, m1, m2) = reach
        let (p0, p1, p2) = periodic
        // The stencil: bin offsets and their lattice images' Cartesian translations are computed
        // per atom bin below; image translations for (i0, i1, i2) come from the box.
        let h = box.vectors
        binStart.withUnsafeBufferPointer { start in
        binAtoms.withUnsafeBufferPointer { atoms in
        atomBin.withUnsafeBufferPointer { ab in
        image.withUnsafeBufferPointer { img in
        wrapped.withUnsafeBufferPointer { x in
            for i in range {
                let b0 = Int(ab[3 * i]), b1 = Int(ab[3 * i + 1]), b2 = Int(ab[3 * i + 2])
                let xi = x[3 * i], yi = x[3 * i + 1], zi = x[3 * i + 2]
                let fi0 = Int(img[3 * i]), fi1 = Int(img[3 * i + 1]), fi2 = Int(img[3 * i + 2])
                var found = 0
                for d0 in -m0...m0 {
                    var c0 = b0 + d0, i0 = 0
                    if p0 { i0 = Self.floorDiv(c0, n0); c0 -= i0 * n0 } else if c0 < 0 || c0 >= n0 { continue }
                    for d1 in -m1...m1 {
                        var c1 = b1 + d1, i1 = 0
                        if p1 { i1 = Self.floorDiv(c1, n1); c1 -= i1 * n1 } else if c1 < 0 || c1 >= n1 { continue }
                        for d2 in -m2...m2 {
                            var c2 = b2 + d2, i2 = 0
                            if p2 { i2 = Self.floorDiv(c2, n2); c2 -= i2 * n2 } else if c2 < 0 || c2 >= n2 { continue }
                            let a0 = Double(i0), a1 = Double(i1), a2 = Double(i2)
                            let sx = a0 * h[0] + a1 * h[3] + a2 * h[6]
                            let sy = a0 * h[1] + a1 * h[4] + a2 * h[7]
                            let sz = a0 * h[2] + a1 * h[5] + a2 * h[8]
                            let selfImage = i0 == 0 && i1 == 0 && i2 == 0
                            let positiveImage = i0 > 0 || (i0 == 0 && (i1 > 0 || (i1 == 0 && i2 > 0)))
                            let c = (c0 * n1 + c1) * n2 + c2
                            for q in start[c]..<start[c + 1] {
                                let j = Int(atoms[q])
                                if j == i {
                                    if selfImage || (half && !positiveImage) { continue }
                                } else if half && j < i {
                                    continue
                                }
                                let dx = x[3 * j] + sx - xi, dy = x[3 * j + 1] + sy - yi, dz = x[3 * j + 2] + sz - zi
                                let r2 = dx * dx + dy * dy + dz * dz
                                if r2 < rc2 {
                                    if r2 < min2 && part.overlap == nil {
                                        part.overlap = (Swift.min(i, j), Swift.max(i, j), r2.squareRoot())
                                    }
                                    // Shift for unwrapped positions: (image + f_i − f_j)·H.
                                    let t = box.latticeShift(i0 + fi0 - Int(img[3 * j]),
                                                             i1 + fi1 - Int(img[3 * j + 1]),
                                                             i2 + fi2 - Int(img[3 * j + 2]))
                                    part.neighbors.append(Int32(j))
                                    part.shifts.append(t.0)
                                    part.shifts.append(t.1)
                                    part.shifts.append(t.2)
                                    found += 1
                                }
                            }
                        }
                    }
                }
                part.counts[i - range.lowerBound] = found
            }
        }}}}}
        return part
    }

    @inline(__always) static func floorDiv(_ a: Int, _ b: Int) -> Int {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }
}

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
        // A cutoff many cells long asks for more periodic images than any machine holds: refuse
        // it with the numbers rather than spending hours (or the memory) on the build.
        var images = 1.0
        for k in 0..<3 where box.periodic[k] { images *= 2 * (listCutoff / box.perpendicularWidths[k]).rounded(.up) + 1 }
        let density = Double(n) / box.volume
        let pairs = Double(n) * Swift.min(Double(n) * images, density * 4 / 3 * Double.pi * listCutoff * listCutoff * listCutoff + 1)
        guard images <= 1e6, pairs <= 2e9 else {
            throw AtomisticsError.invalidParameter(name: "neighbor list cutoff",
                                                   expected: "a cutoff + skin of a few cell widths at most (a list that fits in memory)",
                                                   found: "\(listCutoff) for a cell \(box.perpendicularWidths.map { String(format: "%.4g", $0) }.joined(separator: " × ")) wide: about \(String(format: "%.2g", pairs)) pairs over \(String(format: "%.2g", images)) periodic images")
        }
        // Image counts are 32-bit and bin indices machine integers: an atom 10⁸ cells away is
        // refused with a message rather than trapping in a conversion.
        let m = box.inverse, o = box.origin
        for i in 0..<n {
            let dx = system.positions[3 * i] - o[0], dy = system.positions[3 * i + 1] - o[1], dz = system.positions[3 * i + 2] - o[2]
            let s = [dx * m[0] + dy * m[3] + dz * m[6], dx * m[1] + dy * m[4] + dz * m[7], dx * m[2] + dy * m[5] + dz * m[8]]
            for k in 0..<3 where abs(s[k]) > 1e8 {
                throw AtomisticsError.invalidParameter(name: "position of atom \(i + 1)",
                                                       expected: "within 10⁸ cell lengths of the cell (a physical structure)",
                                                       found: "\(s[k]) cell lengths along \(["a", "b", "c"][k]) (x = \(system.positions[3 * i]), \(system.positions[3 * i + 1]), \(system.positions[3 * i + 2]))")
            }
        }
        let grid = BinGrid(box: box, positions: system.positions, count: n, listCutoff: listCutoff, half: kind == .half)

        let blocks = AtomisticsParallel.blockCount(n)
        let half = kind == .half
        let rc2 = listCutoff * listCutoff
        let min2 = minimumDistance * minimumDistance
        if blocks == 1 {
            // One block builds straight into the list's arrays, reusing their memory.
            var part = BuildPart(counts: [], neighbors: neighbors, shifts: shifts)
            neighbors = []
            shifts = []
            grid.search(0..<n, box: box, half: half, rc2: rc2, min2: min2, into: &part)
            if let bad = part.overlap {
                throw AtomisticsError.overlappingAtoms(i: bad.i, j: bad.j, distance: bad.r, minimum: minimumDistance)
            }
            var off = offsets, ue = unshiftedEnd
            unshiftedEnd = []
            off.removeAll(keepingCapacity: true); ue.removeAll(keepingCapacity: true)
            off.append(0)
            var total = 0
            for (c, z) in zip(part.counts, part.unshiftedCounts) { ue.append(total + z); total += c; off.append(total) }
            offsets = off
            unshiftedEnd = ue
            neighbors = part.neighbors
            shifts = part.shifts
        } else {
            var parts = [BuildPart](repeating: BuildPart(), count: blocks)
            parts.withUnsafeMutableBufferPointer { partsBuffer in
                let out = UncheckedSendable(partsBuffer)
                AtomisticsParallel.forEachBlock(n, blocks: blocks) { k, range in
                    grid.search(range, box: box, half: half, rc2: rc2, min2: min2, into: &out.value[k])
                }
            }
            if let bad = parts.lazy.compactMap(\.overlap).first {
                throw AtomisticsError.overlappingAtoms(i: bad.i, j: bad.j, distance: bad.r, minimum: minimumDistance)
            }
            // Concatenate the blocks in order.
            var off = offsets, nb = neighbors, sh = shifts, ue = unshiftedEnd
            neighbors = []; shifts = []; unshiftedEnd = []
            off.removeAll(keepingCapacity: true); nb.removeAll(keepingCapacity: true); sh.removeAll(keepingCapacity: true)
            ue.removeAll(keepingCapacity: true)
            off.append(0)
            var total = 0
            for p in parts {
                for (c, z) in zip(p.counts, p.unshiftedCounts) { ue.append(total + z); total += c; off.append(total) }
                nb.append(contentsOf: p.neighbors)
                sh.append(contentsOf: p.shifts)
            }
            offsets = off
            unshiftedEnd = ue
            neighbors = nb
            shifts = sh
        }
        referencePositions = system.positions
        referenceBox = box
        shiftBox = nil
        buildCount += 1
        stepsSinceBuild = 0
    }
}

/// One thread's share of a build: per-atom counts, entries, shifts, and the first overlap seen.
struct BuildPart {
    var counts: [Int] = []
    /// Per atom, how many of its entries (the first ones) have a zero shift.
    var unshiftedCounts: [Int] = []
    var neighbors: [Int32] = []
    var shifts: [Double] = []
    var overlap: (i: Int, j: Int, r: Double)? = nil
}

/// Atoms sorted into bins laid in fractional coordinates, and the stencil of bin offsets to search.
///
/// Bins are at least half the list cutoff wide between faces (LAMMPS's default bin size), so the
/// stencil reaches two or more bins either side; offsets whose bins cannot hold a pair within the
/// cutoff are dropped. For a half list only offsets d > 0 (lexicographically), and d = 0 with
/// j > i, are searched: a pair seen from i at offset d is seen from j at −d, so each pair is
/// found once.
struct BinGrid: @unchecked Sendable {
    /// Bins along a, b, c.
    var nbins: (Int, Int, Int)
    var periodic: (Bool, Bool, Bool)
    /// Stencil offsets (d_a, d_b, d_c), 3 per offset.
    var stencil: [Int]
    /// Atom indices sorted by bin (by atom index within a bin), and each bin's start.
    var binStart: [Int]
    var binAtoms: [Int32]
    /// Wrapped Cartesian positions in bin order (3 per slot of `binAtoms`), for streaming reads.
    var binPositions: [Double]
    /// Each atom's bin coordinates, 3 per atom.
    var atomBin: [Int32]
    /// Each atom's lattice image: x = wrapped + image·H, 3 per atom.
    var image: [Int32]
    /// Wrapped Cartesian positions, 3 per atom.
    var wrapped: [Double]

    init(box: Box, positions: [Double], count n: Int, listCutoff rc: Double, half: Bool) {
        let m = box.inverse, o = box.origin
        let per = box.periodic
        periodic = (per[0], per[1], per[2])
        var frac = [Double](repeating: 0, count: 3 * n)
        var img = [Int32](repeating: 0, count: 3 * n)
        var wr = positions
        var lo = [Double.infinity, .infinity, .infinity], hi = [-Double.infinity, -.infinity, -.infinity]
        for i in 0..<n {
            let dx = positions[3 * i] - o[0], dy = positions[3 * i + 1] - o[1], dz = positions[3 * i + 2] - o[2]
            var s = (dx * m[0] + dy * m[3] + dz * m[6], dx * m[1] + dy * m[4] + dz * m[7], dx * m[2] + dy * m[5] + dz * m[8])
            var f = (0, 0, 0)
            func reduce(_ k: Int, _ s: inout Double, _ f: inout Int) {
                if per[k] {
                    let fl = s.rounded(.down)
                    f = Int(fl)
                    s -= fl
                    if s >= 1 { s = 0; f += 1 }
                    if s < 0 { s = 0 }
                } else {
                    lo[k] = Swift.min(lo[k], s); hi[k] = Swift.max(hi[k], s)
                }
            }
            reduce(0, &s.0, &f.0); reduce(1, &s.1, &f.1); reduce(2, &s.2, &f.2)
            frac[3 * i] = s.0; frac[3 * i + 1] = s.1; frac[3 * i + 2] = s.2
            img[3 * i] = Int32(f.0); img[3 * i + 1] = Int32(f.1); img[3 * i + 2] = Int32(f.2)
            if f != (0, 0, 0) {
                let t = box.latticeShift(f.0, f.1, f.2)
                wr[3 * i] -= t.0; wr[3 * i + 1] -= t.1; wr[3 * i + 2] -= t.2
            }
        }
        // Widths between faces of the binned region: the box along periodic directions, the
        // atoms' extent along the others.
        let w = box.perpendicularWidths
        var width = [0.0, 0.0, 0.0], span = [1.0, 1.0, 1.0], start = [0.0, 0.0, 0.0]
        for k in 0..<3 {
            if per[k] {
                width[k] = w[k]
            } else if n > 0, hi[k] > lo[k] {
                span[k] = hi[k] - lo[k]
                start[k] = lo[k]
                width[k] = span[k] * w[k]
            } else if n > 0 {
                start[k] = lo[k]
            }
        }
        var nb = (0..<3).map { Swift.max(1, Int(Swift.min(1e9, (width[$0] / (0.5 * rc * (1 + 1e-10))).rounded(.down)))) }
        // Never more bins than about 4 per atom (a sparse or elongated system).
        let limit = Swift.max(27, 4 * n)
        while nb[0] * nb[1] * nb[2] > limit {
            let k = nb.indices.max { nb[$0] < nb[$1] }!
            nb[k] = Swift.max(1, nb[k] / 2)
        }
        // Bins needed either side: every offset whose fractional separation can be within rc.
        let reach = (0..<3).map { k -> Int in
            guard width[k] > 0 else { return 0 }
            let r = Swift.max(1, Int(Swift.min(1e9, (rc * Double(nb[k]) / width[k] * (1 + 1e-10)).rounded(.up))))
            // Along an open direction no offset beyond the grid can hold an atom.
            return per[k] ? r : Swift.min(r, nb[k] - 1)
        }
        // The stencil, without offsets whose bins are surely farther apart than rc: a lower
        // bound of the distance is the gap between bin faces along each direction (combined as
        // a Euclidean sum in an orthorhombic box, the largest one otherwise).
        let binWidth = (0..<3).map { width[$0] / Double(nb[$0]) }
        var st = [Int]()
        for d0 in -reach[0]...reach[0] {
            for d1 in -reach[1]...reach[1] {
                for d2 in -reach[2]...reach[2] {
                    if half && (d0 < 0 || (d0 == 0 && (d1 < 0 || (d1 == 0 && d2 < 0)))) { continue }
                    let gaps = [d0, d1, d2].enumerated().map { Double(Swift.max(0, abs($0.element) - 1)) * binWidth[$0.offset] }
                    let bound = box.isOrthorhombic ? (gaps[0] * gaps[0] + gaps[1] * gaps[1] + gaps[2] * gaps[2]).squareRoot() : gaps.max()!
                    if bound > rc * (1 + 1e-9) { continue }
                    st += [d0, d1, d2]
                }
            }
        }
        stencil = st
        nbins = (nb[0], nb[1], nb[2])
        var ab = [Int32](repeating: 0, count: 3 * n)
        var counts = [Int](repeating: 0, count: nb[0] * nb[1] * nb[2] + 1)
        for i in 0..<n {
            for k in 0..<3 {
                let s = per[k] ? frac[3 * i + k] : (frac[3 * i + k] - start[k]) / span[k]
                ab[3 * i + k] = Int32(Swift.min(nb[k] - 1, Swift.max(0, Int(s * Double(nb[k])))))
            }
            counts[(Int(ab[3 * i]) * nb[1] + Int(ab[3 * i + 1])) * nb[2] + Int(ab[3 * i + 2]) + 1] += 1
        }
        for c in 1..<counts.count { counts[c] += counts[c - 1] }
        var fill = counts
        var atoms = [Int32](repeating: 0, count: n)
        var bx = [Double](repeating: 0, count: 3 * n)
        for i in 0..<n {
            let c = (Int(ab[3 * i]) * nb[1] + Int(ab[3 * i + 1])) * nb[2] + Int(ab[3 * i + 2])
            let q = fill[c]
            atoms[q] = Int32(i)
            bx[3 * q] = wr[3 * i]; bx[3 * q + 1] = wr[3 * i + 1]; bx[3 * q + 2] = wr[3 * i + 2]
            fill[c] += 1
        }
        binStart = counts
        binAtoms = atoms
        binPositions = bx
        atomBin = ab
        image = img
        wrapped = wr
    }

    /// Appends the entries of atoms in `range` to `part` (whose arrays may keep capacity from an
    /// earlier build). Each atom's entries with a zero shift come first, the others after, each
    /// group in stencil order.
    func search(_ range: Range<Int>, box: Box, half: Bool, rc2: Double, min2: Double, into part: inout BuildPart) {
        part.counts.removeAll(keepingCapacity: true)
        part.counts.reserveCapacity(range.count)
        part.unshiftedCounts.removeAll(keepingCapacity: true)
        part.unshiftedCounts.reserveCapacity(range.count)
        part.neighbors.removeAll(keepingCapacity: true)
        part.shifts.removeAll(keepingCapacity: true)
        part.overlap = nil
        let (n0, n1, n2) = nbins
        let (p0, p1, p2) = periodic
        let h = box.vectors
        let h0 = h[0], h1 = h[1], h2 = h[2], h3 = h[3], h4 = h[4], h5 = h[5], h6 = h[6], h7 = h[7], h8 = h[8]
        // One atom's entries are gathered in scratch buffers (zero-shift ones apart) and appended
        // to the part once per atom; the buffers grow before a bin could overflow them.
        var capacity = 256
        var zeroJ = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        var moreJ = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        var moreS = UnsafeMutablePointer<Double>.allocate(capacity: 3 * capacity)
        defer { zeroJ.deallocate(); moreJ.deallocate(); moreS.deallocate() }
        stencil.withUnsafeBufferPointer { st in
        binStart.withUnsafeBufferPointer { start in
        binAtoms.withUnsafeBufferPointer { atoms in
        binPositions.withUnsafeBufferPointer { bx in
        atomBin.withUnsafeBufferPointer { ab in
        image.withUnsafeBufferPointer { img in
        wrapped.withUnsafeBufferPointer { x in
            for i in range {
                let b0 = Int(ab[3 * i]), b1 = Int(ab[3 * i + 1]), b2 = Int(ab[3 * i + 2])
                let xi = x[3 * i], yi = x[3 * i + 1], zi = x[3 * i + 2]
                let fi0 = Int(img[3 * i]), fi1 = Int(img[3 * i + 1]), fi2 = Int(img[3 * i + 2])
                var nz = 0, nm = 0
                var s = 0
                while s < st.count {
                    let d0 = st[s], d1 = st[s + 1], d2 = st[s + 2]
                    s += 3
                    var c0 = b0 + d0, i0 = 0
                    if p0 { i0 = Self.wrap(&c0, n0) } else if c0 < 0 || c0 >= n0 { continue }
                    var c1 = b1 + d1, i1 = 0
                    if p1 { i1 = Self.wrap(&c1, n1) } else if c1 < 0 || c1 >= n1 { continue }
                    var c2 = b2 + d2, i2 = 0
                    if p2 { i2 = Self.wrap(&c2, n2) } else if c2 < 0 || c2 >= n2 { continue }
                    let a0 = Double(i0), a1 = Double(i1), a2 = Double(i2)
                    let sx = a0 * h0 + a1 * h3 + a2 * h6 - xi
                    let sy = a0 * h1 + a1 * h4 + a2 * h7 - yi
                    let sz = a0 * h2 + a1 * h5 + a2 * h8 - zi
                    let zero = d0 == 0 && d1 == 0 && d2 == 0
                    let c = (c0 * n1 + c1) * n2 + c2
                    let lo = start[c], hi = start[c &+ 1]
                    if Swift.max(nz, nm) + (hi - lo) > capacity {
                        let grown = 2 * (Swift.max(nz, nm) + (hi - lo))
                        let z2 = UnsafeMutablePointer<Int32>.allocate(capacity: grown)
                        let m2 = UnsafeMutablePointer<Int32>.allocate(capacity: grown)
                        let s2 = UnsafeMutablePointer<Double>.allocate(capacity: 3 * grown)
                        z2.update(from: zeroJ, count: nz); m2.update(from: moreJ, count: nm); s2.update(from: moreS, count: 3 * nm)
                        zeroJ.deallocate(); moreJ.deallocate(); moreS.deallocate()
                        zeroJ = z2; moreJ = m2; moreS = s2
                        capacity = grown
                    }
                    // Image of j relative to i before j's own image: (image + f_i)…
                    let e0 = i0 + fi0, e1 = i1 + fi1, e2 = i2 + fi2
                    for q in lo..<hi {
                        let q3 = 3 &* q
                        let dx = bx[q3] + sx, dy = bx[q3 &+ 1] + sy, dz = bx[q3 &+ 2] + sz
                        let r2 = dx * dx + dy * dy + dz * dz
                        if r2 >= rc2 { continue }
                        let j = Int(truncatingIfNeeded: atoms[q])
                        // Offset 0: the atom itself is not its neighbor; a half list keeps j > i.
                        if zero && (j == i || (half && j < i)) { continue }
                        if r2 < min2 && part.overlap == nil {
                            part.overlap = (Swift.min(i, j), Swift.max(i, j), r2.squareRoot())
                        }
                        // Shift for unwrapped positions: (image + f_i − f_j)·H.
                        let j3 = 3 &* j
                        let m0 = e0 - Int(img[j3]), m1 = e1 - Int(img[j3 &+ 1]), m2 = e2 - Int(img[j3 &+ 2])
                        if m0 == 0 && m1 == 0 && m2 == 0 {
                            zeroJ[nz] = Int32(truncatingIfNeeded: j)
                            nz &+= 1
                        } else {
                            // Box.latticeShift, with the cell vectors in registers.
                            let a0 = Double(m0), a1 = Double(m1), a2 = Double(m2)
                            moreJ[nm] = Int32(truncatingIfNeeded: j)
                            moreS[3 &* nm] = a0 * h0 + a1 * h3 + a2 * h6
                            moreS[3 &* nm &+ 1] = a0 * h1 + a1 * h4 + a2 * h7
                            moreS[3 &* nm &+ 2] = a0 * h2 + a1 * h5 + a2 * h8
                            nm &+= 1
                        }
                    }
                }
                part.neighbors.append(contentsOf: UnsafeBufferPointer(start: zeroJ, count: nz))
                part.neighbors.append(contentsOf: UnsafeBufferPointer(start: moreJ, count: nm))
                part.shifts.append(contentsOf: repeatElement(0.0, count: 3 * nz))
                part.shifts.append(contentsOf: UnsafeBufferPointer(start: moreS, count: 3 * nm))
                part.counts.append(nz + nm)
                part.unshiftedCounts.append(nz)
            }
        }}}}}}}
    }

    /// Wraps bin coordinate `c` into 0..<n and returns the number of periods taken off (floor(c/n)),
    /// without an integer division: stencil offsets are within a few periods of the grid.
    @inline(__always) static func wrap(_ c: inout Int, _ n: Int) -> Int {
        var k = 0
        while c < 0 { c &+= n; k &-= 1 }
        while c >= n { c &-= n; k &+= 1 }
        return k
    }
}

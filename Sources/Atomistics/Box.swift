import Foundation

/// A simulation cell: three lattice vectors a, b, c (the rows of a 3×3 row-major matrix H, length
/// units: Å in metal), an origin, and whether each direction is periodic.
///
/// A point with fractional coordinates s = (s_a, s_b, s_c) sits at x = origin + s·H (row vector
/// times matrix). Orthorhombic boxes, LAMMPS's restricted triclinic boxes (a along x, b in the xy
/// plane) and arbitrary vectors (extxyz `Lattice`) are all the same type. A non-periodic direction
/// still has a vector (it sets the frame of fractional coordinates), but atoms may lie outside it.
public struct Box: Sendable, Equatable, Codable {
    /// The lattice vectors a, b, c as the rows of a row-major 3×3 matrix (length units).
    public let vectors: [Double]
    /// The corner of the box where fractional coordinates are 0 (length units).
    public let origin: [Double]
    /// Whether the box repeats along a, b, c.
    public let periodic: [Bool]
    /// H⁻¹, row-major: fractional s = (x − origin)·H⁻¹ (inverse length units).
    public let inverse: [Double]
    /// |det H| (length³).
    public let volume: Double
    /// Distances between opposite faces: V/|b×c|, V/|c×a|, V/|a×b| (length units). Bins and the
    /// number of periodic images within a cutoff are set by these, not by |a|, |b|, |c|.
    public let perpendicularWidths: [Double]

    /// A box from three lattice vectors, rows a, b, c of a row-major 3×3 matrix (length units).
    ///
    /// - Throws: `AtomisticsError` when there are not 9 finite values, the origin or periodic
    ///   flags do not have 3 entries, or the vectors do not span space.
    public init(vectors: [Double], origin: [Double] = [0, 0, 0],
                periodic: [Bool] = [true, true, true]) throws {
        guard vectors.count == 9 else {
            throw AtomisticsError.countMismatch(what: "box vectors (3×3, row-major)", expected: 9, found: vectors.count)
        }
        guard origin.count == 3 else {
            throw AtomisticsError.countMismatch(what: "box origin", expected: 3, found: origin.count)
        }
        guard periodic.count == 3 else {
            throw AtomisticsError.countMismatch(what: "box periodic flags", expected: 3, found: periodic.count)
        }
        for (k, v) in (vectors + origin).enumerated() where !v.isFinite {
            throw AtomisticsError.nonFinite(what: k < 9 ? "box vectors" : "box origin", index: k < 9 ? k : k - 9)
        }
        let h = vectors
        // Cofactors: rows of (b×c, c×a, a×b).
        let bc = Box.cross(h[3], h[4], h[5], h[6], h[7], h[8])
        let ca = Box.cross(h[6], h[7], h[8], h[0], h[1], h[2])
        let ab = Box.cross(h[0], h[1], h[2], h[3], h[4], h[5])
        let det = h[0] * bc.0 + h[1] * bc.1 + h[2] * bc.2
        let scale = Box.norm(h[0], h[1], h[2]) * Box.norm(h[3], h[4], h[5]) * Box.norm(h[6], h[7], h[8])
        guard det.isFinite, abs(det) > 1e-12 * scale, scale > 0 else {
            throw AtomisticsError.degenerateBox(volume: abs(det))
        }
        self.vectors = h
        self.origin = origin
        self.periodic = periodic
        // H⁻¹ = (1/det)·[b×c | c×a | a×b] as columns.
        let d = 1 / det
        inverse = [bc.0 * d, ca.0 * d, ab.0 * d,
                   bc.1 * d, ca.1 * d, ab.1 * d,
                   bc.2 * d, ca.2 * d, ab.2 * d]
        volume = abs(det)
        perpendicularWidths = [abs(det) / Box.norm(bc.0, bc.1, bc.2),
                               abs(det) / Box.norm(ca.0, ca.1, ca.2),
                               abs(det) / Box.norm(ab.0, ab.1, ab.2)]
    }

    /// An orthorhombic box with edge lengths lx, ly, lz (length units).
    public init(lengths: [Double], origin: [Double] = [0, 0, 0],
                periodic: [Bool] = [true, true, true]) throws {
        guard lengths.count == 3 else {
            throw AtomisticsError.countMismatch(what: "box lengths", expected: 3, found: lengths.count)
        }
        for (k, l) in lengths.enumerated() where !(l > 0 && l.isFinite) {
            throw AtomisticsError.invalidParameter(name: "box length \(["a", "b", "c"][k])",
                                                   expected: "a positive finite length", found: "\(l)")
        }
        try self.init(vectors: [lengths[0], 0, 0, 0, lengths[1], 0, 0, 0, lengths[2]],
                      origin: origin, periodic: periodic)
    }

    /// A LAMMPS box: bounds `lo`, `hi` (xlo ylo zlo, xhi yhi zhi) and tilts xy, xz, yz (length
    /// units), i.e. a = (hi−lo)_x x̂, b = (xy, (hi−lo)_y, 0), c = (xz, yz, (hi−lo)_z), origin lo.
    public init(lammpsLow lo: [Double], high hi: [Double], xy: Double = 0, xz: Double = 0, yz: Double = 0,
                periodic: [Bool] = [true, true, true]) throws {
        guard lo.count == 3, hi.count == 3 else {
            throw AtomisticsError.countMismatch(what: "LAMMPS box bounds", expected: 3, found: lo.count == 3 ? hi.count : lo.count)
        }
        for k in 0..<3 where !(hi[k] > lo[k]) {
            throw AtomisticsError.invalidParameter(name: "LAMMPS box \(["x", "y", "z"][k]) bounds",
                                                   expected: "hi > lo", found: "lo \(lo[k]), hi \(hi[k])")
        }
        try self.init(vectors: [hi[0] - lo[0], 0, 0, xy, hi[1] - lo[1], 0, xz, yz, hi[2] - lo[2]],
                      origin: lo, periodic: periodic)
    }

    /// A box from edge lengths |a|, |b|, |c| (length units) and angles α (b,c), β (a,c), γ (a,b)
    /// in degrees, oriented as LAMMPS and AMBER do: a along x, b in the xy plane.
    public init(lengths: [Double], anglesInDegrees angles: [Double], origin: [Double] = [0, 0, 0],
                periodic: [Bool] = [true, true, true]) throws {
        guard lengths.count == 3, angles.count == 3 else {
            throw AtomisticsError.countMismatch(what: "cell lengths and angles", expected: 3,
                                                found: lengths.count == 3 ? angles.count : lengths.count)
        }
        let r = Double.pi / 180
        let (ca, cb, cg, sg) = (cos(angles[0] * r), cos(angles[1] * r), cos(angles[2] * r), sin(angles[2] * r))
        let cx = cb, cy = (ca - cb * cg) / sg
        let cz2 = 1 - cx * cx - cy * cy
        guard cz2 > 0 else {
            throw AtomisticsError.invalidParameter(name: "cell angles", expected: "angles of a real cell",
                                                   found: "\(angles)")
        }
        let (la, lb, lc) = (lengths[0], lengths[1], lengths[2])
        try self.init(vectors: [la, 0, 0, lb * cg, lb * sg, 0, lc * cx, lc * cy, lc * cz2.squareRoot()],
                      origin: origin, periodic: periodic)
    }

    // MARK: Shape

    /// |a|, |b|, |c| (length units).
    public var lengths: [Double] {
        (0..<3).map { Box.norm(vectors[3 * $0], vectors[3 * $0 + 1], vectors[3 * $0 + 2]) }
    }

    /// α (between b and c), β (a, c), γ (a, b) in degrees.
    public var anglesInDegrees: [Double] {
        func angle(_ i: Int, _ j: Int) -> Double {
            let u = vectors[(3 * i)..<(3 * i + 3)].map { $0 }, v = vectors[(3 * j)..<(3 * j + 3)].map { $0 }
            let c = (u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) / (Box.norm(u[0], u[1], u[2]) * Box.norm(v[0], v[1], v[2]))
            return acos(max(-1, min(1, c))) * 180 / Double.pi
        }
        return [angle(1, 2), angle(0, 2), angle(0, 1)]
    }

    /// True when a, b, c lie along x, y, z.
    public var isOrthorhombic: Bool {
        vectors[1] == 0 && vectors[2] == 0 && vectors[3] == 0 && vectors[5] == 0 && vectors[6] == 0 && vectors[7] == 0
    }

    /// True when the box is in LAMMPS's restricted triclinic form (a along x, b in the xy plane,
    /// all diagonal entries positive): it can be written as bounds and tilts xy, xz, yz.
    public var isLAMMPSRestricted: Bool {
        vectors[1] == 0 && vectors[2] == 0 && vectors[5] == 0 && vectors[0] > 0 && vectors[4] > 0 && vectors[8] > 0
    }

    /// The same cell rotated into LAMMPS's restricted triclinic orientation (a along x, b in the
    /// xy plane, c with positive z), and the rotation R (row-major 3×3) that takes a Cartesian
    /// vector x to x·R in the new frame (apply it to positions relative to the origin, velocities
    /// and forces). The new box has origin 0 and the same periodicity.
    ///
    /// - Throws: `AtomisticsError.invalidParameter` for a left-handed cell (det H < 0), which no
    ///   rotation makes restricted.
    public func lammpsRestricted() throws -> (box: Box, rotation: [Double]) {
        let h = vectors
        let a = (h[0], h[1], h[2]), b = (h[3], h[4], h[5]), c = (h[6], h[7], h[8])
        func dot(_ u: (Double, Double, Double), _ v: (Double, Double, Double)) -> Double { u.0 * v.0 + u.1 * v.1 + u.2 * v.2 }
        let ab = Box.cross(a.0, a.1, a.2, b.0, b.1, b.2)
        guard dot(ab, c) > 0 else {
            throw AtomisticsError.invalidParameter(name: "box vectors", expected: "a right-handed cell (a×b·c > 0) for LAMMPS",
                                                   found: "a×b·c = \(dot(ab, c))")
        }
        let la = dot(a, a).squareRoot(), lab = dot(ab, ab).squareRoot()
        let e1 = (a.0 / la, a.1 / la, a.2 / la)
        let e3 = (ab.0 / lab, ab.1 / lab, ab.2 / lab)
        let e2 = Box.cross(e3.0, e3.1, e3.2, e1.0, e1.1, e1.2)
        // x' = (x·e1, x·e2, x·e3): R has e1, e2, e3 as columns.
        let r = [e1.0, e2.0, e3.0, e1.1, e2.1, e3.1, e1.2, e2.2, e3.2]
        let v = [la, 0, 0, dot(b, e1), dot(b, e2), 0, dot(c, e1), dot(c, e2), dot(c, e3)]
        return (try Box(vectors: v, periodic: periodic), r)
    }

    /// The periodic translation n_a·a + n_b·b + n_c·c (length units), always summed in this order
    /// so every caller gets the same bits.
    @inlinable
    public func latticeShift(_ na: Int, _ nb: Int, _ nc: Int) -> (Double, Double, Double) {
        let a = Double(na), b = Double(nb), c = Double(nc)
        return (a * vectors[0] + b * vectors[3] + c * vectors[6],
                a * vectors[1] + b * vectors[4] + c * vectors[7],
                a * vectors[2] + b * vectors[5] + c * vectors[8])
    }

    // MARK: Coordinates

    /// Fractional coordinates of Cartesian points: s = (x − origin)·H⁻¹ (dimensionless; input and
    /// output flat, 3 values per point, length units in).
    public func fractional(fromCartesian x: [Double]) -> [Double] {
        precondition(x.count % 3 == 0, "fractional(fromCartesian:): expected 3 values per point, found \(x.count) values")
        var s = [Double](repeating: 0, count: x.count)
        let m = inverse, o = origin
        for p in stride(from: 0, to: x.count, by: 3) {
            let dx = x[p] - o[0], dy = x[p + 1] - o[1], dz = x[p + 2] - o[2]
            s[p] = dx * m[0] + dy * m[3] + dz * m[6]
            s[p + 1] = dx * m[1] + dy * m[4] + dz * m[7]
            s[p + 2] = dx * m[2] + dy * m[5] + dz * m[8]
        }
        return s
    }

    /// Cartesian coordinates of fractional points: x = origin + s·H (length units; flat, 3 per point).
    public func cartesian(fromFractional s: [Double]) -> [Double] {
        precondition(s.count % 3 == 0, "cartesian(fromFractional:): expected 3 values per point, found \(s.count) values")
        var x = [Double](repeating: 0, count: s.count)
        let h = vectors, o = origin
        for p in stride(from: 0, to: s.count, by: 3) {
            let a = s[p], b = s[p + 1], c = s[p + 2]
            x[p] = o[0] + a * h[0] + b * h[3] + c * h[6]
            x[p + 1] = o[1] + a * h[1] + b * h[4] + c * h[7]
            x[p + 2] = o[2] + a * h[2] + b * h[5] + c * h[8]
        }
        return x
    }

    /// Moves each point into the box along its periodic directions (0 ≤ s < 1 up to rounding) by
    /// whole lattice vectors; points already inside are left bit-for-bit unchanged (length units,
    /// flat 3N).
    public func wrap(_ positions: inout [Double]) {
        precondition(positions.count % 3 == 0, "wrap: expected 3 values per point, found \(positions.count) values")
        let m = inverse, o = origin, p = periodic
        for q in stride(from: 0, to: positions.count, by: 3) {
            let dx = positions[q] - o[0], dy = positions[q + 1] - o[1], dz = positions[q + 2] - o[2]
            let na = p[0] ? Int((dx * m[0] + dy * m[3] + dz * m[6]).rounded(.down)) : 0
            let nb = p[1] ? Int((dx * m[1] + dy * m[4] + dz * m[7]).rounded(.down)) : 0
            let nc = p[2] ? Int((dx * m[2] + dy * m[5] + dz * m[8]).rounded(.down)) : 0
            if na != 0 || nb != 0 || nc != 0 {
                let t = latticeShift(na, nb, nc)
                positions[q] -= t.0
                positions[q + 1] -= t.1
                positions[q + 2] -= t.2
            }
        }
    }

    /// Replaces a separation vector d (length units) by its shortest periodic image, exactly for
    /// any cell shape: after rounding the fractional components, every image that could be shorter
    /// (bounded by |d|/width per direction) is tried.
    public func minimumImage(_ d: inout (Double, Double, Double)) {
        let m = inverse, w = perpendicularWidths
        var s = (d.0 * m[0] + d.1 * m[3] + d.2 * m[6],
                 d.0 * m[1] + d.1 * m[4] + d.2 * m[7],
                 d.0 * m[2] + d.1 * m[5] + d.2 * m[8])
        let n0 = periodic[0] ? -s.0.rounded() : 0
        let n1 = periodic[1] ? -s.1.rounded() : 0
        let n2 = periodic[2] ? -s.2.rounded() : 0
        var t = latticeShift(Int(n0), Int(n1), Int(n2))
        var best = (d.0 + t.0, d.1 + t.1, d.2 + t.2)
        var best2 = best.0 * best.0 + best.1 * best.1 + best.2 * best.2
        s = (s.0 + n0, s.1 + n1, s.2 + n2)
        // An image n is shorter only if |s_k + n_k|·w_k ≤ |d| for every k.
        let r = best2.squareRoot()
        func range(_ k: Int, _ sk: Double) -> ClosedRange<Int> {
            guard periodic[k] else { return 0...0 }
            let reach = r / w[k]
            // the current image (0) is always in range, also when rounding empties the interval
            return min(0, Int((-sk - reach).rounded(.up)))...max(0, Int((-sk + reach).rounded(.down)))
        }
        let base = best
        for i in range(0, s.0) {
            for j in range(1, s.1) {
                for k in range(2, s.2) where i != 0 || j != 0 || k != 0 {
                    t = latticeShift(i, j, k)
                    let c = (base.0 + t.0, base.1 + t.1, base.2 + t.2)
                    let c2 = c.0 * c.0 + c.1 * c.1 + c.2 * c.2
                    if c2 < best2 {
                        best = c
                        best2 = c2
                    }
                }
            }
        }
        d = best
    }

    /// The shortest periodic-image distance between two points (length units).
    public func minimumImageDistance(_ x: (Double, Double, Double), _ y: (Double, Double, Double)) -> Double {
        var d = (y.0 - x.0, y.1 - x.1, y.2 - x.2)
        minimumImage(&d)
        return (d.0 * d.0 + d.1 * d.1 + d.2 * d.2).squareRoot()
    }

    /// A copy with the vectors replaced, origin and periodicity kept (e.g. for a strained box).
    public func withVectors(_ vectors: [Double]) throws -> Box {
        try Box(vectors: vectors, origin: origin, periodic: periodic)
    }

    @usableFromInline static func cross(_ a0: Double, _ a1: Double, _ a2: Double,
                                        _ b0: Double, _ b1: Double, _ b2: Double) -> (Double, Double, Double) {
        (a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0)
    }

    @usableFromInline static func norm(_ x: Double, _ y: Double, _ z: Double) -> Double {
        (x * x + y * y + z * z).squareRoot()
    }
}

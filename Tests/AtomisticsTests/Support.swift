import Testing
@testable import Atomistics

/// Expects |a − b| ≤ atol + rtol·|b|.
func expectClose(_ a: Double, _ b: Double, rtol: Double = 1e-10, atol: Double = 1e-12,
                 _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(abs(a - b) <= atol + rtol * abs(b), "\(a) vs \(b) \(comment.map { String(describing: $0) } ?? "")",
            sourceLocation: sourceLocation)
}

/// Expects two arrays to agree elementwise; reports the worst element.
func expectClose(_ a: [Double], _ b: [Double], rtol: Double = 1e-10, atol: Double = 1e-12,
                 _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.count == b.count, comment, sourceLocation: sourceLocation)
    guard a.count == b.count else { return }
    var at = -1, worst = 0.0
    for k in a.indices {
        let excess = abs(a[k] - b[k]) - (atol + rtol * abs(b[k]))
        if excess > worst || a[k].isNaN != b[k].isNaN { worst = Swift.max(excess, 1e-300); at = k }
    }
    #expect(at < 0, "element \(at): \(at >= 0 ? a[at] : 0) vs \(at >= 0 ? b[at] : 0) \(comment.map { String(describing: $0) } ?? "")",
            sourceLocation: sourceLocation)
}

/// N atoms of one type (mass 1) at uniform random fractional positions of `box`, optionally
/// displaced by random whole lattice vectors (unwrapped positions).
func randomSystem(_ n: Int, box: Box, seed: UInt64, unwrap: Int = 0, units: UnitStyle = .lj,
                  types: Int = 1, minimumSeparation: Double = 0) throws -> System {
    var rng = Xoshiro256StarStar(seed: seed)
    var s = [Double]()
    var accepted = 0
    var cart = [Double]()
    while accepted < n {
        let p = [rng.nextUniform(), rng.nextUniform(), rng.nextUniform()]
        let x = box.cartesian(fromFractional: p)
        if minimumSeparation > 0 {
            var ok = true
            for j in 0..<accepted {
                let d = box.minimumImageDistance((x[0], x[1], x[2]), (cart[3 * j], cart[3 * j + 1], cart[3 * j + 2]))
                if d < minimumSeparation { ok = false; break }
            }
            if !ok { continue }
        }
        cart += x
        s += p
        accepted += 1
    }
    if unwrap > 0 {
        for i in 0..<n {
            for k in 0..<3 where box.periodic[k] {
                s[3 * i + k] += Double(Int(rng.nextUniform() * Double(2 * unwrap + 1)) - unwrap)
            }
        }
    }
    let x = box.cartesian(fromFractional: s)
    let t = (0..<n).map { $0 % types }
    return try System(positions: x, types: t, masses: [Double](repeating: 1, count: types), box: box, units: units)
}

/// One neighbor-list entry as (i, j, integer image n), with r_ij = x_j + n·H − x_i.
struct Entry: Hashable, CustomStringConvertible {
    var i: Int, j: Int, n0: Int, n1: Int, n2: Int
    var description: String { "(\(i), \(j), [\(n0) \(n1) \(n2)])" }

    /// The same pair seen from j.
    var reversed: Entry { Entry(i: j, j: i, n0: -n0, n1: -n1, n2: -n2) }

    /// One representative of {e, e.reversed}: i < j, or for i == j the image with the first
    /// non-zero component positive.
    var canonical: Entry {
        if i < j { return self }
        if i > j { return reversed }
        let positive = n0 > 0 || (n0 == 0 && (n1 > 0 || (n1 == 0 && n2 > 0)))
        return positive ? self : reversed
    }
}

/// The entries of a built list, with each Cartesian shift converted to its integer image.
func entries(of list: NeighborList, box: Box) -> [Entry] {
    var out = [Entry]()
    let m = box.inverse
    for i in 0..<list.atomCount {
        for e in list.entries(of: i) {
            let t = (list.shifts[3 * e], list.shifts[3 * e + 1], list.shifts[3 * e + 2])
            let f = [t.0 * m[0] + t.1 * m[3] + t.2 * m[6], t.0 * m[1] + t.1 * m[4] + t.2 * m[7], t.0 * m[2] + t.1 * m[5] + t.2 * m[8]]
            out.append(Entry(i: i, j: Int(list.neighbors[e]), n0: Int(f[0].rounded()), n1: Int(f[1].rounded()), n2: Int(f[2].rounded())))
        }
    }
    return out
}

/// Every (i, j, n) with |x_j + n·H − x_i| < rc over all periodic images (full list; i == j only
/// for n ≠ 0), found by brute force, with each distance.
func bruteForceEntries(_ system: System, listCutoff rc: Double) -> [Entry: Double] {
    let box = system.box, x = system.positions, n = system.count
    let s = box.fractional(fromCartesian: x)
    let w = box.perpendicularWidths
    var out = [Entry: Double]()
    for i in 0..<n {
        for j in 0..<n {
            var ranges = [ClosedRange<Int>]()
            for k in 0..<3 {
                if box.periodic[k] {
                    let ds = s[3 * j + k] - s[3 * i + k], reach = rc / w[k]
                    ranges.append(Int((-ds - reach).rounded(.down))...Int((-ds + reach).rounded(.up)))
                } else {
                    ranges.append(0...0)
                }
            }
            for a in ranges[0] { for b in ranges[1] { for c in ranges[2] {
                if i == j && a == 0 && b == 0 && c == 0 { continue }
                let t = box.latticeShift(a, b, c)
                let dx = x[3 * j] + t.0 - x[3 * i], dy = x[3 * j + 1] + t.1 - x[3 * i + 1], dz = x[3 * j + 2] + t.2 - x[3 * i + 2]
                let r = (dx * dx + dy * dy + dz * dz).squareRoot()
                if r < rc { out[Entry(i: i, j: j, n0: a, n1: b, n2: c)] = r }
            }}}
        }
    }
    return out
}

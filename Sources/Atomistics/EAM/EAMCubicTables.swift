/// A set of equally spaced tables, each turned into LAMMPS's per-interval cubic
/// (`PairEAM::interpolate`): on interval m the value is `((c3·p + c4)·p + c5)·p + c6` and the
/// derivative with respect to the abscissa `((c0·p + c1)·p + c2)`, with p ∈ [0, 1] the
/// fractional position in the interval.
///
/// Node slopes come from the five-point difference `(f[m-2] − f[m+2] + 8(f[m+1] − f[m-1]))/12`,
/// a centred three-point difference at the second and last-but-one node and a one-sided
/// difference at the two ends; each interval is then the cubic Hermite polynomial through its
/// two nodes with those slopes (C¹ across nodes). Indices are 1-based as in LAMMPS, so that
/// the arithmetic is the same operation for operation and the results agree bit for bit.
@usableFromInline
struct EAMCubicTables: Sendable {
    /// Number of nodes per table.
    @usableFromInline let n: Int
    /// Node spacing (abscissa units).
    @usableFromInline let delta: Double
    /// Number of tables.
    @usableFromInline let count: Int
    /// Coefficients: table t, node m (1...n), coefficient c at `(t·(n+1) + m)·7 + c`.
    @usableFromInline let coefficients: [Double]

    /// Makes the cubics of `tables` (each with `n` values at x = 0, delta, …, (n−1)·delta).
    init(_ tables: [[Double]], delta: Double) {
        precondition(!tables.isEmpty)
        let n = tables[0].count
        precondition(n >= 4 && tables.allSatisfy { $0.count == n })
        self.n = n
        self.delta = delta
        self.count = tables.count
        var all = [Double](repeating: 0, count: tables.count * (n + 1) * 7)
        for (t, f) in tables.enumerated() {
            let base = t * (n + 1) * 7
            all.withUnsafeMutableBufferPointer { buffer in
                let s = UnsafeMutableBufferPointer(rebasing: buffer[base..<(base + (n + 1) * 7)])
                Self.interpolate(f, delta: delta, into: s)
            }
        }
        coefficients = all
    }

    /// LAMMPS's construction for one table; `s[m*7 + c]` is coefficient c of node m.
    private static func interpolate(_ f: [Double], delta: Double, into s: UnsafeMutableBufferPointer<Double>) {
        let n = f.count
        func at(_ m: Int, _ c: Int) -> Int { m * 7 + c }
        for m in 1...n { s[at(m, 6)] = f[m - 1] }

        s[at(1, 5)] = s[at(2, 6)] - s[at(1, 6)]
        s[at(2, 5)] = 0.5 * (s[at(3, 6)] - s[at(1, 6)])
        s[at(n - 1, 5)] = 0.5 * (s[at(n, 6)] - s[at(n - 2, 6)])
        s[at(n, 5)] = s[at(n, 6)] - s[at(n - 1, 6)]

        if n - 2 >= 3 {
            for m in 3...(n - 2) {
                let far = s[at(m - 2, 6)] - s[at(m + 2, 6)]
                let near = s[at(m + 1, 6)] - s[at(m - 1, 6)]
                s[at(m, 5)] = (far + 8.0 * near) / 12.0
            }
        }

        for m in 1...(n - 1) {
            let rise = s[at(m + 1, 6)] - s[at(m, 6)]
            s[at(m, 4)] = 3.0 * rise - 2.0 * s[at(m, 5)] - s[at(m + 1, 5)]
            s[at(m, 3)] = s[at(m, 5)] + s[at(m + 1, 5)] - 2.0 * rise
        }
        s[at(n, 4)] = 0.0
        s[at(n, 3)] = 0.0

        for m in 1...n {
            s[at(m, 2)] = s[at(m, 5)] / delta
            s[at(m, 1)] = 2.0 * s[at(m, 4)] / delta
            s[at(m, 0)] = 3.0 * s[at(m, 3)] / delta
        }
    }

    /// Offset of node m of table t in `coefficients`.
    @inlinable @inline(__always)
    func offset(table t: Int, node m: Int) -> Int { (t &* (n &+ 1) &+ m) &* 7 }
}

extension UnsafeBufferPointer where Element == Double {
    /// Value of the cubic whose seven coefficients start at `o`, at fraction p (table units).
    @inlinable @inline(__always)
    func eamValue(_ o: Int, _ p: Double) -> Double {
        ((self[o &+ 3] * p + self[o &+ 4]) * p + self[o &+ 5]) * p + self[o &+ 6]
    }

    /// Derivative with respect to the abscissa of the cubic at `o`, at fraction p.
    @inlinable @inline(__always)
    func eamSlope(_ o: Int, _ p: Double) -> Double {
        (self[o] * p + self[o &+ 1]) * p + self[o &+ 2]
    }
}

/// The 12-6 Lennard-Jones pair potential u(r) = 4ε[(σ/r)¹² − (σ/r)⁶], LAMMPS `lj/cut` (plain
/// truncation), with an optional energy shift or force shift (`PairTruncation`), and per type-pair
/// ε (energy: eV in metal, ε in lj), σ and cutoff (length: Å in metal, σ in lj). Half list.
public struct LennardJones: Potential, Sendable {
    /// Number of atom types the parameters cover.
    public let typeCount: Int
    /// ε per type pair, T×T row-major, symmetric (energy units).
    public let epsilon: [Double]
    /// σ per type pair, T×T row-major, symmetric (length units).
    public let sigma: [Double]
    /// Cutoff per type pair, T×T row-major, symmetric (length units).
    public let cutoffs: [Double]
    /// How u is truncated at each pair's cutoff.
    public let truncation: PairTruncation
    /// The largest pair cutoff (length units).
    public let cutoff: Double
    let table: PairTable<LJFunction>
    /// Half lists suffice (a full list also works, each pair counted from both sides).
    public var needsFullNeighborList: Bool { false }

    /// One atom type: ε (energy units), σ and cutoff (length units).
    public init(epsilon: Double, sigma: Double, cutoff: Double, truncation: PairTruncation = .plain) throws {
        try self.init(typeCount: 1, epsilon: [epsilon], sigma: [sigma], cutoffs: [cutoff], truncation: truncation)
    }

    /// T types: ε, σ, cutoffs each T×T row-major symmetric matrices (energy, length, length).
    ///
    /// - Throws: `AtomisticsError` for wrong counts, an asymmetric matrix, ε < 0, σ ≤ 0 or a cutoff ≤ 0.
    public init(typeCount: Int, epsilon: [Double], sigma: [Double], cutoffs: [Double],
                truncation: PairTruncation = .plain) throws {
        try checkPairMatrix("Lennard-Jones epsilon", epsilon, typeCount) { $0 >= 0 && $0.isFinite }
        try checkPairMatrix("Lennard-Jones sigma", sigma, typeCount) { $0 > 0 && $0.isFinite }
        try checkPairMatrix("Lennard-Jones cutoff", cutoffs, typeCount) { $0 > 0 && $0.isFinite }
        self.typeCount = typeCount
        self.epsilon = epsilon
        self.sigma = sigma
        self.cutoffs = cutoffs
        self.truncation = truncation
        self.cutoff = cutoffs.max() ?? 0
        self.table = PairTable(typeCount: typeCount, cutoffs: cutoffs, truncation: truncation) { a, b, block in
            let e = epsilon[a * typeCount + b], s = sigma[a * typeCount + b]
            let s6 = s * s * s * s * s * s
            block[4] = 48 * e * s6 * s6  // lj1
            block[5] = 24 * e * s6       // lj2
            block[6] = 4 * e * s6 * s6   // lj3
            block[7] = 4 * e * s6        // lj4
        }
    }

    /// T types from per-type ε and σ with a mixing rule (LAMMPS `pair_modify mix`): geometric
    /// ε_ij = √(ε_i ε_j), σ_ij = √(σ_i σ_j); arithmetic (Lorentz–Berthelot) σ_ij = (σ_i + σ_j)/2.
    /// One cutoff for all pairs (length units).
    public static func mixing(epsilon: [Double], sigma: [Double], cutoff: Double, arithmetic: Bool = false,
                              truncation: PairTruncation = .plain) throws -> LennardJones {
        let t = epsilon.count
        guard sigma.count == t else {
            throw AtomisticsError.countMismatch(what: "Lennard-Jones sigma (one per type)", expected: t, found: sigma.count)
        }
        var e = [Double](repeating: 0, count: t * t), s = e
        for a in 0..<t {
            for b in 0..<t {
                e[a * t + b] = (epsilon[a] * epsilon[b]).squareRoot()
                s[a * t + b] = arithmetic ? 0.5 * (sigma[a] + sigma[b]) : (sigma[a] * sigma[b]).squareRoot()
            }
        }
        return try LennardJones(typeCount: t, epsilon: e, sigma: s, cutoffs: [Double](repeating: cutoff, count: t * t),
                                truncation: truncation)
    }

    /// Energy (energy units), forces (energy/length) and virial (energy units).
    public func compute(_ system: System, neighbors: NeighborList, into result: inout ForceResult) throws {
        try computePairs(table, name: "Lennard-Jones", maxCutoff: cutoff, system: system, neighbors: neighbors, into: &result)
    }
}

/// u = lj3/r¹² − lj4/r⁶, F/r = (lj1/r¹² − lj2/r⁶)/r² (LAMMPS's `lj1…lj4`).
@usableFromInline
enum LJFunction: PairFunction {
    @usableFromInline static var stride: Int { 8 }
    @usableFromInline static var branchless: Bool { true }
    @inlinable @inline(__always)
    static func evaluate(_ r2: Double, _ p: UnsafePointer<Double>) -> (energy: Double, fpair: Double) {
        let r2inv = 1 / r2
        let r6inv = r2inv * r2inv * r2inv
        return (r6inv * (p[6] * r6inv - p[7]), r6inv * (p[4] * r6inv - p[5]) * r2inv)
    }
}

/// Checks a T×T pair matrix: count, symmetry, and each value.
func checkPairMatrix(_ name: String, _ m: [Double], _ t: Int, _ valid: (Double) -> Bool) throws {
    guard t >= 1 else {
        throw AtomisticsError.invalidParameter(name: "\(name) type count", expected: "≥ 1", found: "\(t)")
    }
    guard m.count == t * t else {
        throw AtomisticsError.countMismatch(what: "\(name) (\(t)×\(t) matrix)", expected: t * t, found: m.count)
    }
    for a in 0..<t {
        for b in 0..<t {
            let v = m[a * t + b]
            guard valid(v) else {
                throw AtomisticsError.invalidParameter(name: "\(name)[\(a)][\(b)]", expected: "a valid value", found: "\(v)")
            }
            guard v == m[b * t + a] else {
                throw AtomisticsError.invalidParameter(name: "\(name)[\(a)][\(b)]", expected: "a symmetric matrix (\(m[b * t + a]) as at [\(b)][\(a)])", found: "\(v)")
            }
        }
    }
}

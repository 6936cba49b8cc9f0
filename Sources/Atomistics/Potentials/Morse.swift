import Foundation

/// The Morse pair potential u(r) = D₀[e^{−2α(r−r₀)} − 2e^{−α(r−r₀)}] (LAMMPS `morse`), per
/// type-pair D₀ (energy: eV in metal), α (1/length), r₀ and cutoff (length: Å in metal), with
/// the same truncation options as Lennard-Jones. Half list.
public struct Morse: Potential, Sendable {
    /// Number of atom types the parameters cover.
    public let typeCount: Int
    /// Well depth D₀ per type pair, T×T row-major (energy units).
    public let depth: [Double]
    /// Stiffness α per type pair, T×T (inverse length units).
    public let alpha: [Double]
    /// Equilibrium distance r₀ per type pair, T×T (length units).
    public let r0: [Double]
    /// Cutoff per type pair, T×T (length units).
    public let cutoffs: [Double]
    /// How u is truncated at each pair's cutoff.
    public let truncation: PairTruncation
    /// The largest pair cutoff (length units).
    public let cutoff: Double
    let table: PairTable<MorseFunction>
    /// Half lists suffice.
    public var needsFullNeighborList: Bool { false }

    /// One atom type: D₀ (energy), α (1/length), r₀ and cutoff (length).
    public init(depth: Double, alpha: Double, r0: Double, cutoff: Double, truncation: PairTruncation = .plain) throws {
        try self.init(typeCount: 1, depth: [depth], alpha: [alpha], r0: [r0], cutoffs: [cutoff], truncation: truncation)
    }

    /// T types: each parameter a T×T row-major symmetric matrix.
    ///
    /// - Throws: `AtomisticsError` for wrong counts, asymmetry, D₀ < 0, α ≤ 0, r₀ ≤ 0 or a cutoff ≤ 0.
    public init(typeCount: Int, depth: [Double], alpha: [Double], r0: [Double], cutoffs: [Double],
                truncation: PairTruncation = .plain) throws {
        try checkPairMatrix("Morse D0", depth, typeCount) { $0 >= 0 && $0.isFinite }
        try checkPairMatrix("Morse alpha", alpha, typeCount) { $0 > 0 && $0.isFinite }
        try checkPairMatrix("Morse r0", r0, typeCount) { $0 > 0 && $0.isFinite }
        try checkPairMatrix("Morse cutoff", cutoffs, typeCount) { $0 > 0 && $0.isFinite }
        self.typeCount = typeCount
        self.depth = depth
        self.alpha = alpha
        self.r0 = r0
        self.cutoffs = cutoffs
        self.truncation = truncation
        self.cutoff = cutoffs.max() ?? 0
        self.table = PairTable(typeCount: typeCount, cutoffs: cutoffs, truncation: truncation) { a, b, block in
            block[4] = depth[a * typeCount + b]
            block[5] = alpha[a * typeCount + b]
            block[6] = r0[a * typeCount + b]
        }
    }

    /// Energy (energy units), forces (energy/length) and virial (energy units).
    public func compute(_ system: System, neighbors: NeighborList, into result: inout ForceResult) throws {
        try computePairs(table, name: "Morse", maxCutoff: cutoff, system: system, neighbors: neighbors, into: &result)
    }
}

/// u = D₀(e^{−2αΔ} − 2e^{−αΔ}), Δ = r − r₀; F/r = 2αD₀(e^{−2αΔ} − e^{−αΔ})/r.
@usableFromInline
enum MorseFunction: PairFunction {
    @usableFromInline static var stride: Int { 7 }
    @inlinable @inline(__always)
    static func evaluate(_ r2: Double, _ p: UnsafePointer<Double>) -> (energy: Double, fpair: Double) {
        let r = r2.squareRoot()
        let e1 = exp(-p[5] * (r - p[6]))
        return (p[4] * (e1 * e1 - 2 * e1), 2 * p[5] * p[4] * (e1 * e1 - e1) / r)
    }
}

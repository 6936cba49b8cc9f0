import Foundation
import NNCore

/// Configurations of a small Lennard-Jones cluster (reduced units, ε = σ = 1) and their energies.
///
/// Each configuration places `atoms` atoms one by one uniformly in a ball of radius `radius`
/// about the origin, redrawing an atom that comes closer than `minimumDistance` to one already
/// placed (and starting over after 10 000 rejections), so every pair energy lies in [−ε, 0] and
/// the total is bounded. The atoms are then listed from the one nearest the centroid outwards:
/// a fixed convention, as data sets have, so the atom order carries information that a model
/// reading the atoms in order can use, and that a reordering breaks.
struct ClusterData {
    /// Atoms per cluster.
    static let atoms = 6
    /// Radius of the ball the atoms are drawn in (σ).
    static let radius = 1.0
    /// The closest pair distance allowed (σ).
    static let minimumDistance = 1.0

    /// Coordinates relative to the cluster's centroid, [count, atoms, 3].
    let positions: Tensor
    /// Energies [count, 1] (ε).
    let energies: Tensor
    /// Number of configurations.
    var count: Int { positions.shape[0] }

    /// `count` configurations drawn from `rng`.
    init(count: Int, using rng: inout RandomGenerator) {
        let n = Self.atoms, r = Self.radius, d2 = Self.minimumDistance * Self.minimumDistance
        func squaredDistance(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) }
        var xs: [Double] = [], es: [Double] = []
        xs.reserveCapacity(count * n * 3)
        while es.count < count {
            var p: [[Double]] = []
            var tries = 0
            while p.count < n && tries < 10_000 {
                tries += 1
                let q = (0..<3).map { _ in r * (2 * rng.nextUniform() - 1) }
                guard q.map({ $0 * $0 }).reduce(0, +) <= r * r else { continue }
                if p.allSatisfy({ squaredDistance($0, q) >= d2 }) { p.append(q) }
            }
            guard p.count == n else { continue }
            let centroid = (0..<3).map { c in p.map { $0[c] }.reduce(0, +) / Double(n) }
            p = p.map { zip($0, centroid).map { $0 - $1 } }
            p.sort { $0.map { $0 * $0 }.reduce(0, +) < $1.map { $0 * $0 }.reduce(0, +) }
            xs += p.flatMap { $0 }
            es.append(Self.energy(p))
        }
        positions = Tensor(shape: [count, n, 3], scalars: xs)
        energies = Tensor(shape: [count, 1], scalars: es)
    }

    /// The cluster's Lennard-Jones energy Σ_{i<j} 4(r⁻¹² − r⁻⁶), no cutoff.
    static func energy(_ p: [[Double]]) -> Double {
        var e = 0.0
        for i in 0..<p.count {
            for j in (i + 1)..<p.count {
                let r2 = (0..<3).map { (p[i][$0] - p[j][$0]) * (p[i][$0] - p[j][$0]) }.reduce(0, +)
                let s6 = 1 / (r2 * r2 * r2)
                e += 4 * (s6 * s6 - s6)
            }
        }
        return e
    }

    /// The first `k` configurations (training sets of growing size are nested).
    func prefix(_ k: Int) -> (positions: Tensor, energies: Tensor) {
        (positions.narrowed(axis: 0, start: 0, length: k), energies.narrowed(axis: 0, start: 0, length: k))
    }
}

/// `x` [count, n, d] with the atoms of every configuration reordered by its own random
/// permutation (never the identity).
func permuteAtoms(_ x: Tensor, using rng: inout RandomGenerator) -> Tensor {
    let (b, n, d) = (x.shape[0], x.shape[1], x.shape[2])
    var out = x.scalars
    for s in 0..<b {
        var p = rng.permutation(n)
        while n > 1 && p == Array(0..<n) { p = rng.permutation(n) }
        for j in 0..<n {
            for c in 0..<d { out[(s * n + j) * d + c] = x.scalars[(s * n + p[j]) * d + c] }
        }
    }
    return Tensor(shape: x.shape, scalars: out)
}

/// Mean and standard deviation of the numbers.
func meanAndStd(_ v: [Double]) -> (mean: Double, std: Double) {
    let m = v.reduce(0, +) / Double(v.count)
    return (m, (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count)).squareRoot())
}

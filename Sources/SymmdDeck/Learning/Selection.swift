import Atomistics

/// DP-GEN's three classes of explored frames by their max force deviation, and a seeded subset of
/// the candidates.
public struct Selection: Sendable {
    /// Frame indices by class.
    public var accurate: [Int] = [], candidates: [Int] = [], failed: [Int] = []
    /// The candidates kept (at most `max`, in frame order).
    public var chosen: [Int]

    /// Classifies `maxForceDeviations` (eV/Å) against [lo, hi) and keeps a seeded random subset of
    /// at most `max` candidates.
    public init(maxForceDeviations d: [Double], trustLo lo: Double, trustHi hi: Double, max: Int?, seed: UInt64) {
        for (k, v) in d.enumerated() {
            if v < lo { accurate.append(k) } else if v < hi { candidates.append(k) } else { failed.append(k) }
        }
        var pool = candidates
        if let max, pool.count > max {
            var rng = Xoshiro256StarStar(seed: seed)
            for i in stride(from: pool.count - 1, to: 0, by: -1) {
                let j = Int(rng.nextUniform() * Double(i + 1))
                pool.swapAt(i, Swift.min(j, i))
            }
            pool = Array(pool.prefix(max)).sorted()
        }
        chosen = pool
    }
}

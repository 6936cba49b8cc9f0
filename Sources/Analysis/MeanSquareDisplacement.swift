import Atomistics

/// Mean square displacement ⟨|r(t₀+t) − r(t₀)|²⟩ averaged over atoms and all time origins t₀.
public struct MeanSquareDisplacement: Sendable {
    /// Lag times (time units, ps in metal): m·dt for m = 0..<T.
    public let lagTimes: [Double]
    /// MSD at each lag (length², Å² in metal).
    public let msd: [Double]

    /// The MSD of frames already unwrapped (each flat 3N, length units), `dt` apart (time units).
    ///
    /// Uses the FFT algorithm (Kneller/Calandrini, as nMoldyn and MDAnalysis `fft=True`):
    /// MSD(m) = S₁(m) − 2 S₂(m), S₂ the linear position autocorrelation by zero-padded FFT, each
    /// lag averaged over its T−m origins. Each atom's mean position is subtracted first (exact
    /// for MSD; it keeps the cancellation small).
    /// - Complexity: O(N · T log T).
    public init(unwrapped frames: [[Double]], dt: Double) {
        let t = frames.count
        let n3 = frames.first?.count ?? 0
        precondition(frames.allSatisfy { $0.count == n3 } && n3 % 3 == 0, "MSD: frames of unequal or non-3N size")
        lagTimes = (0..<t).map { Double($0) * dt }
        guard t > 0, n3 > 0 else {
            msd = [Double](repeating: 0, count: t)
            return
        }
        // one centred series per atom and component
        var series = [[Double]](repeating: [Double](repeating: 0, count: t), count: n3)
        for c in 0..<n3 {
            var mean = 0.0
            for k in 0..<t { mean += frames[k][c] }
            mean /= Double(t)
            for k in 0..<t { series[c][k] = frames[k][c] - mean }
        }
        var d = [Double](repeating: 0, count: t)  // Σ over atoms of |r(k)|²
        for s in series { for k in 0..<t { d[k] += s[k] * s[k] } }
        let s2 = Correlation.autocorrelationSums(series)
        var q = 2 * d.reduce(0, +)
        var out = [Double](repeating: 0, count: t)
        let atoms = Double(n3 / 3)
        for m in 0..<t {
            if m > 0 { q -= d[m - 1] + d[t - m] }
            let origins = Double(t - m)
            out[m] = max(0, (q - 2 * s2[m]) / origins / atoms)
        }
        out[0] = 0
        msd = out
    }

    /// The MSD of wrapped frames: unwraps them first (`unwrap(_:boxes:)`); with `driftWeights`
    /// (one per atom, masses) each frame's weighted centre of mass is moved back to frame 0's first,
    /// so a drift of the whole system (a thermostat's random walk) is not counted as diffusion
    /// (LAMMPS `compute msd … com yes`).
    public init(wrapped frames: [[Double]], boxes: [Box], dt: Double, driftWeights: [Double]? = nil) {
        var unwrapped = MeanSquareDisplacement.unwrap(frames, boxes: boxes)
        if let w = driftWeights { MeanSquareDisplacement.removeDrift(&unwrapped, weights: w) }
        self.init(unwrapped: unwrapped, dt: dt)
    }

    /// Shifts every frame so its weighted centre (weights per atom, e.g. masses) equals frame 0's.
    public static func removeDrift(_ frames: inout [[Double]], weights: [Double]) {
        guard let first = frames.first, weights.count * 3 == first.count else { return }
        let total = weights.reduce(0, +)
        guard total > 0 else { return }
        func centre(_ x: [Double]) -> (Double, Double, Double) {
            var c = (0.0, 0.0, 0.0)
            for i in weights.indices { c.0 += weights[i] * x[3 * i]; c.1 += weights[i] * x[3 * i + 1]; c.2 += weights[i] * x[3 * i + 2] }
            return (c.0 / total, c.1 / total, c.2 / total)
        }
        let c0 = centre(first)
        for k in frames.indices {
            let c = centre(frames[k])
            let d = (c.0 - c0.0, c.1 - c0.1, c.2 - c0.2)
            for i in weights.indices { frames[k][3 * i] -= d.0; frames[k][3 * i + 1] -= d.1; frames[k][3 * i + 2] -= d.2 }
        }
    }

    /// Positions unwrapped through the periodic boundaries (flat 3N each, length units).
    ///
    /// Frame k+1 = frame k + the minimum-image displacement between the wrapped frames k and
    /// k+1 (in frame k+1's box): exact as long as no atom moves more than half a box width
    /// between successive frames, so frames must be saved often enough.
    public static func unwrap(_ frames: [[Double]], boxes: [Box]) -> [[Double]] {
        precondition(boxes.count == frames.count, "unwrap: one box per frame")
        guard var current = frames.first else { return [] }
        var out = [current]
        out.reserveCapacity(frames.count)
        for k in 1..<max(1, frames.count) {
            let prev = frames[k - 1], now = frames[k]
            for i in 0..<(now.count / 3) {
                var d = (now[3 * i] - prev[3 * i], now[3 * i + 1] - prev[3 * i + 1], now[3 * i + 2] - prev[3 * i + 2])
                boxes[k].minimumImage(&d)
                current[3 * i] += d.0
                current[3 * i + 1] += d.1
                current[3 * i + 2] += d.2
            }
            out.append(current)
        }
        return out
    }

    /// The diffusion coefficient from a least-squares line MSD = 6 D t + b over lags in
    /// `fraction` of the lag range (default the middle 20 %–80 %, away from the ballistic start
    /// and the noisy end with few origins).
    ///
    /// - Returns: nil when the range holds fewer than two lags.
    public func diffusion(fraction: ClosedRange<Double> = 0.2...0.8) -> DiffusionFit? {
        let t = msd.count
        guard t >= 2 else { return nil }
        let lo = Int((fraction.lowerBound * Double(t - 1)).rounded()), hi = Int((fraction.upperBound * Double(t - 1)).rounded())
        guard lo >= 0, hi < t, hi > lo else { return nil }
        let xs = Array(lagTimes[lo...hi]), ys = Array(msd[lo...hi])
        let n = Double(xs.count)
        let mx = xs.reduce(0, +) / n, my = ys.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0
        for (x, y) in zip(xs, ys) {
            sxy += (x - mx) * (y - my)
            sxx += (x - mx) * (x - mx)
        }
        guard sxx > 0 else { return nil }
        let slope = sxy / sxx
        return DiffusionFit(coefficient: slope / 6, slope: slope, intercept: my - slope * mx,
                            fitRange: xs.first!...xs.last!)
    }
}

/// A linear fit MSD = 6 D t + b.
public struct DiffusionFit: Sendable, Equatable {
    /// D (length²/time, Å²/ps in metal; 1 Å²/ps = 10⁻⁸ m²/s).
    public var coefficient: Double
    /// Slope of the MSD (length²/time, Å²/ps).
    public var slope: Double
    /// Intercept b (length², Å²).
    public var intercept: Double
    /// Lag times fitted (time units, ps).
    public var fitRange: ClosedRange<Double>
}

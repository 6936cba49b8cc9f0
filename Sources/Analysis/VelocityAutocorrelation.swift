import Foundation

/// Velocity autocorrelation C(t) = ⟨v_i(t₀)·v_i(t₀+t)⟩, the full dot product (the field's usual
/// C(0) = ⟨v·v⟩ = 3k_BT/m, as MDAnalysis and LAMMPS `compute vacf` report it), averaged over atoms
/// i and all time origins t₀.
public struct VelocityAutocorrelation: Sendable {
    /// Lag times (time units, ps in metal): m·dt for m = 0..<T.
    public let lagTimes: [Double]
    /// C at each lag (velocity², Å²/ps² in metal); C(0) = ⟨v·v⟩ = 3k_BT/m for one species.
    public let c: [Double]

    /// The VACF of frames of velocities (each flat 3N, velocity units), `dt` apart (time units).
    ///
    /// By FFTW (Wiener–Khinchin, zero-padded to ≥ 2T so the correlation is linear, not
    /// circular); lag m is divided by its T−m overlapping origins and by N atoms.
    /// - Complexity: O(N · T log T).
    public init(velocities frames: [[Double]], dt: Double) {
        let t = frames.count
        let n3 = frames.first?.count ?? 0
        precondition(frames.allSatisfy { $0.count == n3 }, "VACF: frames of unequal size")
        lagTimes = (0..<t).map { Double($0) * dt }
        guard t > 0, n3 > 0 else {
            c = [Double](repeating: 0, count: t)
            return
        }
        var series = [[Double]](repeating: [Double](repeating: 0, count: t), count: n3)
        for k in 0..<t { for j in 0..<n3 { series[j][k] = frames[k][j] } }
        let sums = Correlation.autocorrelationSums(series)
        c = sums.indices.map { sums[$0] / (Double(t - $0) * Double(n3 / 3)) }
    }

    /// C(t)/C(0) (dimensionless; zeros when C(0) = 0).
    public var normalized: [Double] {
        guard let c0 = c.first, c0 != 0 else { return c.map { _ in 0 } }
        return c.map { $0 / c0 }
    }

    /// The vibrational density of states: the cosine transform of the normalised VACF.
    ///
    /// g(ν) = 4 ∫₀^{t_max} w(t) C(t)/C(0) cos(2πνt) dt (trapezoid rule, FFTW's DCT-I), so that
    /// ∫₀^∞ g dν ≈ 1 (ν in 1/time, THz for ps). `maxLagFraction` of the lags are used (the
    /// longest lags have few origins); `w` is a Hann window cos²(πt/2t_max) unless `window` is
    /// false. Frequencies are spaced 1/(2 t_max).
    public func densityOfStates(maxLagFraction: Double = 0.5, window: Bool = true) -> VibrationalDensityOfStates {
        let m = max(2, min(c.count, Int((maxLagFraction * Double(c.count)).rounded())))
        guard c.count >= 2, lagTimes[1] > 0 else { return VibrationalDensityOfStates(frequencies: [], dos: []) }
        let dt = lagTimes[1]
        let x = normalized
        let w: [Double] = (0..<m).map { k in
            guard window else { return x[k] }
            let s = (Double.pi * Double(k) / Double(2 * (m - 1)))
            return x[k] * cos(s) * cos(s)
        }
        let y = Correlation.cosineTransform(w)  // = (2/dt) ∫₀^{t_max} w(t) cos dt
        let tmax = Double(m - 1) * dt
        return VibrationalDensityOfStates(frequencies: (0..<m).map { Double($0) / (2 * tmax) },
                                          dos: y.map { 2 * dt * $0 })
    }
}

/// A vibrational density of states g(ν).
public struct VibrationalDensityOfStates: Sendable {
    /// Wavenumbers per terahertz (cm⁻¹/THz): ν̃ = ν/c.
    public static let wavenumbersPerTHz = 33.35641

    /// Frequencies ν (1/time: THz when time is in ps).
    public let frequencies: [Double]
    /// g(ν) (time units, 1/THz), normalised to ∫ g dν ≈ 1.
    public let dos: [Double]

    /// The same frequencies as wavenumbers (cm⁻¹, for time in ps).
    public var wavenumbers: [Double] { frequencies.map { $0 * Self.wavenumbersPerTHz } }

    /// The frequency of the largest g above ν = 0 (THz), nil when there is none.
    public var peakFrequency: Double? {
        guard dos.count > 1 else { return nil }
        var best = 1
        for k in 1..<dos.count where dos[k] > dos[best] { best = k }
        return frequencies[best]
    }
}

import CFFTW
import Synchronization

/// Guards FFTW's planner: `fftw_plan_*` and `fftw_destroy_plan` are not thread-safe (only
/// `fftw_execute` is), and Swift Testing and the CLI may call analyses from several threads.
let fftwPlanner = Mutex<Void>(())

/// An FFTW plan handle that may leave the planner lock (it is executed only by the thread that
/// made it, and destroyed under the lock).
struct FFTWPlan: @unchecked Sendable {
    /// The `fftw_plan`.
    let plan: OpaquePointer
}

/// Linear (not circular) correlation functions of real time series, by FFT.
public enum Correlation {
    /// The smallest power of two ≥ `n` (≥ 1).
    static func paddedLength(_ n: Int) -> Int {
        var p = 1
        while p < n { p <<= 1 }
        return p
    }

    /// Linear autocorrelation sums S(m) = Σ_s Σ_{k=0}^{T−1−m} x_s(k) x_s(k+m), m = 0..<T, summed
    /// over the series `series` (each of length T; units: those of x squared).
    ///
    /// Wiener–Khinchin with each series zero-padded to a power of two ≥ 2T, so the result is the
    /// linear correlation (no wrap-around); one FFTW plan pair serves all series.
    /// - Complexity: O(S · T log T) for S series of length T.
    public static func autocorrelationSums(_ series: [[Double]]) -> [Double] {
        guard let t = series.first?.count, t > 0 else { return [] }
        precondition(series.allSatisfy { $0.count == t }, "autocorrelationSums: series of unequal length")
        let n = paddedLength(2 * t)
        let real = fftw_alloc_real(n)!
        let spectrum = fftw_alloc_complex(n / 2 + 1)!
        defer {
            fftw_free(real)
            fftw_free(spectrum)
        }
        let plans = fftwPlanner.withLock { _ in
            [FFTWPlan(plan: fftw_plan_dft_r2c_1d(Int32(n), real, spectrum, FFTW_ESTIMATE)!),
             FFTWPlan(plan: fftw_plan_dft_c2r_1d(Int32(n), spectrum, real, FFTW_ESTIMATE)!)]
        }
        let forward = plans[0].plan, backward = plans[1].plan
        defer { fftwPlanner.withLock { _ in fftw_destroy_plan(forward); fftw_destroy_plan(backward) } }
        var sums = [Double](repeating: 0, count: t)
        for x in series {
            for k in 0..<t { real[k] = x[k] }
            for k in t..<n { real[k] = 0 }
            fftw_execute(forward)
            for k in 0...(n / 2) {
                let (re, im) = spectrum[k]
                spectrum[k] = (re * re + im * im, 0)
            }
            fftw_execute(backward)  // unnormalised: n times the inverse transform
            let scale = 1 / Double(n)
            for m in 0..<t { sums[m] += real[m] * scale }
        }
        return sums
    }

    /// Linear autocorrelation C(m) = 1/(T−m) Σ_{k=0}^{T−1−m} x(k) x(k+m), m = 0..<T (units of x²),
    /// each lag normalised by its number of overlapping origins; by FFT.
    public static func autocorrelation(_ x: [Double]) -> [Double] {
        let s = autocorrelationSums([x])
        return s.indices.map { s[$0] / Double(x.count - $0) }
    }

    /// The same C(m) as `autocorrelation` by the direct O(T²) sum (the reference for tests).
    public static func directAutocorrelation(_ x: [Double]) -> [Double] {
        let t = x.count
        return (0..<t).map { m in
            var s = 0.0
            for k in 0..<(t - m) { s += x[k] * x[k + m] }
            return s / Double(t - m)
        }
    }

    /// The cosine transform Y(k) = x₀ + (−1)^k x_{M−1} + 2 Σ_{j=1}^{M−2} x_j cos(π j k/(M−1)),
    /// k = 0..<M (FFTW's REDFT00, a DCT-I); `x` needs M ≥ 2 values.
    public static func cosineTransform(_ x: [Double]) -> [Double] {
        let m = x.count
        precondition(m >= 2, "cosineTransform: needs at least 2 values, got \(m)")
        let input = fftw_alloc_real(m)!
        let output = fftw_alloc_real(m)!
        defer {
            fftw_free(input)
            fftw_free(output)
        }
        let plan = fftwPlanner.withLock { _ in
            FFTWPlan(plan: fftw_plan_r2r_1d(Int32(m), input, output, FFTW_REDFT00, FFTW_ESTIMATE)!)
        }.plan
        defer { fftwPlanner.withLock { _ in fftw_destroy_plan(plan) } }
        for k in 0..<m { input[k] = x[k] }
        fftw_execute(plan)
        return (0..<m).map { output[$0] }
    }
}

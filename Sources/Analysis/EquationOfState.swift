import Foundation

/// The third-order Birch–Murnaghan equation of state
///
///     E(V) = E₀ + 9V₀B₀/16 · { [(V₀/V)^{2/3} − 1]³ B₀′ + [(V₀/V)^{2/3} − 1]² [6 − 4 (V₀/V)^{2/3}] }
///
/// (energy and volume in any consistent units; B₀ in energy/volume, e.g. eV/Å³; multiply by
/// 160.21766 for GPa). As ASE's `EquationOfState(eos="birchmurnaghan")`.
public struct BirchMurnaghan: Sendable, Equatable {
    /// Energy at the minimum.
    public var e0: Double
    /// Volume at the minimum.
    public var v0: Double
    /// Bulk modulus at V₀ (energy/volume).
    public var b0: Double
    /// Pressure derivative of the bulk modulus at V₀ (dimensionless).
    public var b0Prime: Double

    /// The curve with the given parameters.
    public init(e0: Double, v0: Double, b0: Double, b0Prime: Double) {
        self.e0 = e0
        self.v0 = v0
        self.b0 = b0
        self.b0Prime = b0Prime
    }

    /// E(V).
    public func energy(volume v: Double) -> Double {
        let eta = Foundation.pow(v0 / v, 2.0 / 3.0) - 1
        return e0 + 9 * v0 * b0 / 16 * (eta * eta * eta * b0Prime + eta * eta * (6 - 4 * (eta + 1)))
    }

    /// The least-squares fit of E(V) to points (V, E).
    ///
    /// The third-order Birch–Murnaghan energy is exactly a cubic polynomial in x = V^{−2/3}, so
    /// the least-squares problem is linear: fit c₀ + c₁x + c₂x² + c₃x³ (x centred and scaled for
    /// conditioning), then V₀ from E′(x) = 0 at a minimum, B₀ = V d²E/dV² and
    /// B₀′ = −1 − V E‴(V)/E″(V) there. This is the same optimum as a nonlinear fit in
    /// (E₀, V₀, B₀, B₀′), without starting values.
    ///
    /// - Throws: `EquationOfStateError` for fewer than 4 points, mismatched counts, non-positive
    ///   volumes, or data with no minimum of the fitted curve inside (or near) the volume range.
    public static func fit(volumes: [Double], energies: [Double]) throws(EquationOfStateError) -> BirchMurnaghan {
        guard volumes.count == energies.count else {
            throw .badInput("volumes and energies differ in count: \(volumes.count) vs \(energies.count)")
        }
        guard volumes.count >= 4 else { throw .badInput("need at least 4 points, found \(volumes.count)") }
        guard volumes.allSatisfy({ $0 > 0 && $0.isFinite }), energies.allSatisfy(\.isFinite) else {
            throw .badInput("volumes must be positive and finite, energies finite")
        }
        let xs = volumes.map { Foundation.pow($0, -2.0 / 3.0) }
        let lo = xs.min()!, hi = xs.max()!
        guard hi > lo else { throw .badInput("all volumes are equal") }
        let mid = 0.5 * (lo + hi), half = 0.5 * (hi - lo)
        let ts = xs.map { ($0 - mid) / half }
        // normal equations of the cubic in t ∈ [−1, 1] (well conditioned)
        var ata = [[Double]](repeating: [Double](repeating: 0, count: 4), count: 4)
        var atb = [Double](repeating: 0, count: 4)
        for (t, e) in zip(ts, energies) {
            let row = [1, t, t * t, t * t * t]
            for i in 0..<4 {
                atb[i] += row[i] * e
                for j in 0..<4 { ata[i][j] += row[i] * row[j] }
            }
        }
        guard let p = solve4(ata, atb) else { throw .badInput("singular fit (need 4 distinct volumes)") }
        // E(t) = p0 + p1 t + p2 t² + p3 t³; E'(t) = p1 + 2p2 t + 3p3 t² = 0 with E''(t) = 2p2 + 6p3 t > 0
        var candidates: [Double] = []
        if abs(p[3]) < 1e-14 * (abs(p[1]) + abs(p[2])) {
            if p[2] != 0 { candidates = [-p[1] / (2 * p[2])] }
        } else {
            let a = 3 * p[3], b = 2 * p[2], c = p[1]
            let disc = b * b - 4 * a * c
            if disc >= 0 {
                let q = -0.5 * (b + (b >= 0 ? 1 : -1) * disc.squareRoot())
                candidates = [q / a] + (q != 0 ? [c / q] : [])
            }
        }
        let minima = candidates.filter { 2 * p[2] + 6 * p[3] * $0 > 0 && abs($0) <= 1.5 }
        guard let t0 = minima.min(by: { abs($0) < abs($1) }) else {
            throw .noMinimum("the fitted curve has no minimum within the volume range \(volumes.min()!)…\(volumes.max()!)")
        }
        let x0 = mid + half * t0
        let v0 = Foundation.pow(x0, -1.5)
        let e0 = p[0] + p[1] * t0 + p[2] * t0 * t0 + p[3] * t0 * t0 * t0
        // derivatives in x at the minimum
        let exx = (2 * p[2] + 6 * p[3] * t0) / (half * half)
        let exxx = 6 * p[3] / (half * half * half)
        // x = V^{-2/3}: x_V = −2/3 V^{−5/3}, x_VV = 10/9 V^{−8/3}; E_x = 0 at V₀
        let xv = -2.0 / 3.0 * Foundation.pow(v0, -5.0 / 3.0)
        let xvv = 10.0 / 9.0 * Foundation.pow(v0, -8.0 / 3.0)
        let evv = exx * xv * xv
        let evvv = exxx * xv * xv * xv + 3 * exx * xv * xvv
        return BirchMurnaghan(e0: e0, v0: v0, b0: v0 * evv, b0Prime: -1 - v0 * evvv / evv)
    }
}

/// Why an equation-of-state fit failed.
public enum EquationOfStateError: Error, Equatable, CustomStringConvertible {
    /// Counts, signs or too few points.
    case badInput(String)
    /// The fitted curve has no minimum in or near the data.
    case noMinimum(String)

    public var description: String {
        switch self {
        case .badInput(let s): "equation-of-state fit: \(s)"
        case .noMinimum(let s): "equation-of-state fit: \(s)"
        }
    }
}

/// Gaussian elimination with partial pivoting on a 4×4 system; nil when singular.
private func solve4(_ a0: [[Double]], _ b0: [Double]) -> [Double]? {
    var a = a0, b = b0
    let n = 4
    let scale = a.flatMap { $0 }.map(abs).max() ?? 0
    for k in 0..<n {
        var piv = k
        for i in (k + 1)..<n where abs(a[i][k]) > abs(a[piv][k]) { piv = i }
        guard abs(a[piv][k]) > 1e-14 * scale else { return nil }
        a.swapAt(k, piv)
        b.swapAt(k, piv)
        for i in (k + 1)..<n {
            let f = a[i][k] / a[k][k]
            for j in k..<n { a[i][j] -= f * a[k][j] }
            b[i] -= f * b[k]
        }
    }
    var x = [Double](repeating: 0, count: n)
    for i in stride(from: n - 1, through: 0, by: -1) {
        var s = b[i]
        for j in (i + 1)..<n { s -= a[i][j] * x[j] }
        x[i] = s / a[i][i]
    }
    return x
}

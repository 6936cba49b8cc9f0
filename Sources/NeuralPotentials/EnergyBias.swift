/// Per-type energy bias: the least-squares fit of frame energies on type counts,
/// `E_f ≈ Σ_t n_{f,t} e_t`, taking the minimum-norm solution when the composition never varies
/// (then every type gets the same share per atom).
public enum EnergyBias {
    /// The bias e_t (eV) from `counts[f][t]` (atoms of type t in frame f) and `energies[f]` (eV).
    public static func leastSquares(counts: [[Int]], energies: [Double], typeCount nt: Int) -> [Double] {
        guard !energies.isEmpty else { return [Double](repeating: 0, count: nt) }
        // Normal equations AᵀA e = AᵀE, solved by eigen-decomposition (pseudo-inverse).
        var ata = [Double](repeating: 0, count: nt * nt)
        var atb = [Double](repeating: 0, count: nt)
        for (c, e) in zip(counts, energies) {
            for a in 0..<nt {
                atb[a] += Double(c[a]) * e
                for b in 0..<nt { ata[a * nt + b] += Double(c[a] * c[b]) }
            }
        }
        let (values, vectors) = symmetricEigen(ata, nt)
        let largest = values.map(abs).max() ?? 0
        var x = [Double](repeating: 0, count: nt)
        for k in 0..<nt where abs(values[k]) > 1e-10 * largest {
            var proj = 0.0
            for a in 0..<nt { proj += vectors[a * nt + k] * atb[a] }
            for a in 0..<nt { x[a] += vectors[a * nt + k] * proj / values[k] }
        }
        return x
    }

    /// Eigenvalues and eigenvectors (columns, row-major n×n) of a symmetric matrix by Jacobi sweeps.
    static func symmetricEigen(_ m: [Double], _ n: Int) -> ([Double], [Double]) {
        var a = m
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        for _ in 0..<100 {
            var off = 0.0
            for p in 0..<n { for q in (p + 1)..<n where q < n { off += a[p * n + q] * a[p * n + q] } }
            if off < 1e-30 { break }
            for p in 0..<n {
                for q in (p + 1)..<n where abs(a[p * n + q]) > 1e-300 {
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * a[p * n + q])
                    let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {
                        let akp = a[k * n + p], akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k], aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        return ((0..<n).map { a[$0 * n + $0] }, v)
    }
}

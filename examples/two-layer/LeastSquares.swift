import NNCore

/// The random-feature model: `hidden` (B, c) frozen, the read-out A and a₀ solved exactly by
/// linear least squares on the features, min ‖Φa − y‖² + λ‖a‖², through the normal
/// equations (ΦᵀΦ + λI)a = Φᵀy and a Cholesky factorisation.
///
/// Φ is [N, m + 1]: the m features and a column of ones for a₀. The ridge is relative,
/// λ = `relativeRidge`·tr(ΦᵀΦ)/(m + 1): just enough to keep the factorisation stable when
/// features are nearly collinear (smooth tanh features are) or m + 1 > N.
func fitRandomFeatures(hidden: Dense, x: Tensor, y: Tensor, relativeRidge: Double = 1e-10) -> TwoLayerNetwork {
    let m = hidden.outputs, n = x.shape[0], p = m + 1
    let features = withNoGrad { hidden(x) }.scalars  // [N, m]
    var design = [Double](repeating: 1, count: n * p)  // [Φ | 1]
    for r in 0..<n {
        for j in 0..<m { design[r * p + j] = features[r * m + j] }
    }
    let phi = Tensor(shape: [n, p], scalars: design)
    var gram = Tensor.matmul(phi, phi, transposeA: true).scalars  // ΦᵀΦ, [p, p]
    let rhs = Tensor.matmul(phi, y.detached(), transposeA: true).scalars  // Φᵀy, [p]
    let trace = (0..<p).reduce(0.0) { $0 + gram[$1 * p + $1] }
    let lambda = relativeRidge * trace / Double(p)
    for k in 0..<p { gram[k * p + k] += lambda }
    let a = choleskySolve(gram, rhs, size: p)
    let readout = Dense(weight: Tensor(shape: [m, 1], scalars: Array(a[..<m])), bias: Tensor([a[m]]))
    return TwoLayerNetwork(hidden: hidden, output: readout)
}

/// Solves S·a = b for a symmetric positive-definite S (row-major, p×p) by the Cholesky
/// factorisation S = LLᵀ and two triangular solves.
func choleskySolve(_ s: [Double], _ b: [Double], size p: Int) -> [Double] {
    var l = [Double](repeating: 0, count: p * p)
    for j in 0..<p {
        var diagonal = s[j * p + j]
        for k in 0..<j { diagonal -= l[j * p + k] * l[j * p + k] }
        precondition(diagonal > 0, "choleskySolve: matrix not positive definite at column \(j)")
        let ljj = diagonal.squareRoot()
        l[j * p + j] = ljj
        for i in (j + 1)..<p {
            var v = s[i * p + j]
            for k in 0..<j { v -= l[i * p + k] * l[j * p + k] }
            l[i * p + j] = v / ljj
        }
    }
    var z = b  // L z = b
    for i in 0..<p {
        for k in 0..<i { z[i] -= l[i * p + k] * z[k] }
        z[i] /= l[i * p + i]
    }
    var a = z  // Lᵀ a = z
    for i in stride(from: p - 1, through: 0, by: -1) {
        for k in (i + 1)..<p { a[i] -= l[k * p + i] * a[k] }
        a[i] /= l[i * p + i]
    }
    return a
}

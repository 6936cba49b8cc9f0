import NNCore
import Testing

/// A seeded random tensor, N(0, 1) by default, for tests.
public func randomTensor(_ shape: [Int], seed: UInt64, scale: Double = 1, offset: Double = 0) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return Tensor.randomNormal(shape, mean: offset, std: scale, using: &rng)
}

/// Expects two tensors to have equal shapes and |a − b| ≤ atol + rtol·|b| elementwise.
public func expectClose(_ a: Tensor, _ b: Tensor, rtol: Double = 1e-10, atol: Double = 1e-12,
                        _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.shape == b.shape, comment, sourceLocation: sourceLocation)
    guard a.shape == b.shape else { return }
    var worst = 0.0, at = -1
    for k in 0..<a.count {
        let excess = abs(a.scalars[k] - b.scalars[k]) - (atol + rtol * abs(b.scalars[k]))
        if excess > worst || a.scalars[k].isNaN != b.scalars[k].isNaN { worst = max(excess, 1); at = k }
    }
    #expect(at < 0, "element \(at): \(at >= 0 ? a.scalars[at] : 0) vs \(at >= 0 ? b.scalars[at] : 0) \(comment.map { String(describing: $0) } ?? "")",
            sourceLocation: sourceLocation)
}

/// Expects two numbers to agree to |a − b| ≤ atol + rtol·|b|.
public func expectClose(_ a: Double, _ b: Double, rtol: Double = 1e-10, atol: Double = 1e-12,
                        _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(abs(a - b) <= atol + rtol * abs(b), "\(a) vs \(b) \(comment.map { String(describing: $0) } ?? "")",
            sourceLocation: sourceLocation)
}

/// Central finite-difference gradient of a scalar function of several tensors.
public func numericalGradients(_ f: ([Tensor]) -> Double, at inputs: [Tensor], step h: Double = 1e-6) -> [Tensor] {
    inputs.indices.map { i in
        var g = inputs[i].zerosLike()
        for k in 0..<inputs[i].count {
            var plus = inputs, minus = inputs
            plus[i].scalars[k] += h
            minus[i].scalars[k] -= h
            g.scalars[k] = (f(plus) - f(minus)) / (2 * h)
        }
        return g
    }
}

/// The largest mismatch between `analytic` and `numeric`, relative to max(|numeric|, 1);
/// infinity when either side holds a NaN or an infinity.
public func maxRelativeError(_ analytic: [Tensor], _ numeric: [Tensor]) -> Double {
    var worst = 0.0
    for (a, n) in zip(analytic, numeric) {
        precondition(a.shape == n.shape, "maxRelativeError: shapes \(a.shape) and \(n.shape)")
        // Swift.max ignores a NaN in its second argument, so non-finite values are caught here
        if !(a.scalars + n.scalars).allSatisfy({ $0.isFinite }) { return .infinity }
        let scale = max(n.scalars.map { abs($0) }.max() ?? 0, 1)
        for k in 0..<a.count { worst = max(worst, abs(a.scalars[k] - n.scalars[k]) / scale) }
    }
    return worst
}

/// A fixed random projection that turns a tensor function into a scalar one: L = Σ f(x)·v.
private func projected(_ f: @escaping ([Tensor]) -> Tensor, inputs: [Tensor], seed: UInt64) -> ([Tensor]) -> Tensor {
    let shape = withNoGrad { f(inputs.map { $0.detached() }).shape }
    let v = randomTensor(shape, seed: seed &+ 7919)
    return { xs in (f(xs) * v).sum() }
}

/// First-derivative check of every input of `f` against central finite differences.
///
/// - Returns: the largest relative error (analytic reverse mode vs finite differences).
public func gradcheck(_ f: @escaping ([Tensor]) -> Tensor, inputs: [Tensor], seed: UInt64 = 1,
                      step h: Double = 1e-6) -> Double {
    let loss = projected(f, inputs: inputs, seed: seed)
    let xs = inputs.map { $0.requiringGrad() }
    let analytic = grad(of: loss(xs), wrt: xs)
    let numeric = numericalGradients({ ys in withNoGrad { loss(ys).scalar } }, at: inputs, step: h)
    return maxRelativeError(analytic, numeric)
}

/// Second-derivative check: the gradient of u·∇L (built with `createGraph`) against central
/// finite differences of the analytic first derivative.
///
/// - Returns: the largest relative error.
public func gradgradcheck(_ f: @escaping ([Tensor]) -> Tensor, inputs: [Tensor], seed: UInt64 = 1,
                          step h: Double = 1e-6) -> Double {
    let loss = projected(f, inputs: inputs, seed: seed)
    let us = inputs.enumerated().map { randomTensor($1.shape, seed: seed &+ 104_729 &+ UInt64($0)) }
    func directional(_ ys: [Tensor], createGraph: Bool) -> Tensor {
        let gs = grad(of: loss(ys), wrt: ys, createGraph: createGraph)
        return zip(gs, us).map { ($0 * $1).sum() }.reduce(Tensor(0.0)) { $0 + $1 }
    }
    let xs = inputs.map { $0.requiringGrad() }
    let analytic = grad(of: directional(xs, createGraph: true), wrt: xs)
    let numeric = numericalGradients({ ys in
        directional(ys.map { $0.requiringGrad() }, createGraph: false).scalar
    }, at: inputs, step: h)
    return maxRelativeError(analytic, numeric)
}

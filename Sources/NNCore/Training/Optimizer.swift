import RealModule

/// Something that updates parameters in place from their gradients.
public protocol Optimizer: AnyObject {
    /// The step size used by the next `step`.
    var learningRate: Double { get set }
    /// One update of every parameter from its gradient (same order).
    func step(_ parameters: [Parameter], gradients: [Tensor])
}

/// Stochastic gradient descent with optional (Nesterov) momentum and L2 weight decay.
public final class SGD: Optimizer {
    /// Step size.
    public var learningRate: Double
    /// Momentum coefficient μ (0 = plain SGD).
    public let momentum: Double
    /// Use Nesterov's look-ahead form.
    public let nesterov: Bool
    /// L2 penalty coefficient added to the gradient.
    public let weightDecay: Double
    // keyed by identity; the parameter is held so its address cannot be reused by another
    private var velocity: [ObjectIdentifier: (parameter: Parameter, v: [Double])] = [:]

    /// SGD with the given settings.
    public init(learningRate: Double, momentum: Double = 0, nesterov: Bool = false, weightDecay: Double = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    /// v ← μv + g; w ← w − lr·(g + μv if Nesterov else v).
    public func step(_ parameters: [Parameter], gradients: [Tensor]) {
        precondition(parameters.count == gradients.count, "SGD.step: \(parameters.count) parameters, \(gradients.count) gradients")
        for (p, g) in zip(parameters, gradients) {
            precondition(p.shape == g.shape, "SGD.step: parameter \(p.shape) vs gradient \(g.shape)")
            let key = ObjectIdentifier(p)
            var v = velocity[key]?.v ?? [Double](repeating: 0, count: g.count)
            let lr = learningRate, mu = momentum, wd = weightDecay, nest = nesterov
            p.value.scalars.withUnsafeMutableBufferPointer { w in
                g.scalars.withUnsafeBufferPointer { gp in
                    v.withUnsafeMutableBufferPointer { vp in
                        for k in 0..<w.count {
                            let gk = gp[k] + wd * w[k]
                            if mu == 0 {
                                w[k] -= lr * gk
                            } else {
                                vp[k] = mu * vp[k] + gk
                                w[k] -= lr * (nest ? gk + mu * vp[k] : vp[k])
                            }
                        }
                    }
                }
            }
            if momentum != 0 { velocity[key] = (p, v) }
        }
    }
}

/// Adam (Kingma & Ba 2015) with bias correction; `decoupledWeightDecay` makes it AdamW
/// (Loshchilov & Hutter 2019), otherwise weight decay is an L2 term in the gradient.
public final class Adam: Optimizer {
    /// Step size.
    public var learningRate: Double
    /// First-moment decay β₁.
    public let beta1: Double
    /// Second-moment decay β₂.
    public let beta2: Double
    /// ε added to the root of the second moment.
    public let epsilon: Double
    /// Weight-decay coefficient.
    public let weightDecay: Double
    /// AdamW (decoupled) rather than L2-coupled weight decay.
    public let decoupledWeightDecay: Bool
    // keyed by identity; the parameter is held so its address cannot be reused by another
    private var moments: [ObjectIdentifier: (parameter: Parameter, m: [Double], v: [Double], t: Int)] = [:]

    /// Adam with PyTorch's defaults.
    public init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                weightDecay: Double = 0, decoupledWeightDecay: Bool = false) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
    }

    /// AdamW with PyTorch's defaults (weight decay 0.01).
    public static func adamW(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
                             epsilon: Double = 1e-8, weightDecay: Double = 0.01) -> Adam {
        Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
             weightDecay: weightDecay, decoupledWeightDecay: true)
    }

    /// The moments m, v and step count t of each parameter, in the given order (zeros and 0 for a
    /// parameter never stepped): what a checkpoint must save to continue training exactly.
    public func moments(of parameters: [Parameter]) -> [(m: [Double], v: [Double], t: Int)] {
        parameters.map { p in
            if let s = moments[ObjectIdentifier(p)] { return (s.m, s.v, s.t) }
            return ([Double](repeating: 0, count: p.value.count), [Double](repeating: 0, count: p.value.count), 0)
        }
    }

    /// Restores moments saved by ``moments(of:)`` for the same parameters in the same order.
    public func setMoments(_ saved: [(m: [Double], v: [Double], t: Int)], for parameters: [Parameter]) {
        precondition(saved.count == parameters.count, "Adam.setMoments: \(saved.count) states for \(parameters.count) parameters")
        for (p, s) in zip(parameters, saved) {
            precondition(s.m.count == p.value.count && s.v.count == p.value.count, "Adam.setMoments: size mismatch")
            moments[ObjectIdentifier(p)] = (p, s.m, s.v, s.t)
        }
    }

    /// m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², w ← w − lr·m̂/(√v̂ + ε).
    public func step(_ parameters: [Parameter], gradients: [Tensor]) {
        precondition(parameters.count == gradients.count, "Adam.step: \(parameters.count) parameters, \(gradients.count) gradients")
        for (p, g) in zip(parameters, gradients) {
            precondition(p.shape == g.shape, "Adam.step: parameter \(p.shape) vs gradient \(g.shape)")
            let key = ObjectIdentifier(p)
            var state = moments.removeValue(forKey: key)
                ?? (p, [Double](repeating: 0, count: g.count), [Double](repeating: 0, count: g.count), 0)
            state.t += 1
            let b1 = beta1, b2 = beta2, eps = epsilon, wd = weightDecay, decoupled = decoupledWeightDecay
            let c1 = 1 / (1 - Double.pow(b1, Double(state.t)))
            let c2 = 1 / (1 - Double.pow(b2, Double(state.t)))
            let lr = learningRate
            // Weights of either dtype; the moments and the update in float64 (a float32 weight is
            // rounded once per step).
            func update<E: TensorScalar>(_ w: UnsafeMutableBufferPointer<E>, _ gp: UnsafeBufferPointer<E>,
                                         _ m: inout [Double], _ v: inout [Double]) {
                m.withUnsafeMutableBufferPointer { m in
                    v.withUnsafeMutableBufferPointer { v in
                        for k in 0..<w.count {
                            var wk = Double(w[k])
                            var gk = Double(gp[k])
                            if decoupled { wk -= lr * wd * wk } else { gk += wd * wk }
                            m[k] = b1 * m[k] + (1 - b1) * gk
                            v[k] = b2 * v[k] + (1 - b2) * gk * gk
                            wk -= lr * (m[k] * c1) / ((v[k] * c2).squareRoot() + eps)
                            w[k] = E(wk)
                        }
                    }
                }
            }
            let gv = g.cast(to: p.value.dtype).detached()
            if p.value.dtype == .float64 {
                p.value.f64.withUnsafeMutableBufferPointer { w in gv.f64.withUnsafeBufferPointer { update(w, $0, &state.m, &state.v) } }
            } else {
                p.value.f32.withUnsafeMutableBufferPointer { w in gv.f32.withUnsafeBufferPointer { update(w, $0, &state.m, &state.v) } }
            }
            moments[key] = state
        }
    }
}

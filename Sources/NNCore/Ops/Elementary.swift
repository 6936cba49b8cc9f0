import CVecMath
import RealModule

extension Tensor {
    /// Elementwise eˣ.
    public func exp() -> Tensor {
        let out = Kernels.vector(self, symmd_vexp, symmd_vexpf)
        return .record("exp", value: out, inputs: [self], saveOutput: true) { node, g, _ in
            [g * node.output]
        }
    }

    /// Elementwise natural logarithm.
    public func log() -> Tensor {
        let out = Kernels.vector(self, symmd_vlog)
        return .record("log", value: out, inputs: [self]) { _, g, _ in [g / self] }
    }

    /// Elementwise ln(1 + x), accurate near 0.
    public func log1p() -> Tensor {
        let out = Kernels.vector(self, symmd_vlog1p)
        return .record("log1p", value: out, inputs: [self]) { _, g, _ in [g / (self + 1)] }
    }

    /// Elementwise eˣ − 1, accurate near 0.
    public func expm1() -> Tensor {
        let out = Kernels.vector(self, symmd_vexpm1)
        return .record("expm1", value: out, inputs: [self], saveOutput: true) { node, g, _ in
            [g * (node.output + 1)]
        }
    }

    /// Elementwise square root.
    public func sqrt() -> Tensor {
        let out = Kernels.map(self) { $0.squareRoot() }
        return .record("sqrt", value: out, inputs: [self], saveOutput: true) { node, g, _ in
            [g * 0.5 / node.output]
        }
    }

    /// Elementwise xᵖ for a constant exponent.
    public func pow(_ p: Double) -> Tensor {
        if p == 1 { return self }
        let out: Tensor
        if p == 2 {
            out = Kernels.map(self) { $0 * $0 }
        } else if let n = Int(exactly: p) {
            // RealModule's pow(Double, Double) is NaN for every negative base (and for 0⁰);
            // the integer overload is real there.
            out = Kernels.map(self) { Double.pow($0, n) }
        } else {
            out = Kernels.map(self) { Double.pow($0, p) }
        }
        return .record("pow", value: out, inputs: [self]) { _, g, _ in
            [p == 2 ? g * self * 2 : g * self.pow(p - 1) * p]
        }
    }

    /// Elementwise x².
    public func squared() -> Tensor { pow(2) }

    /// Elementwise hyperbolic tangent.
    public func tanh() -> Tensor {
        let out = Kernels.vector(self, symmd_vtanh, symmd_vtanhf)
        return .record("tanh", value: out, inputs: [self], saveOutput: true) { node, g, _ in
            [Tensor.tanhBackward(g, node.output)]
        }
    }

    /// `g·(1 − y²)`, the tanh derivative applied to an incoming gradient (differentiable in both).
    static func tanhBackward(_ g: Tensor, _ y: Tensor) -> Tensor {
        let out = Kernels.zip(g, y) { gv, yv in gv * (1 - yv * yv) }
        return .record("tanhBackward", value: out, inputs: [g, y]) { _, gg, need in
            [need[0] ? tanhBackward(gg, y) : nil, need[1] ? tanhBackwardY(gg, g, y) : nil]
        }
    }

    /// `−2·a·g·y`: the derivative of `tanhBackward(g, y)` with respect to y applied to `a`, one pass
    /// instead of three products (second-order training spends much of its time here).
    static func tanhBackwardY(_ a: Tensor, _ g: Tensor, _ y: Tensor) -> Tensor {
        let out = Kernels.zip3(a, g, y) { av, gv, yv in -2 * av * gv * yv }
        return .record("tanhBackwardY", value: out, inputs: [a, g, y]) { _, h, need in
            [need[0] ? tanhBackwardY(h, g, y) : nil, need[1] ? tanhBackwardY(h, a, y) : nil,
             need[2] ? h * a * g * -2 : nil]
        }
    }

    /// Elementwise sine.
    public func sin() -> Tensor {
        let out = Kernels.vector(self, symmd_vsin)
        return .record("sin", value: out, inputs: [self]) { _, g, _ in [g * self.cos()] }
    }

    /// Elementwise cosine.
    public func cos() -> Tensor {
        let out = Kernels.vector(self, symmd_vcos)
        return .record("cos", value: out, inputs: [self]) { _, g, _ in [-(g * self.sin())] }
    }

    /// Elementwise error function erf(x) = 2/√π ∫₀ˣ e^{−t²} dt.
    public func erf() -> Tensor {
        let out = Kernels.vector(self, symmd_verf)
        return .record("erf", value: out, inputs: [self]) { _, g, _ in
            [g * (-(self * self)).exp() * (2 / Double.pi.squareRoot())]
        }
    }

    /// Elementwise |x| (derivative sign(x), 0 at 0).
    public func abs() -> Tensor {
        let out = Kernels.map(self) { Swift.abs($0) }
        return .record("abs", value: out, inputs: [self]) { _, g, _ in
            [g * self.sign()]
        }
    }

    /// Elementwise sign (−1, 0, 1); a constant, not differentiated.
    public func sign() -> Tensor {
        Kernels.map(self) { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
    }

    /// Elementwise clamp to [low, high] (gradient passes where low < x < high).
    public func clamped(min low: Double = -.infinity, max high: Double = .infinity) -> Tensor {
        let out = Kernels.map(self) { Swift.min(Swift.max($0, low), high) }
        return .record("clamp", value: out, inputs: [self]) { _, g, _ in
            [g * self.mask { $0 > low && $0 < high }]
        }
    }

    /// A constant 0/1 tensor: 1 where `predicate` holds.
    public func mask(_ predicate: (Double) -> Bool) -> Tensor {
        Kernels.map(self) { predicate($0) ? 1 : 0 }
    }
}

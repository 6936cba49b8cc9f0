import CVecMath
import RealModule

extension Tensor {
    /// Logistic sigmoid 1/(1 + e^{−x}), computed without overflow.
    public func sigmoid() -> Tensor {
        let out = Kernels.map(self) { x in
            x >= 0 ? 1 / (1 + Double.exp(-x)) : Double.exp(x) / (1 + Double.exp(x))
        }
        return .record("sigmoid", value: out, inputs: [self], saveOutput: true) { node, g, _ in
            let y = node.output
            return [g * y * (1 - y)]
        }
    }

    /// Rectified linear unit max(0, x).
    public func relu() -> Tensor {
        let out = Kernels.map(self) { Swift.max($0, 0) }
        return .record("relu", value: out, inputs: [self]) { _, g, _ in
            [g * self.mask { $0 > 0 }]
        }
    }

    /// Leaky ReLU: x for x > 0, a·x otherwise (default slope 0.01).
    public func leakyRelu(slope a: Double = 0.01) -> Tensor {
        let out = Kernels.map(self) { $0 > 0 ? $0 : a * $0 }
        return .record("leakyRelu", value: out, inputs: [self]) { _, g, _ in
            [g * Kernels.map(self) { $0 > 0 ? 1 : a }]
        }
    }

    /// Parametric ReLU with a learnable slope `a` (broadcast against x).
    public func prelu(_ a: Tensor) -> Tensor {
        relu() - a * (-self).relu()
    }

    /// Softplus ln(1 + eˣ), stable for large |x|: max(x, 0) + ln(1 + e^{−|x|}).
    public func softplus() -> Tensor {
        let out = Kernels.map(self) { x in Swift.max(x, 0) + Double.log(onePlus: Double.exp(-Swift.abs(x))) }
        return .record("softplus", value: out, inputs: [self]) { _, g, _ in
            [g * self.sigmoid()]
        }
    }

    /// Gaussian error linear unit x·Φ(x) with the exact normal CDF Φ(x) = (1 + erf(x/√2))/2.
    public func gelu() -> Tensor {
        let r2 = 1 / Double.sqrt(2)
        let out = Kernels.map(self) { x in 0.5 * x * (1 + Double.erf(x * r2)) }
        return .record("gelu", value: out, inputs: [self]) { _, g, _ in
            // d/dx xΦ(x) = Φ(x) + x φ(x)
            let cdf = ((self * r2).erf() + 1) * 0.5
            let pdf = (self.squared() * -0.5).exp() * (1 / Double.sqrt(2 * Double.pi))
            return [g * (cdf + self * pdf)]
        }
    }

    /// Sigmoid-weighted linear unit x·σ(βx) (β = 1 is SiLU/swish).
    public func silu(beta: Double = 1) -> Tensor {
        let out = Kernels.map(self) { x in
            let z = beta * x
            let s = z >= 0 ? 1 / (1 + Double.exp(-z)) : Double.exp(z) / (1 + Double.exp(z))
            return x * s
        }
        return .record("silu", value: out, inputs: [self]) { _, g, _ in
            let s = (self * beta).sigmoid()
            return [g * (s + self * s * (1 - s) * beta)]
        }
    }
}

/// The common activation functions, as a value a layer can hold and apply.
public enum Activation: Sendable, Equatable, Codable {
    /// f(x) = x.
    case identity
    /// Logistic sigmoid.
    case sigmoid
    /// Hyperbolic tangent.
    case tanh
    /// max(0, x).
    case relu
    /// x for x > 0, slope·x otherwise.
    case leakyRelu(slope: Double)
    /// ln(1 + eˣ).
    case softplus
    /// x·Φ(x) (exact, erf).
    case gelu
    /// x·σ(βx).
    case silu(beta: Double)

    /// Applies the activation elementwise.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .identity: x
        case .sigmoid: x.sigmoid()
        case .tanh: x.tanh()
        case .relu: x.relu()
        case .leakyRelu(let a): x.leakyRelu(slope: a)
        case .softplus: x.softplus()
        case .gelu: x.gelu()
        case .silu(let b): x.silu(beta: b)
        }
    }

    /// The activation named as in decks and model files ("tanh", "relu", "leaky_relu", "gelu", …).
    public init?(name: String) {
        switch name.lowercased() {
        case "identity", "linear", "none": self = .identity
        case "sigmoid": self = .sigmoid
        case "tanh": self = .tanh
        case "relu": self = .relu
        case "leaky_relu", "leakyrelu": self = .leakyRelu(slope: 0.01)
        case "softplus": self = .softplus
        case "gelu": self = .gelu
        case "silu", "swish": self = .silu(beta: 1)
        default: return nil
        }
    }
}

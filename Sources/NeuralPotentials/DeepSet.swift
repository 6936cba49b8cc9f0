import NNCore

/// How a ``DeepSet`` pools the per-element features over a set.
public enum SetPooling: String, Sendable, Codable, CaseIterable {
    /// Σ_j g(x_j): the pooled feature grows with the set size.
    case sum
    /// (1/n) Σ_j g(x_j): the pooled feature is an average, independent of the set size.
    case mean
}

/// The deep set ρ(X) = φ(Σ_j g(x_j)) (Zaheer et al. 2017), a permutation-invariant function of a
/// set of n points x_j ∈ ℝ^d: `g` (the element net) is applied to every point alone, the features
/// are pooled over the set (sum, or mean), and `φ` (the readout net) maps the pooled feature.
///
/// Input [batch, n, d] (one set of n points per batch entry), output [batch, outputs]. Reordering
/// the points of a set only reorders the terms of the pooling sum, so the output is invariant to
/// rounding. Every operation is an NNCore tensor operation, so gradients with respect to the
/// weights and the points come from the autodiff tape.
public final class DeepSet: Layer {
    /// The element net g: ℝ^d → ℝ^m, applied to each point.
    public let element: MLP
    /// The readout net φ: ℝ^m → ℝ^outputs, applied to the pooled feature.
    public let readout: MLP
    /// Sum or mean over the set.
    public let pooling: SetPooling

    /// A deep set from its two nets; the element net's output width must equal the readout's input width.
    public init(element: MLP, readout: MLP, pooling: SetPooling = .sum) {
        let m = element.layers.last!.outputs, k = readout.layers.first!.inputs
        precondition(m == k, "DeepSet: element net gives \(m) features, readout net takes \(k)")
        self.element = element
        self.readout = readout
        self.pooling = pooling
    }

    /// A deep set with fresh nets: g through `[inputs] + elementWidths` (every layer activated, the
    /// embedding-net form) and φ through `[elementWidths.last] + readoutWidths + [outputs]` (linear output).
    public convenience init(inputs: Int, elementWidths: [Int], readoutWidths: [Int], outputs: Int,
                            activation: Activation = .tanh, pooling: SetPooling = .sum,
                            using rng: inout RandomGenerator) {
        precondition(!elementWidths.isEmpty, "DeepSet: the element net needs at least one layer")
        let g = MLP(widths: [inputs] + elementWidths, activation: activation, linearOutput: false, using: &rng)
        let phi = MLP(widths: [elementWidths.last!] + readoutWidths + [outputs], activation: activation,
                      linearOutput: true, using: &rng)
        self.init(element: g, readout: phi, pooling: pooling)
    }

    /// Width d of each point.
    public var inputs: Int { element.layers.first!.inputs }
    /// Width m of the pooled feature.
    public var latentWidth: Int { element.layers.last!.outputs }
    /// Width of the output.
    public var outputs: Int { readout.layers.last!.outputs }

    /// The per-point features g(x_j), shape [batch, n, m], for input [batch, n, d].
    public func elementFeatures(_ x: Tensor) -> Tensor {
        precondition(x.rank == 3 && x.shape[2] == inputs,
                     "DeepSet: expected input [batch, n, \(inputs)], got \(x.shape)")
        let (b, n) = (x.shape[0], x.shape[1])
        return element(x.reshaped([b * n, inputs])).reshaped([b, n, latentWidth])
    }

    /// The pooled feature Σ_j g(x_j) (or the mean), shape [batch, m], for input [batch, n, d].
    public func pooled(_ x: Tensor) -> Tensor {
        let features = elementFeatures(x)
        switch pooling {
        case .sum: return features.sum(axis: 1)
        case .mean: return features.mean(axis: 1)
        }
    }

    /// φ(Σ_j g(x_j)), shape [batch, outputs], for input [batch, n, d].
    public func callAsFunction(_ x: Tensor) -> Tensor {
        readout(pooled(x))
    }
}

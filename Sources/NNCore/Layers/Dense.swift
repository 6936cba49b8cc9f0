/// A fully connected layer y = f(x·W + b), x of shape [batch, inputs].
public final class Dense: Layer {
    /// Weights W, shape [inputs, outputs].
    public let weight: Parameter
    /// Bias b, shape [outputs].
    public let bias: Parameter
    /// The activation f.
    public let activation: Activation

    /// A dense layer with weights drawn by `initializer` and zero bias.
    public init(inputs: Int, outputs: Int, activation: Activation = .identity,
                initializer: Initializer = .glorotUniform, using rng: inout RandomGenerator) {
        weight = Parameter(initializer.make([inputs, outputs], fanIn: inputs, fanOut: outputs, using: &rng))
        bias = Parameter(.zeros([outputs]))
        self.activation = activation
    }

    /// A dense layer with the given weights [inputs, outputs] and bias [outputs].
    public init(weight: Tensor, bias: Tensor, activation: Activation = .identity) {
        precondition(weight.rank == 2 && bias.shape == [weight.shape[1]],
                     "Dense: weight \(weight.shape) and bias \(bias.shape) do not fit")
        self.weight = Parameter(weight)
        self.bias = Parameter(bias)
        self.activation = activation
    }

    /// Input width.
    public var inputs: Int { weight.shape[0] }
    /// Output width.
    public var outputs: Int { weight.shape[1] }

    /// f(x·W + b).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        activation(Tensor.affine(x, weight.value(as: x.dtype), bias.value(as: x.dtype)))
    }
}

/// Layers applied one after another.
public final class Sequential: Layer {
    /// The layers, in order.
    public let layers: [any Layer]
    /// A chain of layers.
    public init(_ layers: [any Layer]) { self.layers = layers }
    /// A chain of layers.
    public convenience init(_ layers: any Layer...) { self.init(layers) }
    /// Each layer applied in turn.
    public func callAsFunction(_ x: Tensor) -> Tensor { layers.reduce(x) { $1($0) } }
}

/// A residual block x + h(x) (He et al. 2016).
public final class Residual: Layer {
    /// The branch h (must keep the shape).
    public let body: any Layer
    /// x + body(x).
    public init(_ body: any Layer) { self.body = body }
    /// x + h(x).
    public func callAsFunction(_ x: Tensor) -> Tensor { x + body(x) }
}

/// An activation as a parameter-free layer.
public final class ActivationLayer: Layer {
    /// The activation applied.
    public let activation: Activation
    /// A layer that applies `activation`.
    public init(_ activation: Activation) { self.activation = activation }
    /// f(x).
    public func callAsFunction(_ x: Tensor) -> Tensor { activation(x) }
}

/// Parametric ReLU max(0,x) + a·min(0,x) with a learnable slope `a` (one, or one per feature).
public final class PReLU: Layer {
    /// The negative-side slope.
    public let slope: Parameter
    /// A PReLU with `features` slopes (1 = shared), all starting at `initial`.
    public init(features: Int = 1, initial: Double = 0.25) {
        slope = Parameter(Tensor(repeating: initial, shape: [features]))
    }
    /// max(0,x) + a·min(0,x).
    public func callAsFunction(_ x: Tensor) -> Tensor { x.prelu(slope.value(as: x.dtype)) }
}

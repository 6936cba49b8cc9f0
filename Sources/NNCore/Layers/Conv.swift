/// A 1-D convolution layer y = f(conv1d(x, W) + b) on channels-first input [N, C_in, L].
public final class Conv1D: Layer {
    /// Filters W, shape [C_out, C_in, k].
    public let weight: Parameter
    /// One bias per output channel, shape [C_out].
    public let bias: Parameter
    /// Step between window positions.
    public let stride: Int
    /// Zero padding rule.
    public let padding: Padding
    /// The activation f.
    public let activation: Activation

    /// A layer with k-wide filters drawn by `initializer` (fan-in C_in·k, fan-out C_out·k) and zero bias.
    public init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Padding = .valid,
                activation: Activation = .identity, initializer: Initializer = .glorotUniform,
                using rng: inout RandomGenerator) {
        precondition(inChannels > 0 && outChannels > 0 && kernelSize > 0 && stride > 0,
                     "Conv1D: channels \(inChannels)→\(outChannels), kernel \(kernelSize), stride \(stride) must be positive")
        weight = Parameter(initializer.make([outChannels, inChannels, kernelSize], fanIn: inChannels * kernelSize,
                                            fanOut: outChannels * kernelSize, using: &rng))
        bias = Parameter(.zeros([outChannels]))
        self.stride = stride
        self.padding = padding
        self.activation = activation
    }

    /// A layer with the given filters [C_out, C_in, k] and bias [C_out].
    public init(weight: Tensor, bias: Tensor, stride: Int = 1, padding: Padding = .valid,
                activation: Activation = .identity) {
        precondition(weight.rank == 3 && bias.shape == [weight.shape[0]],
                     "Conv1D: weight \(weight.shape) and bias \(bias.shape) do not fit ([C_out, C_in, k] and [C_out])")
        self.weight = Parameter(weight)
        self.bias = Parameter(bias)
        self.stride = stride
        self.padding = padding
        self.activation = activation
    }

    /// Input channels.
    public var inChannels: Int { weight.shape[1] }
    /// Output channels.
    public var outChannels: Int { weight.shape[0] }
    /// Filter width k.
    public var kernelSize: Int { weight.shape[2] }

    /// f(conv1d(x, W) + b) for x [N, C_in, L]; result [N, C_out, L_out].
    public func callAsFunction(_ x: Tensor) -> Tensor {
        activation(Tensor.conv1d(x, weight.value(as: x.dtype), bias: bias.value(as: x.dtype), stride: stride, padding: padding))
    }
}

/// A 2-D convolution layer y = f(conv2d(x, W) + b) on channels-first input [N, C_in, H, W].
public final class Conv2D: Layer {
    /// Filters W, shape [C_out, C_in, k, k].
    public let weight: Parameter
    /// One bias per output channel, shape [C_out].
    public let bias: Parameter
    /// Step between window positions (both axes).
    public let stride: Int
    /// Zero padding rule (both axes).
    public let padding: Padding
    /// The activation f.
    public let activation: Activation

    /// A layer with k×k filters drawn by `initializer` (fan-in C_in·k², fan-out C_out·k²) and zero bias.
    public init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Padding = .valid,
                activation: Activation = .identity, initializer: Initializer = .glorotUniform,
                using rng: inout RandomGenerator) {
        precondition(inChannels > 0 && outChannels > 0 && kernelSize > 0 && stride > 0,
                     "Conv2D: channels \(inChannels)→\(outChannels), kernel \(kernelSize), stride \(stride) must be positive")
        let area = kernelSize * kernelSize
        weight = Parameter(initializer.make([outChannels, inChannels, kernelSize, kernelSize],
                                            fanIn: inChannels * area, fanOut: outChannels * area, using: &rng))
        bias = Parameter(.zeros([outChannels]))
        self.stride = stride
        self.padding = padding
        self.activation = activation
    }

    /// A layer with the given filters [C_out, C_in, kh, kw] and bias [C_out].
    public init(weight: Tensor, bias: Tensor, stride: Int = 1, padding: Padding = .valid,
                activation: Activation = .identity) {
        precondition(weight.rank == 4 && bias.shape == [weight.shape[0]],
                     "Conv2D: weight \(weight.shape) and bias \(bias.shape) do not fit ([C_out, C_in, kh, kw] and [C_out])")
        self.weight = Parameter(weight)
        self.bias = Parameter(bias)
        self.stride = stride
        self.padding = padding
        self.activation = activation
    }

    /// Input channels.
    public var inChannels: Int { weight.shape[1] }
    /// Output channels.
    public var outChannels: Int { weight.shape[0] }

    /// f(conv2d(x, W) + b) for x [N, C_in, H, W]; result [N, C_out, Ho, Wo].
    public func callAsFunction(_ x: Tensor) -> Tensor {
        activation(Tensor.conv2d(x, weight.value(as: x.dtype), bias: bias.value(as: x.dtype), stride: (stride, stride), padding: padding))
    }
}

/// A convolutional residual block x + conv₂(f(conv₁(x))) (He et al. 2016), both convolutions
/// C→C channels with "same" padding and stride 1, so the branch keeps the shape.
public final class ConvResidualBlock: Layer {
    /// The first convolution (activated by f).
    public let conv1: any Layer
    /// The second convolution (linear).
    public let conv2: any Layer
    /// The activation f between the two convolutions.
    public let activation: Activation

    /// A block over `channels` channels of 1-D ([N, C, L]) or 2-D ([N, C, H, W]) input.
    public init(channels: Int, kernelSize: Int = 3, spatialDimensions: Int = 2, activation: Activation = .relu,
                initializer: Initializer = .heUniform, using rng: inout RandomGenerator) {
        precondition(spatialDimensions == 1 || spatialDimensions == 2,
                     "ConvResidualBlock: spatialDimensions must be 1 or 2, got \(spatialDimensions)")
        if spatialDimensions == 1 {
            conv1 = Conv1D(inChannels: channels, outChannels: channels, kernelSize: kernelSize, padding: .same,
                           initializer: initializer, using: &rng)
            conv2 = Conv1D(inChannels: channels, outChannels: channels, kernelSize: kernelSize, padding: .same,
                           initializer: initializer, using: &rng)
        } else {
            conv1 = Conv2D(inChannels: channels, outChannels: channels, kernelSize: kernelSize, padding: .same,
                           initializer: initializer, using: &rng)
            conv2 = Conv2D(inChannels: channels, outChannels: channels, kernelSize: kernelSize, padding: .same,
                           initializer: initializer, using: &rng)
        }
        self.activation = activation
    }

    /// A block from two given shape-keeping layers.
    public init(conv1: any Layer, conv2: any Layer, activation: Activation = .relu) {
        self.conv1 = conv1
        self.conv2 = conv2
        self.activation = activation
    }

    /// x + conv₂(f(conv₁(x))); traps naming the shapes if the branch changed the shape.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let h = conv2(activation(conv1(x)))
        precondition(h.shape == x.shape, "ConvResidualBlock: branch output \(h.shape) ≠ input \(x.shape)")
        return x + h
    }
}

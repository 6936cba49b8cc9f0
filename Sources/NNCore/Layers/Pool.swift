/// Max pooling over windows of k (stride k by default) of channels-first input [N, C, L].
public final class MaxPool1D: Layer {
    /// Window length.
    public let window: Int
    /// Step between windows.
    public let stride: Int
    /// A pooling layer (no parameters).
    public init(window: Int, stride: Int? = nil) {
        self.window = window
        self.stride = stride ?? window
    }
    /// The maximum of each window, per channel.
    public func callAsFunction(_ x: Tensor) -> Tensor { x.maxPool1d(window: window, stride: stride) }
}

/// Max pooling over k×k windows (stride k by default) of channels-first input [N, C, H, W].
public final class MaxPool2D: Layer {
    /// Window side.
    public let window: Int
    /// Step between windows.
    public let stride: Int
    /// A pooling layer (no parameters).
    public init(window: Int, stride: Int? = nil) {
        self.window = window
        self.stride = stride ?? window
    }
    /// The maximum of each window, per channel.
    public func callAsFunction(_ x: Tensor) -> Tensor { x.maxPool2d(window: window, stride: stride) }
}

/// Average pooling over windows of k (stride k by default) of channels-first input [N, C, L].
public final class AvgPool1D: Layer {
    /// Window length.
    public let window: Int
    /// Step between windows.
    public let stride: Int
    /// A pooling layer (no parameters).
    public init(window: Int, stride: Int? = nil) {
        self.window = window
        self.stride = stride ?? window
    }
    /// The mean of each window, per channel.
    public func callAsFunction(_ x: Tensor) -> Tensor { x.avgPool1d(window: window, stride: stride) }
}

/// Average pooling over k×k windows (stride k by default) of channels-first input [N, C, H, W].
public final class AvgPool2D: Layer {
    /// Window side.
    public let window: Int
    /// Step between windows.
    public let stride: Int
    /// A pooling layer (no parameters).
    public init(window: Int, stride: Int? = nil) {
        self.window = window
        self.stride = stride ?? window
    }
    /// The mean of each window, per channel.
    public func callAsFunction(_ x: Tensor) -> Tensor { x.avgPool2d(window: window, stride: stride) }
}

/// Flattens every sample: [N, …] → [N, ∏…] (between convolutional and dense layers).
public final class Flatten: Layer {
    /// A flattening layer (no parameters).
    public init() {}
    /// x reshaped to [N, ∏…].
    public func callAsFunction(_ x: Tensor) -> Tensor { x.flattenedBatch() }
}

extension Tensor {
    /// The same values stored as `dtype`, off the tape (rounded to nearest when narrowing).
    @inlinable
    func converted(to dtype: DType) -> Tensor {
        if dtype == self.dtype { return with(node: nil) }
        var t = dtype == .float64 ? Tensor(shape: shape, scalars: scalars) : Tensor(shape: shape, floats: floats)
        t.node = nil
        return t
    }

    /// The values stored as `dtype` (PyTorch's `x.to(dtype)`): rounded to nearest when
    /// narrowing to float32. Differentiable: the gradient is cast back to this tensor's dtype, so
    /// float64 master weights cast to float32 for the computation receive float64 gradients.
    public func cast(to dtype: DType) -> Tensor {
        if dtype == self.dtype { return self }
        let source = self.dtype
        return .record("cast", value: converted(to: dtype), inputs: [self]) { _, g, _ in [g.cast(to: source)] }
    }

    /// A zero tensor of the given shape and dtype.
    public static func zeros(_ shape: [Int], dtype: DType) -> Tensor {
        dtype == .float64 ? .zeros(shape) : Tensor(shape: shape, floats: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    /// A tensor of ones of the given shape and dtype.
    public static func ones(_ shape: [Int], dtype: DType) -> Tensor {
        dtype == .float64 ? .ones(shape) : Tensor(shape: shape, floats: [Float](repeating: 1, count: shape.reduce(1, *)))
    }
}

extension Tensor {
    /// A tensor of the given shape filled with `value`.
    public init(repeating value: Double, shape: [Int]) {
        self.init(shape: shape, scalars: [Double](repeating: value, count: shape.reduce(1, *)))
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }
    /// A tensor of ones.
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(repeating: 1, shape: shape) }
    /// Zeros with this tensor's shape and dtype.
    public func zerosLike() -> Tensor { .zeros(shape, dtype: dtype) }
    /// Ones with this tensor's shape and dtype.
    public func onesLike() -> Tensor { .ones(shape, dtype: dtype) }

    /// `[start, start+step, …]` below `end`.
    public static func arange(_ start: Double, _ end: Double, step: Double = 1) -> Tensor {
        var v: [Double] = []
        var x = start
        while x < end - 1e-12 * Swift.abs(step) {
            v.append(x)
            x += step
        }
        return Tensor(v)
    }

    /// `count` evenly spaced points from `start` to `end` inclusive.
    public static func linspace(_ start: Double, _ end: Double, count: Int) -> Tensor {
        precondition(count >= 1, "linspace: count must be ≥ 1")
        if count == 1 { return Tensor([start]) }
        let h = (end - start) / Double(count - 1)
        return Tensor((0..<count).map { start + Double($0) * h })
    }

    /// The n×n identity matrix.
    public static func eye(_ n: Int) -> Tensor {
        var t = Tensor.zeros([n, n])
        for i in 0..<n { t.scalars[i * n + i] = 1 }
        return t
    }

    /// Normal samples N(mean, std²) from a seeded generator.
    public static func randomNormal(_ shape: [Int], mean: Double = 0, std: Double = 1,
                                    using rng: inout RandomGenerator) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<n).map { _ in mean + std * rng.nextNormal() })
    }

    /// Uniform samples on [low, high) from a seeded generator.
    public static func randomUniform(_ shape: [Int], low: Double = 0, high: Double = 1,
                                     using rng: inout RandomGenerator) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<n).map { _ in low + (high - low) * rng.nextUniform() })
    }
}

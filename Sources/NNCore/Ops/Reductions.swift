extension Tensor {
    /// Normalises possibly negative axis numbers and checks them against the rank.
    func normalizedAxes(_ axes: [Int]) -> [Int] {
        axes.map { a in
            let k = a < 0 ? a + rank : a
            precondition(k >= 0 && k < rank, "axis \(a) out of range for shape \(shape)")
            return k
        }
    }

    /// The sum of all elements (a rank-0 tensor).
    public func sum() -> Tensor { sum(toShape: []) }

    /// The sum over the given axes; they are kept with extent 1 when `keepDims` is true.
    public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
        let ax = Set(normalizedAxes(axes))
        let kept = shape.enumerated().map { ax.contains($0.offset) ? 1 : $0.element }
        let r = sum(toShape: kept)
        return keepDims ? r : r.reshaped(shape.enumerated().filter { !ax.contains($0.offset) }.map(\.element))
    }

    /// The sum over one axis.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor { sum(axes: [axis], keepDims: keepDims) }

    /// The mean of all elements.
    public func mean() -> Tensor { sum() * (1 / Double(Swift.max(count, 1))) }

    /// The mean over the given axes.
    public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
        let n = normalizedAxes(axes).reduce(1) { $0 * shape[$1] }
        return sum(axes: axes, keepDims: keepDims) * (1 / Double(Swift.max(n, 1)))
    }

    /// The mean over one axis.
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor { mean(axes: [axis], keepDims: keepDims) }

    /// The largest element (gradient flows to the first maximal element).
    public func max() -> Tensor {
        precondition(count > 0, "max(): empty tensor")
        var best = 0
        let scalars = self.scalars  // once (a float32 tensor's are a converted copy)
        for k in 1..<count where scalars[k] > scalars[best] { best = k }
        var m = Tensor.zeros(shape)
        m.scalars[best] = 1
        let mask = m
        return .record("max", shape: [], scalars: [scalars[best]], inputs: [self]) { _, g, _ in
            [g * mask]
        }
    }

    /// The largest element along one axis (gradient flows to the first maximum of each slice).
    public func max(axis: Int, keepDims: Bool = false) -> Tensor {
        let a = normalizedAxes([axis])[0]
        let outer = shape[..<a].reduce(1, *), n = shape[a], inner = shape[(a + 1)...].reduce(1, *)
        precondition(n > 0, "max(axis:): empty axis in shape \(shape)")
        var keptShape = shape
        keptShape[a] = 1
        var out = [Double](repeating: -.infinity, count: outer * inner)
        var mask = [Double](repeating: 0, count: count)
        let scalars = self.scalars  // once (a float32 tensor's are a converted copy)
        for o in 0..<outer {
            for i in 0..<inner {
                var best = 0
                var bv = scalars[o * n * inner + i]
                for k in 1..<n where scalars[(o * n + k) * inner + i] > bv {
                    bv = scalars[(o * n + k) * inner + i]
                    best = k
                }
                out[o * inner + i] = bv
                mask[(o * n + best) * inner + i] = 1
            }
        }
        let m = Tensor(shape: shape, scalars: mask), inShape = shape
        let r = Tensor.record("maxAxis", shape: keptShape, scalars: out, inputs: [self]) { _, g, _ in
            [g.broadcast(to: inShape) * m]
        }
        return keepDims ? r : r.squeezed(axis: a)
    }

    /// log Σ exp along an axis, computed stably.
    public func logSumExp(axis: Int, keepDims: Bool = false) -> Tensor {
        let m = withNoGrad { self.max(axis: axis, keepDims: true) }.detached()
        let r = (self - m).exp().sum(axis: axis, keepDims: true).log() + m
        return keepDims ? r : r.squeezed(axis: normalizedAxes([axis])[0])
    }

    /// log softmax along an axis: x − logΣexp(x).
    public func logSoftmax(axis: Int = -1) -> Tensor { self - logSumExp(axis: axis, keepDims: true) }

    /// softmax along an axis.
    public func softmax(axis: Int = -1) -> Tensor { logSoftmax(axis: axis).exp() }
}

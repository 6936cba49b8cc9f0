/// The index bookkeeping of 2-D pooling (1-D is the case height 1): input [N, C, H, W], a kh×kw
/// window moved by strides (sh, sw), no padding (a partial window at the end is dropped).
struct PoolGeometry: Sendable, Equatable {
    let planes: Int  // N·C
    let height: Int, width: Int
    let kernelHeight: Int, kernelWidth: Int
    let strideHeight: Int, strideWidth: Int
    let outputHeight: Int, outputWidth: Int

    init(inputShape s: [Int], kernel: (Int, Int), stride: (Int, Int), op: String) {
        precondition(s.count == 4, "\(op): input shape \(s) is not channels-first")
        precondition(kernel.0 >= 1 && kernel.1 >= 1 && stride.0 >= 1 && stride.1 >= 1,
                     "\(op): window \(kernel) and stride \(stride) must be positive")
        precondition(s[2] >= kernel.0 && s[3] >= kernel.1,
                     "\(op): window \(kernel.0)×\(kernel.1) larger than the input \(s[2])×\(s[3]) of shape \(s)")
        planes = s[0] * s[1]
        height = s[2]
        width = s[3]
        (kernelHeight, kernelWidth) = kernel
        (strideHeight, strideWidth) = stride
        outputHeight = (s[2] - kernel.0) / stride.0 + 1
        outputWidth = (s[3] - kernel.1) / stride.1 + 1
    }

    var inputPlane: Int { height * width }
    var outputPlane: Int { outputHeight * outputWidth }
}

extension Tensor {
    /// Max pooling of x [N, C, H, W] over kh×kw windows moved by `stride` (default: the window, so
    /// windows do not overlap); result [N, C, Ho, Wo]. The gradient flows to the first maximum of
    /// each window.
    public func maxPool2d(window: (height: Int, width: Int), stride: (height: Int, width: Int)? = nil) -> Tensor {
        let g = PoolGeometry(inputShape: shape, kernel: window, stride: stride ?? window, op: "maxPool2d")
        return maxPool(g, outputShape: [shape[0], shape[1], g.outputHeight, g.outputWidth])
    }

    /// Max pooling of x [N, C, H, W] over k×k windows moved by `stride` (default k).
    public func maxPool2d(window k: Int, stride: Int? = nil) -> Tensor {
        maxPool2d(window: (k, k), stride: (stride ?? k, stride ?? k))
    }

    /// Max pooling of x [N, C, L] over windows of `k` moved by `stride` (default k); result
    /// [N, C, L_out]. The gradient flows to the first maximum of each window.
    public func maxPool1d(window k: Int, stride: Int? = nil) -> Tensor {
        precondition(rank == 3, "maxPool1d: input shape \(shape) is not [N, C, L]")
        let g = PoolGeometry(inputShape: [shape[0], shape[1], 1, shape[2]], kernel: (1, k), stride: (1, stride ?? k),
                             op: "maxPool1d")
        return maxPool(g, outputShape: [shape[0], shape[1], g.outputWidth])
    }

    /// Average pooling of x [N, C, H, W] over kh×kw windows moved by `stride` (default: the
    /// window); result [N, C, Ho, Wo].
    public func avgPool2d(window: (height: Int, width: Int), stride: (height: Int, width: Int)? = nil) -> Tensor {
        let g = PoolGeometry(inputShape: shape, kernel: window, stride: stride ?? window, op: "avgPool2d")
        return Tensor.windowMean(self, g, outputShape: [shape[0], shape[1], g.outputHeight, g.outputWidth])
    }

    /// Average pooling of x [N, C, H, W] over k×k windows moved by `stride` (default k).
    public func avgPool2d(window k: Int, stride: Int? = nil) -> Tensor {
        avgPool2d(window: (k, k), stride: (stride ?? k, stride ?? k))
    }

    /// Average pooling of x [N, C, L] over windows of `k` moved by `stride` (default k); result
    /// [N, C, L_out].
    public func avgPool1d(window k: Int, stride: Int? = nil) -> Tensor {
        precondition(rank == 3, "avgPool1d: input shape \(shape) is not [N, C, L]")
        let g = PoolGeometry(inputShape: [shape[0], shape[1], 1, shape[2]], kernel: (1, k), stride: (1, stride ?? k),
                             op: "avgPool1d")
        return Tensor.windowMean(self, g, outputShape: [shape[0], shape[1], g.outputWidth])
    }

    /// Every sample's rest flattened: [N, …] → [N, ∏…].
    public func flattenedBatch() -> Tensor {
        precondition(rank >= 1, "flattenedBatch: a scalar has no batch axis")
        return reshaped([shape[0], count / Swift.max(shape[0], 1)])
    }

    // MARK: - Max pooling: a gather by the argmax, whose adjoint is a scatter-add

    /// Gathers the first maximum of each window (recorded as a gather by flat index).
    func maxPool(_ g: PoolGeometry, outputShape: [Int]) -> Tensor {
        var index = [Int](repeating: 0, count: g.planes * g.outputPlane)
        guard g.planes > 0 else { return Tensor.gatherFlat(self, index, outputShape: outputShape) }
        scalars.withUnsafeBufferPointer { xp in
            index.withUnsafeMutableBufferPointer { ip in
                let x = UncheckedSendable(xp.baseAddress!), idx = UncheckedSendable(ip.baseAddress!)
                SampleParallel.forEach(g.planes, workPerItem: g.inputPlane) { planes in
                    for q in planes {
                        let base = q * g.inputPlane
                        var o = q * g.outputPlane
                        for oh in 0..<g.outputHeight {
                            for ow in 0..<g.outputWidth {
                                var best = base + oh * g.strideHeight * g.width + ow * g.strideWidth
                                var bv = x.value[best]
                                for i in 0..<g.kernelHeight {
                                    let rowStart = base + (oh * g.strideHeight + i) * g.width + ow * g.strideWidth
                                    for j in 0..<g.kernelWidth where x.value[rowStart + j] > bv {
                                        bv = x.value[rowStart + j]
                                        best = rowStart + j
                                    }
                                }
                                idx.value[o] = best
                                o += 1
                            }
                        }
                    }
                }
            }
        }
        return Tensor.gatherFlat(self, index, outputShape: outputShape)
    }

    /// result[k] = x.scalars[index[k]], shaped `outputShape`; the adjoint of ``scatterFlat``.
    static func gatherFlat(_ x: Tensor, _ index: [Int], outputShape: [Int]) -> Tensor {
        let out: [Double] = x.scalars.withUnsafeBufferPointer { xp in
            index.withUnsafeBufferPointer { ip in
                Kernels.fill(ip.count) { o in
                    for k in 0..<ip.count { o[k] = xp[ip[k]] }
                }
            }
        }
        let inShape = x.shape
        return record("gather", shape: outputShape, scalars: out, inputs: [x]) { _, g, _ in
            [scatterFlat(g, index, outputShape: inShape)]
        }
    }

    /// Zeros of `outputShape` with source[k] added at flat position index[k]; the adjoint of
    /// ``gatherFlat``.
    static func scatterFlat(_ source: Tensor, _ index: [Int], outputShape: [Int]) -> Tensor {
        var out = [Double](repeating: 0, count: outputShape.reduce(1, *))
        source.scalars.withUnsafeBufferPointer { sp in
            index.withUnsafeBufferPointer { ip in
                out.withUnsafeMutableBufferPointer { o in
                    for k in 0..<ip.count { o[ip[k]] += sp[k] }
                }
            }
        }
        let inShape = source.shape
        return record("scatter", shape: outputShape, scalars: out, inputs: [source]) { _, g, _ in
            [gatherFlat(g, index, outputShape: inShape)]
        }
    }

    // MARK: - Average pooling: a window mean, whose adjoint spreads each mean over its window

    /// The mean of each window.
    static func windowMean(_ x: Tensor, _ g: PoolGeometry, outputShape: [Int]) -> Tensor {
        let scale = 1 / Double(g.kernelHeight * g.kernelWidth)
        func run<E: TensorScalar>(_ xv: [E]) -> [E] {
            xv.withUnsafeBufferPointer { xp in
                Kernels.fill(g.planes * g.outputPlane) { (o: UnsafeMutableBufferPointer<E>) in
                    guard g.planes > 0 else { return }
                    let src = UncheckedSendable(xp.baseAddress!), dst = UncheckedSendable(o.baseAddress!)
                    SampleParallel.forEach(g.planes, workPerItem: g.inputPlane) { planes in
                        for q in planes {
                            windowMeanPlane(g, src.value + q * g.inputPlane, dst.value + q * g.outputPlane, E(scale))
                        }
                    }
                }
            }
        }
        let value = x.dtype == .float64 ? Tensor(shape: outputShape, scalars: run(x.f64))
                                        : Tensor(shape: outputShape, floats: run(x.f32))
        let inShape = x.shape
        return record("avgPool", value: value, inputs: [x]) { _, grad, _ in
            [windowSpread(grad, g, outputShape: inShape)]
        }
    }

    /// Each element of `y` divided by the window size and added over its window of an input of
    /// `outputShape` (the adjoint of ``windowMean``).
    static func windowSpread(_ y: Tensor, _ g: PoolGeometry, outputShape: [Int]) -> Tensor {
        let scale = 1 / Double(g.kernelHeight * g.kernelWidth)
        func run<E: TensorScalar>(_ yv: [E]) -> [E] {
            var out = [E](repeating: 0, count: g.planes * g.inputPlane)
            yv.withUnsafeBufferPointer { yp in
                out.withUnsafeMutableBufferPointer { o in
                    guard g.planes > 0 else { return }
                    let src = UncheckedSendable(yp.baseAddress!), dst = UncheckedSendable(o.baseAddress!)
                    SampleParallel.forEach(g.planes, workPerItem: g.inputPlane) { planes in
                        for q in planes {
                            windowSpreadPlane(g, src.value + q * g.outputPlane, dst.value + q * g.inputPlane, E(scale))
                        }
                    }
                }
            }
            return out
        }
        let value = y.dtype == .float64 ? Tensor(shape: outputShape, scalars: run(y.f64))
                                        : Tensor(shape: outputShape, floats: run(y.f32))
        let inShape = y.shape
        return record("avgPoolAdjoint", value: value, inputs: [y]) { _, grad, _ in
            [windowMean(grad, g, outputShape: inShape)]
        }
    }

    /// Window means of one plane. Rows are processed whole so the loops vectorise; each sum
    /// runs over the window in row-major order (the same order in every path).
    @inline(__always)
    static func windowMeanPlane<E: TensorScalar>(_ g: PoolGeometry, _ x: UnsafePointer<E>, _ y: UnsafeMutablePointer<E>,
                                                 _ scale: E) {
        let wo = g.outputWidth
        if g.kernelHeight == 2 && g.kernelWidth == 2 && g.strideHeight == 2 && g.strideWidth == 2 {
            for oh in 0..<g.outputHeight {
                let r0 = x + 2 * oh * g.width, r1 = r0 + g.width, yr = y + oh * wo
                for ow in 0..<wo {
                    yr[ow] = (r0[2 * ow] + r0[2 * ow + 1] + r1[2 * ow] + r1[2 * ow + 1]) * scale
                }
            }
            return
        }
        let sw = g.strideWidth
        for oh in 0..<g.outputHeight {
            let yr = y + oh * wo
            for ow in 0..<wo { yr[ow] = 0 }
            for i in 0..<g.kernelHeight {
                let row = x + (oh * g.strideHeight + i) * g.width
                for j in 0..<g.kernelWidth {
                    for ow in 0..<wo { yr[ow] += row[ow * sw + j] }
                }
            }
            for ow in 0..<wo { yr[ow] *= scale }
        }
    }

    /// Adds each window mean's share back over its window of one plane (the adjoint of
    /// ``windowMeanPlane``).
    @inline(__always)
    static func windowSpreadPlane<E: TensorScalar>(_ g: PoolGeometry, _ y: UnsafePointer<E>, _ x: UnsafeMutablePointer<E>,
                                                   _ scale: E) {
        let wo = g.outputWidth
        if g.kernelHeight == 2 && g.kernelWidth == 2 && g.strideHeight == 2 && g.strideWidth == 2 {
            for oh in 0..<g.outputHeight {
                let r0 = x + 2 * oh * g.width, r1 = r0 + g.width, yr = y + oh * wo
                for ow in 0..<wo {
                    let v = yr[ow] * scale
                    r0[2 * ow] = v
                    r0[2 * ow + 1] = v
                    r1[2 * ow] = v
                    r1[2 * ow + 1] = v
                }
            }
            return
        }
        let sw = g.strideWidth
        for oh in 0..<g.outputHeight {
            let yr = y + oh * wo
            for i in 0..<g.kernelHeight {
                let row = x + (oh * g.strideHeight + i) * g.width
                for j in 0..<g.kernelWidth {
                    for ow in 0..<wo { row[ow * sw + j] += yr[ow] * scale }
                }
            }
        }
    }
}

import Dispatch

/// Zero padding of a convolution along each spatial axis.
public enum Padding: Sendable, Equatable, Codable {
    /// No padding: each output position sees a whole window inside the input.
    case valid
    /// Zeros so that the output length is ⌈input / stride⌉ (the input length at stride 1); an
    /// odd total puts the extra zero at the end (TensorFlow's rule).
    case same
    /// `n` zeros before and after the input on every spatial axis.
    case explicit(Int)

    /// The zeros (before, after) along an axis of `length` for a window of `kernel` and `stride`.
    public func amounts(length: Int, kernel: Int, stride: Int) -> (before: Int, after: Int) {
        switch self {
        case .valid:
            return (0, 0)
        case .same:
            let out = (length + stride - 1) / stride
            let total = Swift.max((out - 1) * stride + kernel - length, 0)
            return (total / 2, total - total / 2)
        case .explicit(let n):
            precondition(n >= 0, "Padding.explicit: negative padding \(n)")
            return (n, n)
        }
    }
}

/// The index bookkeeping of a 2-D convolution (1-D is the case height 1): input [N, C, H, W],
/// a kh×kw window moved by strides (sh, sw) over the zero-padded input.
///
/// `im2col` turns the input into patches [N, C·kh·kw, Ho·Wo], so that the convolution with
/// weights [C_out, C, kh, kw] is one matrix product per sample.
public struct ConvolutionGeometry: Sendable, Equatable {
    /// Samples N.
    public let batch: Int
    /// Input channels C.
    public let channels: Int
    /// Input height H.
    public let height: Int
    /// Input width W.
    public let width: Int
    /// Window height kh.
    public let kernelHeight: Int
    /// Window width kw.
    public let kernelWidth: Int
    /// Vertical stride.
    public let strideHeight: Int
    /// Horizontal stride.
    public let strideWidth: Int
    /// Zero rows above the input.
    public let padTop: Int
    /// Zero rows below the input.
    public let padBottom: Int
    /// Zero columns left of the input.
    public let padLeft: Int
    /// Zero columns right of the input.
    public let padRight: Int
    /// Output height Ho.
    public let outputHeight: Int
    /// Output width Wo.
    public let outputWidth: Int

    /// The geometry with explicit zero padding on each side.
    public init(inputShape: [Int], kernel: (height: Int, width: Int), stride: (height: Int, width: Int) = (1, 1),
                padTop: Int = 0, padBottom: Int = 0, padLeft: Int = 0, padRight: Int = 0) {
        precondition(inputShape.count == 4, "convolution: input shape \(inputShape) is not [N, C, H, W]")
        precondition(kernel.height >= 1 && kernel.width >= 1 && stride.height >= 1 && stride.width >= 1,
                     "convolution: kernel \(kernel) and stride \(stride) must be positive")
        precondition(padTop >= 0 && padBottom >= 0 && padLeft >= 0 && padRight >= 0,
                     "convolution: negative padding \([padTop, padBottom, padLeft, padRight])")
        batch = inputShape[0]
        channels = inputShape[1]
        height = inputShape[2]
        width = inputShape[3]
        kernelHeight = kernel.height
        kernelWidth = kernel.width
        strideHeight = stride.height
        strideWidth = stride.width
        self.padTop = padTop
        self.padBottom = padBottom
        self.padLeft = padLeft
        self.padRight = padRight
        let ph = height + padTop + padBottom, pw = width + padLeft + padRight
        precondition(ph >= kernel.height && pw >= kernel.width,
                     "convolution: kernel \(kernel.height)×\(kernel.width) larger than the padded input \(ph)×\(pw) of shape \(inputShape)")
        outputHeight = (ph - kernel.height) / stride.height + 1
        outputWidth = (pw - kernel.width) / stride.width + 1
    }

    /// The geometry with padding by rule on both spatial axes.
    public init(inputShape: [Int], kernel: (height: Int, width: Int), stride: (height: Int, width: Int) = (1, 1),
                padding: Padding) {
        precondition(inputShape.count == 4, "convolution: input shape \(inputShape) is not [N, C, H, W]")
        let v = padding.amounts(length: inputShape[2], kernel: kernel.height, stride: stride.height)
        let h = padding.amounts(length: inputShape[3], kernel: kernel.width, stride: stride.width)
        self.init(inputShape: inputShape, kernel: kernel, stride: stride,
                  padTop: v.before, padBottom: v.after, padLeft: h.before, padRight: h.after)
    }

    /// The input shape [N, C, H, W].
    public var inputShape: [Int] { [batch, channels, height, width] }
    /// Rows of a sample's patch matrix: C·kh·kw.
    public var patchSize: Int { channels * kernelHeight * kernelWidth }
    /// Columns of a sample's patch matrix: Ho·Wo.
    public var outputPositions: Int { outputHeight * outputWidth }
    /// The shape of `im2col`'s result: [N, C·kh·kw, Ho·Wo].
    public var columnShape: [Int] { [batch, patchSize, outputPositions] }
    /// Whether im2col is a plain reshape (1×1 window, stride 1, no padding).
    var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideHeight == 1 && strideWidth == 1
            && padTop == 0 && padBottom == 0 && padLeft == 0 && padRight == 0
    }

    /// The output columns `lo..<hi` whose window column `j` falls inside the input (not in padding).
    @inline(__always)
    func validColumns(_ j: Int) -> (lo: Int, hi: Int) {
        let first = padLeft - j  // ow·sw ≥ first
        let lo = first <= 0 ? 0 : (first + strideWidth - 1) / strideWidth
        let last = width - 1 + padLeft - j  // ow·sw ≤ last
        let hi = last < 0 ? 0 : Swift.min(outputWidth, last / strideWidth + 1)
        return (Swift.min(lo, outputWidth), Swift.max(hi, Swift.min(lo, outputWidth)))
    }
}

/// Work split over samples for the convolution and pooling kernels.
enum SampleParallel {
    /// Calls `body` on disjoint ranges of 0..<count (concurrently when `Parallel.threads` > 1 and
    /// the total work is large); each sample's result does not depend on the split.
    @inline(__always)
    static func forEach(_ count: Int, workPerItem: Int, _ body: (Range<Int>) -> Void) {
        let t = Swift.min(Parallel.threads, count)
        guard t > 1, count * workPerItem >= Parallel.minimumParallelCount else {
            body(0..<count)
            return
        }
        let chunk = (count + t - 1) / t
        withoutActuallyEscaping(body) { b in
            let box = UncheckedSendable(b)  // each chunk writes its own samples only
            DispatchQueue.concurrentPerform(iterations: t) { k in
                let lo = k * chunk, hi = Swift.min(count, lo + chunk)
                if lo < hi { box.value(lo..<hi) }
            }
        }
    }
}

extension Tensor {
    /// Patches of a [N, C, H, W] input as columns: result [N, C·kh·kw, Ho·Wo] with row
    /// (c·kh + i)·kw + j, column oh·Wo + ow holding x[n, c, oh·sh + i − padTop, ow·sw + j − padLeft]
    /// (zero in the padding). Differentiable; its adjoint is ``col2im(_:_:)``.
    public func im2col(_ geometry: ConvolutionGeometry) -> Tensor {
        precondition(shape == geometry.inputShape,
                     "im2col: input shape \(shape) does not match the geometry's \(geometry.inputShape)")
        let g = geometry
        if g.isPointwise { return reshaped(g.columnShape) }
        let out: [Double] = scalars.withUnsafeBufferPointer { xp in
            Kernels.fill(g.batch * g.patchSize * g.outputPositions) { cp in
                SampleParallel.forEach(g.batch, workPerItem: g.patchSize * g.outputPositions) { samples in
                    for n in samples { Tensor.im2colSample(g, xp.baseAddress!, cp.baseAddress!, n) }
                }
            }
        }
        return .record("im2col", shape: g.columnShape, scalars: out, inputs: [self]) { _, grad, _ in
            [Tensor.col2im(grad, g)]
        }
    }

    /// The adjoint of ``im2col(_:)``: columns [N, C·kh·kw, Ho·Wo] summed back into an input of
    /// shape [N, C, H, W] (each input element collects every patch entry that copied it).
    public static func col2im(_ columns: Tensor, _ geometry: ConvolutionGeometry) -> Tensor {
        precondition(columns.shape == geometry.columnShape,
                     "col2im: columns of shape \(columns.shape) do not match the geometry's \(geometry.columnShape)")
        let g = geometry
        if g.isPointwise { return columns.reshaped(g.inputShape) }
        let perSample = g.channels * g.height * g.width
        var out = [Double](repeating: 0, count: g.batch * perSample)
        columns.scalars.withUnsafeBufferPointer { cp in
            out.withUnsafeMutableBufferPointer { xp in
                let xBase = UncheckedSendable(xp.baseAddress!)
                SampleParallel.forEach(g.batch, workPerItem: g.patchSize * g.outputPositions) { samples in
                    for n in samples { Tensor.col2imSample(g, cp.baseAddress!, xBase.value, n) }
                }
            }
        }
        return record("col2im", shape: g.inputShape, scalars: out, inputs: [columns]) { _, grad, _ in
            [grad.im2col(g)]
        }
    }

    /// im2col of sample `n`: reads x[n], writes its patch matrix.
    @inline(__always)
    static func im2colSample(_ g: ConvolutionGeometry, _ x: UnsafePointer<Double>,
                             _ col: UnsafeMutablePointer<Double>, _ n: Int) {
        let hw = g.height * g.width, p = g.outputPositions, wo = g.outputWidth
        let xs = x + n * g.channels * hw
        var row = col + n * g.patchSize * p
        for c in 0..<g.channels {
            let plane = xs + c * hw
            for i in 0..<g.kernelHeight {
                for j in 0..<g.kernelWidth {
                    let (lo, hi) = g.validColumns(j)
                    for oh in 0..<g.outputHeight {
                        let dst = row + oh * wo
                        let ih = oh * g.strideHeight + i - g.padTop
                        if ih < 0 || ih >= g.height {
                            dst.update(repeating: 0, count: wo)
                            continue
                        }
                        if lo > 0 { dst.update(repeating: 0, count: lo) }
                        let src = plane + ih * g.width + (lo * g.strideWidth + j - g.padLeft)
                        if g.strideWidth == 1 {
                            (dst + lo).update(from: src, count: hi - lo)
                        } else {
                            let s = g.strideWidth
                            for t in 0..<(hi - lo) { dst[lo + t] = src[t * s] }
                        }
                        if hi < wo { (dst + hi).update(repeating: 0, count: wo - hi) }
                    }
                    row += p
                }
            }
        }
    }

    /// col2im of sample `n`: adds its patch matrix into x[n] (which starts at zero).
    @inline(__always)
    static func col2imSample(_ g: ConvolutionGeometry, _ col: UnsafePointer<Double>,
                             _ x: UnsafeMutablePointer<Double>, _ n: Int) {
        let hw = g.height * g.width, p = g.outputPositions, wo = g.outputWidth
        let xs = x + n * g.channels * hw
        var row = col + n * g.patchSize * p
        for c in 0..<g.channels {
            let plane = xs + c * hw
            for i in 0..<g.kernelHeight {
                for j in 0..<g.kernelWidth {
                    let (lo, hi) = g.validColumns(j)
                    for oh in 0..<g.outputHeight {
                        let ih = oh * g.strideHeight + i - g.padTop
                        if ih < 0 || ih >= g.height { continue }
                        let src = row + oh * wo + lo
                        let dst = plane + ih * g.width + (lo * g.strideWidth + j - g.padLeft)
                        let s = g.strideWidth
                        if s == 1 {
                            for t in 0..<(hi - lo) { dst[t] += src[t] }
                        } else {
                            for t in 0..<(hi - lo) { dst[t * s] += src[t] }
                        }
                    }
                    row += p
                }
            }
        }
    }

    /// A per-channel bias added to a channels-first tensor [N, C, …]: y[n, c, …] = x[n, c, …] + b[c].
    public func addingChannelBias(_ bias: Tensor) -> Tensor {
        precondition(rank >= 2 && bias.shape == [shape[1]],
                     "addingChannelBias: bias \(bias.shape) does not fit channels-first input \(shape)")
        let n = shape[0], c = shape[1], inner = count / Swift.max(n * c, 1)
        let out: [Double] = scalars.withUnsafeBufferPointer { xp in
            bias.scalars.withUnsafeBufferPointer { bp in
                Kernels.fill(count) { o in
                    for q in 0..<(n * c) {
                        let b = bp[q % c], base = q * inner
                        for k in base..<(base + inner) { o[k] = xp[k] + b }
                    }
                }
            }
        }
        return .record("addChannelBias", shape: shape, scalars: out, inputs: [self, bias]) { _, g, need in
            [need[0] ? g : nil, need[1] ? g.channelSums() : nil]
        }
    }

    /// The sum over every axis but the channel axis 1 of a channels-first tensor [N, C, …]: result [C].
    public func channelSums() -> Tensor {
        precondition(rank >= 2, "channelSums: needs a channels-first tensor [N, C, …], got \(shape)")
        let n = shape[0], c = shape[1], inner = count / Swift.max(n * c, 1)
        var out = [Double](repeating: 0, count: c)
        scalars.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { o in
                for q in 0..<(n * c) {
                    var s = 0.0
                    let base = q * inner
                    for k in base..<(base + inner) { s += xp[k] }
                    o[q % c] += s
                }
            }
        }
        let inShape = shape
        return .record("channelSums", shape: [c], scalars: out, inputs: [self]) { _, g, _ in
            [g.broadcastChannels(to: inShape)]
        }
    }

    /// A per-channel vector [C] repeated to a channels-first shape [N, C, …] (the adjoint of
    /// ``channelSums()``).
    public func broadcastChannels(to target: [Int]) -> Tensor {
        precondition(rank == 1 && target.count >= 2 && target[1] == shape[0],
                     "broadcastChannels: \(shape) does not fit the channels of \(target)")
        let n = target[0], c = target[1], inner = target.dropFirst(2).reduce(1, *)
        let out: [Double] = scalars.withUnsafeBufferPointer { bp in
            Kernels.fill(n * c * inner) { o in
                for q in 0..<(n * c) {
                    let b = bp[q % c], base = q * inner
                    for k in base..<(base + inner) { o[k] = b }
                }
            }
        }
        return .record("broadcastChannels", shape: target, scalars: out, inputs: [self]) { _, g, _ in
            [g.channelSums()]
        }
    }

    /// 2-D convolution (cross-correlation) of x [N, C, H, W] with weights [C_out, C, kh, kw] and an
    /// optional bias [C_out]: y[n, o, r, s] = b[o] + Σ_{c,i,j} x[n, c, r·sh + i, s·sw + j]·w[o, c, i, j]
    /// over the zero-padded input. Result [N, C_out, Ho, Wo]; computed as im2col and one dgemm per
    /// sample, differentiable to any order.
    public static func conv2d(_ x: Tensor, _ weight: Tensor, bias: Tensor? = nil,
                              stride: (height: Int, width: Int) = (1, 1), padding: Padding = .valid) -> Tensor {
        precondition(x.rank == 4 && weight.rank == 4 && x.shape[1] == weight.shape[1],
                     "conv2d: input \(x.shape) and weight \(weight.shape) do not fit ([N, C, H, W] and [C_out, C, kh, kw])")
        let g = ConvolutionGeometry(inputShape: x.shape, kernel: (weight.shape[2], weight.shape[3]),
                                    stride: stride, padding: padding)
        return convolve(x, weight, bias: bias, g).reshaped([g.batch, weight.shape[0], g.outputHeight, g.outputWidth])
    }

    /// 1-D convolution (cross-correlation) of x [N, C, L] with weights [C_out, C, k] and an optional
    /// bias [C_out]: y[n, o, s] = b[o] + Σ_{c,i} x[n, c, s·stride + i]·w[o, c, i] over the
    /// zero-padded input. Result [N, C_out, L_out]; differentiable to any order.
    public static func conv1d(_ x: Tensor, _ weight: Tensor, bias: Tensor? = nil,
                              stride: Int = 1, padding: Padding = .valid) -> Tensor {
        precondition(x.rank == 3 && weight.rank == 3 && x.shape[1] == weight.shape[1],
                     "conv1d: input \(x.shape) and weight \(weight.shape) do not fit ([N, C, L] and [C_out, C, k])")
        let (n, c, l) = (x.shape[0], x.shape[1], x.shape[2])
        let cout = weight.shape[0], k = weight.shape[2]
        let pad = padding.amounts(length: l, kernel: k, stride: stride)
        let g = ConvolutionGeometry(inputShape: [n, c, 1, l], kernel: (1, k), stride: (1, stride),
                                    padLeft: pad.before, padRight: pad.after)
        let y = convolve(x.reshaped([n, c, 1, l]), weight.reshaped([cout, c, 1, k]), bias: bias, g)
        return y.reshaped([n, cout, g.outputWidth])
    }

    /// W·im2col(x) (+ bias) per sample: result [N, C_out, Ho·Wo].
    static func convolve(_ x: Tensor, _ weight: Tensor, bias: Tensor?, _ g: ConvolutionGeometry) -> Tensor {
        let cout = weight.shape[0]
        if let b = bias {
            precondition(b.shape == [cout], "convolution: bias \(b.shape) does not fit weight \(weight.shape)")
        }
        let y = matmul(weight.reshaped([cout, g.patchSize]), x.im2col(g))
        return bias.map { y.addingChannelBias($0) } ?? y
    }
}

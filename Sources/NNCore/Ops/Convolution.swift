import CBLAS
import RealModule
import Synchronization

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
    /// Whether any side is zero-padded.
    var hasPadding: Bool { padTop > 0 || padBottom > 0 || padLeft > 0 || padRight > 0 }
    /// Height of the zero-padded planes.
    var paddedHeight: Int { height + padTop + padBottom }
    /// Width of the zero-padded planes.
    var paddedWidth: Int { width + padLeft + padRight }
    /// Elements of one sample's zero-padded planes (0 without padding).
    var paddedCount: Int { hasPadding ? channels * paddedHeight * paddedWidth : 0 }
    /// Whether im2col is a plain reshape (1×1 window, stride 1, no padding).
    var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideHeight == 1 && strideWidth == 1
            && padTop == 0 && padBottom == 0 && padLeft == 0 && padRight == 0
    }
}

/// Work split over samples for the convolution and pooling kernels.
enum SampleParallel {
    /// Calls `body` on disjoint ranges covering 0..<count, concurrently on `Parallel.threads`
    /// workers when the total work is large; each sample's result does not depend on the split.
    ///
    /// The range is cut into up to four chunks per worker, which the workers take in turn: on a
    /// machine shared with other jobs a worker that falls behind does not hold up the rest.
    @inline(__always)
    static func forEach(_ count: Int, workPerItem: Int, _ body: (Range<Int>) -> Void) {
        let t = Swift.min(Parallel.threads, count)
        guard t > 1, count * workPerItem >= Parallel.minimumParallelCount else {
            body(0..<count)
            return
        }
        let chunks = Swift.min(count, 4 * t)
        let next = Atomic<Int>(0)
        // Each chunk writes its own samples only; threads take chunks as they free up.
        ConcurrentBlocks.run(t) { _ in
            while true {
                let k = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if k >= chunks { break }
                body((k * count / chunks)..<((k + 1) * count / chunks))
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
        if g.isPointwise || g.columnShape.contains(0) { return reshaped(g.columnShape) }
        let out: [Double] = scalars.withUnsafeBufferPointer { xp in
            Kernels.fill(g.batch * g.patchSize * g.outputPositions) { cp in
                SampleParallel.forEach(g.batch, workPerItem: g.patchSize * g.outputPositions) { samples in
                    Tensor.withScratch(g.paddedCount) { padded in
                        for n in samples {
                            Tensor.im2colSample(g, xp.baseAddress!, cp.baseAddress! + n * g.patchSize * g.outputPositions, n,
                                                padded: padded)
                        }
                    }
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
        if g.isPointwise || g.columnShape.contains(0) { return columns.reshaped(g.inputShape) }
        let perSample = g.channels * g.height * g.width
        var out = [Double](repeating: 0, count: g.batch * perSample)
        columns.scalars.withUnsafeBufferPointer { cp in
            out.withUnsafeMutableBufferPointer { xp in
                let xBase = UncheckedSendable(xp.baseAddress!)
                SampleParallel.forEach(g.batch, workPerItem: g.patchSize * g.outputPositions) { samples in
                    Tensor.withScratch(g.paddedCount) { padded in
                        for n in samples {
                            Tensor.col2imSample(g, cp.baseAddress! + n * g.patchSize * g.outputPositions, xBase.value, n,
                                                padded: padded)
                        }
                    }
                }
            }
        }
        return record("col2im", shape: g.inputShape, scalars: out, inputs: [columns]) { _, grad, _ in
            [grad.im2col(g)]
        }
    }

    /// im2col of sample `n`: reads x[n], writes its [C·kh·kw, Ho·Wo] patch matrix at `col`.
    ///
    /// With padding, x[n] is first copied into the zero-bordered planes at `padded` (room for
    /// ``ConvolutionGeometry/paddedCount``), so every patch row is a plain copy of Wo elements
    /// (strided by sw) without bounds tests.
    @inline(__always)
    static func im2colSample<E: TensorScalar>(_ g: ConvolutionGeometry, _ x: UnsafePointer<E>,
                                              _ col: UnsafeMutablePointer<E>, _ n: Int, padded: UnsafeMutablePointer<E>?) {
        let hw = g.height * g.width, p = g.outputPositions, wo = g.outputWidth, sw = g.strideWidth
        let xs = x + n * g.channels * hw
        let source: UnsafePointer<E>, rowStride: Int, planeStride: Int
        if g.hasPadding, let padded {
            let pw = g.paddedWidth, ph = g.paddedHeight
            padded.update(repeating: 0, count: g.paddedCount)
            for c in 0..<g.channels {
                for h in 0..<g.height {
                    let src = xs + (c * g.height + h) * g.width
                    let dst = padded + (c * ph + h + g.padTop) * pw + g.padLeft
                    for t in 0..<g.width { dst[t] = src[t] }
                }
            }
            (source, rowStride, planeStride) = (UnsafePointer(padded), pw, ph * pw)
        } else {
            precondition(!g.hasPadding, "im2col: padded input without a buffer")
            (source, rowStride, planeStride) = (xs, g.width, hw)
        }
        var row = col
        for c in 0..<g.channels {
            let plane = source + c * planeStride
            for i in 0..<g.kernelHeight {
                for j in 0..<g.kernelWidth {
                    for oh in 0..<g.outputHeight {
                        let src = plane + (oh * g.strideHeight + i) * rowStride + j
                        let dst = row + oh * wo
                        if sw == 1 {
                            for t in 0..<wo { dst[t] = src[t] }
                        } else {
                            for t in 0..<wo { dst[t] = src[t * sw] }
                        }
                    }
                    row += p
                }
            }
        }
    }

    /// col2im of sample `n`: adds the patch matrix at `col` into x[n] (through the
    /// zero-bordered planes at `padded` when there is padding; their border is dropped).
    @inline(__always)
    static func col2imSample<E: TensorScalar>(_ g: ConvolutionGeometry, _ col: UnsafePointer<E>,
                                              _ x: UnsafeMutablePointer<E>, _ n: Int, padded: UnsafeMutablePointer<E>?) {
        let hw = g.height * g.width, p = g.outputPositions, wo = g.outputWidth, sw = g.strideWidth
        let xs = x + n * g.channels * hw
        let target: UnsafeMutablePointer<E>, rowStride: Int, planeStride: Int
        if g.hasPadding, let padded {
            padded.update(repeating: 0, count: g.paddedCount)
            (target, rowStride, planeStride) = (padded, g.paddedWidth, g.paddedHeight * g.paddedWidth)
        } else {
            precondition(!g.hasPadding, "col2im: padded input without a buffer")
            (target, rowStride, planeStride) = (xs, g.width, hw)
        }
        var row = col
        for c in 0..<g.channels {
            let plane = target + c * planeStride
            for i in 0..<g.kernelHeight {
                for j in 0..<g.kernelWidth {
                    for oh in 0..<g.outputHeight {
                        let dst = plane + (oh * g.strideHeight + i) * rowStride + j
                        let src = row + oh * wo
                        if sw == 1 {
                            for t in 0..<wo { dst[t] += src[t] }
                        } else {
                            for t in 0..<wo { dst[t * sw] += src[t] }
                        }
                    }
                    row += p
                }
            }
        }
        if g.hasPadding, let padded {
            let pw = g.paddedWidth, ph = g.paddedHeight
            for c in 0..<g.channels {
                for h in 0..<g.height {
                    let src = padded + (c * ph + h + g.padTop) * pw + g.padLeft
                    let dst = xs + (c * g.height + h) * g.width
                    for t in 0..<g.width { dst[t] += src[t] }
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
        // float64 accumulators for either dtype
        func run<E: TensorScalar>(_ xv: [E]) -> [Double] {
            var out = [Double](repeating: 0, count: c)
            xv.withUnsafeBufferPointer { xp in
                out.withUnsafeMutableBufferPointer { o in
                    for q in 0..<(n * c) {
                        var s = 0.0
                        let base = q * inner
                        // relaxed: lets the compiler split the sum into vector lanes (fixed order per build)
                        for k in base..<(base + inner) { s = Relaxed.sum(s, Double(xp[k])) }
                        o[q % c] += s
                    }
                }
            }
            return out
        }
        let out = dtype == .float64 ? run(f64) : run(f32)
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
        let w2 = weight.reshaped([weight.shape[0], g.patchSize])
        return convolve(x, w2, bias: bias, g).reshaped([g.batch, weight.shape[0], g.outputHeight, g.outputWidth])
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
        let y = convolve(x.reshaped([n, c, 1, l]), weight.reshaped([cout, c * k]), bias: bias, g)
        return y.reshaped([n, cout, g.outputWidth])
    }

    // MARK: - The three fused convolution ops
    //
    // A convolution and its two derivatives, each computed sample by sample with the patch
    // matrix in a scratch buffer that stays in cache (a batch's im2col would be written to and
    // read back from memory: 10 MB for LeNet's first layer at batch 64). Each op's backward is
    // written with the other two, so the set is closed under differentiation:
    //   conv(x, W)            → x̄ = convInputGrad(ȳ, W),   W̄ = convWeightGrad(x, ȳ)
    //   convInputGrad(g, W)   → ḡ = conv(x̄, W),            W̄ = convWeightGrad(x̄, g)
    //   convWeightGrad(x, g)  → x̄ = convInputGrad(g, W̄),  ḡ = conv(x, W̄)
    // They equal the compositions matmul(W, im2col(x)), col2im(matmul(W, g, transposeA: true))
    // and matmulSummed(g, im2col(x), transposeB: true) (checked in the tests).

    /// W·im2col(x) + b per sample: x [N, C, H, W], W [C_out, C·kh·kw], b [C_out]; result
    /// [N, C_out, Ho·Wo]. Output rows start at the bias; one dgemm per sample.
    static func convolve(_ x: Tensor, _ w2: Tensor, bias: Tensor?, _ g: ConvolutionGeometry) -> Tensor {
        let cout = w2.shape[0], k = g.patchSize, p = g.outputPositions
        precondition(w2.shape == [cout, k], "convolution: weight \(w2.shape) does not fit patches of \(k)")
        if let b = bias {
            precondition(b.shape == [cout], "convolution: bias \(b.shape) does not fit \(cout) output channels")
        }
        let inputs = [x, w2] + (bias.map { [$0] } ?? [])
        let backward: BackwardFunction = { _, grad, need in
            [need[0] ? convInputGrad(grad, w2, g) : nil,
             need[1] ? convWeightGrad(x, grad, g) : nil,
             need.count > 2 && need[2] ? grad.channelSums() : nil]
        }
        if k == 0 || g.batch * cout * p == 0 {  // no input channels (or nothing to compute): the bias alone
            let out = bias.map { $0.broadcastChannels(to: [g.batch, cout, p]).scalars }
                ?? [Double](repeating: 0, count: g.batch * cout * p)
            return record("conv", shape: [g.batch, cout, p], scalars: out, inputs: inputs, backward: backward)
        }
        func run<E: TensorScalar>(_ xv: [E], _ wv: [E], _ bias: [E]?) -> [E] {
            xv.withUnsafeBufferPointer { xp in
                wv.withUnsafeBufferPointer { wp in
                    Kernels.fill(g.batch * cout * p) { (yp: UnsafeMutableBufferPointer<E>) in
                        let (xs, ws, ys) = (UncheckedSendable(xp.baseAddress!), UncheckedSendable(wp.baseAddress!),
                                            UncheckedSendable(yp.baseAddress!))
                        forEachBatchEntry(g.batch, m: cout, n: p, k: k) { samples in
                            withPatchScratch(g, of: E.self) { scratch, padded in
                                for n in samples {
                                    let y = ys.value + n * cout * p
                                    if let bias {
                                        for o in 0..<cout {
                                            let b = bias[o], row = y + o * p
                                            for t in 0..<p { row[t] = b }
                                        }
                                    }
                                    let col = patches(g, xs.value, n, scratch, padded: padded)
                                    E.gemm(CblasNoTrans, CblasNoTrans, cout, p, k, 1, ws.value, k, col, p, bias == nil ? 0 : 1, y, p)
                                }
                            }
                        }
                    }
                }
            }
        }
        let shape = [g.batch, cout, p]
        let value = DType.promoted(inputs) == .float64
            ? Tensor(shape: shape, scalars: run(x.scalars, w2.scalars, bias?.scalars))
            : Tensor(shape: shape, floats: run(x.f32, w2.f32, bias?.f32))
        return record("conv", value: value, inputs: inputs, backward: backward)
    }

    /// col2im(Wᵀ·g_n) per sample: g [N, C_out, Ho·Wo], W [C_out, C·kh·kw]; result [N, C, H, W]
    /// (the input gradient of ``convolve``).
    static func convInputGrad(_ grad: Tensor, _ w2: Tensor, _ g: ConvolutionGeometry) -> Tensor {
        let cout = w2.shape[0], k = g.patchSize, p = g.outputPositions
        precondition(grad.shape == [g.batch, cout, p] && w2.shape == [cout, k],
                     "convInputGrad: gradient \(grad.shape) and weight \(w2.shape) do not fit \(g.columnShape)")
        let perSample = g.channels * g.height * g.width
        func run<E: TensorScalar>(_ gv: [E], _ wv: [E]) -> [E] {
            var out = [E](repeating: 0, count: g.batch * perSample)
            guard g.batch > 0 && cout > 0 && k > 0 && p > 0 else { return out }
            gv.withUnsafeBufferPointer { gp in
                wv.withUnsafeBufferPointer { wp in
                    out.withUnsafeMutableBufferPointer { xp in
                        let (gs, ws, xs) = (UncheckedSendable(gp.baseAddress!), UncheckedSendable(wp.baseAddress!),
                                            UncheckedSendable(xp.baseAddress!))
                        forEachBatchEntry(g.batch, m: k, n: p, k: cout) { samples in
                            withPatchScratch(g, of: E.self) { scratch, padded in
                                for n in samples {
                                    // pointwise: the patch matrix is x[n] itself
                                    let col = g.isPointwise ? xs.value + n * perSample : scratch
                                    E.gemm(CblasTrans, CblasNoTrans, k, p, cout, 1, ws.value, k, gs.value + n * cout * p, p, 0, col, p)
                                    if !g.isPointwise { col2imSample(g, scratch, xs.value, n, padded: padded) }
                                }
                            }
                        }
                    }
                }
            }
            return out
        }
        let value = DType.promoted([grad, w2]) == .float64
            ? Tensor(shape: g.inputShape, scalars: run(grad.scalars, w2.scalars))
            : Tensor(shape: g.inputShape, floats: run(grad.f32, w2.f32))
        return record("convInputGrad", value: value, inputs: [grad, w2]) { _, h, need in
            [need[0] ? convolve(h, w2, bias: nil, g) : nil,
             need[1] ? convWeightGrad(h, grad, g) : nil]
        }
    }

    /// Σ_n g_n·im2col(x)_nᵀ: x [N, C, H, W], g [N, C_out, Ho·Wo]; result [C_out, C·kh·kw] (the
    /// weight gradient of ``convolve``). The batch is summed in fixed groups, each in order, then
    /// the groups in order: the same result at any thread count.
    static func convWeightGrad(_ x: Tensor, _ grad: Tensor, _ g: ConvolutionGeometry) -> Tensor {
        let k = g.patchSize, p = g.outputPositions
        precondition(x.shape == g.inputShape && grad.rank == 3 && grad.shape[0] == g.batch && grad.shape[2] == p,
                     "convWeightGrad: input \(x.shape) and gradient \(grad.shape) do not fit \(g.columnShape)")
        let cout = grad.shape[1]
        func run<E: TensorScalar>(_ xv: [E], _ gv: [E]) -> [E] {
        xv.withUnsafeBufferPointer { xp in
            gv.withUnsafeBufferPointer { gp in
                Kernels.fill(cout * k) { (c: UnsafeMutableBufferPointer<E>) in
                    guard cout > 0 && k > 0 else { return }
                    if p == 0 || g.batch == 0 {
                        for i in 0..<(cout * k) { c[i] = 0 }
                        return
                    }
                    let size = (g.batch + summedGroups - 1) / summedGroups
                    let groups = (g.batch + size - 1) / size  // each group non-empty
                    var partials = [E](repeating: 0, count: groups > 1 ? groups * cout * k : 0)
                    partials.withUnsafeMutableBufferPointer { pp in
                        let (xs, gs) = (UncheckedSendable(xp.baseAddress!), UncheckedSendable(gp.baseAddress!))
                        let target = UncheckedSendable(groups > 1 ? pp.baseAddress! : c.baseAddress!)
                        forEachBatchEntry(groups, m: cout, n: k, k: p, entriesPerItem: size) { range in
                            withPatchScratch(g, of: E.self) { scratch, padded in
                                for grp in range {
                                    for n in (grp * size)..<Swift.min(g.batch, (grp + 1) * size) {
                                        let col = patches(g, xs.value, n, scratch, padded: padded)
                                        E.gemm(CblasNoTrans, CblasTrans, cout, k, p, 1, gs.value + n * cout * p, p, col, p,
                                               n == grp * size ? 0 : 1, target.value + grp * cout * k, k)
                                    }
                                }
                            }
                        }
                        if groups > 1 { addPartials(pp, groups: groups, size: cout * k, into: c) }
                    }
                }
            }
        }
        }
        let value = DType.promoted([x, grad]) == .float64
            ? Tensor(shape: [cout, k], scalars: run(x.scalars, grad.scalars))
            : Tensor(shape: [cout, k], floats: run(x.f32, grad.f32))
        return record("convWeightGrad", value: value, inputs: [x, grad]) { _, h, need in
            [need[0] ? convInputGrad(grad, h, g) : nil,
             need[1] ? convolve(x, h, bias: nil, g) : nil]
        }
    }

    /// Runs `body` with room for one sample's patch matrix and its zero-padded planes (nil for
    /// whatever the geometry does not need).
    @inline(__always)
    static func withPatchScratch<E>(_ g: ConvolutionGeometry, of type: E.Type,
                                    _ body: (_ patches: UnsafeMutablePointer<E>, _ padded: UnsafeMutablePointer<E>?) -> Void) {
        let patches = g.isPointwise ? 0 : g.patchSize * g.outputPositions
        let buffer = UnsafeMutablePointer<E>.allocate(capacity: Swift.max(patches + g.paddedCount, 1))
        defer { buffer.deallocate() }
        body(buffer, g.paddedCount > 0 ? buffer + patches : nil)
    }

    /// Runs `body` with an uninitialised buffer of `count` doubles (nil when `count` is 0).
    @inline(__always)
    static func withScratch(_ count: Int, _ body: (UnsafeMutablePointer<Double>?) -> Void) {
        let buffer = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(count, 1))
        defer { buffer.deallocate() }
        body(count > 0 ? buffer : nil)
    }

    /// Sample `n`'s patch matrix: x[n] itself when pointwise, else im2col written to `scratch`.
    @inline(__always)
    static func patches<E: TensorScalar>(_ g: ConvolutionGeometry, _ x: UnsafePointer<E>, _ n: Int,
                                         _ scratch: UnsafeMutablePointer<E>, padded: UnsafeMutablePointer<E>?) -> UnsafePointer<E> {
        if g.isPointwise { return x + n * g.patchSize * g.outputPositions }
        im2colSample(g, x, scratch, n, padded: padded)
        return UnsafePointer(scratch)
    }
}

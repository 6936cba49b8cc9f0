import NNCore
import SymmdTestSupport
import Testing

/// Straightforward nested-loop convolution (cross-correlation) over an explicitly zero-padded
/// input: the reference the im2col + dgemm path is held to.
func directConv2d(_ x: Tensor, _ w: Tensor, _ b: Tensor, stride: (Int, Int),
                  pad: (top: Int, left: Int), out: (Int, Int)) -> Tensor {
    let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (co, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
    var y = Tensor.zeros([n, co, out.0, out.1])
    for s in 0..<n {
        for o in 0..<co {
            for r in 0..<out.0 {
                for q in 0..<out.1 {
                    var acc = b[o]
                    for ch in 0..<c {
                        for i in 0..<kh {
                            for j in 0..<kw {
                                let ih = r * stride.0 + i - pad.top, iw = q * stride.1 + j - pad.left
                                if ih >= 0 && ih < h && iw >= 0 && iw < wd { acc += x[s, ch, ih, iw] * w[o, ch, i, j] }
                            }
                        }
                    }
                    y[s, o, r, q] = acc
                }
            }
        }
    }
    return y
}

/// Values and first/second derivatives of im2col/col2im, conv1d, conv2d, the shared-left
/// matmul they rest on, and the convolutional layers.
@Suite struct ConvolutionTests {
    // MARK: - Values

    @Test func workedExampleWithSamePadding() {
        // x = (1, 2, −1, 1, −3), w = (1, 0, −1): y_s = x_{s−1} − x_{s+1} with zeros outside
        let x = Tensor(shape: [1, 1, 5], scalars: [1, 2, -1, 1, -3])
        let w = Tensor(shape: [1, 1, 3], scalars: [1, 0, -1])
        let y = Tensor.conv1d(x, w, padding: .same)
        #expect(y.shape == [1, 1, 5])
        expectClose(y, Tensor(shape: [1, 1, 5], scalars: [-2, 2, 1, 2, 1]))
        // the layer gives the same, plus its bias
        let layer = Conv1D(weight: w, bias: Tensor([0.5]), padding: .same)
        expectClose(layer(x), Tensor(shape: [1, 1, 5], scalars: [-1.5, 2.5, 1.5, 2.5, 1.5]))
    }

    @Test func validConvolutionIsToeplitzProduct() {
        // y = T·x with the banded matrix T[s, s+i] = w_i (L_out = L − k + 1 rows)
        let l = 9, k = 4
        let x = randomTensor([l], seed: 11), w = randomTensor([k], seed: 12)
        var t = Tensor.zeros([l - k + 1, l])
        for s in 0..<(l - k + 1) {
            for i in 0..<k { t[s, s + i] = w.scalars[i] }
        }
        let expected = t.matmul(x.reshaped([l, 1])).reshaped([1, 1, l - k + 1])
        let y = Tensor.conv1d(x.reshaped([1, 1, l]), w.reshaped([1, 1, k]))
        expectClose(y, expected)
        // with channels the Toeplitz products of each channel add up
        let xs = randomTensor([1, 2, l], seed: 13), ws = randomTensor([1, 2, k], seed: 14)
        var sum = Tensor.zeros([l - k + 1])
        for ch in 0..<2 {
            var tc = Tensor.zeros([l - k + 1, l])
            for s in 0..<(l - k + 1) {
                for i in 0..<k { tc[s, s + i] = ws[0, ch, i] }
            }
            sum = sum + tc.matmul(xs.narrowed(axis: 1, start: ch, length: 1).reshaped([l, 1])).reshaped([l - k + 1])
        }
        expectClose(Tensor.conv1d(xs, ws), sum.reshaped([1, 1, l - k + 1]))
    }

    /// One 2-D case: kernel, stride, padding rule, and the padding and output size it must give.
    struct Case2D: Sendable, CustomTestStringConvertible {
        let name: String
        let kernel: (Int, Int)
        let stride: (Int, Int)
        let padding: Padding
        let pad: (top: Int, left: Int)
        let out: (Int, Int)
        var testDescription: String { name }
    }

    // input [2, 3, 5, 6]
    static let cases2D: [Case2D] = [
        Case2D(name: "3×3 valid", kernel: (3, 3), stride: (1, 1), padding: .valid, pad: (0, 0), out: (3, 4)),
        Case2D(name: "3×3 same", kernel: (3, 3), stride: (1, 1), padding: .same, pad: (1, 1), out: (5, 6)),
        // H: ⌈5/2⌉ = 3, total 2 → 1 above; W: ⌈6/2⌉ = 3, total 1 → 0 left, 1 right
        Case2D(name: "3×3 same stride 2", kernel: (3, 3), stride: (2, 2), padding: .same, pad: (1, 0), out: (3, 3)),
        Case2D(name: "2×3 valid stride (2, 1)", kernel: (2, 3), stride: (2, 1), padding: .valid, pad: (0, 0), out: (2, 4)),
        Case2D(name: "3×3 explicit 2 stride 2", kernel: (3, 3), stride: (2, 2), padding: .explicit(2), pad: (2, 2), out: (4, 4)),
        // even kernel: total 3 → 1 before, 2 after
        Case2D(name: "4×4 same", kernel: (4, 4), stride: (1, 1), padding: .same, pad: (1, 1), out: (5, 6)),
        Case2D(name: "1×1 pointwise", kernel: (1, 1), stride: (1, 1), padding: .valid, pad: (0, 0), out: (5, 6)),
        Case2D(name: "1×1 stride 2", kernel: (1, 1), stride: (2, 2), padding: .valid, pad: (0, 0), out: (3, 3)),
        Case2D(name: "5×6 valid (whole input)", kernel: (5, 6), stride: (1, 1), padding: .valid, pad: (0, 0), out: (1, 1)),
    ]

    @Test(arguments: cases2D) func conv2dMatchesDirectLoop(_ c: Case2D) {
        let x = randomTensor([2, 3, 5, 6], seed: 21)
        let w = randomTensor([4, 3, c.kernel.0, c.kernel.1], seed: 22)
        let b = randomTensor([4], seed: 23)
        let y = Tensor.conv2d(x, w, bias: b, stride: c.stride, padding: c.padding)
        #expect(y.shape == [2, 4, c.out.0, c.out.1])
        expectClose(y, directConv2d(x, w, b, stride: c.stride, pad: c.pad, out: c.out), rtol: 1e-12, atol: 1e-12)
        // without bias
        let y0 = Tensor.conv2d(x, w, stride: c.stride, padding: c.padding)
        expectClose(y0, directConv2d(x, w, .zeros([4]), stride: c.stride, pad: c.pad, out: c.out), rtol: 1e-12, atol: 1e-12)
    }

    @Test func conv1dMatchesDirectLoopStridedAndPadded() {
        let x = randomTensor([3, 2, 11], seed: 31), w = randomTensor([4, 2, 3], seed: 32), b = randomTensor([4], seed: 33)
        // (stride, padding, left pad, output length)
        let settings: [(Int, Padding, Int, Int)] = [
            (1, .valid, 0, 9), (1, .same, 1, 11), (2, .same, 1, 6), (3, .valid, 0, 3), (2, .explicit(2), 2, 7),
        ]
        for (s, p, left, lout) in settings {
            let y = Tensor.conv1d(x, w, bias: b, stride: s, padding: p)
            #expect(y.shape == [3, 4, lout], "stride \(s) \(p)")
            let ref = directConv2d(x.reshaped([3, 2, 1, 11]), w.reshaped([4, 2, 1, 3]), b, stride: (1, s),
                                   pad: (0, left), out: (1, lout))
            expectClose(y, ref.reshaped([3, 4, lout]), rtol: 1e-12, atol: 1e-12, "stride \(s) \(p)")
        }
    }

    @Test func samePaddingKeepsLengthAtStrideOne() {
        for l in 1...7 {
            for k in 1...5 {
                let y = Tensor.conv1d(.ones([1, 1, l]), .ones([1, 1, k]), padding: .same)
                #expect(y.shape == [1, 1, l], "L \(l), k \(k)")
                // each output counts the window entries inside the input
                let before = (k - 1) / 2
                for s in 0..<l {
                    let inside = (0..<k).filter { s + $0 - before >= 0 && s + $0 - before < l }.count
                    #expect(y[0, 0, s] == Double(inside), "L \(l), k \(k), s \(s)")
                }
            }
        }
        for (l, s) in [(7, 2), (8, 2), (9, 3), (10, 3)] {
            #expect(Tensor.conv1d(.ones([1, 1, l]), .ones([1, 1, 3]), stride: s, padding: .same).shape == [1, 1, (l + s - 1) / s])
        }
    }

    @Test func im2colLaysOutPatchesAndCol2imIsItsAdjoint() {
        // 1×1×3×3 input 1…9, 2×2 window: four patches
        let x = Tensor(shape: [1, 1, 3, 3], scalars: (1...9).map(Double.init))
        let g = ConvolutionGeometry(inputShape: x.shape, kernel: (2, 2), padding: .valid)
        let col = x.im2col(g)
        #expect(col.shape == [1, 4, 4])
        // row (i, j) of the window, column = output position
        expectClose(col, Tensor(shape: [1, 4, 4], scalars: [1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9]))
        // col2im of ones counts how many patches hold each input element
        expectClose(Tensor.col2im(.ones([1, 4, 4]), g), Tensor(shape: [1, 1, 3, 3], scalars: [1, 2, 1, 2, 4, 2, 1, 2, 1]))
        // ⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩ with padding and stride
        let g2 = ConvolutionGeometry(inputShape: [2, 3, 5, 6], kernel: (3, 2), stride: (2, 3), padding: .same)
        let xr = randomTensor(g2.inputShape, seed: 41), cr = randomTensor(g2.columnShape, seed: 42)
        expectClose((xr.im2col(g2) * cr).sum().scalar, (xr * Tensor.col2im(cr, g2)).sum().scalar, rtol: 1e-12)
    }

    @Test func sharedLeftMatmulMatchesPerEntryProducts() {
        let a = randomTensor([3, 4], seed: 51), b = randomTensor([2, 4, 5], seed: 52)
        let c = Tensor.matmul(a, b)
        #expect(c.shape == [2, 3, 5])
        for q in 0..<2 {
            let bq = b.narrowed(axis: 0, start: q, length: 1).reshaped([4, 5])
            expectClose(c.narrowed(axis: 0, start: q, length: 1).reshaped([3, 5]), a.matmul(bq))
        }
        let s = Tensor.matmulSummed(randomTensor([2, 3, 4], seed: 53), b)
        let a3 = randomTensor([2, 3, 4], seed: 53)
        expectClose(s, Tensor.matmul(a3, b).sum(axis: 0))
    }

    @Test func channelBiasAndSums() {
        let x = randomTensor([2, 3, 4], seed: 61), b = Tensor([1.0, -2, 3])
        expectClose(x.addingChannelBias(b), x + b.reshaped([3, 1]))
        expectClose(x.channelSums(), x.sum(axes: [0, 2]))
        expectClose(b.broadcastChannels(to: [2, 3, 4]), b.reshaped([3, 1]).broadcast(to: [2, 3, 4]))
    }

    @Test func layersHoldWeightAndBiasAndApplyActivation() {
        var rng = RandomGenerator(seed: 7)
        let c1 = Conv1D(inChannels: 2, outChannels: 5, kernelSize: 3, padding: .same, activation: .tanh, using: &rng)
        #expect(c1.weight.shape == [5, 2, 3] && c1.bias.shape == [5])
        #expect(c1.namedParameters.map(\.name) == ["weight", "bias"])
        let x1 = randomTensor([4, 2, 7], seed: 71)
        expectClose(c1(x1), Tensor.conv1d(x1, c1.weight.value, bias: c1.bias.value, padding: .same).tanh())
        let c2 = Conv2D(inChannels: 3, outChannels: 4, kernelSize: 3, stride: 2, activation: .relu, using: &rng)
        #expect(c2.weight.shape == [4, 3, 3, 3] && c2.parameterCount == 4 * 27 + 4)
        let x2 = randomTensor([2, 3, 7, 7], seed: 72)
        let y2 = c2(x2)
        #expect(y2.shape == [2, 4, 3, 3])
        expectClose(y2, Tensor.conv2d(x2, c2.weight.value, bias: c2.bias.value, stride: (2, 2)).relu())
        // Glorot bound √(6/(fanIn + fanOut)) with fans C·k²
        let bound = (6.0 / Double(3 * 9 + 4 * 9)).squareRoot()
        #expect(c2.weight.value.scalars.allSatisfy { abs($0) <= bound })
        let block = ConvResidualBlock(channels: 3, spatialDimensions: 2, using: &rng)
        #expect(block.namedParameters.map(\.name) == ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias"])
        #expect(block(x2).shape == x2.shape)
        let net = Sequential(c2, MaxPool2D(window: 2), Flatten(), Dense(inputs: 4, outputs: 2, using: &rng))
        #expect(net(x2).shape == [2, 2])
    }

    // MARK: - Derivatives

    static let derivativeCases: [OpCase] = {
        let x1 = randomTensor([2, 2, 7], seed: 81), w1 = randomTensor([3, 2, 3], seed: 82), b1 = randomTensor([3], seed: 83)
        let x2 = randomTensor([2, 2, 4, 5], seed: 84), w2 = randomTensor([3, 2, 3, 3], seed: 85), b2 = randomTensor([3], seed: 86)
        let geo = ConvolutionGeometry(inputShape: [1, 2, 4, 5], kernel: (3, 2), stride: (2, 1), padding: .same)
        let a = randomTensor([3, 4], seed: 87), bb = randomTensor([2, 4, 5], seed: 88)
        var cases: [OpCase] = [
            OpCase("im2col (padded, strided)", [randomTensor(geo.inputShape, seed: 89)]) { $0[0].im2col(geo) },
            OpCase("col2im (padded, strided)", [randomTensor(geo.columnShape, seed: 90)]) { Tensor.col2im($0[0], geo) },
            OpCase("shared-left matmul", [a, bb]) { Tensor.matmul($0[0], $0[1]) },
            OpCase("shared-left matmul, Aᵀ", [a.transposed().detached(), bb]) { Tensor.matmul($0[0], $0[1], transposeA: true) },
            OpCase("shared-left matmul, Bᵀ", [a, bb.transposed().detached()]) { Tensor.matmul($0[0], $0[1], transposeB: true) },
            OpCase("shared-left matmul, Aᵀ Bᵀ", [a.transposed().detached(), bb.transposed().detached()]) {
                Tensor.matmul($0[0], $0[1], transposeA: true, transposeB: true)
            },
            OpCase("matmulSummed", [randomTensor([2, 3, 4], seed: 91), bb]) { Tensor.matmulSummed($0[0], $0[1]) },
            OpCase("matmulSummed Aᵀ Bᵀ", [randomTensor([2, 4, 3], seed: 92), randomTensor([2, 5, 4], seed: 93)]) {
                Tensor.matmulSummed($0[0], $0[1], transposeA: true, transposeB: true)
            },
            OpCase("channel bias", [randomTensor([2, 3, 4], seed: 94), b1]) { $0[0].addingChannelBias($0[1]) },
            OpCase("conv1d same wrt x, W, b", [x1, w1, b1]) { Tensor.conv1d($0[0], $0[1], bias: $0[2], padding: .same) },
            OpCase("conv1d valid stride 2 wrt x, W, b", [x1, w1, b1]) { Tensor.conv1d($0[0], $0[1], bias: $0[2], stride: 2) },
            OpCase("conv1d wrt x only", [x1]) { Tensor.conv1d($0[0], w1, bias: b1, padding: .same) },
            OpCase("conv1d wrt W only", [w1]) { Tensor.conv1d(x1, $0[0], bias: b1, padding: .same) },
            OpCase("conv2d same wrt x, W, b", [x2, w2, b2]) { Tensor.conv2d($0[0], $0[1], bias: $0[2], padding: .same) },
            OpCase("conv2d valid stride 2 wrt x, W, b", [x2, w2, b2]) {
                Tensor.conv2d($0[0], $0[1], bias: $0[2], stride: (2, 2))
            },
            OpCase("conv2d wrt W, b", [w2, b2]) { Tensor.conv2d(x2, $0[0], bias: $0[1], padding: .same) },
            OpCase("tanh(conv2d) wrt x, W", [x2, w2]) { Tensor.conv2d($0[0], $0[1], padding: .same).tanh() },
            OpCase("conv2d ∘ conv2d wrt x, W", [x2, w2]) {
                // W of [3, 2, 3, 3] maps 2 → 3 channels; a second, fixed 3 → 1 convolution on top
                Tensor.conv2d(Tensor.conv2d($0[0], $0[1], padding: .same).tanh(), randomTensor([1, 3, 2, 2], seed: 95))
            },
        ]
        // residual blocks x + conv₂(tanh(conv₁(x))), built inside the closure from fixed tensors
        let r1 = (randomTensor([2, 2, 3], seed: 96, scale: 0.5), randomTensor([2], seed: 97),
                  randomTensor([2, 2, 3], seed: 98, scale: 0.5), randomTensor([2], seed: 99))
        let r2 = (randomTensor([2, 2, 3, 3], seed: 100, scale: 0.5), randomTensor([2], seed: 101),
                  randomTensor([2, 2, 3, 3], seed: 102, scale: 0.5), randomTensor([2], seed: 103))
        cases.append(OpCase("conv residual block 1-D wrt x", [x1.narrowed(axis: 1, start: 0, length: 2).detached()]) {
            ConvResidualBlock(conv1: Conv1D(weight: r1.0, bias: r1.1, padding: .same),
                              conv2: Conv1D(weight: r1.2, bias: r1.3, padding: .same), activation: .tanh)($0[0])
        })
        cases.append(OpCase("conv residual block 2-D wrt x", [x2]) {
            ConvResidualBlock(conv1: Conv2D(weight: r2.0, bias: r2.1, padding: .same),
                              conv2: Conv2D(weight: r2.2, bias: r2.3, padding: .same), activation: .tanh)($0[0])
        })
        // a layer's parameters are leaves of their own, so the filters are checked in the functional form
        cases.append(OpCase("x + conv(tanh(conv(x))) wrt x, filters, biases", [x2, r2.0, r2.1, r2.2, r2.3]) {
            let h = Tensor.conv2d($0[0], $0[1], bias: $0[2], padding: .same).tanh()
            return $0[0] + Tensor.conv2d(h, $0[3], bias: $0[4], padding: .same)
        })
        return cases
    }()

    @Test(arguments: derivativeCases) func derivatives(_ c: OpCase) { checkDerivatives(c) }

    /// Force-matching style: the input gradient of a convolutional energy is itself trained on,
    /// so d/dW of a loss on ∂E/∂x must be right.
    @Test func gradientOfInputGradientWrtWeights() {
        let x = randomTensor([1, 2, 4, 4], seed: 101), w = randomTensor([2, 2, 3, 3], seed: 102)
        let err = gradcheck({ ws in
            // recorded even inside the finite-difference pass (which runs without grad mode)
            GradMode.$isEnabled.withValue(true) {
                let xg = x.requiringGrad()
                let energy = Tensor.conv2d(xg, ws[0], padding: .same).tanh().sum()
                return grad(of: energy, wrt: xg, createGraph: true)
            }
        }, inputs: [w])
        #expect(err < derivativeTolerance, "error \(err)")
    }
}

/// The fused convolution ops against the same convolution composed of public recorded ops
/// (matmul of the weights with im2col, plus the channel bias): values, gradients, and
/// gradients of gradients agree.
@Suite struct FusedConvolutionTests {
    static func composed(_ x: Tensor, _ w: Tensor, _ b: Tensor, _ geo: ConvolutionGeometry) -> Tensor {
        let y = Tensor.matmul(w.reshaped([w.shape[0], geo.patchSize]), x.im2col(geo)).addingChannelBias(b)
        return y.reshaped([geo.batch, w.shape[0], geo.outputHeight, geo.outputWidth])
    }

    @Test(arguments: [(3, 1, Padding.same), (3, 2, .valid), (2, 1, .explicit(1)), (1, 1, .valid)])
    func fusedMatchesComposition(_ k: Int, _ stride: Int, _ padding: Padding) {
        let x = randomTensor([3, 2, 5, 6], seed: 111), w = randomTensor([4, 2, k, k], seed: 112), b = randomTensor([4], seed: 113)
        let geo = ConvolutionGeometry(inputShape: x.shape, kernel: (k, k), stride: (stride, stride), padding: padding)
        let v = randomTensor(Self.composed(x, w, b, geo).shape, seed: 114)
        func derivatives(_ f: (Tensor, Tensor, Tensor) -> Tensor) -> [Tensor] {
            let (xg, wg, bg) = (x.requiringGrad(), w.requiringGrad(), b.requiringGrad())
            let y = f(xg, wg, bg)
            let gs = grad(of: (y * v).sum(), wrt: [xg, wg, bg], createGraph: true)
            // a second-order quantity touching every backward: d/d(x, W) of |∂L/∂x|² + |∂L/∂W|²
            let s = (gs[0].squared().sum() + gs[1].squared().sum())
            return [y.detached()] + gs.map { $0.detached() } + grad(of: s, wrt: [xg, wg])
        }
        let fused = derivatives { Tensor.conv2d($0, $1, bias: $2, stride: (stride, stride), padding: padding) }
        let reference = derivatives { Self.composed($0, $1, $2, geo) }
        for (a, r) in zip(fused, reference) { expectClose(a, r, rtol: 1e-11, atol: 1e-11) }
    }

    @Test(arguments: [1, 7, 9, 12, 17]) func batchSummedProductsAtAnyBatchSize(_ batch: Int) {
        // the batch is summed in fixed groups: sizes that do not divide evenly
        let a = randomTensor([batch, 3, 4], seed: 131), b = randomTensor([batch, 4, 2], seed: 132)
        expectClose(Tensor.matmulSummed(a, b), Tensor.matmul(a, b).sum(axis: 0), rtol: 1e-12, atol: 1e-12)
        let x = randomTensor([batch, 2, 4, 4], seed: 133), w = randomTensor([3, 2, 3, 3], seed: 134)
        let v = randomTensor([batch, 3, 4, 4], seed: 135)
        let geo = ConvolutionGeometry(inputShape: x.shape, kernel: (3, 3), padding: .same)
        let wg = w.requiringGrad()
        let fused = grad(of: (Tensor.conv2d(x, wg, padding: .same) * v).sum(), wrt: wg)
        let composed = grad(of: (Self.composed(x, wg, .zeros([3]), geo) * v).sum(), wrt: wg)
        expectClose(fused, composed, rtol: 1e-12, atol: 1e-12)
    }

    @Test func threadedConvolutionAndPoolingGiveTheSingleThreadedResults() {
        let x = randomTensor([16, 3, 16, 16], seed: 121), w = randomTensor([8, 3, 3, 3], seed: 122)
        let b = randomTensor([8], seed: 123), w2 = randomTensor([3, 8, 3, 3], seed: 124)
        func run() -> [Tensor] {
            let (xg, wg, bg) = (x.requiringGrad(), w.requiringGrad(), b.requiringGrad())
            let y = Tensor.conv2d(xg, wg, bias: bg, padding: .same).tanh()
            let loss = (y.maxPool2d(window: 2).sum() + y.avgPool2d(window: 2).squared().sum()
                        + Tensor.conv2d(y, w2, stride: (2, 2)).tanh().sum())
            let gs = grad(of: loss, wrt: [xg, wg, bg], createGraph: true)
            let g2 = grad(of: gs[1].squared().sum(), wrt: [xg, wg])
            let col = x.im2col(ConvolutionGeometry(inputShape: x.shape, kernel: (3, 3), padding: .same))
            return [y.detached(), col, Tensor.col2im(col, ConvolutionGeometry(inputShape: x.shape, kernel: (3, 3), padding: .same)),
                    Tensor.matmulSummed(col, col, transposeB: true)] + gs.map { $0.detached() } + g2
        }
        let single = run()
        let saved = Parallel.threads
        Parallel.threads = 3
        let threaded = run()
        Parallel.threads = saved
        for (a, s) in zip(threaded, single) { expectClose(a, s, rtol: 0, atol: 0) }
    }
}

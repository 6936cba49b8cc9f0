import NNCore
import SymmdTestSupport
import Testing

/// Values and first/second derivatives of max and average pooling (1-D and 2-D) and flattening.
@Suite struct PoolingTests {
    // 1×1×4×4 input 1…16
    static let grid = Tensor(shape: [1, 1, 4, 4], scalars: (1...16).map(Double.init))

    @Test func maxPool2dPicksWindowMaxima() {
        let y = Self.grid.maxPool2d(window: 2)
        #expect(y.shape == [1, 1, 2, 2])
        expectClose(y, Tensor(shape: [1, 1, 2, 2], scalars: [6, 8, 14, 16]))
        // overlapping windows: 3×3 moved by 1
        expectClose(Self.grid.maxPool2d(window: 3, stride: 1), Tensor(shape: [1, 1, 2, 2], scalars: [11, 12, 15, 16]))
        // a partial window at the end is dropped (5 → 2 windows of 2)
        let x5 = Tensor(shape: [1, 1, 5, 5], scalars: (0..<25).map { Double(($0 * 7) % 25) })
        let y5 = x5.maxPool2d(window: 2)
        #expect(y5.shape == [1, 1, 2, 2])
        // rows 0, 7, 14, 21, 3 / 10, 17, 24, 6, 13 / 20, 2, 9, 16, 23 / 5, 12, 19, 1, 8 / …
        expectClose(y5, Tensor(shape: [1, 1, 2, 2], scalars: [17, 24, 20, 19]))
    }

    @Test func poolingIsPerChannelAndPerSample() {
        // sample 1, channel 1 is the grid negated: its maxima are the window minima
        let x = Tensor.concatenate([Self.grid, -Self.grid], axis: 1)  // [1, 2, 4, 4]
        let both = Tensor.concatenate([x, x * 2], axis: 0)  // [2, 2, 4, 4]
        let y = both.maxPool2d(window: 2)
        #expect(y.shape == [2, 2, 2, 2])
        expectClose(y, Tensor(shape: [2, 2, 2, 2], scalars: [6, 8, 14, 16, -1, -3, -9, -11, 12, 16, 28, 32, -2, -6, -18, -22]))
        let a = both.avgPool2d(window: 2)
        expectClose(a, Tensor(shape: [2, 2, 2, 2], scalars: [3.5, 5.5, 11.5, 13.5, -3.5, -5.5, -11.5, -13.5,
                                                               7, 11, 23, 27, -7, -11, -23, -27]))
    }

    @Test func avgPool2dAveragesWindows() {
        expectClose(Self.grid.avgPool2d(window: 2), Tensor(shape: [1, 1, 2, 2], scalars: [3.5, 5.5, 11.5, 13.5]))
        expectClose(Self.grid.avgPool2d(window: 4), Tensor(shape: [1, 1, 1, 1], scalars: [8.5]))
        expectClose(Self.grid.avgPool2d(window: (2, 4), stride: (1, 1)),
                    Tensor(shape: [1, 1, 3, 1], scalars: [4.5, 8.5, 12.5]))
    }

    @Test func pooling1d() {
        let x = Tensor(shape: [1, 2, 7], scalars: [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7])
        expectClose(x.maxPool1d(window: 2), Tensor(shape: [1, 2, 3], scalars: [3, 4, 9, 6, 5, 9]))
        expectClose(x.avgPool1d(window: 2), Tensor(shape: [1, 2, 3], scalars: [2, 2.5, 7, 5.5, 4, 8.5]))
        expectClose(x.maxPool1d(window: 3, stride: 2), Tensor(shape: [1, 2, 3], scalars: [4, 5, 9, 6, 8, 9]))
        expectClose(x.avgPool1d(window: 3, stride: 2), Tensor(shape: [1, 2, 3], scalars: [8.0 / 3, 10.0 / 3, 16.0 / 3,
                                                                                        14.0 / 3, 16.0 / 3, 24.0 / 3]))
        #expect(MaxPool1D(window: 2)(x).shape == [1, 2, 3])
        #expect(AvgPool1D(window: 3, stride: 1)(x).shape == [1, 2, 5])
    }

    @Test func maxPoolGradientGoesToTheMaximum() {
        let x = Self.grid.requiringGrad()
        let g = grad(of: x.maxPool2d(window: 2).sum(), wrt: x)
        var expected = [Double](repeating: 0, count: 16)
        for k in [5, 7, 13, 15] { expected[k] = 1 }
        expectClose(g, Tensor(shape: [1, 1, 4, 4], scalars: expected))
        // ties: the first maximum of the window takes the gradient
        let t = Tensor.ones([1, 1, 2, 2]).requiringGrad()
        expectClose(grad(of: t.maxPool2d(window: 2).sum(), wrt: t), Tensor(shape: [1, 1, 2, 2], scalars: [1, 0, 0, 0]))
        // overlapping windows that share a maximum add up there: a peak inside all four 3×3 windows
        var peak = Tensor(shape: [1, 1, 4, 4], scalars: (0..<16).map { Double($0) * 0.01 })
        peak[0, 0, 2, 2] = 100
        let p = peak.requiringGrad()
        let gp = grad(of: p.maxPool2d(window: 3, stride: 1).sum(), wrt: p)
        #expect(gp[0, 0, 2, 2] == 4 && gp.scalars.reduce(0, +) == 4)
    }

    @Test func flattenKeepsTheBatchAxis() {
        let x = randomTensor([3, 2, 4, 5], seed: 1)
        let y = Flatten()(x)
        #expect(y.shape == [3, 40])
        #expect(y.scalars == x.scalars)
        #expect(Flatten()(randomTensor([2, 3], seed: 2)).shape == [2, 3])
        #expect(MaxPool2D(window: 2)(x).shape == [3, 2, 2, 2])
        #expect(AvgPool2D(window: 2, stride: 1)(x).shape == [3, 2, 3, 4])
    }

    static let derivativeCases: [OpCase] = [
        OpCase("maxPool2d 2×2", [distinctTensor([2, 2, 4, 4], seed: 11)]) { $0[0].maxPool2d(window: 2) },
        OpCase("maxPool2d 3×3 stride 2 (overlap, remainder)", [distinctTensor([1, 2, 5, 6], seed: 12)]) {
            $0[0].maxPool2d(window: 3, stride: 2)
        },
        OpCase("maxPool1d 2", [distinctTensor([2, 2, 7], seed: 13)]) { $0[0].maxPool1d(window: 2) },
        OpCase("maxPool1d 3 stride 1", [distinctTensor([1, 3, 6], seed: 14)]) { $0[0].maxPool1d(window: 3, stride: 1) },
        OpCase("avgPool2d 2×2", [randomTensor([2, 2, 4, 4], seed: 15)]) { $0[0].avgPool2d(window: 2) },
        OpCase("avgPool2d 2×3 stride (1, 2)", [randomTensor([1, 2, 5, 7], seed: 16)]) {
            $0[0].avgPool2d(window: (2, 3), stride: (1, 2))
        },
        OpCase("avgPool1d 3 stride 2", [randomTensor([2, 2, 8], seed: 17)]) { $0[0].avgPool1d(window: 3, stride: 2) },
        OpCase("flatten", [randomTensor([2, 3, 2, 2], seed: 18)]) { Flatten()($0[0]) },
        OpCase("tanh ∘ maxPool ∘ conv", [distinctTensor([1, 1, 5, 5], seed: 19), randomTensor([2, 1, 2, 2], seed: 20)]) {
            Tensor.conv2d($0[0], $0[1]).tanh().maxPool2d(window: 2).tanh()
        },
        OpCase("LeNet-style conv, avgPool, flatten, dense", [randomTensor([2, 1, 6, 6], seed: 21), randomTensor([2, 1, 3, 3], seed: 22),
                                                             randomTensor([8, 3], seed: 23)]) {
            Tensor.conv2d($0[0], $0[1], padding: .same).tanh().avgPool2d(window: 3).flattenedBatch().matmul($0[2])
        },
    ]

    @Test(arguments: derivativeCases) func derivatives(_ c: OpCase) { checkDerivatives(c) }
}

/// Bad shapes are programmer errors: the process traps (with a message naming the shapes).
@Suite struct ConvolutionShapeTrapTests {
    @Test func channelMismatchTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = Tensor.conv2d(.zeros([1, 2, 5, 5]), .zeros([3, 4, 3, 3]))
        }
    }

    @Test func kernelLargerThanInputTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = Tensor.conv1d(.zeros([1, 1, 2]), .zeros([1, 1, 3]))
        }
    }

    @Test func poolWindowLargerThanInputTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = Tensor.zeros([1, 1, 3, 3]).maxPool2d(window: 4)
        }
    }

    @Test func wrongRankTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = Tensor.zeros([2, 8]).avgPool1d(window: 2)
        }
    }
}

/// Empty batches (and no input channels) pass through convolution, pooling and the batched
/// products with the right shapes, forward and backward.
@Suite struct EmptyConvolutionTests {
    @Test func emptyBatch() {
        let x = Tensor.zeros([0, 2, 6, 6]).requiringGrad(), w = randomTensor([3, 2, 3, 3], seed: 1).requiringGrad()
        let b = randomTensor([3], seed: 2).requiringGrad()
        let y = Tensor.conv2d(x, w, bias: b, padding: .same)
        #expect(y.shape == [0, 3, 6, 6])
        let pooled = y.maxPool2d(window: 2) + y.avgPool2d(window: 2)
        #expect(pooled.shape == [0, 3, 3, 3])
        let gs = grad(of: pooled.sum(), wrt: [x, w, b])
        #expect(gs[0].shape == [0, 2, 6, 6] && gs[1].scalars == Tensor.zeros([3, 2, 3, 3]).scalars && gs[2].scalars == [0, 0, 0])
        #expect(Tensor.conv1d(.zeros([0, 1, 5]), .zeros([2, 1, 3])).shape == [0, 2, 3])
        let geo = ConvolutionGeometry(inputShape: [0, 2, 6, 6], kernel: (3, 3), padding: .same)
        #expect(Tensor.zeros([0, 2, 6, 6]).im2col(geo).shape == [0, 18, 36])
        #expect(Tensor.col2im(.zeros([0, 18, 36]), geo).shape == [0, 2, 6, 6])
        #expect(Tensor.matmul(.zeros([0, 3, 4]), .zeros([0, 4, 2])).shape == [0, 3, 2])
        #expect(Tensor.matmul(.zeros([3, 4]), .zeros([0, 4, 2])).shape == [0, 3, 2])
        #expect(Tensor.matmul(.zeros([0, 3, 4]), .zeros([4, 2])).shape == [0, 3, 2])
        let summed = Tensor.matmulSummed(.zeros([0, 3, 4]), .zeros([0, 4, 2]))
        #expect(summed.shape == [3, 2] && summed.scalars.allSatisfy { $0 == 0 })
    }

    @Test func noInputChannelsGivesTheBias() {
        let b = Tensor([1.0, -2])
        let y = Tensor.conv2d(.zeros([2, 0, 4, 4]), .zeros([2, 0, 3, 3]), bias: b, padding: .same)
        #expect(y.shape == [2, 2, 4, 4])
        expectClose(y, b.broadcastChannels(to: [2, 2, 16]).reshaped([2, 2, 4, 4]))
    }
}

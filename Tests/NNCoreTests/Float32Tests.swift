import NNCore
import SymmdTestSupport
import Testing

/// Every op of the derivative suites run again in float32 against float64 on the same (rounded)
/// inputs: one check for every op and both element types.
@Suite struct Float32Tests {
    static let allCases: [OpCase] = ElementwiseGradientTests.binaryCases + ElementwiseGradientTests.scalarCases
        + ElementwiseGradientTests.unaryCases + ActivationGradientTests.cases + ReductionGradientTests.cases
        + ShapeGradientTests.cases + IndexingGradientTests.cases + LinearAlgebraGradientTests.matmulCases
        + LinearAlgebraGradientTests.affineCases + LossGradientTests.cases + ConvolutionTests.derivativeCases
        + PoolingTests.derivativeCases + recurrentCases

    /// The recurrent layers on a [T, N, F] input (their parameters cast with the input: a layer
    /// computes in its input's dtype).
    static let recurrentCases: [OpCase] = {
        var rng = RandomGenerator(seed: 21)
        let x = Tensor.randomNormal([4, 3, 5], using: &rng)
        // each layer built inside its closure from a fixed seed (layers are classes, not Sendable)
        return [
            OpCase("LSTM states", [x]) { var r = RandomGenerator(seed: 22); return LSTM(inputSize: 5, hiddenSize: 6, using: &r)($0[0]) },
            OpCase("LSTM (lecture-notes cell) states", [x]) {
                var r = RandomGenerator(seed: 23)
                return LSTM(inputSize: 5, hiddenSize: 6, variant: .lectureNotes, using: &r)($0[0])
            },
            OpCase("GRU states", [x]) { var r = RandomGenerator(seed: 24); return GRU(inputSize: 5, hiddenSize: 6, using: &r)($0[0]) },
            OpCase("RNN states", [x]) { var r = RandomGenerator(seed: 25); return RNN(inputSize: 5, hiddenSize: 6, using: &r)($0[0]) },
        ]
    }()

    /// Cases whose closures capture float64 constants (weights, biases, targets, slopes, a fixed
    /// operand) outside a layer: their results are promoted to float64, as PyTorch promotes. Every
    /// other case must stay float32 (a layer computes in its input's dtype, casting its parameters).
    static func capturesFloat64(_ name: String) -> Bool {
        let names: Set<String> = [
            "affine wrt W, b", "affine wrt x", "concatenate with a constant", "conv1d wrt W only", "conv1d wrt x only",
            "conv2d wrt W, b", "conv2d ∘ conv2d wrt x, W", "huber δ=0.5", "huber δ=1", "indexAdd wrt base",
            "indexAdd wrt source", "mae", "prelu wrt slope only", "prelu wrt x only", "where wrt a", "where wrt b",
        ]
        return names.contains(name) || (name.hasPrefix("rank 3 × shared rank 2") && name.hasSuffix(" only"))
    }

    /// The largest |a − b| relative to max(1, max |b|).
    static func scaledDifference(_ a: Tensor, _ b: Tensor) -> Double {
        let scale = max(1, b.scalars.map(abs).max() ?? 0)
        return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
    }

    /// float32 rounding compounded over a few operations (float32's ε is 1.2e-7); a wrong
    /// element or a dropped term is off by O(1).
    static let tolerance = 1e-4

    @Test(arguments: allCases) func float32AgreesWithFloat64(_ c: OpCase) {
        let x32 = c.inputs.map { $0.cast(to: .float32).detached().requiringGrad() }
        let x64 = x32.map { $0.cast(to: .float64).detached().requiringGrad() }
        let y32 = c.f(x32), y64 = c.f(x64)
        let expected: DType = Self.capturesFloat64(c.name) ? .float64 : .float32
        #expect(y32.dtype == expected, "\(c.name): float32 inputs gave \(y32.dtype)")
        #expect(y64.dtype == .float64)
        #expect(Self.scaledDifference(y32, y64) < Self.tolerance, "\(c.name): values differ")

        // first derivatives (vector–Jacobian product with a fixed seed), kept on the tape
        let seed = uniformTensor(y64.shape, seed: 7, low: -1, high: 1)
        let g32 = grad(of: y32, wrt: x32, seed: seed.cast(to: .float32), createGraph: true)
        let g64 = grad(of: y64, wrt: x64, seed: seed, createGraph: true)
        for (k, (a, b)) in zip(g32, g64).enumerated() {
            #expect(a.dtype == .float32, "\(c.name): gradient \(k) is \(a.dtype)")
            #expect(Self.scaledDifference(a, b) < Self.tolerance, "\(c.name): gradient \(k) differs")
        }

        // second derivatives: ∇ of Σ w·g for a fixed w
        func secondOrder(_ g: [Tensor], _ x: [Tensor], _ dtype: DType) -> [Tensor] {
            let terms = g.enumerated().filter { $0.element.requiresGrad }.map { k, gk in
                (gk * uniformTensor(gk.shape, seed: 11 + UInt64(k), low: -1, high: 1).cast(to: dtype)).sum()
            }
            guard var h = terms.first else { return x.map { $0.zerosLike() } }
            for t in terms.dropFirst() { h = h + t }
            return grad(of: h, wrt: x)
        }
        let h32 = secondOrder(g32, x32, .float32), h64 = secondOrder(g64, x64, .float64)
        for (k, (a, b)) in zip(h32, h64).enumerated() {
            #expect(a.dtype == .float32, "\(c.name): second derivative \(k) is \(a.dtype)")
            #expect(Self.scaledDifference(a, b) < Self.tolerance, "\(c.name): second derivative \(k) differs")
        }
    }

    @Test func castIsExactWideningAndRoundsNarrowing() {
        let x = Tensor([1.0 / 3, 1e-50, 3e38, -2.5])
        let f = x.cast(to: .float32)
        #expect(f.dtype == .float32 && f.floats == [Float(1.0 / 3), 0, 3e38, -2.5])
        #expect(f.cast(to: .float64).scalars == [Double(Float(1.0 / 3)), 0, Double(Float(3e38)), -2.5])
        #expect(x.cast(to: .float64).scalars == x.scalars)
    }

    @Test func mixedDtypesPromoteToFloat64AndGradientsComeBackInEach() {
        let a = Tensor([1.5, 2, 3]).cast(to: .float32).requiringGrad()
        let b = Tensor([0.25, -1, 4]).requiringGrad()
        let y = (a * b).sum()
        #expect(y.dtype == .float64)
        let g = grad(of: y, wrt: [a, b])
        #expect(g[0].dtype == .float32 && g[0].floats == [0.25, -1, 4])
        #expect(g[1].dtype == .float64 && g[1].scalars == [1.5, 2, 3])
    }

    @Test func float64MasterWeightsCastToFloat32ReceiveFloat64Gradients() {
        // mixed precision: the weights live in float64, the product runs in float32
        let w = Tensor([[0.5, -1], [2, 0.25]]).requiringGrad()
        let x = Tensor([[1.0, 2], [3, 4]]).cast(to: .float32)
        let y = Tensor.matmul(x, w.cast(to: .float32))
        #expect(y.dtype == .float32)
        let g = grad(of: y.sum(), wrt: w)
        #expect(g.dtype == .float64)
        #expect(g.scalars == [4, 4, 6, 6])  // Xᵀ·1, exact in both precisions
    }

    @Test func layersCastTheirParametersAndTrainInFloat32() {
        var rng = RandomGenerator(seed: 3)
        let net = MLP(widths: [1, 16, 16, 1], activation: .tanh, using: &rng).cast(to: .float32)
        #expect(net.dtype == .float32 && net.parameters.allSatisfy { $0.value.dtype == .float32 && $0.value.requiresGrad })
        let xs = Tensor.linspace(-2, 2, count: 64).reshaped([64, 1])
        let x = xs.cast(to: .float32), y = xs.sin().cast(to: .float32)
        let opt = Adam(learningRate: 1e-2)
        var first = 0.0, last = 0.0
        for step in 0..<300 {
            let loss = Loss.mse(net(x), y)
            #expect(loss.dtype == .float32)
            if step == 0 { first = loss.scalar }
            last = loss.scalar
            opt.step(net.parameters, gradients: grad(of: loss, wrt: net.parameters.map(\.value)))
        }
        #expect(net.parameters.allSatisfy { $0.value.dtype == .float32 })
        #expect(last < first / 50, "float32 training: loss \(first) → \(last)")
    }

    @Test func float32LayerRoundTripsThroughAParameterFile() throws {
        var rng = RandomGenerator(seed: 5)
        let net = MLP(widths: [3, 8, 1], activation: .tanh, using: &rng).cast(to: .float32)
        let bytes = ParameterFile(layer: net, metadata: [:]).encoded()   // float64 on disk: widened exactly
        var rng2 = RandomGenerator(seed: 6)
        let other = MLP(widths: [3, 8, 1], activation: .tanh, using: &rng2).cast(to: .float32)
        try ParameterFile.decode(bytes).load(into: other)
        for (a, b) in zip(net.parameters, other.parameters) {
            #expect(b.value.dtype == .float32 && b.value.floats == a.value.floats)
        }
    }
}

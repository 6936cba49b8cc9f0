import Foundation
import NNCore
import SymmdTestSupport
import Testing

// MARK: - Hand-rolled reference arithmetic (plain arrays, no tensor ops)

/// Rows of a rank-2 tensor.
private func rows(_ t: Tensor) -> [[Double]] {
    precondition(t.rank == 2)
    let c = t.shape[1]
    return (0..<t.shape[0]).map { Array(t.scalars[($0 * c)..<(($0 + 1) * c)]) }
}

/// x·W + b by explicit loops.
private func handAffine(_ x: [[Double]], _ w: Tensor, _ b: Tensor) -> [[Double]] {
    let (n, m) = (w.shape[0], w.shape[1])
    return x.map { row in
        precondition(row.count == n)
        return (0..<m).map { j in
            var s = b.scalars[j]
            for i in 0..<n { s += row[i] * w.scalars[i * m + j] }
            return s
        }
    }
}

/// Overwrites every parameter of a layer with seeded random values (so that biases are not zero).
private func randomizeParameters(_ layer: some Layer, seed: UInt64, scale: Double = 0.5) {
    for (k, p) in layer.parameters.enumerated() {
        p.value.scalars = randomTensor(p.shape, seed: seed &+ UInt64(k), scale: scale).scalars
    }
}

@Suite struct LayerTests {
    // MARK: Dense

    @Test func denseForwardIsXWPlusB() {
        let w = Tensor([[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5]])  // [3, 2]
        let b = Tensor([0.1, -0.2])
        let x = Tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]])  // [2, 3]
        let dense = Dense(weight: w, bias: b)
        // row 0: 0.5 + 4 − 2.25 + 0.1 = 2.35;  −1 + 0.5 + 4.5 − 0.2 = 3.8
        // row 1: −0.5 + 1 + 0 + 0.1 = 0.6;      1 + 0.125 + 0 − 0.2 = 0.925
        expectClose(dense(x), Tensor([[2.35, 3.8], [0.6, 0.925]]), rtol: 1e-14)
        #expect(dense.inputs == 3 && dense.outputs == 2)

        // A larger random case against explicit loops.
        let x2 = randomTensor([5, 4], seed: 11)
        let d2 = Dense(weight: randomTensor([4, 3], seed: 12), bias: randomTensor([3], seed: 13))
        expectClose(d2(x2), Tensor(handAffine(rows(x2), d2.weight.value, d2.bias.value)), rtol: 1e-13, atol: 1e-14)
    }

    @Test(arguments: [Activation.tanh, .sigmoid, .relu, .softplus, .leakyRelu(slope: 0.1), .identity])
    func denseAppliesItsActivation(_ act: Activation) {
        let w = randomTensor([3, 4], seed: 21), b = randomTensor([4], seed: 22)
        let x = randomTensor([6, 3], seed: 23, scale: 2)
        let f: (Double) -> Double = switch act {
        case .tanh: { Foundation.tanh($0) }
        case .sigmoid: { 1 / (1 + Foundation.exp(-$0)) }
        case .relu: { max($0, 0) }
        case .softplus: { Foundation.log(1 + Foundation.exp($0)) }
        case .leakyRelu(let a): { $0 > 0 ? $0 : a * $0 }
        default: { $0 }
        }
        let expected = handAffine(rows(x), w, b).map { $0.map(f) }
        expectClose(Dense(weight: w, bias: b, activation: act)(x), Tensor(expected), rtol: 1e-13, atol: 1e-14)
    }

    @Test func denseInitialisesZeroBiasAndRequiresGrad() {
        var rng = RandomGenerator(seed: 3)
        let d = Dense(inputs: 5, outputs: 7, using: &rng)
        #expect(d.weight.shape == [5, 7] && d.bias.shape == [7])
        #expect(d.bias.value.scalars == [Double](repeating: 0, count: 7))
        #expect(d.weight.value.requiresGrad && d.bias.value.requiresGrad)
        #expect(d.weight.value.scalars.contains { $0 != 0 })
    }

    // MARK: Parameter discovery

    private func names(_ layer: some Layer) -> [String] { layer.namedParameters.map(\.name) }

    private func expectNoDuplicates(_ layer: some Layer, sourceLocation: SourceLocation = #_sourceLocation) {
        let ids = layer.parameters.map(ObjectIdentifier.init)
        #expect(Set(ids).count == ids.count, "duplicate parameter objects", sourceLocation: sourceLocation)
        let ns = names(layer)
        #expect(Set(ns).count == ns.count, "duplicate names \(ns)", sourceLocation: sourceLocation)
    }

    @Test func denseParameterNames() {
        var rng = RandomGenerator(seed: 1)
        let d = Dense(inputs: 3, outputs: 2, activation: .tanh, using: &rng)
        #expect(names(d) == ["weight", "bias"])
        #expect(d.namedParameters[0].parameter === d.weight)
        #expect(d.namedParameters[1].parameter === d.bias)
        #expect(d.parameterCount == 3 * 2 + 2)
    }

    @Test func sequentialParameterNamesSkipParameterFreeLayers() {
        var rng = RandomGenerator(seed: 1)
        let a = Dense(inputs: 3, outputs: 4, using: &rng)
        let c = Dense(inputs: 4, outputs: 2, using: &rng)
        let seq = Sequential(a, ActivationLayer(.tanh), c)
        #expect(names(seq) == ["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"])
        #expect(seq.parameters.map(ObjectIdentifier.init)
                == [a.weight, a.bias, c.weight, c.bias].map(ObjectIdentifier.init))
        #expect(seq.parameterCount == 12 + 4 + 8 + 2)
        expectNoDuplicates(seq)
        #expect(names(ActivationLayer(.relu)).isEmpty)
    }

    @Test func sharedLayerIsListedOnce() {
        var rng = RandomGenerator(seed: 1)
        let d = Dense(inputs: 3, outputs: 3, using: &rng)
        let seq = Sequential(d, d, Residual(d))
        #expect(names(seq) == ["layers.0.weight", "layers.0.bias"])
        expectNoDuplicates(seq)
    }

    @Test func residualAndPReLUParameterNames() {
        var rng = RandomGenerator(seed: 1)
        let res = Residual(Dense(inputs: 4, outputs: 4, using: &rng))
        #expect(names(res) == ["body.weight", "body.bias"])

        let p = PReLU(features: 3, initial: 0.2)
        #expect(names(p) == ["slope"])
        #expect(p.slope.value.scalars == [0.2, 0.2, 0.2])

        let nested = Residual(Sequential(Dense(inputs: 3, outputs: 3, using: &rng), PReLU(features: 3)))
        #expect(names(nested) == ["body.layers.0.weight", "body.layers.0.bias", "body.layers.1.slope"])
        expectNoDuplicates(nested)
    }

    @Test func mlpParameterNames() {
        var rng = RandomGenerator(seed: 1)
        let plain = MLP(widths: [4, 4, 8, 1], using: &rng)
        #expect(names(plain) == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
                                 "layers.2.weight", "layers.2.bias"])
        #expect(plain.parameterCount == (16 + 4) + (32 + 8) + (8 + 1))
        expectNoDuplicates(plain)

        // Timesteps on hidden layers only; the linear output layer has none.
        let stepped = MLP(widths: [4, 4, 8, 1], skip: true, timestep: true, using: &rng)
        #expect(names(stepped) == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
                                   "layers.2.weight", "layers.2.bias", "timesteps.0", "timesteps.1"])
        #expect(stepped.namedParameters[6].parameter === stepped.timesteps[0])
        #expect(stepped.namedParameters[7].parameter === stepped.timesteps[1])
        #expect(stepped.timesteps[2] == nil)
        #expect(stepped.timesteps[0]!.shape == [4] && stepped.timesteps[1]!.shape == [8])
        expectNoDuplicates(stepped)

        // An embedding net (activated last layer) has a timestep on every layer.
        let embedding = MLP(widths: [1, 2, 4], timestep: true, linearOutput: false, using: &rng)
        #expect(names(embedding) == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
                                     "timesteps.0", "timesteps.1"])
    }

    @Test func mlpTimestepInitialisationIsNearPointOne() {
        var rng = RandomGenerator(seed: 5)
        let m = MLP(widths: [2, 64, 64, 1], timestep: true, using: &rng)
        for t in m.timesteps.compactMap({ $0 }) {
            #expect(t.value.scalars.allSatisfy { abs($0 - 0.1) < 0.01 })
        }
    }

    // MARK: MLP forward and the skip rule

    @Test func mlpSkipRuleMatchesHandBuiltFormula() {
        var rng = RandomGenerator(seed: 7)
        let mlp = MLP(widths: [4, 4, 8, 1], activation: .tanh, skip: true, timestep: true, using: &rng)
        randomizeParameters(mlp, seed: 100)
        // Distinct, known timesteps so that the scaling is visible.
        mlp.timesteps[0]!.value.scalars = [0.5, -1.0, 2.0, 0.25]
        mlp.timesteps[1]!.value.scalars = [0.1, 0.2, 0.3, 0.4, -0.5, 1.5, 1.0, 0.75]
        let x = randomTensor([5, 4], seed: 31)
        let L = mlp.layers, t0 = mlp.timesteps[0]!.value.scalars, t1 = mlp.timesteps[1]!.value.scalars

        // h1 = t0 ⊙ tanh(x W0 + b0) + x                    (4 → 4: add input)
        let h1 = zip(handAffine(rows(x), L[0].weight.value, L[0].bias.value), rows(x)).map { z, xr in
            (0..<4).map { t0[$0] * Foundation.tanh(z[$0]) + xr[$0] }
        }
        // h2 = t1 ⊙ tanh(h1 W1 + b1) + [h1, h1]              (4 → 8: add input concatenated with itself)
        let h2 = zip(handAffine(h1, L[1].weight.value, L[1].bias.value), h1).map { z, hr in
            (0..<8).map { t1[$0] * Foundation.tanh(z[$0]) + hr[$0 % 4] }
        }
        // y = h2 W2 + b2                                     (linear output, no skip, no timestep)
        let y = handAffine(h2, L[2].weight.value, L[2].bias.value)
        expectClose(mlp(x), Tensor(y), rtol: 1e-12, atol: 1e-13)

        // The same network without skip differs (the skip really is applied).
        let g1 = handAffine(rows(x), L[0].weight.value, L[0].bias.value).map { z in (0..<4).map { t0[$0] * Foundation.tanh(z[$0]) } }
        let g2 = handAffine(g1, L[1].weight.value, L[1].bias.value).map { z in (0..<8).map { t1[$0] * Foundation.tanh(z[$0]) } }
        let noSkip = Tensor(handAffine(g2, L[2].weight.value, L[2].bias.value))
        #expect(maxRelativeError([mlp(x)], [noSkip]) > 1e-3)
    }

    @Test func mlpSkipWithoutTimestepAndWithoutMatchingWidths() {
        var rng = RandomGenerator(seed: 8)
        // 3 → 3 adds the input; 3 → 5 has neither equal nor doubled width, so no skip.
        let mlp = MLP(widths: [3, 3, 5, 2], activation: .tanh, skip: true, using: &rng)
        randomizeParameters(mlp, seed: 200)
        let x = randomTensor([4, 3], seed: 41)
        let L = mlp.layers
        let h1 = zip(handAffine(rows(x), L[0].weight.value, L[0].bias.value), rows(x)).map { z, xr in
            (0..<3).map { Foundation.tanh(z[$0]) + xr[$0] }
        }
        let h2 = handAffine(h1, L[1].weight.value, L[1].bias.value).map { $0.map { Foundation.tanh($0) } }
        let y = handAffine(h2, L[2].weight.value, L[2].bias.value)
        expectClose(mlp(x), Tensor(y), rtol: 1e-12, atol: 1e-13)
    }

    @Test func mlpWithoutSkipIsAPlainChain() {
        var rng = RandomGenerator(seed: 9)
        let mlp = MLP(widths: [2, 2, 4, 3], activation: .tanh, skip: false, timestep: true, using: &rng)
        randomizeParameters(mlp, seed: 300)
        let x = randomTensor([3, 2], seed: 51)
        let L = mlp.layers, t0 = mlp.timesteps[0]!.value.scalars, t1 = mlp.timesteps[1]!.value.scalars
        let h1 = handAffine(rows(x), L[0].weight.value, L[0].bias.value).map { z in (0..<2).map { t0[$0] * Foundation.tanh(z[$0]) } }
        let h2 = handAffine(h1, L[1].weight.value, L[1].bias.value).map { z in (0..<4).map { t1[$0] * Foundation.tanh(z[$0]) } }
        expectClose(mlp(x), Tensor(handAffine(h2, L[2].weight.value, L[2].bias.value)), rtol: 1e-12, atol: 1e-13)
    }

    @Test func embeddingNetSkipsIntoItsLastLayer() {
        var rng = RandomGenerator(seed: 10)
        // linearOutput: false — the last layer is hidden-like: activated, time-stepped, and skipped (2 → 4 doubles).
        let mlp = MLP(widths: [1, 2, 4], activation: .tanh, skip: true, timestep: true, linearOutput: false, using: &rng)
        randomizeParameters(mlp, seed: 400)
        let x = randomTensor([3, 1], seed: 61)
        let L = mlp.layers, t0 = mlp.timesteps[0]!.value.scalars, t1 = mlp.timesteps[1]!.value.scalars
        // 1 → 2 doubles too: h1 = t0 ⊙ tanh(xW0 + b0) + [x, x]
        let h1 = zip(handAffine(rows(x), L[0].weight.value, L[0].bias.value), rows(x)).map { z, xr in
            (0..<2).map { t0[$0] * Foundation.tanh(z[$0]) + xr[0] }
        }
        let h2 = zip(handAffine(h1, L[1].weight.value, L[1].bias.value), h1).map { z, hr in
            (0..<4).map { t1[$0] * Foundation.tanh(z[$0]) + hr[$0 % 2] }
        }
        expectClose(mlp(x), Tensor(h2), rtol: 1e-12, atol: 1e-13)
    }

    // MARK: PReLU and Residual forward

    @Test func preluAndResidualForward() {
        let p = PReLU(features: 2, initial: 0.25)
        p.slope.value.scalars = [0.25, -0.5]
        let x = Tensor([[-2.0, -4.0], [3.0, 0.5]])
        expectClose(p(x), Tensor([[-0.5, 2.0], [3.0, 0.5]]))

        let d = Dense(weight: Tensor([[1.0, 2.0], [3.0, 4.0]]), bias: Tensor([0.5, -0.5]))
        // x + xW + b: [-2,-4]·W = [-14, -20] → [-15.5, -24.5]; [3, .5]·W = [4.5, 8] → [8, 8]
        expectClose(Residual(d)(x), Tensor([[-15.5, -24.5], [8.0, 8.0]]))
    }

    // MARK: Gradient checks

    private func smallMLP() -> MLP {
        var rng = RandomGenerator(seed: 12)
        let mlp = MLP(widths: [3, 3, 6, 2], activation: .tanh, skip: true, timestep: true, using: &rng)
        randomizeParameters(mlp, seed: 500)
        return mlp
    }

    @Test func mlpGradcheckWithRespectToInput() {
        let mlp = smallMLP()
        let x = randomTensor([4, 3], seed: 71)
        let err = gradcheck({ mlp($0[0]) }, inputs: [x])
        #expect(err < 1e-6, "gradcheck error \(err)")
    }

    @Test func mlpGradcheckWithRespectToParameters() {
        let mlp = smallMLP()
        let x = randomTensor([4, 3], seed: 72)
        let params = mlp.parameters
        let saved = params.map(\.value)
        defer { for (p, v) in zip(params, saved) { p.value = v } }
        let err = gradcheck({ values in
            for (p, v) in zip(params, values) { p.value = v }
            return mlp(x)
        }, inputs: saved.map { $0.detached() })
        #expect(err < 1e-6, "gradcheck error \(err)")
        #expect(params.count == 8)
    }

    @Test func mlpParameterGradientsReachEveryParameter() {
        let mlp = smallMLP()
        let x = randomTensor([4, 3], seed: 73)
        let gs = grad(of: mlp(x).squared().sum(), wrt: mlp.parameters.map(\.value))
        for (g, (name, p)) in zip(gs, mlp.namedParameters) {
            #expect(g.shape == p.shape)
            #expect(g.scalars.contains { $0 != 0 }, "no gradient reached \(name)")
        }
    }

    @Test func mlpGradgradcheckWithRespectToInput() {
        let mlp = smallMLP()
        let x = randomTensor([3, 3], seed: 74)
        let err = gradgradcheck({ mlp($0[0]) }, inputs: [x])
        #expect(err < 1e-6, "gradgradcheck error \(err)")
    }
}

import NNCore
import SymmdTestSupport
import Testing

/// The force-training pattern end to end: a pair-energy MLP E(x; w), forces F = −∂E/∂x built
/// with `createGraph`, a force-matching loss L = Σ(F − F_ref)², and ∂L/∂w through the double
/// backward, all checked against finite differences.
@Suite struct ForceMatchingTests {
    /// All pairs i < j of 4 atoms (atom 0 appears three times: indexSelect repeats).
    static let first = [0, 0, 0, 1, 1, 2]
    static let second = [1, 2, 3, 2, 3, 3]

    /// A tiny pair-energy model: E = Σ_pairs mlp(r_ij).
    final class PairModel {
        let mlp: MLP

        init(activation: Activation, seed: UInt64) {
            var rng = RandomGenerator(seed: seed)
            mlp = MLP(widths: [1, 6, 1], activation: activation, using: &rng)
            // non-zero biases, so that every parameter matters
            for p in mlp.parameters where p.value.rank == 1 {
                p.value = Tensor.randomNormal(p.shape, std: 0.5, using: &rng).requiringGrad()
            }
        }

        var parameterValues: [Tensor] { mlp.parameters.map(\.value) }

        /// Pair distances r_ij, shape [pairs, 1].
        func distances(_ x: Tensor) -> Tensor {
            let d = x.indexSelect(ForceMatchingTests.first) - x.indexSelect(ForceMatchingTests.second)
            return d.squared().sum(axes: [1], keepDims: true).sqrt()
        }

        /// E(x; w), a rank-0 tensor.
        func energy(_ x: Tensor) -> Tensor { mlp(distances(x)).sum() }

        /// F = −∂E/∂x, recorded so that it can be differentiated again.
        func forces(_ x: Tensor) -> Tensor {
            let xg = x.requiringGrad()
            return -grad(of: energy(xg), wrt: xg, createGraph: true)
        }

        /// L(w) = Σ(F − F_ref)².
        func loss(_ x: Tensor, _ reference: Tensor) -> Tensor {
            (forces(x) - reference).squared().sum()
        }
    }

    static let positions = randomTensor([4, 3], seed: 2024, scale: 0.8)
    static let referenceForces = randomTensor([4, 3], seed: 2025, scale: 0.5)

    static let activations: [Activation] = [.tanh, .softplus, .gelu, .silu(beta: 1.7), .sigmoid]

    @Test func atomsAreWellSeparated() {
        let r = PairModel(activation: .tanh, seed: 1).distances(Self.positions)
        #expect(r.shape == [6, 1])
        #expect(r.scalars.min()! > 0.3)
    }

    @Test(arguments: activations)
    func lossGradientMatchesFiniteDifferences(_ activation: Activation) {
        let model = PairModel(activation: activation, seed: 7)
        let x = Self.positions, fRef = Self.referenceForces
        let params = model.mlp.parameters
        #expect(params.count == 4 && model.mlp.parameterCount == 19)

        let L = model.loss(x, fRef)
        let analytic = grad(of: L, wrt: model.parameterValues)
        #expect(analytic.allSatisfy { !$0.requiresGrad })
        // the output bias shifts E by a constant, which no force sees
        #expect(model.mlp.namedParameters[3].name == "layers.1.bias")
        #expect(analytic[3].scalars == [0])

        // central differences of L in every weight, through the very same code path
        let h = 1e-5
        var checked = 0
        for (p, g) in zip(params, analytic) {
            #expect(g.shape == p.shape)
            for k in 0..<p.value.count {
                let w0 = p.value.scalars[k]
                p.value.scalars[k] = w0 + h
                let plus = model.loss(x, fRef).scalar
                p.value.scalars[k] = w0 - h
                let minus = model.loss(x, fRef).scalar
                p.value.scalars[k] = w0
                let numeric = (plus - minus) / (2 * h)
                // relative error; 0 when both sides vanish exactly (the output bias)
                let err = Swift.abs(g.scalars[k] - numeric) / Swift.max(Swift.abs(numeric), 1e-300)
                #expect(err < 1e-6, "\(activation) parameter \(checked): analytic \(g.scalars[k]) vs numeric \(numeric)")
                checked += 1
            }
        }
        #expect(checked == 19)
        // the parameters were restored exactly
        expectClose(model.loss(x, fRef), L, rtol: 0, atol: 0)
        // the gradient is not trivially zero
        #expect(analytic.contains { $0.scalars.contains { Swift.abs($0) > 1e-3 } })
    }

    @Test(arguments: activations)
    func forcesAreMinusTheEnergyGradient(_ activation: Activation) {
        let model = PairModel(activation: activation, seed: 8)
        let x = Self.positions
        let f = model.forces(x)
        #expect(f.shape == [4, 3])
        let h = 1e-5
        var numeric = x.zerosLike()
        for k in 0..<x.count {
            var plus = x, minus = x
            plus.scalars[k] += h
            minus.scalars[k] -= h
            numeric.scalars[k] = -(model.energy(plus).scalar - model.energy(minus).scalar) / (2 * h)
        }
        let scale = numeric.scalars.map { Swift.abs($0) }.max()!
        #expect(scale > 1e-3)
        expectClose(f, numeric, rtol: 1e-6, atol: 1e-9 * scale)
        // Newton's third law: pair forces cancel
        expectClose(f.sum(axes: [0]), Tensor.zeros([3]), rtol: 0, atol: 1e-12)
    }

    @Test func energyIsTranslationInvariant() {
        let model = PairModel(activation: .tanh, seed: 9)
        let x = Self.positions
        let e = model.energy(x)
        #expect(e.shape == [])
        for (k, t) in [Tensor([0.3, -1.7, 2.9]), Tensor([-5.0, 0.25, 0.125]), randomTensor([3], seed: 77)].enumerated() {
            expectClose(model.energy(x + t), e, rtol: 1e-12, atol: 1e-12, "translation \(k)")
        }
        // and so are the forces, to rounding
        expectClose(model.forces(x + Tensor([0.3, -1.7, 2.9])), model.forces(x), rtol: 1e-10, atol: 1e-12)
    }

    @Test func secondOrderGradientsThroughTheModelPassGradgradcheck() {
        // the same pipeline with positions and first-layer weights as inputs
        let model = PairModel(activation: .tanh, seed: 10)
        let w1 = model.mlp.layers[0].weight.value.detached(), b1 = model.mlp.layers[0].bias.value.detached()
        let w2 = model.mlp.layers[1].weight.value.detached(), b2 = model.mlp.layers[1].bias.value.detached()
        let f: @Sendable ([Tensor]) -> Tensor = { xs in
            let x = xs[0]
            let d = x.indexSelect(ForceMatchingTests.first) - x.indexSelect(ForceMatchingTests.second)
            let r = d.squared().sum(axes: [1], keepDims: true).sqrt()
            return Tensor.affine(Tensor.affine(r, xs[1], b1).tanh(), w2, b2).sum()
        }
        #expect(gradcheck(f, inputs: [Self.positions, w1]) < derivativeTolerance)
        #expect(gradgradcheck(f, inputs: [Self.positions, w1]) < derivativeTolerance)
    }
}

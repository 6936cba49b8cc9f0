import NNCore
import SymmdTestSupport
import Testing
@testable import NeuralPotentials

/// The deep set φ(Σ_j g(x_j)): permutation invariance, agreement with the formula computed point
/// by point, weight and input gradients against finite differences, and the negative control (a
/// plain MLP on the concatenated coordinates is not invariant).
@Suite struct DeepSetTests {
    /// A random deep set on points in ℝ³ with two outputs.
    static func model(pooling: SetPooling, seed: UInt64 = 3) -> DeepSet {
        var rng = RandomGenerator(seed: seed)
        return DeepSet(inputs: 3, elementWidths: [8, 6], readoutWidths: [7], outputs: 2, pooling: pooling, using: &rng)
    }

    /// `x` [batch, n, d] with the points of each set reordered by its own random permutation;
    /// also returns the permutations (none of them the identity).
    static func permutedSets(_ x: Tensor, seed: UInt64) -> (Tensor, [[Int]]) {
        let (b, n, d) = (x.shape[0], x.shape[1], x.shape[2])
        var rng = RandomGenerator(seed: seed)
        var out = x.scalars, perms: [[Int]] = []
        for s in 0..<b {
            var p = rng.permutation(n)
            while p == Array(0..<n) { p = rng.permutation(n) }
            perms.append(p)
            for j in 0..<n {
                for c in 0..<d { out[(s * n + j) * d + c] = x.scalars[(s * n + p[j]) * d + c] }
            }
        }
        return (Tensor(shape: x.shape, scalars: out), perms)
    }

    @Test(arguments: SetPooling.allCases)
    func invariantUnderPermutationsOfTheSet(_ pooling: SetPooling) {
        let ds = Self.model(pooling: pooling)
        let x = randomTensor([5, 7, 3], seed: 11)
        let y = withNoGrad { ds(x) }
        #expect(y.shape == [5, 2])
        #expect(y.scalars.map { abs($0) }.max()! > 1e-3, "outputs should not vanish")
        for trial in 0..<4 {
            let (xp, _) = Self.permutedSets(x, seed: 100 + UInt64(trial))
            #expect(xp.scalars != x.scalars)
            let yp = withNoGrad { ds(xp) }
            expectClose(yp, y, rtol: 0, atol: 1e-12, "trial \(trial)")
        }
    }

    @Test(arguments: SetPooling.allCases)
    func equalsTheFormulaPointByPoint(_ pooling: SetPooling) {
        let ds = Self.model(pooling: pooling)
        let (b, n) = (3, 4)
        let x = randomTensor([b, n, 3], seed: 12)
        let y = withNoGrad { ds(x) }
        for s in 0..<b {
            // Σ_j g(x_j) with g called on one point at a time, so no batching can mix the sets.
            var pooled = Tensor.zeros([1, ds.latentWidth])
            for j in 0..<n {
                let point = Tensor(shape: [1, 3], scalars: Array(x.scalars[((s * n + j) * 3)..<((s * n + j) * 3 + 3)]))
                pooled = pooled + withNoGrad { ds.element(point) }
            }
            if pooling == .mean { pooled = pooled * (1 / Double(n)) }
            let expected = withNoGrad { ds.readout(pooled) }
            expectClose(Tensor(shape: [1, 2], scalars: Array(y.scalars[(2 * s)..<(2 * s + 2)])), expected,
                        rtol: 1e-13, atol: 1e-14, "set \(s)")
        }
    }

    @Test func meanPoolingIsTheSumOverN() {
        var rng = RandomGenerator(seed: 5)
        let sum = DeepSet(inputs: 2, elementWidths: [5], readoutWidths: [4], outputs: 1, pooling: .sum, using: &rng)
        let mean = DeepSet(element: sum.element, readout: sum.readout, pooling: .mean)
        let x = randomTensor([2, 6, 2], seed: 13)
        expectClose(withNoGrad { mean.pooled(x) * 6 }, withNoGrad { sum.pooled(x) }, rtol: 1e-14, atol: 1e-14)
        // One layer serves sets of any size.
        #expect(withNoGrad { sum(randomTensor([2, 3, 2], seed: 14)) }.shape == [2, 1])
        #expect(withNoGrad { sum(randomTensor([4, 11, 2], seed: 15)) }.shape == [4, 1])
    }

    @Test(arguments: SetPooling.allCases)
    func weightGradientsMatchFiniteDifferences(_ pooling: SetPooling) {
        let ds = Self.model(pooling: pooling)
        let params = ds.parameters
        #expect(params.count == 8)  // two dense layers in g, two in φ, a weight and a bias each
        let saved = params.map(\.value)
        defer { for (p, v) in zip(params, saved) { p.value = v } }
        // Biases start at zero; give them values so their gradients are exercised at a generic point.
        let start = params.enumerated().map { k, p in p.value.detached() + randomTensor(p.shape, seed: 40 + UInt64(k), scale: 0.3) }
        let x = randomTensor([3, 5, 3], seed: 16)
        // the check below evaluates the net at the weights it is handed, not at the stored ones
        let atSaved = withNoGrad { ds(x) }
        for (p, w) in zip(params, start) { p.value = w }
        #expect(withNoGrad { ds(x) }.scalars != atSaved.scalars)
        let error = gradcheck({ ws in
            for (p, w) in zip(params, ws) { p.value = w }
            return ds(x)
        }, inputs: start, seed: 2)
        #expect(error < 1e-7, "max relative error \(error)")
    }

    @Test func inputGradientsMatchFiniteDifferences() {
        let ds = Self.model(pooling: .sum)
        let error = gradcheck({ xs in ds(xs[0]) }, inputs: [randomTensor([2, 4, 3], seed: 17)], seed: 3)
        #expect(error < 1e-7, "max relative error \(error)")
    }

    /// The training path: gradients of a loss with respect to the parameters themselves (the tape's
    /// leaves) are those the finite differences give.
    @Test func lossGradientThroughParameters() {
        let ds = Self.model(pooling: .sum, seed: 8)
        let x = randomTensor([4, 5, 3], seed: 18), target = randomTensor([4, 2], seed: 19)
        let params = ds.parameters
        let analytic = grad(of: Loss.mse(ds(x), target), wrt: params.map(\.value))
        let saved = params.map(\.value)
        defer { for (p, v) in zip(params, saved) { p.value = v } }
        let numeric = numericalGradients({ ws in
            for (p, w) in zip(params, ws) { p.value = w }
            return withNoGrad { Loss.mse(ds(x), target).scalar }
        }, at: saved.map { $0.detached() })
        #expect(maxRelativeError(analytic, numeric) < 1e-7)
    }

    /// Negative control: an MLP on the flattened coordinates [x_1, …, x_n] sees a different input
    /// when the points are reordered, and its output changes.
    @Test func plainMLPOnConcatenatedCoordinatesIsNotInvariant() {
        var rng = RandomGenerator(seed: 21)
        let (b, n, d) = (5, 7, 3)
        let mlp = MLP(widths: [n * d, 16, 16, 2], using: &rng)
        let ds = Self.model(pooling: .sum)
        let x = randomTensor([b, n, d], seed: 22)
        let (xp, _) = Self.permutedSets(x, seed: 23)
        let y = withNoGrad { mlp(x.reshaped([b, n * d])) }
        let yp = withNoGrad { mlp(xp.reshaped([b, n * d])) }
        let scale = y.scalars.map { abs($0) }.max()!
        let change = zip(y.scalars, yp.scalars).map { abs($0 - $1) }
        #expect(change.max()! > 1e-2 * scale, "the MLP should change under a permutation: \(change.max()!) vs \(scale)")
        // every set's output moves, not just one
        for s in 0..<b { #expect(max(change[2 * s], change[2 * s + 1]) > 1e-6, "set \(s)") }
        // the deep set on the same inputs does not
        expectClose(withNoGrad { ds(xp) }, withNoGrad { ds(x) }, rtol: 0, atol: 1e-12)
    }
}

/// Gradients at the shapes of the example's pair model (one feature per element, sets of 15,
/// batches of a size that is not a power of two), where NNCore's kernels take other paths.
@Suite struct DeepSetShapeTests {
    @Test(arguments: [(1, 15, 32), (1, 15, 100), (3, 6, 32)])
    func weightGradientsAtTrainingShapes(_ shape: (Int, Int, Int)) {
        let (d, n, b) = shape
        var rng = RandomGenerator(seed: 9)
        let ds = DeepSet(inputs: d, elementWidths: [8, 8], readoutWidths: [8], outputs: 1, pooling: .mean, using: &rng)
        let params = ds.parameters
        let saved = params.map(\.value)
        defer { for (p, v) in zip(params, saved) { p.value = v } }
        let start = params.enumerated().map { k, p in p.value.detached() + randomTensor(p.shape, seed: 60 + UInt64(k), scale: 0.3) }
        let x = randomTensor([b, n, d], seed: 61, scale: 0.5, offset: 1.5)
        let error = gradcheck({ ws in
            for (p, w) in zip(params, ws) { p.value = w }
            return ds(x)
        }, inputs: start, seed: 4)
        #expect(error < 1e-7, "max relative error \(error)")
    }
}

import Foundation
import NNCore
import SymmdTestSupport
import Synchronization
import Testing

// MARK: - Hand-unrolled reference arithmetic (plain arrays, no tensor ops)

private typealias Mat = [[Double]]

/// Step t of a time-major [T, N, F] tensor as rows.
private func stepRows(_ x: Tensor, _ t: Int) -> Mat {
    let n = x.shape[1], f = x.shape[2]
    return (0..<n).map { r in Array(x.scalars[((t * n + r) * f)..<((t * n + r + 1) * f)]) }
}

/// Rows of a rank-2 tensor.
private func rows(_ t: Tensor) -> Mat {
    let c = t.shape[1]
    return (0..<t.shape[0]).map { Array(t.scalars[($0 * c)..<(($0 + 1) * c)]) }
}

/// a·W by explicit loops (W a rank-2 tensor).
private func mul(_ a: Mat, _ w: Tensor) -> Mat {
    let (k, m) = (w.shape[0], w.shape[1])
    return a.map { row in
        (0..<m).map { j in
            var s = 0.0
            for i in 0..<k { s += row[i] * w.scalars[i * m + j] }
            return s
        }
    }
}

private func add(_ a: Mat, _ b: Mat) -> Mat { zip(a, b).map { zip($0, $1).map { $0 + $1 } } }
private func had(_ a: Mat, _ b: Mat) -> Mat { zip(a, b).map { zip($0, $1).map { $0 * $1 } } }
private func addBias(_ a: Mat, _ b: Tensor?) -> Mat { b.map { b in a.map { zip($0, b.scalars).map { $0 + $1 } } } ?? a }
private func apply(_ a: Mat, _ f: (Double) -> Double) -> Mat { a.map { $0.map(f) } }
/// Columns k·h..<(k+1)·h.
private func block(_ a: Mat, _ k: Int, _ h: Int) -> Mat { a.map { Array($0[(k * h)..<((k + 1) * h)]) } }
private func sig(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }
private func th(_ x: Double) -> Double { Foundation.tanh(x) }
/// [T][N][H] → a [T, N, H] tensor.
private func tensor3(_ hs: [Mat]) -> Tensor {
    Tensor(shape: [hs.count, hs[0].count, hs[0][0].count], scalars: hs.flatMap { $0.flatMap { $0 } })
}

/// Overwrites every parameter of a layer with seeded random values (scale 0.5).
private func randomizeParameters(_ layer: some Layer, seed: UInt64) {
    for (k, p) in layer.parameters.enumerated() {
        p.value.scalars = randomTensor(p.shape, seed: seed &+ UInt64(k), scale: 0.5).scalars
    }
}

/// Sets the layer's parameters (in `parameters` order) to `values`.
private func setParameters(_ layer: some Layer, _ values: ArraySlice<Tensor>) {
    for (p, v) in zip(layer.parameters, values) { p.value = v }
}

/// Everything a recurrent run returns, flattened into one vector for the derivative checks.
private func flat(_ parts: Tensor...) -> Tensor {
    Tensor.concatenate(parts.map { $0.flattened() }, axis: 0)
}

private let (T, N, F, H) = (3, 2, 3, 4)

/// A value handed to concurrent tasks (tensors are read-only here).
private struct UncheckedBox<V>: @unchecked Sendable {
    let value: V
    init(_ value: V) { self.value = value }
}

@Suite struct RecurrentTests {
    // MARK: Values against a hand-unrolled T = 3 reference

    @Test func rnnMatchesHandUnrolledReference() {
        var rng = RandomGenerator(seed: 1)
        let rnn = RNN(inputSize: F, hiddenSize: H, outputSize: 2, using: &rng)
        randomizeParameters(rnn, seed: 10)
        let x = randomTensor([T, N, F], seed: 11), h0 = randomTensor([N, H], seed: 12, scale: 0.5)
        let w = rnn.inputWeight.value, u = rnn.recurrentWeight.value, b = rnn.bias!.value, v = rnn.outputWeight!.value
        // h_t = tanh(x_t W + h_{t−1} U + b), y_t = h_t V, unrolled
        let h1 = apply(addBias(add(mul(stepRows(x, 0), w), mul(rows(h0), u)), b), th)
        let h2 = apply(addBias(add(mul(stepRows(x, 1), w), mul(h1, u)), b), th)
        let h3 = apply(addBias(add(mul(stepRows(x, 2), w), mul(h2, u)), b), th)
        let out = rnn(x, initialState: h0)
        expectClose(out.states, tensor3([h1, h2, h3]), rtol: 1e-13, atol: 1e-14)
        expectClose(out.final, Tensor(h3), rtol: 1e-13, atol: 1e-14)
        expectClose(rnn.project(out.states), tensor3([mul(h1, v), mul(h2, v), mul(h3, v)]), rtol: 1e-13, atol: 1e-14)
        // from the zero state, callAsFunction(x) is the projected output
        let z = [[Double]](repeating: [Double](repeating: 0, count: H), count: N)
        let g1 = apply(addBias(add(mul(stepRows(x, 0), w), mul(z, u)), b), th)
        let y = rnn(x)
        #expect(y.shape == [T, N, 2])
        expectClose(y.narrowed(axis: 0, start: 0, length: 1).reshaped([N, 2]), Tensor(mul(g1, v)), rtol: 1e-13, atol: 1e-14)
    }

    @Test(arguments: [LSTMVariant.standard, .lectureNotes])
    func lstmMatchesHandUnrolledReference(_ variant: LSTMVariant) {
        var rng = RandomGenerator(seed: 2)
        let lstm = LSTM(inputSize: F, hiddenSize: H, variant: variant, using: &rng)
        randomizeParameters(lstm, seed: 20)
        let x = randomTensor([T, N, F], seed: 21)
        let h0 = randomTensor([N, H], seed: 22, scale: 0.5), c0 = randomTensor([N, H], seed: 23, scale: 0.5)
        let w = lstm.inputWeight.value, u = lstm.recurrentWeight.value, b = lstm.bias!.value
        var h = rows(h0), c = rows(c0)
        var hs: [Mat] = []
        for t in 0..<T {
            let z = addBias(add(mul(stepRows(x, t), w), mul(h, u)), b)
            let i = apply(block(z, 0, H), sig), f = apply(block(z, 1, H), sig)
            let g = apply(block(z, 2, H), th), o = apply(block(z, 3, H), sig)
            switch variant {
            case .standard:
                c = add(had(f, c), had(i, g))
                h = had(o, apply(c, th))
            case .lectureNotes:
                c = add(had(apply(f) { 1 - $0 }, c), had(i, g))
                h = had(o, c)
            }
            hs.append(h)
        }
        let out = lstm(x, initialState: LSTMState(hidden: h0, cell: c0))
        expectClose(out.states, tensor3(hs), rtol: 1e-13, atol: 1e-14)
        expectClose(out.final.hidden, Tensor(h), rtol: 1e-13, atol: 1e-14)
        expectClose(out.final.cell, Tensor(c), rtol: 1e-13, atol: 1e-14)
    }

    @Test func gruMatchesHandUnrolledReference() {
        var rng = RandomGenerator(seed: 3)
        let gru = GRU(inputSize: F, hiddenSize: H, using: &rng)
        randomizeParameters(gru, seed: 30)
        let x = randomTensor([T, N, F], seed: 31), h0 = randomTensor([N, H], seed: 32, scale: 0.5)
        let w = gru.inputWeight.value, u = gru.recurrentWeight.value
        let bi = gru.inputBias!.value, bh = gru.recurrentBias!.value
        var h = rows(h0)
        var hs: [Mat] = []
        for t in 0..<T {
            let xp = addBias(mul(stepRows(x, t), w), bi), hu = addBias(mul(h, u), bh)
            let r = apply(add(block(xp, 0, H), block(hu, 0, H)), sig)
            let z = apply(add(block(xp, 1, H), block(hu, 1, H)), sig)
            let n = apply(add(block(xp, 2, H), had(r, block(hu, 2, H))), th)
            h = add(had(apply(z) { 1 - $0 }, n), had(z, h))
            hs.append(h)
        }
        let out = gru(x, initialState: h0)
        expectClose(out.states, tensor3(hs), rtol: 1e-13, atol: 1e-14)
        expectClose(out.final, Tensor(h), rtol: 1e-13, atol: 1e-14)
    }

    // MARK: First derivatives: inputs, initial state and every parameter

    @Test func rnnGradcheck() {
        var rng = RandomGenerator(seed: 4)
        let rnn = RNN(inputSize: F, hiddenSize: H, outputSize: 2, using: &rng)
        randomizeParameters(rnn, seed: 40)
        let inputs = [randomTensor([T, N, F], seed: 41), randomTensor([N, H], seed: 42, scale: 0.5)]
            + rnn.parameters.map(\.value)
        let f: ([Tensor]) -> Tensor = { xs in
            setParameters(rnn, xs[2...])
            let out = rnn(xs[0], initialState: xs[1])
            return flat(rnn.project(out.states), out.states, out.final)
        }
        let err = gradcheck(f, inputs: inputs)
        #expect(err < 1e-6, "gradcheck error \(err)")
    }

    @Test(arguments: [LSTMVariant.standard, .lectureNotes])
    func lstmGradcheck(_ variant: LSTMVariant) {
        var rng = RandomGenerator(seed: 5)
        let lstm = LSTM(inputSize: F, hiddenSize: H, variant: variant, using: &rng)
        randomizeParameters(lstm, seed: 50)
        let inputs = [randomTensor([T, N, F], seed: 51), randomTensor([N, H], seed: 52, scale: 0.5),
                      randomTensor([N, H], seed: 53, scale: 0.5)] + lstm.parameters.map(\.value)
        let f: ([Tensor]) -> Tensor = { xs in
            setParameters(lstm, xs[3...])
            let out = lstm(xs[0], initialState: LSTMState(hidden: xs[1], cell: xs[2]))
            return flat(out.states, out.final.hidden, out.final.cell)
        }
        let err = gradcheck(f, inputs: inputs)
        #expect(err < 1e-6, "gradcheck error \(err)")
    }

    @Test func gruGradcheck() {
        var rng = RandomGenerator(seed: 6)
        let gru = GRU(inputSize: F, hiddenSize: H, using: &rng)
        randomizeParameters(gru, seed: 60)
        let inputs = [randomTensor([T, N, F], seed: 61), randomTensor([N, H], seed: 62, scale: 0.5)]
            + gru.parameters.map(\.value)
        let f: ([Tensor]) -> Tensor = { xs in
            setParameters(gru, xs[2...])
            let out = gru(xs[0], initialState: xs[1])
            return flat(out.states, out.final)
        }
        let err = gradcheck(f, inputs: inputs)
        #expect(err < 1e-6, "gradcheck error \(err)")
    }

    // MARK: Second derivatives (the createGraph path of the fused cells)

    @Test(arguments: [LSTMVariant.standard, .lectureNotes])
    func lstmGradgradcheck(_ variant: LSTMVariant) {
        var rng = RandomGenerator(seed: 7)
        let lstm = LSTM(inputSize: F, hiddenSize: H, variant: variant, using: &rng)
        randomizeParameters(lstm, seed: 70)
        let inputs = [randomTensor([T, N, F], seed: 71), randomTensor([N, H], seed: 72, scale: 0.5),
                      randomTensor([N, H], seed: 73, scale: 0.5)] + lstm.parameters.map(\.value)
        let f: ([Tensor]) -> Tensor = { xs in
            setParameters(lstm, xs[3...])
            let out = lstm(xs[0], initialState: LSTMState(hidden: xs[1], cell: xs[2]))
            return flat(out.states, out.final.cell)
        }
        // with respect to the input alone, then to everything at once
        let x = inputs[0], rest = Array(inputs.dropFirst())
        let errX = gradgradcheck({ f([$0[0]] + rest) }, inputs: [x])
        #expect(errX < 1e-6, "gradgradcheck error (input) \(errX)")
        let errAll = gradgradcheck(f, inputs: inputs)
        #expect(errAll < 1e-6, "gradgradcheck error (all) \(errAll)")
    }

    @Test func gruAndRNNGradgradcheck() {
        var rng = RandomGenerator(seed: 8)
        let gru = GRU(inputSize: F, hiddenSize: H, using: &rng)
        randomizeParameters(gru, seed: 80)
        let x = randomTensor([T, N, F], seed: 81), h0 = randomTensor([N, H], seed: 82, scale: 0.5)
        let eg = gradgradcheck({ xs in gru(xs[0], initialState: xs[1]).states }, inputs: [x, h0])
        #expect(eg < 1e-6, "GRU gradgradcheck error \(eg)")
        let rnn = RNN(inputSize: F, hiddenSize: H, outputSize: 2, using: &rng)
        randomizeParameters(rnn, seed: 83)
        let er = gradgradcheck({ xs in rnn.project(rnn(xs[0], initialState: xs[1]).states) }, inputs: [x, h0])
        #expect(er < 1e-6, "RNN gradgradcheck error \(er)")
    }

    // MARK: The shared weights node (per-step gradients gathered into one dgemm)

    @Test func stepsWithoutGradientAndPartialTargets() {
        var rng = RandomGenerator(seed: 12)
        let lstm = LSTM(inputSize: F, hiddenSize: H, using: &rng)
        randomizeParameters(lstm, seed: 120)
        let x = randomTensor([T, N, F], seed: 121), h0 = randomTensor([N, H], seed: 122, scale: 0.5)
        // only the first step's state is used: steps 2 and 3 get no gradient at all
        let f: ([Tensor]) -> Tensor = { xs in
            setParameters(lstm, xs[2...])
            return lstm(xs[0], initialState: LSTMState(hidden: xs[1], cell: .zeros([N, H]))).states.narrowed(axis: 0, start: 0, length: 1)
        }
        let err = gradcheck(f, inputs: [x, h0] + lstm.parameters.map(\.value))
        #expect(err < 1e-6, "gradcheck error \(err)")

        // gradient with respect to the initial state alone equals that part of the full gradient
        let xg = x.requiringGrad(), hg = h0.requiringGrad()
        let params = lstm.parameters.map(\.value)
        func loss() -> Tensor { lstm(xg, initialState: LSTMState(hidden: hg, cell: .zeros([N, H]))).states.squared().sum() }
        let all = grad(of: loss(), wrt: [xg, hg] + params)
        expectClose(grad(of: loss(), wrt: hg), all[1], rtol: 1e-14, atol: 1e-15)
        let wOnly = grad(of: loss(), wrt: [params[0]])[0]
        expectClose(wOnly, all[2], rtol: 1e-14, atol: 1e-15)
        // with respect to an interior state and a weight together
        let out = lstm(xg, initialState: LSTMState(hidden: hg, cell: .zeros([N, H])))
        let mid = out.states.narrowed(axis: 0, start: 1, length: 1)
        let gs = grad(of: out.states.squared().sum(), wrt: [mid, params[1]])
        #expect(gs[0].shape == [1, N, H] && gs[1].shape == params[1].shape)
        expectClose(gs[1], all[3], rtol: 1e-13, atol: 1e-15)
    }

    @Test func repeatedAndConcurrentBackwardPassesAgree() {
        var rng = RandomGenerator(seed: 13)
        let gru = GRU(inputSize: F, hiddenSize: H, using: &rng)
        let lstm = LSTM(inputSize: F, hiddenSize: H, using: &rng)
        let x = randomTensor([64, N, F], seed: 131).requiringGrad()  // long enough for passes to overlap
        let loss = gru(x).squared().sum() + lstm(x).squared().sum()
        let targets = [x] + gru.parameters.map(\.value) + lstm.parameters.map(\.value)
        let first = grad(of: loss, wrt: targets)
        let second = grad(of: loss, wrt: targets)  // the stash was emptied by the first pass
        for (a, b) in zip(first, second) { expectClose(a, b, rtol: 0, atol: 0) }
        // passes on several threads at once through the same forward graph
        let results = Mutex<[[Tensor]]>([])
        let box = UncheckedBox((loss, targets))
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            let g = grad(of: box.value.0, wrt: box.value.1)
            results.withLock { $0.append(g) }
        }
        for r in results.withLock({ $0 }) {
            for (a, b) in zip(r, first) { expectClose(a, b, rtol: 0, atol: 0) }
        }
    }

    @Test func stepListGradcheck() {
        var rng = RandomGenerator(seed: 14)
        let rnn = RNN(inputSize: F, hiddenSize: H, using: &rng), gru = GRU(inputSize: F, hiddenSize: H, using: &rng)
        randomizeParameters(rnn, seed: 140)
        randomizeParameters(gru, seed: 141)
        let xs = (0..<T).map { randomTensor([N, F], seed: 142 &+ UInt64($0)) }
        let err = gradcheck({ xs in
            let a = rnn(steps: xs, initialState: nil), b = gru(steps: xs, initialState: nil)
            return flat(Tensor.stack(a.states), b.final)
        }, inputs: xs)
        #expect(err < 1e-6, "gradcheck error \(err)")
    }

    // MARK: API paths

    @Test func stepListAndSingleStepsAgreeWithTheSequenceCall() {
        var rng = RandomGenerator(seed: 9)
        let lstm = LSTM(inputSize: F, hiddenSize: H, using: &rng)
        let x = randomTensor([T, N, F], seed: 91)
        let steps = (0..<T).map { x.narrowed(axis: 0, start: $0, length: 1).reshaped([N, F]) }
        let whole = lstm(x, initialState: nil)
        let listed = lstm(steps: steps, initialState: nil)
        expectClose(Tensor.stack(listed.states), whole.states, rtol: 0, atol: 0)
        var s: LSTMState? = nil
        for xt in steps { s = lstm.step(xt, state: s) }
        expectClose(s!.hidden, whole.final.hidden, rtol: 1e-15, atol: 1e-15)
        expectClose(s!.cell, whole.final.cell, rtol: 1e-15, atol: 1e-15)

        // gradients through the step-list path equal those through the tensor path
        let xs = steps.map { $0.requiringGrad() }
        let loss = lstm(steps: xs, initialState: nil).states.reduce(Tensor(0.0)) { $0 + $1.squared().sum() }
        let gList = grad(of: loss, wrt: xs)
        let xg = x.requiringGrad()
        let gWhole = grad(of: lstm(xg, initialState: nil).states.squared().sum(), wrt: xg)
        expectClose(Tensor.stack(gList), gWhole, rtol: 1e-13, atol: 1e-15)

        let gru = GRU(inputSize: F, hiddenSize: H, using: &rng), rnn = RNN(inputSize: F, hiddenSize: H, using: &rng)
        expectClose(Tensor.stack(gru(steps: steps, initialState: nil).states), gru(x), rtol: 0, atol: 0)
        expectClose(Tensor.stack(rnn(steps: steps, initialState: nil).states), rnn(x), rtol: 0, atol: 0)
    }

    @Test func emptySequenceReturnsTheInitialState() {
        var rng = RandomGenerator(seed: 10)
        let lstm = LSTM(inputSize: F, hiddenSize: H, using: &rng)
        let s0 = LSTMState(hidden: randomTensor([N, H], seed: 1), cell: randomTensor([N, H], seed: 2))
        let out = lstm(Tensor.zeros([0, N, F]), initialState: s0)
        #expect(out.states.shape == [0, N, H])
        #expect(out.final.hidden.scalars == s0.hidden.scalars && out.final.cell.scalars == s0.cell.scalars)
        #expect(RNN(inputSize: F, hiddenSize: H, outputSize: 5, using: &rng)(Tensor.zeros([0, N, F])).shape == [0, N, 5])
        #expect(GRU(inputSize: F, hiddenSize: H, using: &rng)(Tensor.zeros([0, N, F])).shape == [0, N, H])
    }

    @Test func layersWithoutBiasAndTheirParameters() {
        var rng = RandomGenerator(seed: 11)
        let lstm = LSTM(inputSize: F, hiddenSize: H, bias: false, using: &rng)
        #expect(lstm.namedParameters.map(\.name) == ["inputWeight", "recurrentWeight"])
        #expect(LSTM(inputSize: F, hiddenSize: H, using: &rng).parameterCount == 4 * H * (F + H + 1))
        let gru = GRU(inputSize: F, hiddenSize: H, using: &rng)
        #expect(gru.namedParameters.map(\.name) == ["inputWeight", "recurrentWeight", "inputBias", "recurrentBias"])
        let rnn = RNN(inputSize: F, hiddenSize: H, outputSize: 2, bias: false, using: &rng)
        #expect(rnn.namedParameters.map(\.name) == ["inputWeight", "recurrentWeight", "outputWeight"])

        // without bias, the preactivation is x·W + h·U exactly
        let x = randomTensor([1, N, F], seed: 3)
        let z = mul(stepRows(x, 0), lstm.inputWeight.value)
        let i = apply(block(z, 0, H), sig), g = apply(block(z, 2, H), th), o = apply(block(z, 3, H), sig)
        let h = had(o, apply(had(i, g), th))
        expectClose(lstm(x).reshaped([N, H]), Tensor(h), rtol: 1e-13, atol: 1e-14)
    }
}

import Foundation
import NNCore
import SymmdTestSupport
import Testing

@Suite struct OptimizerTests {
    let w0: [Double] = [1.0, -2.0]
    let g1 = Tensor([0.5, 0.25])
    let g2 = Tensor([-1.0, 2.0])

    /// Two steps of `opt` on a fresh parameter starting at w0, with gradients g1 then g2.
    private func twoSteps(_ opt: some Optimizer) -> (after1: [Double], after2: [Double]) {
        let p = Parameter(Tensor(w0))
        opt.step([p], gradients: [g1])
        let a1 = p.value.scalars
        opt.step([p], gradients: [g2])
        #expect(p.value.requiresGrad, "the optimizer must keep the parameter a leaf of the tape")
        return (a1, p.value.scalars)
    }

    private func expectClose(_ a: [Double], _ b: [Double], rtol: Double = 1e-14,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        SymmdTestSupport.expectClose(Tensor(a), Tensor(b), rtol: rtol, atol: 1e-15, sourceLocation: sourceLocation)
    }

    // MARK: SGD

    @Test func sgdPlain() {
        // w1 = w0 − 0.1·g1 = [0.95, −2.025];  w2 = w1 − 0.1·g2 = [1.05, −2.225]
        let (a1, a2) = twoSteps(SGD(learningRate: 0.1))
        expectClose(a1, [0.95, -2.025])
        expectClose(a2, [1.05, -2.225])
    }

    @Test func sgdMomentum() {
        // v1 = g1 = [0.5, 0.25];            w1 = w0 − 0.1·v1 = [0.95, −2.025]
        // v2 = 0.9·v1 + g2 = [−0.55, 2.225]; w2 = w1 − 0.1·v2 = [1.005, −2.2475]
        let (a1, a2) = twoSteps(SGD(learningRate: 0.1, momentum: 0.9))
        expectClose(a1, [0.95, -2.025])
        expectClose(a2, [1.005, -2.2475])
    }

    @Test func sgdNesterov() {
        // v1 = g1;              w1 = w0 − 0.1·(g1 + 0.9·v1) = w0 − 0.19·g1 = [0.905, −2.0475]
        // v2 = 0.9·v1 + g2 = [−0.55, 2.225]
        // w2 = w1 − 0.1·(g2 + 0.9·v2) = w1 − 0.1·[−1.495, 4.0025] = [1.0545, −2.44775]
        let (a1, a2) = twoSteps(SGD(learningRate: 0.1, momentum: 0.9, nesterov: true))
        expectClose(a1, [0.905, -2.0475])
        expectClose(a2, [1.0545, -2.44775])
    }

    @Test func sgdWeightDecay() {
        // g1' = g1 + 0.1·w0 = [0.6, 0.05];      w1 = w0 − 0.1·g1' = [0.94, −2.005]
        // g2' = g2 + 0.1·w1 = [−0.906, 1.7995]; w2 = w1 − 0.1·g2' = [1.0306, −2.18495]
        let (a1, a2) = twoSteps(SGD(learningRate: 0.1, weightDecay: 0.1))
        expectClose(a1, [0.94, -2.005])
        expectClose(a2, [1.0306, -2.18495])
    }

    @Test func sgdMomentumWithWeightDecay() {
        // v1 = g1 + 0.1·w0 = [0.6, 0.05];                  w1 = [0.94, −2.005]
        // v2 = 0.9·v1 + g2 + 0.1·w1 = [−0.366, 1.8445];    w2 = w1 − 0.1·v2 = [0.9766, −2.18945]
        let (a1, a2) = twoSteps(SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 0.1))
        expectClose(a1, [0.94, -2.005])
        expectClose(a2, [0.9766, -2.18945])
    }

    @Test func sgdKeepsSeparateVelocityPerParameter() {
        let opt = SGD(learningRate: 0.1, momentum: 0.9)
        let p = Parameter(Tensor([0.0])), q = Parameter(Tensor([0.0]))
        opt.step([p, q], gradients: [Tensor([1.0]), Tensor([-1.0])])
        opt.step([p, q], gradients: [Tensor([1.0]), Tensor([-1.0])])
        // v: 1 then 1.9 → w = −0.1 − 0.19
        expectClose(p.value.scalars, [-0.29])
        expectClose(q.value.scalars, [0.29])
    }

    // MARK: Adam

    /// Adam by the paper's formulas, two steps, elementwise.
    private func adamReference(lr: Double, b1: Double, b2: Double, eps: Double, wd: Double, decoupled: Bool)
        -> (after1: [Double], after2: [Double]) {
        var w = w0, m = [0.0, 0], v = [0.0, 0]
        var out: [[Double]] = []
        for (t, g) in [g1, g2].enumerated() {
            let step = Double(t + 1)
            for k in 0..<2 {
                var gk = g.scalars[k]
                if decoupled { w[k] -= lr * wd * w[k] } else { gk += wd * w[k] }
                m[k] = b1 * m[k] + (1 - b1) * gk
                v[k] = b2 * v[k] + (1 - b2) * gk * gk
                let mHat = m[k] / (1 - Foundation.pow(b1, step))
                let vHat = v[k] / (1 - Foundation.pow(b2, step))
                w[k] -= lr * mHat / (vHat.squareRoot() + eps)
            }
            out.append(w)
        }
        return (out[0], out[1])
    }

    @Test func adamFirstTwoStepsMatchTheFormula() {
        let (a1, a2) = twoSteps(Adam(learningRate: 0.1))
        // After bias correction, step 1 moves each weight by lr·g/(|g| + ε) ≈ lr·sign(g).
        expectClose(a1, [1.0 - 0.1 * 0.5 / (0.5 + 1e-8), -2.0 - 0.1 * 0.25 / (0.25 + 1e-8)])
        // Step 2 written out for element 0 (g = 0.5 then −1):
        let m0 = 0.9 * (0.1 * 0.5) + 0.1 * -1.0            // −0.055
        let v0 = 0.999 * (0.001 * 0.25) + 0.001 * 1.0     // 0.00124975
        let mHat = m0 / (1 - 0.81), vHat = v0 / (1 - 0.998001)
        expectClose([a2[0]], [a1[0] - 0.1 * mHat / (vHat.squareRoot() + 1e-8)])
        let ref = adamReference(lr: 0.1, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0, decoupled: false)
        expectClose(a1, ref.after1)
        expectClose(a2, ref.after2)
    }

    @Test func adamWithOtherHyperparameters() {
        let (a1, a2) = twoSteps(Adam(learningRate: 0.05, beta1: 0.8, beta2: 0.99, epsilon: 1e-3))
        let ref = adamReference(lr: 0.05, b1: 0.8, b2: 0.99, eps: 1e-3, wd: 0, decoupled: false)
        expectClose(a1, ref.after1)
        expectClose(a2, ref.after2)
    }

    @Test func adamWDecouplesWeightDecay() {
        let (w1, w2) = twoSteps(Adam.adamW(learningRate: 0.1, weightDecay: 0.1))
        let (l1, l2) = twoSteps(Adam(learningRate: 0.1, weightDecay: 0.1))
        let refW = adamReference(lr: 0.1, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0.1, decoupled: true)
        let refL = adamReference(lr: 0.1, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0.1, decoupled: false)
        expectClose(w1, refW.after1)
        expectClose(w2, refW.after2)
        expectClose(l1, refL.after1)
        expectClose(l2, refL.after2)
        // AdamW step 1: w0(1 − lr·wd) − lr·g/(|g|+ε) = [1·0.99 − 0.1, −2·0.99 − 0.1]
        expectClose(w1, [0.99 - 0.1 * 0.5 / (0.5 + 1e-8), -1.98 - 0.1 * 0.25 / (0.25 + 1e-8)])
        // L2 Adam step 1: the decay enters the normalised gradient g' = g + wd·w0 = [0.6, 0.05] → lr·sign(g')
        expectClose(l1, [1 - 0.1 * 0.6 / (0.6 + 1e-8), -2 - 0.1 * 0.05 / (0.05 + 1e-8)])
        #expect(abs(w1[0] - l1[0]) > 1e-3 && abs(w2[1] - l2[1]) > 1e-3)
        // adamW's default decay is 0.01 and it is decoupled
        let d = Adam.adamW()
        #expect(d.weightDecay == 0.01 && d.decoupledWeightDecay && d.learningRate == 1e-3)
    }

    @Test func adamRespectsLearningRateChangesAndKeepsStatePerParameter() {
        let opt = Adam(learningRate: 0.1)
        let p = Parameter(Tensor(w0)), q = Parameter(Tensor([3.0]))
        opt.step([p, q], gradients: [g1, Tensor([1.0])])
        opt.learningRate = 0.1  // unchanged for p's reference below
        opt.step([p], gradients: [g2])
        let ref = adamReference(lr: 0.1, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0, decoupled: false)
        expectClose(p.value.scalars, ref.after2)
        // q has had one step only: its own t = 1, so it moves by lr·sign(g)
        expectClose(q.value.scalars, [3 - 0.1 / (1 + 1e-8)])
        opt.learningRate = 0.01
        opt.step([q], gradients: [Tensor([1.0])])
        // q's second step with constant gradient: m̂ = 1, v̂ = 1 → moves by 0.01
        expectClose(q.value.scalars, [3 - 0.1 / (1 + 1e-8) - 0.01 / (1 + 1e-8)])
    }

    // MARK: Learning-rate schedules

    @Test func exponentialDecaySchedule() {
        let s = ExponentialDecayLR(start: 1e-3, stop: 1e-8, decaySteps: 5000, totalSteps: 1_000_000)
        // r = (1e-8/1e-3)^(5000/1e6) = e^{0.005·ln 1e-5}
        let r = 0.9440608762859234
        SymmdTestSupport.expectClose(s.decayRate, r, rtol: 1e-14)
        #expect(s.rate(at: 0) == 1e-3)
        #expect(s.rate(at: 4999) == 1e-3)
        SymmdTestSupport.expectClose(s.rate(at: 5000), 1e-3 * r, rtol: 1e-14)
        SymmdTestSupport.expectClose(s.rate(at: 9999), 1e-3 * r, rtol: 1e-14)
        SymmdTestSupport.expectClose(s.rate(at: 10000), 1e-3 * r * r, rtol: 1e-14)
        SymmdTestSupport.expectClose(s.rate(at: 1_000_000), 1e-8, rtol: 1e-9)
        SymmdTestSupport.expectClose(s.rate(at: 500_000), (1e-3 * 1e-8).squareRoot(), rtol: 1e-9)
        #expect(s.rate(at: 999_999) > s.rate(at: 1_000_000))
    }

    @Test func cosineSchedule() {
        let s = CosineLR(start: 0.1, minimum: 0.001, totalSteps: 100)
        SymmdTestSupport.expectClose(s.rate(at: 0), 0.1, rtol: 1e-15)
        SymmdTestSupport.expectClose(s.rate(at: 50), 0.0505, rtol: 1e-14)
        SymmdTestSupport.expectClose(s.rate(at: 25), 0.001 + 0.5 * 0.099 * (1 + 0.5.squareRoot()), rtol: 1e-14)
        SymmdTestSupport.expectClose(s.rate(at: 100), 0.001, rtol: 1e-14)
        SymmdTestSupport.expectClose(s.rate(at: 1000), 0.001, rtol: 1e-14)
        let z = CosineLR(start: 2, totalSteps: 10)
        SymmdTestSupport.expectClose(z.rate(at: 5), 1, rtol: 1e-15)
        SymmdTestSupport.expectClose(z.rate(at: 10), 0, atol: 1e-15)
    }

    @Test func constantSchedule() {
        let s = ConstantLR(3e-4)
        #expect(s.rate(at: 0) == 3e-4 && s.rate(at: 1) == 3e-4 && s.rate(at: 10_000_000) == 3e-4)
    }

    // MARK: Training end to end

    @Test(.timeLimit(.minutes(1))) func mlpFitsSine() {
        var rng = RandomGenerator(seed: 2024)
        let x = Tensor.linspace(-Double.pi, Double.pi, count: 64).reshaped([64, 1])
        let y = Tensor(shape: [64, 1], scalars: x.scalars.map { Foundation.sin($0) })
        let mlp = MLP(widths: [1, 16, 16, 1], activation: .tanh, using: &rng)
        let opt = Adam(learningRate: 0.01)
        let schedule = CosineLR(start: 0.01, minimum: 0.001, totalSteps: 1000)
        let params = mlp.parameters
        let initial = withNoGrad { Loss.mse(mlp(x), y).scalar }
        var last = initial
        for step in 0..<1000 {
            opt.learningRate = schedule.rate(at: step)
            let loss = Loss.mse(mlp(x), y)
            last = loss.scalar
            opt.step(params, gradients: grad(of: loss, wrt: params.map(\.value)))
        }
        let final = withNoGrad { Loss.mse(mlp(x), y).scalar }
        #expect(initial > 0.1, "initial loss \(initial)")
        #expect(final < 5e-4, "final loss \(final) (initial \(initial), last step \(last))")
    }
}

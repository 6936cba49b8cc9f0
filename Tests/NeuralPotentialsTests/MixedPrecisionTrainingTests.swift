import NNCore
import Testing
@testable import NeuralPotentials

/// Mixed-precision training: float32 networks and derivatives, float64 master weights, Adam and
/// loss sums; the gradient within float32 rounding of float64's and the same learning.
@Suite struct MixedPrecisionTrainingTests {
    @Test func mixedLossAndGradientAreFloat64WithinFloat32RoundingOfFloat64() throws {
        let frames = try TrainerTests.morseFrames(1, seed: 50)
        let pf = (energy: 0.7, force: 2.0, virial: 0.3)
        func lossAndGradient(_ precision: NetworkPrecision) throws -> (Double, [Tensor]) {
            var cfg = TrainerTests.config(steps: 10)
            cfg.precision = precision
            let model = try NPFixtures.model(seed: 3, sel: 30)
            let trainer = try Trainer(model: model, train: frames, valid: [], config: cfg)
            #expect(model.precision == precision)
            let loss = trainer.loss(trainer.train[0], prefactors: pf).loss
            #expect(loss.dtype == .float64)  // loss sums in float64
            let g = grad(of: loss, wrt: model.parameters.map(\.value))
            #expect(g.allSatisfy { $0.dtype == .float64 })  // master weights' gradients
            return (loss.scalar, g)
        }
        let (l64, g64) = try lossAndGradient(.float64)
        let (l32, g32) = try lossAndGradient(.mixed)
        #expect(abs(l32 - l64) <= 1e-5 * abs(l64), "loss \(l32) vs \(l64)")
        let scale = g64.map { NPFixtures.maxAbs($0.scalars) }.max()!
        var worst = 0.0, anyDifferent = false
        for (a, b) in zip(g32, g64) {
            for (x, y) in zip(a.scalars, b.scalars) {
                worst = max(worst, abs(x - y) / scale)
                anyDifferent = anyDifferent || x != y
            }
        }
        #expect(worst < 1e-4, "largest gradient difference \(worst) of the largest component")
        #expect(anyDifferent, "mixed gave float64's gradient bit for bit: the float32 path was not taken")
    }

    @Test func mixedTrainingLearnsAsFloat64Does() throws {
        let frames = try TrainerTests.morseFrames(8, seed: 60)
        var results: [NetworkPrecision: ErrorMetrics] = [:]
        for precision in [NetworkPrecision.float64, .mixed] {
            let model = try NPFixtures.model(seed: 5, sel: 30)
            var cfg = TrainerTests.config(steps: 100)
            cfg.startLR = 1e-2
            cfg.stopLR = 1e-3
            cfg.decaySteps = 50
            cfg.precision = precision
            let trainer = try Trainer(model: model, train: frames, valid: [], config: cfg)
            for _ in 0..<100 { trainer.trainStep() }
            #expect(model.parameters.allSatisfy { $0.value.dtype == .float64 })  // master weights stay float64
            model.precision = .float64
            results[precision] = trainer.metrics(trainer.train)
        }
        let a = results[.float64]!, b = results[.mixed]!
        // 100 steps of float32 rounding move the weights a little; the errors stay within 5 %
        #expect(abs(b.forceRMSE - a.forceRMSE) <= 0.05 * a.forceRMSE, "force RMSE \(b.forceRMSE) vs \(a.forceRMSE)")
        #expect(abs(b.energyRMSEPerAtom - a.energyRMSEPerAtom) <= 0.05 * a.energyRMSEPerAtom + 1e-4,
                "energy RMSE \(b.energyRMSEPerAtom) vs \(a.energyRMSEPerAtom)")
    }
}

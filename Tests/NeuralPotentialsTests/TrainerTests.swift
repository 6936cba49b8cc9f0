import Atomistics
import Foundation
import NNCore
import Testing
@testable import NeuralPotentials

/// Training: the loss gradient (through forces, second order) against finite differences,
/// learning on a toy problem, and exact continuation from a checkpoint.
@Suite struct TrainerTests {
    /// Frames labelled by a Morse potential (energies, forces, virials).
    static func morseFrames(_ count: Int, seed: UInt64) throws -> [LabeledFrame] {
        let morse = try Morse(depth: 0.3429, alpha: 1.3588, r0: 2.866, cutoff: 4.0, truncation: .forceShifted)
        return try (0..<count).map { k in
            let s = try NPFixtures.structure(seed: seed + UInt64(k), n: 8, box: "cubic", length: 5.2, minDistance: 2.2)
            let r = try morse.evaluate(s)
            return LabeledFrame(system: s, energy: r.energy, forces: r.forces, virial: r.virial, source: "morse \(k)")
        }
    }

    static func config(steps: Int) -> TrainingConfig {
        var c = TrainingConfig()
        c.steps = steps
        c.decaySteps = 10
        c.startLR = 3e-3
        c.stopLR = 1e-4
        c.startPrefV = 0.5
        c.limitPrefV = 0.5
        c.batchSize = 2
        c.seed = 4
        return c
    }

    @Test func lossGradientMatchesFiniteDifferences() throws {
        let frames = try Self.morseFrames(1, seed: 50)
        let model = try NPFixtures.model(seed: 3, sel: 30)
        let trainer = try Trainer(model: model, train: frames, valid: [], config: Self.config(steps: 10))
        let pf = (energy: 0.7, force: 2.0, virial: 0.3)
        let params = model.namedParameters
        let loss = trainer.loss(trainer.train[0], prefactors: pf).loss
        let grads = grad(of: loss, wrt: params.map(\.parameter.value))
        var worst = 0.0
        var checked = 0
        let scale = grads.map { NPFixtures.maxAbs($0.scalars) }.max()!
        for (k, (name, p)) in params.enumerated() {
            for idx in [0, p.value.count / 2, p.value.count - 1] {
                let w0 = p.value.scalars[idx]
                let h = 1e-6 * max(1, abs(w0))
                p.value.scalars[idx] = w0 + h
                let lp = trainer.loss(trainer.train[0], prefactors: pf).loss.scalar
                p.value.scalars[idx] = w0 - h
                let lm = trainer.loss(trainer.train[0], prefactors: pf).loss.scalar
                p.value.scalars[idx] = w0
                let fd = (lp - lm) / (2 * h)
                let an = grads[k].scalars[idx]
                let err = abs(fd - an) / max(1e-3 * scale, abs(fd) + abs(an))
                if err > worst { worst = err; print("worst so far \(name)[\(idx)]: analytic \(an), fd \(fd)") }
                checked += 1
            }
        }
        #expect(checked > 20)
        #expect(worst < 5e-5, "largest relative error of ∂L/∂w: \(worst)")
    }

    /// Splitting a frame's atoms over threads (two tapes seeded with ∂L/∂E, ∂L/∂F, ∂L/∂W of the
    /// totals) gives the same weight gradients as one tape.
    @Test(arguments: [2, 3])
    func splitFrameGradientsEqualOneTape(_ parts: Int) throws {
        let frames = try Self.morseFrames(1, seed: 90)
        let model = try NPFixtures.model(species: ["Cu"], seed: 6, sel: 30)
        let trainer = try Trainer(model: model, train: frames, valid: [], config: Self.config(steps: 10))
        let pf = (energy: 0.7, force: 2.0, virial: 0.3)
        let params = model.parameters.map(\.value)
        let one = grad(of: trainer.loss(trainer.train[0], prefactors: pf).loss, wrt: params)
        trainer.threads = parts
        let split = trainer.splitGradients(trainer.train[0], prefactors: pf, scale: 1).gradients
        let scale = one.map { NPFixtures.maxAbs($0.scalars) }.max()!
        let worst = zip(one, split).map { NPFixtures.maxAbsDiff($0.scalars, $1.scalars) }.max()!
        #expect(worst <= 1e-10 * scale, "max |Δ∂L/∂w| = \(worst) (scale \(scale))")
    }

    @Test func trainingReducesErrors() throws {
        let frames = try Self.morseFrames(8, seed: 60)
        let model = try NPFixtures.model(seed: 5, sel: 30)
        var cfg = Self.config(steps: 300)
        cfg.startLR = 1e-2
        cfg.stopLR = 1e-3
        cfg.decaySteps = 50
        let trainer = try Trainer(model: model, train: frames, valid: [], config: cfg)
        let before = trainer.metrics(trainer.train)
        for _ in 0..<300 { trainer.trainStep() }
        let after = trainer.metrics(trainer.train)
        print("toy training: force RMSE \(before.forceRMSE) → \(after.forceRMSE) eV/Å, energy \(before.energyRMSEPerAtom) → \(after.energyRMSEPerAtom) eV/atom")
        #expect(after.forceRMSE < 0.9 * before.forceRMSE)
        #expect(after.energyRMSEPerAtom < 0.8 * before.energyRMSEPerAtom)
        #expect(before.virialRMSEPerAtom != nil)
    }

    @Test func restartContinuesExactly() throws {
        let frames = try Self.morseFrames(5, seed: 70)
        func fresh() throws -> Trainer {
            try Trainer(model: try NPFixtures.model(seed: 9, sel: 30), train: frames, valid: [], config: Self.config(steps: 12))
        }
        let a = try fresh()
        for _ in 0..<7 { a.trainStep() }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("symmd-ckpt-\(getpid()).ckpt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try a.writeCheckpoint(to: path)
        for _ in 0..<5 { a.trainStep() }
        let b = try fresh()
        try b.restore(from: path)
        #expect(b.step == 7)
        for _ in 0..<5 { b.trainStep() }
        for ((n, p), (_, q)) in zip(a.model.namedParameters, b.model.namedParameters) {
            #expect(p.value.scalars.map(\.bitPattern) == q.value.scalars.map(\.bitPattern), "\(n) differs after restart")
        }
        // The checkpoint is also a model file.
        #expect(try DeepPotentialModel.load(from: path).spec == a.model.spec)
    }

    @Test func selOverflowInTrainingDataIsAnError() throws {
        let frames = try Self.morseFrames(1, seed: 80)
        let model = try NPFixtures.model(seed: 1, sel: 2)
        #expect(throws: NeuralPotentialError.self) {
            _ = try Trainer(model: model, train: frames, valid: [], config: Self.config(steps: 1))
        }
    }
}

import Foundation
import NeuralPotentials
import Testing
@testable import SymmdDeck

/// `symmd fit` end to end on a tiny deck: learning curve, checkpoints (last and best), model file,
/// and a restart that continues exactly.
@Suite struct FitRunnerTests {
    static func deck(in dir: URL, steps: Int, extra: String = "") throws -> FitDeck {
        let data = fixtures.appendingPathComponent("cu-emt-3.extxyz").path
        let text = """
            [data]
            type_map = ["Cu"]
            train = ["\(data)"]
            valid = ["\(data)"]
            [model.descriptor]
            rcut = 4.0
            rcut_smth = 3.0
            sel = "auto"
            neuron = [4, 8]
            axis_neuron = 4
            [model.fitting]
            neuron = [8, 8]
            [training]
            steps = \(steps)
            seed = 3
            start_lr = 3e-3
            stop_lr = 1e-4
            decay_steps = 5
            display_every = 4
            \(extra)
            [output]
            model = "out/cu.sdp"
            checkpoint = "out/fit.ckpt"
            checkpoint_every = 6
            learning_curve = "out/lcurve.csv"
            """
        return try FitDeck(contentsOf: try writeDeck(text, in: dir, name: "fit.toml"))
    }

    @Test func fitWritesCurveCheckpointsAndModel() throws {
        let dir = try tempDir("fit-run")
        let d = try Self.deck(in: dir, steps: 12)
        let runner = try FitRunner(deck: d)
        var rows: [LearningCurveRow] = []
        runner.onRow = { rows.append($0) }
        let s = try runner.run()
        #expect(s.reason == "done" && s.finalStep == 12)
        #expect(rows.map(\.step) == [0, 4, 8, 12])
        #expect(rows.last!.rmseForceValid.isFinite && rows[1].rmseForceTrain > 0)
        let csv = try String(contentsOf: dir.appendingPathComponent("out/lcurve.csv"), encoding: .utf8)
        #expect(csv.hasPrefix(LearningCurveRow.csvHeader + "\n") && csv.split(separator: "\n").count == 5)
        for f in ["out/cu.sdp", "out/fit.ckpt", "out/fit.best.ckpt"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(f).path), "\(f)")
        }
        let m = try DeepPotentialModel.load(from: dir.appendingPathComponent("out/cu.sdp").path)
        #expect(m.spec.descriptor.sel[0] >= 18)
        #expect(s.validation?.frames == 3)
    }

    @Test func restartedFitContinuesExactly() throws {
        let a = try tempDir("fit-a"), b = try tempDir("fit-b")
        // Uninterrupted 12 steps.
        _ = try FitRunner(deck: try Self.deck(in: a, steps: 12)).run()
        // 12 steps with a stop after 6 (as Ctrl-C would), then --restart from the checkpoint.
        let first = try FitRunner(deck: try Self.deck(in: b, steps: 12))
        var n = 0
        let s1 = try first.run(shouldStop: { n += 1; return n > 6 })
        #expect(s1.reason == "interrupted" && s1.finalStep == 6)
        let second = try FitRunner(deck: try Self.deck(in: b, steps: 12), restart: b.appendingPathComponent("out/fit.ckpt"))
        #expect(second.trainer.step == 6)
        try second.run()
        let ma = try DeepPotentialModel.load(from: a.appendingPathComponent("out/cu.sdp").path)
        let mb = try DeepPotentialModel.load(from: b.appendingPathComponent("out/cu.sdp").path)
        for ((name, p), (_, q)) in zip(ma.namedParameters, mb.namedParameters) {
            #expect(p.value.scalars.map(\.bitPattern) == q.value.scalars.map(\.bitPattern), "\(name)")
        }
        let ca = try String(contentsOf: a.appendingPathComponent("out/lcurve.csv"), encoding: .utf8)
        let cb = try String(contentsOf: b.appendingPathComponent("out/lcurve.csv"), encoding: .utf8)
        #expect(ca == cb)
    }
}

import Foundation
import NeuralPotentials
import SymmdBase

/// One learning-curve row: step, learning rate, training and validation RMSEs (energy per atom
/// eV, forces eV/Å).
public struct LearningCurveRow: Sendable, Equatable {
    /// Steps done.
    public var step: Int
    /// Learning rate at this step.
    public var learningRate: Double
    /// On this step's training batch (DeePMD-kit's lcurve convention): energy per atom (eV), forces (eV/Å).
    public var rmseEnergyTrain: Double, rmseForceTrain: Double
    /// On the validation sample: energy per atom (eV), forces (eV/Å); NaN without validation data.
    public var rmseEnergyValid: Double, rmseForceValid: Double

    /// The CSV header.
    public static let csvHeader = "step,lr,rmse_e_trn,rmse_f_trn,rmse_e_val,rmse_f_val"

    /// The row as CSV at full precision.
    public var csv: String {
        "\(step),\(learningRate),\(rmseEnergyTrain),\(rmseForceTrain),\(rmseEnergyValid),\(rmseForceValid)"
    }
}

/// What a finished (or interrupted) fit reports.
public struct FitSummary: Sendable {
    /// Steps done by this invocation, and the final step.
    public var steps: Int, finalStep: Int
    /// Wall time of the training loop (s).
    public var seconds: Double
    /// Why it stopped: "done", "time limit" or "interrupted".
    public var reason: String
    /// Errors of the final model on the whole validation set (nil without validation data).
    public var validation: ErrorMetrics?
    /// Best validation score seen at a checkpoint (force RMSE eV/Å) and its step.
    public var bestForceRMSE: Double?, bestStep: Int?
}

/// Runs `symmd fit`: data, model, trainer, learning curve, checkpoints (last and best), the model
/// file at the end. The CLI only prints what this reports.
public final class FitRunner {
    /// The deck.
    public let deck: FitDeck
    /// The trainer (its model is what is being fitted).
    public let trainer: Trainer
    /// Training frames skipped as bad (with `skip_bad`), with reasons.
    public let skipped: [String]
    /// Called with each learning-curve row.
    public var onRow: ((LearningCurveRow) -> Void)?
    /// Called after each step with (steps done, total).
    public var onProgress: ((Int, Int) -> Void)?
    /// Called with one-line messages (checkpoints written, best model).
    public var onMessage: ((String) -> Void)?
    /// Frames used for the learning curve's validation columns (a fixed, evenly spaced sample).
    public let validationSample: [Trainer.PreparedFrame]
    /// The data-parallel ranks (MPI) this fit runs on; rank 0 alone writes the learning curve,
    /// checkpoints and the model, and calls `onRow` and `onMessage`.
    public let group: any ProcessGroup
    private var curveFile: FileHandle?

    /// Loads the data, builds the model (sel resolved from the data when "auto") and the trainer;
    /// with `restart`, continues from that checkpoint exactly.
    /// With `startingFrom` (a model file of the same architecture) training starts from its weights
    /// and normalisation instead of fresh ones (DP-GEN's `init_model`; the optimiser starts anew).
    /// With `group` of N ranks, each rank trains on `batch_size` frames of an N × `batch_size` global
    /// batch; every rank must have read the same data and built the same model (checked here).
    public init(deck: FitDeck, restart: URL? = nil, startingFrom: URL? = nil, validationSampleSize: Int = 20,
                group: any ProcessGroup = SingleProcess.shared) throws {
        self.deck = deck
        self.group = group
        let (train, skippedTrain) = try deck.loadTrainingData()
        let (valid, skippedValid) = deck.validFiles.isEmpty ? ([], []) : try deck.loadValidationData()
        skipped = skippedTrain + skippedValid
        let model: DeepPotentialModel
        if let startingFrom {
            do { model = try DeepPotentialModel.load(from: startingFrom.path) } catch {
                throw DeckError(.badFile, file: deck.url.path, key: "init_model", expected: "a model file of this fit deck's architecture", found: "\(error)")
            }
        } else {
            model = try deck.initialModel(seed: deck.training.seed, frames: train)
        }
        do {
            trainer = try Trainer(model: model, train: train, valid: valid, config: deck.training,
                                  fitStatistics: restart == nil && startingFrom == nil)
            if let restart { try trainer.restore(from: restart.path) }
        } catch let e as NeuralPotentialError {
            throw DeckError(.nonPhysical, file: deck.url.path, key: restart == nil ? "data" : "restart",
                            expected: "data and model that fit together", found: "\(e)")
        }
        trainer.group = group
        let v = trainer.valid
        let k = min(validationSampleSize, v.count)
        validationSample = (0..<k).map { v[$0 * v.count / k] }
        try checkRanksAgree(restart: restart)
    }

    /// Every rank must start from the same weights, statistics, optimiser state and data: each
    /// rank's fingerprint of them is summed into a table all ranks see, and a rank that differs from
    /// rank 0 (other data files on its node, say) is named.
    private func checkRanksAgree(restart: URL?) throws {
        guard group.size > 1 else { return }
        // The checkpoint file's own checksum (its last 8 bytes) covers weights, statistics, Adam's
        // moments and the frame stream; the frame counts cover the data.
        let bytes = trainer.checkpointFile().encoded()
        var sum: UInt64 = 0
        for b in bytes.suffix(8).reversed() { sum = sum << 8 | UInt64(b) }
        var table = [Double](repeating: 0, count: 4 * group.size)
        table[4 * group.rank] = Double(sum >> 32)
        table[4 * group.rank + 1] = Double(sum & 0xffff_ffff)
        table[4 * group.rank + 2] = Double(trainer.train.count)
        table[4 * group.rank + 3] = Double(trainer.valid.count)
        group.allReduceSum(&table)
        let differ = (1..<group.size).filter { r in (0..<4).contains { table[4 * r + $0] != table[$0] } }
        guard differ.isEmpty else {
            throw DeckError(.nonPhysical, file: deck.url.path, key: restart == nil ? "data" : "restart",
                            expected: "the same data, model and checkpoint on all \(group.size) ranks",
                            found: "rank\(differ.count > 1 ? "s" : "") \(differ.map(String.init).joined(separator: ", ")) differ from rank 0 (other files on that node?)")
        }
    }

    /// The path of the best-validation checkpoint beside `checkpoint` ("fit.ckpt" → "fit.best.ckpt").
    public static func bestPath(_ checkpoint: URL) -> URL {
        let ext = checkpoint.pathExtension
        let stem = checkpoint.deletingPathExtension().lastPathComponent
        return checkpoint.deletingLastPathComponent().appendingPathComponent(stem + ".best" + (ext.isEmpty ? "" : "." + ext))
    }

    /// Trains until the deck's step count, the time limit, or `shouldStop()` returns true; then
    /// writes the last checkpoint and the model file.
    @discardableResult
    public func run(shouldStop: () -> Bool = { false }) throws -> FitSummary {
        let start = Date()
        let total = deck.training.steps
        let startStep = trainer.step
        try openCurve(restartStep: startStep == 0 ? nil : startStep)
        defer { try? curveFile?.close() }
        var best: (score: Double, step: Int)? = nil
        if startStep > 0, group.isRoot, let ck = deck.output.checkpoint, !trainer.valid.isEmpty,
           let saved = try? DeepPotentialModel.load(from: FitRunner.bestPath(ck).path), saved.spec == trainer.model.spec {
            // A restarted fit keeps the best checkpoint of the earlier run unless it beats it.
            best = (Trainer.metrics(model: saved, frames: trainer.valid).forceRMSE, startStep)
        }
        var reason = "done"
        let every = deck.displayEvery
        if startStep == 0 { try emitRow(e: .nan, f: .nan) }
        while trainer.step < total {
            // A stop request (signal, time limit) is a vote summed with the step's gradients, so all
            // ranks stop after the same step (the one under way when it came); one process stops
            // before the step, as it always did.
            func requests() -> (interrupt: Bool, overTime: Bool) {
                (shouldStop(), deck.timeLimitMinutes > 0 && Date().timeIntervalSince(start) > 60 * deck.timeLimitMinutes)
            }
            if group.size == 1 {
                let q = requests()
                if q.interrupt || q.overTime {
                    reason = q.interrupt ? "interrupted" : "time limit"
                    break
                }
            }
            let r = trainer.trainStep(votes: {
                guard group.size > 1 else { return [] }
                let q = requests()
                return [q.interrupt ? 1 : 0, q.overTime ? 1 : 0]
            })
            onProgress?(trainer.step, total)
            if trainer.step % every == 0 || trainer.step == total {
                try emitRow(e: r.energyRMSE, f: r.forceRMSE)
            }
            if let ck = deck.output.checkpoint, trainer.step % deck.output.checkpointEvery == 0, group.isRoot {
                try checkpoint(ck)
                if !trainer.valid.isEmpty {
                    let m = trainer.metrics(trainer.valid)
                    if best == nil || m.forceRMSE < best!.score {
                        best = (m.forceRMSE, trainer.step)
                        try write(FitRunner.bestPath(ck), what: "best checkpoint")
                        onMessage?("step \(trainer.step): best validation so far (force RMSE \(m.forceRMSE) eV/Å, energy \(m.energyRMSEPerAtom) eV/atom) → \(FitRunner.bestPath(ck).path)")
                    }
                }
            }
            if let votes = r.votes.first, votes > 0 { reason = "interrupted"; break }
            if r.votes.count > 1, r.votes[1] > 0 { reason = "time limit"; break }
        }
        // The other ranks wait for rank 0's files: mpirun ends the job (SIGKILL soon after) as soon
        // as one rank exits with a stop's status, and a checkpoint must not be cut short.
        func allWritten() { var token = [0.0]; group.allReduceSum(&token) }
        guard group.isRoot else {
            allWritten()
            return FitSummary(steps: trainer.step - startStep, finalStep: trainer.step, seconds: Date().timeIntervalSince(start),
                              reason: reason, validation: nil, bestForceRMSE: nil, bestStep: nil)
        }
        defer { allWritten() }
        if let ck = deck.output.checkpoint { try checkpoint(ck) }
        try writeModel()
        let validation = trainer.valid.isEmpty ? nil : trainer.metrics(trainer.valid)
        return FitSummary(steps: trainer.step - startStep, finalStep: trainer.step, seconds: Date().timeIntervalSince(start),
                          reason: reason, validation: validation, bestForceRMSE: best?.score, bestStep: best?.step)
    }

    private func emitRow(e: Double, f: Double) throws {
        guard group.isRoot else { return }
        var ev = Double.nan, fv = Double.nan
        if !validationSample.isEmpty {
            let m = Trainer.metrics(model: trainer.model, frames: validationSample)
            ev = m.energyRMSEPerAtom
            fv = m.forceRMSE
        }
        let row = LearningCurveRow(step: trainer.step, learningRate: trainer.effectiveLearningRate, rmseEnergyTrain: e, rmseForceTrain: f,
                                   rmseEnergyValid: ev, rmseForceValid: fv)
        if let h = curveFile { try h.write(contentsOf: Data((row.csv + "\n").utf8)) }
        onRow?(row)
    }

    private func openCurve(restartStep: Int?) throws {
        guard group.isRoot, let url = deck.output.learningCurve else { return }
        let text = OutputFiles.restartedCSV(url, header: LearningCurveRow.csvHeader, keepingStepsUpTo: restartStep)
        curveFile = try OutputFiles.create(url, text: text, deckFile: deck.url.path, key: "output.learning_curve", kind: .badFile)
    }

    /// Writes the last checkpoint now (also used on Ctrl-C).
    public func checkpoint(_ url: URL) throws {
        try write(url, what: "checkpoint")
    }

    private func write(_ url: URL, what: String) throws {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try trainer.writeCheckpoint(to: url.path)
        } catch {
            throw DeckError(.badFile, file: deck.url.path, key: "output.checkpoint", expected: "a writable \(what) file", found: "\(error)")
        }
    }

    /// Writes the model file `[output] model`.
    public func writeModel() throws {
        let url = deck.output.model
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try trainer.model.write(to: url.path)
        } catch {
            throw DeckError(.badFile, file: deck.url.path, key: "output.model", expected: "a writable model file", found: "\(error)")
        }
    }
}

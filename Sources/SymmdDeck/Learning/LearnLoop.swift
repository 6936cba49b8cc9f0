import Atomistics
import Foundation
import NeuralPotentials
import TrajectoryIO

/// One finished iteration of the loop, for the table.
public struct LearnIteration: Sendable, Codable, Equatable {
    /// Iteration number (0-based).
    public var iteration: Int
    /// Labelled frames the committee was trained on.
    public var trainingFrames: Int
    /// Frames explored, and how they fell (DP-GEN's classes).
    public var explored: Int, accurate: Int, candidates: Int, failed: Int
    /// Frames labelled this iteration.
    public var labelled: Int
    /// The first model's force RMSE on the held-out frames (eV/Å), when the deck has them.
    public var holdoutForceRMSE: Double?

    /// candidates / explored.
    public var candidateFraction: Double { explored == 0 ? 0 : Double(candidates) / Double(explored) }
}

/// What the loop has done, written after every phase (`work/state.json`) so a killed loop resumes
/// where it stopped: a phase is either recorded as done, or redone from scratch.
public struct LearnState: Sendable, Codable, Equatable {
    /// The iteration under way.
    public var iteration = 0
    /// The next phase of it: "train", "explore", "select", "label".
    public var phase = "train"
    /// Labelled data files added so far (paths relative to `work`).
    public var added: [String] = []
    /// Finished iterations.
    public var history: [LearnIteration] = []
    /// Counts of the current iteration's exploration, kept between phases.
    public var current: LearnIteration? = nil
    /// Why the loop ended ("converged", "budget"), nil while it runs.
    public var finished: String? = nil
}

/// Errors of the loop, each naming what failed and leaving the state as it was.
public struct LearnError: Error, CustomStringConvertible {
    /// One line.
    public let description: String
}

/// DP-GEN's concurrent learning with symmd's own pieces: train a committee (`FitRunner`), explore
/// with MD that writes the committee's deviation (`RunDriver`, `model_devi`), select candidates
/// (`Selection`'s classes), label them with the user's command, add them, repeat.
public final class LearnLoop {
    /// The loop deck.
    public let deck: LearnDeck
    /// Progress lines.
    public var onMessage: ((String) -> Void)?
    /// The state (as on disk).
    public private(set) var state: LearnState

    private var statePath: URL { deck.work.appendingPathComponent("state.json") }
    private func iterationFolder(_ i: Int) -> URL { deck.work.appendingPathComponent(String(format: "iter.%03d", i)) }

    /// A loop over `deck`, continuing from `work/state.json` when there is one.
    ///
    /// - Throws: `LearnError` for an unreadable state file.
    public init(deck: LearnDeck) throws {
        self.deck = deck
        try FileManager.default.createDirectory(at: deck.work, withIntermediateDirectories: true)
        let path = deck.work.appendingPathComponent("state.json")
        if let data = FileManager.default.contents(atPath: path.path) {
            do { state = try JSONDecoder().decode(LearnState.self, from: data) } catch {
                throw LearnError(description: "\(path.path): expected the loop's state (JSON), found an unreadable file: \(error)")
            }
        } else {
            state = LearnState()
        }
    }

    /// Runs iterations until the candidate fraction falls below `stop_fraction` or the budget
    /// is spent; `stopAfter` (tests) stops after the named phase of the named iteration, as a kill would.
    ///
    /// - Throws: `LearnError`, `DeckError` (training or exploration), each leaving the state file
    ///   at the last finished phase.
    public func run(stopAfter: (iteration: Int, phase: String)? = nil) throws {
        while state.finished == nil {
            let i = state.iteration
            if i >= deck.iterations { state.finished = "budget"; try save(); break }
            let phase = state.phase
            switch phase {
            case "train": try train(i); state.phase = "explore"
            case "explore": try explore(i); state.phase = "select"
            case "select": try select(i); state.phase = "label"
            default:
                try label(i)
                var done = state.current!
                if let h = deck.holdout { done.holdoutForceRMSE = try holdoutRMSE(h, model: modelURL(i, 0)) }
                state.history.append(done)
                onMessage?(LearnLoop.row(done))
                state.current = nil
                state.iteration += 1
                state.phase = "train"
                if done.candidateFraction < deck.stopFraction { state.finished = "converged" }
            }
            try save()
            if let s = stopAfter, s.iteration == i, s.phase == phase { return }
        }
    }

    /// The table header and one row.
    public static let header = "iteration  trained  explored  accurate  candidate  failed  labelled  holdout_rmse_f(eV/Å)"
    /// One table row.
    public static func row(_ r: LearnIteration) -> String {
        String(format: "%9d %8d %9d %9d %10d %7d %9d  %@", r.iteration, r.trainingFrames, r.explored, r.accurate, r.candidates, r.failed, r.labelled,
               r.holdoutForceRMSE.map { String(format: "%.4f", $0) } ?? "–")
    }

    // MARK: Phases

    private func modelURL(_ i: Int, _ k: Int) -> URL { iterationFolder(i).appendingPathComponent("train.\(k)/model.sdp") }

    /// Every committee member from the fit deck, the added data appended, seeds apart.
    private func train(_ i: Int) throws {
        var base = try FitDeck(contentsOf: deck.fit)
        base.trainFiles += state.added.map { deck.work.appendingPathComponent($0) }
        var trained = 0
        for k in 0..<deck.models {
            let model = modelURL(i, k)
            if FileManager.default.fileExists(atPath: model.path) { continue }   // finished before a kill
            var d = base
            d.training.seed = deck.seed &* 1000 &+ UInt64(i * 100 + k + 1)
            d.output.model = model
            d.output.checkpoint = nil
            d.output.learningCurve = model.deletingLastPathComponent().appendingPathComponent("lcurve.csv")
            try FileManager.default.createDirectory(at: model.deletingLastPathComponent(), withIntermediateDirectories: true)
            let previous = deck.initFromPrevious && i > 0 ? modelURL(i - 1, k) : nil
            let runner = try FitRunner(deck: d, startingFrom: previous)
            trained = runner.trainer.train.count
            onMessage?("iteration \(i): training model \(k + 1)/\(deck.models) on \(trained) frames")
            try runner.run()
        }
        var current = state.current ?? LearnIteration(iteration: i, trainingFrames: 0, explored: 0, accurate: 0, candidates: 0, failed: 0, labelled: 0)
        if trained > 0 { current.trainingFrames = trained }
        if current.trainingFrames == 0 { current.trainingFrames = try FitRunner(deck: base).trainer.train.count }
        state.current = current
    }

    /// The explorations' runs (deck written into the iteration folder).
    private func explore(_ i: Int) throws {
        let folder = iterationFolder(i)
        let models = (0..<deck.models).map { modelURL(i, $0).path }
        var run = 0
        for e in deck.explorations {
            for t in e.temperatures {
              for p in e.pressures.isEmpty ? [nil] : e.pressures.map(Optional.some) {
                let barostat = p.map { "barostat = { kind = \"c-rescale\", pressure = \($0), tau = 0.5, compressibility = \(e.compressibility) }\n" } ?? ""
                let dir = folder.appendingPathComponent(String(format: "explore.%03d", run))
                run += 1
                if FileManager.default.fileExists(atPath: dir.appendingPathComponent("done").path) { continue }
                try? FileManager.default.removeItem(at: dir)
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                let text = """
                    units = "metal"
                    seed = \(deck.seed &+ UInt64(i * 1000 + run))
                    [system]
                    file = "\(e.structure.path)"
                    temperature = \(t)
                    [potential]
                    kind = "deep"
                    file = "\(models[0])"
                    committee = [\(models.dropFirst().map { "\"\($0)\"" }.joined(separator: ", "))]
                    [[run]]
                    integrator = "langevin"
                    timestep = \(e.timestep)
                    steps = \(e.steps)
                    temperature = \(t)
                    damping = 0.1
                    \(barostat)[output]
                    trajectory = { file = "traj.extxyz", every = \(e.every) }
                    model_devi = { file = "model_devi.out", every = \(e.every) }
                    """
                let url = dir.appendingPathComponent("explore.toml")
                try text.write(to: url, atomically: true, encoding: .utf8)
                onMessage?("iteration \(i): exploring \(e.structure.lastPathComponent) at \(t) K" + (p.map { " and \($0) bar" } ?? ""))
                do {
                    try RunDriver(deck: try RunDeck(contentsOf: url)).run()
                } catch let err as DeckError where err.kind == .runFailed {
                    // A committee driven somewhere unphysical: what it explored still counts.
                    onMessage?("iteration \(i): exploration stopped early: \(err)")
                }
                try "".write(to: dir.appendingPathComponent("done"), atomically: true, encoding: .utf8)
              }
            }
        }
    }

    /// DP-GEN's classes over every exploration and a seeded subset of the candidates, written as
    /// `candidates.extxyz`.
    private func select(_ i: Int) throws {
        let folder = iterationFolder(i)
        var frames: [ExtXYZFrame] = [], deviations: [Double] = []
        let runs = (try? FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("explore.") }.sorted()) ?? []
        for r in runs {
            let dir = folder.appendingPathComponent(r)
            let text = (try? String(contentsOf: dir.appendingPathComponent("model_devi.out"), encoding: .utf8)) ?? ""
            let rows = try ModelDeviation.read(text, file: dir.appendingPathComponent("model_devi.out").path)
            let xyz = (try? ExtXYZ.read(dir.appendingPathComponent("traj.extxyz"))) ?? []
            // One row per frame; a failed run's extra last-good frame has none.
            let n = min(rows.count, xyz.count)
            frames += xyz.prefix(n)
            deviations += rows.prefix(n).map { $0.values[3] }
        }
        let sel = Selection(maxForceDeviations: deviations, trustLo: deck.trustLo, trustHi: deck.trustHi,
                            max: deck.maxCandidates, seed: deck.seed &+ UInt64(i))
        var current = state.current!
        current.explored = deviations.count
        current.accurate = sel.accurate.count
        current.candidates = sel.candidates.count
        current.failed = sel.failed.count
        state.current = current
        let chosen = sel.chosen.map { f -> ExtXYZFrame in
            var frame = frames[f]
            // Only the structure goes to the labeller.
            frame.info = frame.info.filter { ["step", "time", "pbc"].contains($0.key) }
            frame.properties = frame.properties.filter { ["species", "pos"].contains($0.name) }
            frame.columns = frame.columns.filter { ["species", "pos"].contains($0.key) }
            return frame
        }
        try ExtXYZ.string(chosen).write(to: folder.appendingPathComponent("candidates.extxyz"), atomically: true, encoding: .utf8)
        let mean = deviations.isEmpty ? 0 : deviations.reduce(0, +) / Double(deviations.count)
        onMessage?("iteration \(i): max_devi_f mean \(String(format: "%.3f", mean)), max \(String(format: "%.3f", deviations.max() ?? 0)) eV/Å; "
                   + "accurate \(sel.accurate.count), candidate \(sel.candidates.count), failed \(sel.failed.count) of \(deviations.count) frames; \(chosen.count) to label")
    }

    /// The user's labeller on the candidates; its frames must each carry an energy and forces.
    private func label(_ i: Int) throws {
        let folder = iterationFolder(i)
        let input = folder.appendingPathComponent("candidates.extxyz"), output = folder.appendingPathComponent("labelled.extxyz")
        let count = ((try? ExtXYZ.read(input)) ?? []).count
        var current = state.current!
        guard count > 0 else { current.labelled = 0; state.current = current; return }
        try? FileManager.default.removeItem(at: output)
        let command = deck.labeller.replacingOccurrences(of: "{in}", with: "'\(input.path)'").replacingOccurrences(of: "{out}", with: "'\(output.path)'")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.currentDirectoryURL = deck.url.deletingLastPathComponent()
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        onMessage?("iteration \(i): labelling \(count) frames: \(command)")
        try p.run()
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            let tail = errText.split(separator: "\n").suffix(3).joined(separator: " | ")
            throw LearnError(description: "iteration \(i): the labeller failed (exit \(p.terminationStatus)): \(tail.isEmpty ? "no message" : tail); the loop's state is unchanged — fix it and run symmd learn again")
        }
        let fit = try FitDeck(contentsOf: deck.fit)
        let labelled: [LabeledFrame]
        do {
            labelled = try TrainingData.load(files: [output], typeMap: fit.typeMap, skipBad: false, keys: fit.labelKeys).frames
        } catch {
            throw LearnError(description: "iteration \(i): the labeller's output is not good training data: \(error); the loop's state is unchanged")
        }
        if let k = labelled.firstIndex(where: { $0.forces == nil }) {
            throw LearnError(description: "iteration \(i): the labeller wrote frame \(k) of \(output.path) without forces; the loop's state is unchanged")
        }
        guard labelled.count == count else {
            throw LearnError(description: "iteration \(i): the labeller wrote \(labelled.count) frames for \(count) candidates; the loop's state is unchanged")
        }
        let data = deck.work.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let name = String(format: "data/iter.%03d.extxyz", i)
        try? FileManager.default.removeItem(at: deck.work.appendingPathComponent(name))
        try FileManager.default.copyItem(at: output, to: deck.work.appendingPathComponent(name))
        if !state.added.contains(name) { state.added.append(name) }
        current.labelled = labelled.count
        state.current = current
    }

    /// The first model's force RMSE on `holdout` (eV/Å).
    private func holdoutRMSE(_ holdout: URL, model: URL) throws -> Double {
        let m = try DeepPotentialModel.load(from: model.path)
        let frames = try TrainingData.load(files: [holdout], typeMap: m.spec.typeMap, skipBad: false).frames
        let (prepared, _) = try Trainer.prepare(frames, model: m, strict: false)
        return Trainer.metrics(model: m, frames: prepared).forceRMSE
    }

    private func save() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(state)
        let tmp = deck.work.appendingPathComponent(".state.json.tmp")
        try data.write(to: tmp)
        _ = try? FileManager.default.removeItem(at: statePath)
        try FileManager.default.moveItem(at: tmp, to: statePath)
    }
}

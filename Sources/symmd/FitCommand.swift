import Analysis
import ArgumentParser
import Atomistics
import Foundation
import NeuralPotentials
import NNCore
import SymmdDeck

/// `symmd fit DECK [--restart CKPT] [--threads N]`.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit a deep potential to reference energies and forces (DeePMD-kit style).",
        discussion: prose("""
            Reads the fit deck's [data], [model.descriptor], [model.fitting], [training] and [output]
            tables; prints the learning curve (energy RMSE per atom in eV, force RMSE in eV/Å, training
            batches and a validation sample), writes it as CSV and SVG, checkpoints (the last and the
            best on validation) and the model file. Ctrl-C (SIGINT) or SIGTERM finishes the step,
            writes a checkpoint and the model and stops (exit 130/143);
            --restart continues exactly from a checkpoint.
            Under mpirun.openmpi -np N each rank trains on batch_size frames of an N × batch_size global
            batch and the gradients are summed over the ranks ([training] scale_by_worker scales the
            learning rate); rank 0 prints and writes every file.
            Example:
              symmd fit examples/fit-cu.toml
              symmd fit examples/fit-cu.toml --restart out/fit-cu/fit.ckpt
              mpirun.openmpi -np 2 symmd fit examples/fit-cu.toml
            """))

    @Argument(help: "The fit deck (TOML).") var deck: String
    @Option(help: "Continue from this checkpoint.") var restart: String?
    @Option(help: "Threads (default: SYMMD_THREADS or 1).") var threads: Int?

    func run() throws {
        try applyThreads(threads)
        Parallel.threads = 1   // the trainer's threads split each frame's atoms instead
        Allocator.tuneForTensors()
        var exitCode: Int32 = 0
        let group = try Ranks.start()
        // Rank 0 speaks for the job; the others print only their errors.
        let print: (String) -> Void = group.isRoot ? { Swift.print($0) } : { _ in }
        let printError: (String) -> Void = group.isRoot ? { symmd.printError($0) } : { _ in }
        try userFacing(on: group) {
            let d = try FitDeck(contentsOf: URL(fileURLWithPath: deck))
            print("# \(d.url.lastPathComponent): loading data")
            let runner = try FitRunner(deck: d, restart: restart.map { URL(fileURLWithPath: $0) }, group: group)
            runner.trainer.threads = AtomisticsParallel.threads
            for s in runner.skipped.prefix(10) { printError("warning: skipped \(s)") }
            if !runner.skipped.isEmpty { printError("warning: \(runner.skipped.count) bad frames skipped (skip_bad = true)") }
            print(runner.trainer.model.summary)
            let ranks = group.size > 1
                ? " per rank × \(group.size) ranks = \(d.training.batchSize * group.size) (learning rate × \(d.training.scaleByWorker.factor(workers: group.size)), scale_by_worker = \(d.training.scaleByWorker.rawValue))"
                : ""
            print("# \(runner.trainer.train.count) training frames, \(runner.trainer.valid.count) validation frames "
                  + "(learning-curve validation on \(runner.validationSample.count)); \(d.training.steps) steps, batch \(d.training.batchSize)\(ranks), "
                  + "threads \(AtomisticsParallel.threads)")
            if runner.trainer.step > 0 { print("# restarted at step \(runner.trainer.step)") }
            print("    step         lr   rmse_e_trn   rmse_f_trn   rmse_e_val   rmse_f_val   (eV/atom, eV/Å)")
            let tty = isatty(1) != 0 && group.size == 1   // mpirun hands every rank a pty, even into a log
            var progress = Progress(total: d.training.steps, tty: tty)
            runner.onRow = { r in
                progress.clear()
                print(String(format: "%8d %10.3e %12.4e %12.4e %12.4e %12.4e", r.step, r.learningRate, r.rmseEnergyTrain,
                             r.rmseForceTrain, r.rmseEnergyValid, r.rmseForceValid))
                progress.note = String(format: "val: E %.2f meV/atom, F %.1f meV/Å", 1000 * r.rmseEnergyValid, 1000 * r.rmseForceValid)
            }
            runner.onMessage = { m in progress.clear(); print("# \(m)") }
            if group.isRoot { runner.onProgress = { done, _ in progress.update(done) } }
            StopSignals.install()
            let summary = try runner.run(shouldStop: { StopSignals.number != 0 })
            StopSignals.uninstall()
            progress.clear()
            let rate = summary.seconds > 0 ? Double(summary.steps) / summary.seconds : 0
            print("# \(summary.reason): \(summary.steps) steps in \(String(format: "%.1f", summary.seconds)) s "
                  + "(\(String(format: "%.1f", rate)) steps/s), final step \(summary.finalStep)")
            if group.size > 1, summary.steps > 0 {
                let t = runner.trainer
                let perStep = t.reduceSeconds / Double(summary.steps)
                print("# all-reduce over \(group.size) ranks: \(t.reduceBytes) bytes per step (each rank sends and receives "
                      + "\(2 * (group.size - 1)) × 1/\(group.size) of it), \(String(format: "%.3f", 1000 * perStep)) ms per step "
                      + "(\(String(format: "%.1f", 100 * perStep * Double(summary.steps) / max(summary.seconds, 1e-9))) % of the time)")
            }
            if let v = summary.validation {
                print("# validation (\(v.frames) frames): energy RMSE \(String(format: "%.3f", 1000 * v.energyRMSEPerAtom)) meV/atom, "
                      + "force RMSE \(String(format: "%.2f", 1000 * v.forceRMSE)) meV/Å")
            }
            if let b = summary.bestForceRMSE, let s = summary.bestStep, let ck = d.output.checkpoint {
                print("# best checkpoint: step \(s), force RMSE \(String(format: "%.2f", 1000 * b)) meV/Å → \(FitRunner.bestPath(ck).path)")
            }
            var outs = ["model \(d.output.model.path)"]
            if let ck = d.output.checkpoint { outs.append("checkpoint \(ck.path)") }
            if let lc = d.output.learningCurve, group.isRoot {
                let svg = try Self.plotLearningCurve(lc)
                outs.append("learning curve \(lc.path) (+ \(svg.lastPathComponent))")
            }
            print("# outputs: " + outs.joined(separator: ", "))
            if summary.reason == "interrupted" {
                print("# stopped by \(StopSignals.number == 0 ? "a signal to another rank" : StopSignals.name) after step \(summary.finalStep)"
                      + (d.output.checkpoint.map { ": checkpoint \($0.path) (continue with --restart \($0.path))" } ?? ""))
                // A rank the signal did not reach stopped by the others' vote: it exits as for SIGTERM.
                exitCode = 128 + (StopSignals.number != 0 ? StopSignals.number : SIGTERM)
            }
        }
        if exitCode != 0 { throw ExitCode(exitCode) }
    }

    /// Writes the learning curve CSV as an SVG beside it (log scale); returns its URL.
    static func plotLearningCurve(_ csv: URL) throws -> URL {
        let text = try String(contentsOf: csv, encoding: .utf8)
        var cols = [[Double]](repeating: [], count: 6)
        for line in text.split(separator: "\n").dropFirst() {
            let v = line.split(separator: ",").map { Double($0) ?? .nan }
            guard v.count == 6 else { continue }
            for k in 0..<6 { cols[k].append(v[k]) }
        }
        var plot = LinePlot(title: "Learning curve", xLabel: "step", yLabel: "RMSE (eV/atom for energy, eV/Å for forces)",
                            series: [LinePlot.Series(name: "energy, train", x: cols[0], y: cols[2]),
                                     LinePlot.Series(name: "force, train", x: cols[0], y: cols[3]),
                                     LinePlot.Series(name: "energy, valid", x: cols[0], y: cols[4]),
                                     LinePlot.Series(name: "force, valid", x: cols[0], y: cols[5])])
        plot.logY = true
        let url = csv.deletingPathExtension().appendingPathExtension("svg")
        try Data(plot.svg.utf8).write(to: url)
        return url
    }
}

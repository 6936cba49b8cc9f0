import Analysis
import ArgumentParser
import Foundation
import NeuralPotentials
import SymmdDeck

/// `symmd test --model M --data FILE… [--json] [--out PREFIX]`.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Errors of a model on labelled data, like DeePMD-kit's dp test, with parity plots.",
        discussion: prose("""
            Prints energy MAE/RMSE (total and per atom), force MAE/RMSE and virial MAE/RMSE per atom,
            and writes PREFIX-energy.svg / PREFIX-force.svg (predicted vs reference) with their CSVs.
            With --json, one object on stdout: frames, energy_mae_per_atom, energy_rmse_per_atom,
            force_mae, force_rmse, virial_rmse_per_atom (eV, eV/Å). Under mpirun.openmpi -np N the
            frames are split over the ranks and rank 0 prints and writes the same numbers. With
            --precision mixed or float32 the model's differences from float64 on the same frames are printed too
            (JSON: vs_float64).
            Example:
              symmd test --model potentials/cu-emt-se.sdp --data systems/cu-emt/valid.extxyz
              mpirun.openmpi -np 2 symmd test --model potentials/cu-emt-se.sdp --data systems/cu-emt/valid.extxyz
            """))

    @Option(help: "The model file.") var model: String
    @Option(parsing: .upToNextOption, help: "Data files (extxyz or deepmd/npy folders).") var data: [String]
    @Flag(help: "Print one JSON object on stdout.") var json = false
    @Option(help: "Prefix of the parity plots (PREFIX-energy.svg, PREFIX-force.svg); 'none' to skip.") var out: String = "out/test/parity"
    @Option(help: "Threads (default: SYMMD_THREADS or 1).") var threads: Int?
    @Option(help: "The extxyz info key of the reference energy (eV), e.g. REF_energy.") var energyKey: String = "energy"
    @Option(help: "The extxyz property of the reference forces (eV/Å), e.g. REF_forces.") var forcesKey: String = "forces"
    @Option(help: "The extxyz info key of the reference virial (eV), or of a stress (eV/Å³) when its name says stress, e.g. REF_stress (default: virial, else stress).")
    var virialKey: String?
    @Flag(help: "Evaluate with the embedding nets tabulated (model compression, stride 0.01).") var compress = false
    @Option(help: "Network precision: float64, mixed (float32 nets, float64 geometry and sums) or float32 (rows and their derivatives too).") var precision: NetworkPrecision = .float64

    func run() throws {
        try applyThreads(threads)
        let group = try Ranks.start()
        try userFacing(on: group) {
            let m = try DeepPotentialModel.load(from: model)
            if compress { m.compress(stride: 0.01) }
            m.precision = precision
            let keys = LabelKeys(energy: energyKey, forces: forcesKey, virial: virialKey)
            let loaded = try TrainingData.load(files: data.map { URL(fileURLWithPath: $0) }, typeMap: m.spec.typeMap, skipBad: false, keys: keys)
            let (frames, overflows) = try Trainer.prepare(loaded.frames, model: m, strict: false)
            if overflows > 0, group.isRoot { printError("warning: \(overflows) atoms had more neighbors than sel allows (the farthest were dropped)") }
            // Every rank takes part in both gathers before the ranks other than 0 leave.
            let mine = Trainer.predictions(model: m, frames: frames, group: group)
            // In a precision other than float64, how far its predictions are from float64's.
            var reference: [Trainer.Prediction]? = nil
            if precision != .float64 {
                m.precision = .float64
                reference = Trainer.predictions(model: m, frames: frames, group: group)
                m.precision = precision
            }
            guard let predictions = mine else { return }
            let r = Trainer.metrics(frames: frames, predictions: predictions)
            let versus = reference.map {
                PredictionDifference(predictions, reference: $0, atomCounts: frames.map(\.environments.atomCount))
            }
            if out != "none" {
                var eRef: [Double] = [], ePred: [Double] = [], fRef: [Double] = [], fPred: [Double] = []
                for (p, o) in zip(frames, predictions) {
                    let n = Double(p.environments.atomCount)
                    eRef.append(p.frame.energy / n)
                    ePred.append(o.energy / n)
                    if let f = p.frame.forces { fRef += f; fPred += o.forces }
                }
                func parity(_ name: String, _ unit: String, _ x: [Double], _ y: [Double], points: String) throws {
                    let lo = min(x.min() ?? 0, y.min() ?? 0), hi = max(x.max() ?? 1, y.max() ?? 1)
                    let rmse = (zip(x, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(max(1, x.count))).squareRoot()
                    let milli = unit.hasPrefix("eV") ? "m" + unit : unit
                    var plot = LinePlot(title: "Parity: \(name), RMSE \(String(format: "%.3g", unit.hasPrefix("eV") ? 1000 * rmse : rmse)) \(milli)",
                                        xLabel: "reference (\(unit))", yLabel: "predicted (\(unit))",
                                        series: [LinePlot.Series(name: "y = x", x: [lo, hi], y: [lo, hi]),
                                                 LinePlot.Series(name: "\(x.count) \(points)", x: x, y: y, markers: true)])
                    plot.yFromZero = false
                    plot.equalAxes = true
                    plot.size = (560, 560)
                    _ = try AnalysisOutput.write(prefix: "\(out)-\(name)", header: ["reference", "predicted"], columns: [x, y], plot: plot, inputs: [model] + data)
                }
                try FileManager.default.createDirectory(at: URL(fileURLWithPath: out).deletingLastPathComponent(), withIntermediateDirectories: true)
                try parity("energy", "eV/atom", eRef, ePred, points: "frames")
                if !fRef.isEmpty { try parity("force", "eV/Å", fRef, fPred, points: "force components") }
            }
            if json {
                func num(_ x: Double?) -> String { x.map { $0.isFinite ? "\($0)" : "null" } ?? "null" }
                print("{\"frames\":\(r.frames),\"energy_mae_per_atom\":\(num(r.energyMAEPerAtom)),\"energy_rmse_per_atom\":\(num(r.energyRMSEPerAtom)),"
                      + "\"energy_mae\":\(num(r.energyMAE)),\"energy_rmse\":\(num(r.energyRMSE)),"
                      + "\"force_mae\":\(num(r.forceMAE)),\"force_rmse\":\(num(r.forceRMSE)),"
                      + "\"virial_mae_per_atom\":\(num(r.virialMAEPerAtom)),\"virial_rmse_per_atom\":\(num(r.virialRMSEPerAtom))"
                      + (versus.map { v in
                          ",\"precision\":\"\(precision.rawValue)\",\"vs_float64\":{\"energy_rms_per_atom\":\(num(v.energyRMSPerAtom)),"
                              + "\"energy_max_per_atom\":\(num(v.energyMaxPerAtom)),\"force_rms\":\(num(v.forceRMS)),"
                              + "\"force_max\":\(num(v.forceMax)),\"virial_max_per_atom\":\(num(v.virialMaxPerAtom))}"
                      } ?? "") + "}")
                return
            }
            func line(_ name: String, _ v: Double?, _ unit: String) {
                print(name.padding(toLength: 22, withPad: " ", startingAt: 0) + ": " + (v.map { String(format: "%e", $0) } ?? "n/a") + " " + unit)
            }
            print("# number of test frames: \(r.frames)")
            line("Energy MAE", r.energyMAE, "eV")
            line("Energy RMSE", r.energyRMSE, "eV")
            line("Energy MAE/Natoms", r.energyMAEPerAtom, "eV")
            line("Energy RMSE/Natoms", r.energyRMSEPerAtom, "eV")
            line("Force  MAE", r.forceMAE, "eV/Å")
            line("Force  RMSE", r.forceRMSE, "eV/Å")
            line("Virial MAE/Natoms", r.virialMAEPerAtom, "eV")
            line("Virial RMSE/Natoms", r.virialRMSEPerAtom, "eV")
            if let v = versus {
                print("# \(precision.rawValue) against float64 on the same frames:")
                line("  ΔE/Natoms RMS", v.energyRMSPerAtom, "eV")
                line("  ΔE/Natoms max", v.energyMaxPerAtom, "eV")
                line("  ΔF RMS", v.forceRMS, "eV/Å")
                line("  ΔF max", v.forceMax, "eV/Å")
                line("  ΔW/Natoms max", v.virialMaxPerAtom, "eV")
            }
            if out != "none" { print("# parity plots: \(out)-energy.svg, \(out)-force.svg") }
        }
    }
}

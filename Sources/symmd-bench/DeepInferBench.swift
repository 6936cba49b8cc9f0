import Atomistics
import CBLAS
import Foundation
import NeuralPotentials
import Synchronization
import TrajectoryIO

/// Deep-potential inference (energy + forces) in µs per atom per step, against DeePMD-kit on the
/// same model size and the same copper boxes; and MD steps/s of a 4 000-atom box.
///
/// Model: se_e2_a, embedding [25, 50, 100], axis 16, fitting [240, 240, 240] (resnet_dt), rcut 6 Å,
/// rcut_smth 5 Å, sel [92], type_one_side, untrained with a fixed seed (the cost does not depend on
/// the weights). Boxes: `cu32`, `cu108`, `cu4000` as DeePMD-kit's timing script
/// (`deepmd/bench_infer.py`) writes them into `<scratch>/infer/structures/` (`make deepmd-anchor`;
/// scratch = `$SYMMD_DEEPMD_ANCHOR`, default `.deepmd-anchor`), built here from the same recipe
/// (fcc a = 3.61 Å, rattled) when absent; plus `cu32000` (20×20×20 cells) for symmd alone.
///
/// One step is what `DeepPot.eval` does per call and what MD pays at most: a full neighbor-list
/// build (no skin), the environments, and the fused forward + backward pass. Before each step the
/// positions move by a fresh N(0, 1e-4 Å) nudge; warm-up first, then the median.
enum DeepInferBench {
    /// The model of issue 6 / the DeePMD-kit anchor's `input.json`.
    static let spec = ModelSpec(
        typeMap: ["Cu"],
        descriptor: DescriptorSpec(kind: .seE2A, rcut: 6, rcutSmooth: 5, sel: [92], neuron: [25, 50, 100],
                                   axisNeuron: 16, typeOneSide: true, resnetDt: false),
        fitting: FittingSpec(neuron: [240, 240, 240], resnetDt: true))

    /// Boxes and timed repeats (as bench_infer.py: 50, 50, 20), and how many cells a Swift-built box has.
    static let boxes: [(name: String, repeats: Int, cells: Int)] = [
        ("cu32", 50, 2), ("cu108", 50, 3), ("cu4000", 20, 10), ("cu32000", 5, 20),
    ]

    /// Where `scripts/deepmd-anchor.sh` prepared the anchor.
    static var scratch: String {
        ProcessInfo.processInfo.environment["SYMMD_DEEPMD_ANCHOR"] ?? ".deepmd-anchor"
    }

    /// A box: bench_infer.py's file when present (cu32, cu108, cu4000), else fcc Cu a = 3.61 Å of
    /// `cells`³ conventional cells with seeded N(0, 0.05 Å) displacements.
    static func system(_ name: String, cells: Int) throws -> (System, String) {
        let path = (scratch as NSString).appendingPathComponent("infer/structures/\(name).extxyz")
        if FileManager.default.fileExists(atPath: path), let frame = try ExtXYZ.read(URL(fileURLWithPath: path)).first {
            return (try frame.system(typeNames: ["Cu"]), "bench_infer.py's \(name).extxyz")
        }
        var s = try Lattice.fcc.system(latticeConstant: 3.61, cells: [cells, cells, cells], mass: 63.546,
                                       typeName: "Cu", units: .metal)
        var rng = Xoshiro256StarStar(seed: UInt64(s.count))
        for k in s.positions.indices { s.positions[k] += 0.05 * rng.nextNormal() }
        return (s, name == "cu32000" ? "fcc 20×20×20, a 3.61 Å, rattled 0.05 Å (seeded)"
                                     : "built here (fcc a 3.61 Å rattled 0.05 Å; bench_infer.py's file absent)")
    }

    /// Median seconds per step (build + environments + fused) and the median split, for one box.
    struct Timing { var step: Double; var build: Double; var env: Double; var fused: Double; var energy: Double }

    static func time(_ base: System, model: DeepPotentialModel, threads: Int, repeats: Int, warmup: Int) throws -> Timing {
        // Threads split the atoms (AtomisticsParallel); BLAS calls inside each block stay serial.
        openblas_set_num_threads(1)
        AtomisticsParallel.threads = threads
        defer { AtomisticsParallel.threads = 1 }
        var s = base
        let types = [Int](repeating: 0, count: s.count)
        let d = spec.descriptor
        var list = try NeighborList(cutoff: d.rcut, skin: 0, kind: .full, minimumDistance: 0)
        var rng = Xoshiro256StarStar(seed: 7)
        var steps: [Double] = [], builds: [Double] = [], envs: [Double] = [], fuseds: [Double] = []
        var energy = 0.0
        for k in 0..<(warmup + repeats) {
            for q in s.positions.indices { s.positions[q] = base.positions[q] + 1e-4 * rng.nextNormal() }
            let t0 = DispatchTime.now().uptimeNanoseconds
            try list.build(s)
            let t1 = DispatchTime.now().uptimeNanoseconds
            let env = try AtomEnvironments(positions: s.positions, types: types, neighbors: list, rcut: d.rcut, sel: d.sel)
            let t2 = DispatchTime.now().uptimeNanoseconds
            let out = model.evaluateFused(env, threads: threads)
            let t3 = DispatchTime.now().uptimeNanoseconds
            guard out.energy.isFinite, env.overflows.isEmpty else {
                throw BenchError.failed("deep-infer: energy \(out.energy), \(env.overflows.count) sel overflows")
            }
            energy = out.energy
            if k >= warmup {
                steps.append(Double(t3 - t0) * 1e-9)
                builds.append(Double(t1 - t0) * 1e-9)
                envs.append(Double(t2 - t1) * 1e-9)
                fuseds.append(Double(t3 - t2) * 1e-9)
            }
        }
        return Timing(step: median(steps), build: median(builds), env: median(envs), fused: median(fuseds), energy: energy)
    }

    /// DeePMD-kit's µs/atom/step by box name and thread count, for one frozen model.
    typealias AnchorFigures = [String: [Int: Double]]

    /// Runs bench_infer.py dp (threads 1 and 2, its own repeats) on `model` in the scratch folder;
    /// nil when deepmd is not importable, the model or the script is missing, or the run fails.
    static func runAnchor(model: String, label: String) -> (AnchorFigures?, String) {
        let script = (scratch as NSString).appendingPathComponent("bench_infer.py")
        let modelPath = (scratch as NSString).appendingPathComponent(model)
        guard FileManager.default.fileExists(atPath: script), FileManager.default.fileExists(atPath: modelPath) else {
            return (nil, "\(modelPath) or \(script) missing (run `make deepmd-anchor`): DeePMD-kit anchor skipped")
        }
        guard runProcess("python3", ["-c", "import deepmd.infer"]).status == 0 else {
            return (nil, "deepmd-kit not importable: DeePMD-kit anchor skipped")
        }
        let dir = URL(fileURLWithPath: scratch).standardizedFileURL.path
        let out = NSTemporaryDirectory() + "symmd-deepmd-\(getpid())-\(label)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        var env = ["BENCH_MODEL": URL(fileURLWithPath: modelPath).standardizedFileURL.path, "BENCH_OUT": out,
                   "BENCH_DATA": ProcessInfo.processInfo.environment["BENCH_DATA"]
                       ?? URL(fileURLWithPath: "../shared/data/cu-emt/valid.extxyz").standardizedFileURL.path]
        if let q = ProcessInfo.processInfo.environment["BENCH_QUICK"] { env["BENCH_QUICK"] = q }
        FileHandle.standardError.write(Data("  DeePMD-kit (\(label)): python3 bench_infer.py dp …\n".utf8))
        let r = runProcess("python3", ["bench_infer.py", "dp"], environment: env, directory: dir)
        FileHandle.standardError.write(Data(r.output.split(separator: "\n").filter { $0.contains("DeepPot.eval") || $0.contains("loadavg") }
            .map { "    " + $0 + "\n" }.joined().utf8))
        guard r.status == 0, let data = FileManager.default.contents(atPath: out + "/bench_dp.json"),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let runs = obj["runs"] as? [[String: Any]] else {
            return (nil, "bench_infer.py dp failed (status \(r.status)): DeePMD-kit anchor skipped")
        }
        var figs: AnchorFigures = [:]
        var loads: [String] = []
        for run in runs {
            guard let th = run["threads"] as? Int, let res = run["results"] as? [String: Any] else { continue }
            if let l = run["loadavg_start"] as? [String] { loads.append("\(th)t load \(l.first ?? "?")") }
            for (box, v) in res {
                if let d = v as? [String: Any], let e = d["DeepPot.eval"] as? [String: Any],
                   let us = e["us_per_step_per_atom"] as? Double {
                    figs[box, default: [:]][th] = us
                }
            }
        }
        return (figs, loads.joined(separator: ", "))
    }

    /// symmd's µs/atom/step by "box-threads", reused by the entries against the compressed model.
    static let measured = Mutex<[String: Double]>([:])

    /// Both anchors, run once per process.
    static let anchors = Mutex<[String: (AnchorFigures?, String)]?>(nil)

    static func anchorFigures() -> [String: (AnchorFigures?, String)] {
        if let a = anchors.withLock({ $0 }) { return a }
        let a = ["uncompressed": runAnchor(model: "train/frozen_model.pth", label: "uncompressed"),
                 "compressed": runAnchor(model: "train/frozen_model_compressed.pth", label: "compressed")]
        anchors.withLock { $0 = a }
        return a
    }

    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    }

    /// The benchmark entries: one per box (symmd alone for cu32000) and thread count, one more per
    /// box and thread count against the compressed DeePMD-kit model, and the MD steps/s.
    static func benchmarks() -> [Benchmark] {
        var out: [Benchmark] = []
        for box in boxes {
            for threads in [1, 2] {
                let name = "deep-infer-\(box.name)-\(threads)t"
                out.append(Benchmark(name: name) { context in
                    let model = try DeepPotentialModel(spec: spec, seed: 1)
                    let (s, origin) = try system(box.name, cells: box.cells)
                    let load = loadAverage()
                    let t = try time(s, model: model, threads: threads, repeats: box.repeats,
                                     warmup: box.name == "cu32000" ? 1 : 5)
                    let n = Double(s.count)
                    let us = t.step / n * 1e6
                    measured.withLock { $0["\(box.name)-\(threads)t"] = us }
                    let split = String(format: "build %.1f + env %.1f + fused %.1f µs/atom", t.build / n * 1e6,
                                       t.env / n * 1e6, t.fused / n * 1e6)
                    FileHandle.standardError.write(Data(String(format: "  %@ %dt: %.1f µs/atom/step (%@), E/N %.6f eV, load %@\n",
                                                               box.name, threads, us, split, t.energy / n, load).utf8))
                    var note = "\(s.count) atoms (\(origin)); \(split); median of \(box.repeats); load \(load)"
                    guard box.name != "cu32000" else {
                        return BenchResult(name: name, unit: "µs/atom/step", symmd: us, anchor: "none",
                                           anchor_value: nil, ratio: nil, note: note)
                    }
                    let (figs, info) = anchorFigures()["uncompressed"]!
                    let anchor = figs?[box.name]?[threads]
                    note += anchor == nil ? "; \(info)" : "; DeePMD-kit 3 PyTorch DeepPot.eval, uncompressed (\(info))"
                    return BenchResult(name: name, unit: "µs/atom/step", symmd: us,
                                       anchor: anchor == nil ? nil : "deepmd-kit", anchor_value: anchor,
                                       ratio: anchor.map { us / $0 }, note: note)
                })
            }
        }
        // Against the compressed model (tabulated embedding net): the symmd figure of the entry above.
        for box in boxes where box.name != "cu32000" {
            for threads in [1, 2] {
                let name = "deep-infer-\(box.name)-\(threads)t-vs-compressed"
                out.append(Benchmark(name: name) { context in
                    let key = "\(box.name)-\(threads)t"
                    let load = loadAverage()
                    let us: Double
                    if let known = measured.withLock({ $0[key] }) { us = known } else {
                        let model = try DeepPotentialModel(spec: spec, seed: 1)
                        let (s, _) = try system(box.name, cells: box.cells)
                        let t = try time(s, model: model, threads: threads, repeats: box.repeats, warmup: 5)
                        us = t.step / Double(s.count) * 1e6
                    }
                    let (figs, info) = anchorFigures()["compressed"]!
                    let anchor = figs?[box.name]?[threads]
                    return BenchResult(name: name, unit: "µs/atom/step", symmd: us,
                                       anchor: anchor == nil ? nil : "deepmd-kit", anchor_value: anchor,
                                       ratio: anchor.map { us / $0 },
                                       note: "symmd exact network against `dp --pt compress` (tabulated embedding); load \(load); \(info)")
                })
            }
        }
        // symmd's own compression (tabulated embedding nets, stride 0.01) against DeePMD-kit's.
        for box in boxes where box.name != "cu32000" {
            for threads in [1, 2] {
                let name = "deep-infer-\(box.name)-\(threads)t-compressed"
                out.append(Benchmark(name: name) { context in
                    let model = try DeepPotentialModel(spec: spec, seed: 1)
                    model.compress(stride: 0.01)
                    let (s, _) = try system(box.name, cells: box.cells)
                    let load = loadAverage()
                    let t = try time(s, model: model, threads: threads, repeats: box.repeats, warmup: 5)
                    let us = t.step / Double(s.count) * 1e6
                    FileHandle.standardError.write(Data(String(format: "  %@ %dt compressed: %.1f µs/atom/step, load %@\n",
                                                               box.name, threads, us, load).utf8))
                    let (figs, info) = anchorFigures()["compressed"]!
                    let anchor = figs?[box.name]?[threads]
                    return BenchResult(name: name, unit: "µs/atom/step", symmd: us,
                                       anchor: anchor == nil ? nil : "deepmd-kit", anchor_value: anchor,
                                       ratio: anchor.map { us / $0 },
                                       note: "symmd compressed (quintic tables, stride 0.01) against `dp --pt compress`; load \(load); \(info)")
                })
            }
        }
        // Mixed precision (float32 nets, float64 geometry and sums), exact and compressed, and float32
        // (rows and their derivatives too), compressed, against symmd's own float64 figure measured
        // in the same entry and DeePMD-kit's model.
        for (precision, compressed) in [(NetworkPrecision.mixed, false), (.mixed, true), (.float32, true)] {
            let label = precision.rawValue
            let name = "deep-infer-cu4000-1t-\(label)" + (compressed ? "-compressed" : "")
            out.append(Benchmark(name: name) { _ in
                let model = try DeepPotentialModel(spec: spec, seed: 1)
                if compressed { model.compress(stride: 0.01) }
                let (s, _) = try system("cu4000", cells: 10)
                let load = loadAverage()
                let n = Double(s.count)
                // Three alternations of float64 and mixed (this shared machine drifts by ±10 % between
                // runs); the medians are compared.
                var doubles: [Timing] = [], mixeds: [Timing] = []
                for _ in 0..<3 {
                    model.precision = .float64
                    doubles.append(try time(s, model: model, threads: 1, repeats: 10, warmup: 2))
                    model.precision = precision
                    mixeds.append(try time(s, model: model, threads: 1, repeats: 10, warmup: 2))
                }
                let double = doubles.sorted { $0.step < $1.step }[1], mixed = mixeds.sorted { $0.step < $1.step }[1]
                let us = mixed.step / n * 1e6, us64 = double.step / n * 1e6
                FileHandle.standardError.write(Data(String(format: "  cu4000 1t %@%@: %.1f µs/atom/step (float64 %.1f), load %@\n",
                                                           label, compressed ? " compressed" : "", us, us64, load).utf8))
                let (figs, info) = anchorFigures()[compressed ? "compressed" : "uncompressed"]!
                let anchor = figs?["cu4000"]?[1]
                let runs = zip(doubles, mixeds).map { String(format: "%.1f/%.1f", $0.step / n * 1e6, $1.step / n * 1e6) }.joined(separator: " ")
                let note = String(format: "%@%@; symmd float64 in the same entry %.1f µs/atom/step, median of 3 alternated runs (float64/%@ %@) (%@/float64 %.2f; fused pass %.1f against %.1f); ΔE/N %.2e eV; load %@; %@",
                                  precision == .mixed ? "float32 nets, tables and contractions" : "float32 rows, Jacobians, nets, tables and contractions",
                                  compressed ? ", compressed" : "", us64, label, runs, label, us / us64,
                                  mixed.fused / n * 1e6, double.fused / n * 1e6, abs(mixed.energy - double.energy) / n, load, info)
                return BenchResult(name: name, unit: "µs/atom/step", symmd: us,
                                   anchor: anchor == nil ? nil : "deepmd-kit", anchor_value: anchor,
                                   ratio: anchor.map { us / $0 }, note: note)
            })
        }
        for threads in [1, 2] {
            let name = "deep-md-cu4000-\(threads)t"
            out.append(Benchmark(name: name) { _ in
                let (sps, note) = try mdStepsPerSecond(threads: threads)
                return BenchResult(name: name, unit: "steps/s", symmd: sps, anchor: "none", anchor_value: nil,
                                   ratio: nil, note: note)
            })
        }
        return out
    }

    /// MD steps/s: NVE velocity Verlet, dt 1 fs, skin 1 Å, 20 steps of the 4 000-atom box at 300 K
    /// with `DeepPotential` (neighbor list by its schedule, energy every step).
    static func mdStepsPerSecond(threads: Int, steps: Int = 20) throws -> (Double, String) {
        // Threads split the atoms (AtomisticsParallel); BLAS calls inside each block stay serial.
        openblas_set_num_threads(1)
        AtomisticsParallel.threads = threads
        defer { AtomisticsParallel.threads = 1 }
        let model = try DeepPotentialModel(spec: spec, seed: 1)
        var (s, _) = try system("cu4000", cells: 10)
        var rng = Xoshiro256StarStar(seed: 300)
        try s.setMaxwellBoltzmannVelocities(temperature: 300, using: &rng)
        var f = try ForceEvaluator(potential: DeepPotential(model: model), skin: 1, units: .metal)
        var vv = try VelocityVerlet(timestep: 0.001)
        let load = loadAverage()
        try f.evaluate(&s)
        try vv.step(&s, forces: &f)  // warm-up
        var failure: Error?
        let builds0 = f.neighbors.buildCount
        let t = seconds {
            do { for _ in 0..<steps { try vv.step(&s, forces: &f) } } catch { failure = error }
        }
        if let failure { throw failure }
        let sps = Double(steps) / t
        FileHandle.standardError.write(Data(String(format: "  MD cu4000 %dt: %.3f steps/s (%d list builds), load %@\n",
                                                   threads, sps, f.neighbors.buildCount - builds0, load).utf8))
        return (sps, "4000 atoms, NVE velocity Verlet dt 1 fs, skin 1 Å, \(steps) steps after 1 warm-up, \(f.neighbors.buildCount - builds0) list builds, \(threads) thread(s); load \(load)")
    }
}

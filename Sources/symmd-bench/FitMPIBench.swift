import Foundation
import Synchronization

/// Data-parallel training (issue 16): `symmd fit` of the copper deck (examples/fit-cu.toml, 400
/// steps) on 2 MPI ranks × 1 thread at batch 1 per rank, against 1 rank × 1 thread (batch 1, and
/// batch 2: the same step as the 2 ranks') and 1 rank × 2 threads at batch 2. Steps/s are the
/// fit's own figure ("# done: … steps/s"), the best of two runs; the all-reduce's time is the one
/// the 2-rank fit prints. The bench runs from the repository root (as `make bench` does) and needs
/// the release `symmd` beside it and Debian's `mpirun.openmpi`.
enum FitMPIBench {
    /// Steps per fit.
    static let steps = 400
    /// Runs of each configuration (the fastest counts).
    static let repeats = 2
    /// Measured configurations, each measured once per bench run and shared by the entries.
    private static let cache = Mutex<[String: (stepsPerSecond: Double, reduceMs: Double?)]>([:])

    /// The release `symmd` built beside this executable.
    static var symmd: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("symmd").path
    }

    /// The copper fit deck with `batch` per rank, 400 steps, outputs in a temporary folder.
    static func deck(batch: Int, in dir: URL) throws -> String {
        let root = FileManager.default.currentDirectoryPath
        var text = try String(contentsOfFile: root + "/examples/fit-cu.toml", encoding: .utf8)
        text = text.replacingOccurrences(of: "\"../systems/", with: "\"\(root)/systems/")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let l = String(line)
            if l.hasPrefix("steps = ") { return "steps = \(steps)" }
            if l.hasPrefix("batch_size = ") { return "batch_size = \(batch)" }
            if l.hasPrefix("display_every = ") { return "display_every = \(steps)" }
            if l.hasPrefix("checkpoint_every = ") { return "checkpoint_every = 1000000" }
            if l.hasPrefix("model = ") { return "model = \"\(dir.path)/model.sdp\"" }
            if l.hasPrefix("checkpoint = ") { return "checkpoint = \"\(dir.path)/fit.ckpt\"" }
            if l.hasPrefix("learning_curve = ") { return "learning_curve = \"\(dir.path)/lcurve.csv\"" }
            return l
        }
        let path = dir.appendingPathComponent("fit-b\(batch).toml").path
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Steps/s (and the all-reduce's ms/step on several ranks) of `ranks` × `threads` at `batch`.
    static func measure(ranks: Int, threads: Int, batch: Int) throws -> (stepsPerSecond: Double, reduceMs: Double?) {
        let key = "\(ranks)r\(threads)t-b\(batch)"
        if let known = cache.withLock({ $0[key] }) { return known }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("symmd-fit-bench-\(getpid())-\(key)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let deckPath = try deck(batch: batch, in: dir)
        var best: (Double, Double?) = (0, nil)
        for _ in 0..<repeats {
            var command = [symmd, "fit", deckPath, "--threads", "\(threads)"]
            if ranks > 1 {
                command = ["mpirun.openmpi", "-np", "\(ranks)"] + (getuid() == 0 ? ["--allow-run-as-root"] : []) + command
            }
            let r = runProcess(command[0], Array(command.dropFirst()), environment: ["OPENBLAS_NUM_THREADS": "1"])
            guard r.status == 0, let rate = number(after: "steps in ", before: " steps/s", in: r.output) else {
                throw BenchError.failed("symmd fit (\(key)) failed: \(r.output.suffix(400))")
            }
            if rate > best.0 { best = (rate, number(after: "of it), ", before: " ms per step", in: r.output)) }
        }
        cache.withLock { $0[key] = best }
        return best
    }

    /// The number between `start`'s line and `end` ("400 steps in 9.7 s (41.3 steps/s)" → 41.3).
    static func number(after start: String, before end: String, in text: String) -> Double? {
        guard let line = text.split(separator: "\n").first(where: { $0.contains(start) && $0.contains(end) }),
              let e = line.range(of: end) else { return nil }
        let head = line[..<e.lowerBound]
        let token = head.split(whereSeparator: { $0 == " " || $0 == "(" }).last.map(String.init) ?? ""
        return Double(token)
    }

    static func benchmarks() -> [Benchmark] {
        [
            Benchmark(name: "fit-cu-mpi-2r1t-b1") { _ in
                let two = try measure(ranks: 2, threads: 1, batch: 1)
                let oneB1 = try measure(ranks: 1, threads: 1, batch: 1)
                let oneB2 = try measure(ranks: 1, threads: 1, batch: 2)
                let ratio = oneB2.stepsPerSecond / two.stepsPerSecond
                return BenchResult(name: "fit-cu-mpi-2r1t-b1", unit: "s/step", symmd: 1 / two.stepsPerSecond,
                                   anchor: "symmd 1 rank × 1 thread, batch 2 (the same step)", anchor_value: 1 / oneB2.stepsPerSecond,
                                   ratio: ratio,
                                   note: String(format: "2 ranks × batch 1: %.1f steps/s = %.1f frames/s, %.2f× the frames/s of 1 rank × 1 thread at batch 1 (%.1f steps/s) and %.2f× the steps/s of 1 rank at batch 2 (%.1f); all-reduce %.3f ms/step of 4.06 MB",
                                                 two.stepsPerSecond, 2 * two.stepsPerSecond, 2 * two.stepsPerSecond / oneB1.stepsPerSecond,
                                                 oneB1.stepsPerSecond, two.stepsPerSecond / oneB2.stepsPerSecond, oneB2.stepsPerSecond, two.reduceMs ?? .nan))
            },
            Benchmark(name: "fit-cu-mpi-2r1t-vs-1r2t-b2") { _ in
                let two = try measure(ranks: 2, threads: 1, batch: 1)
                let threads = try measure(ranks: 1, threads: 2, batch: 2)
                return BenchResult(name: "fit-cu-mpi-2r1t-vs-1r2t-b2", unit: "s/step", symmd: 1 / two.stepsPerSecond,
                                   anchor: "symmd 1 rank × 2 threads, batch 2", anchor_value: 1 / threads.stepsPerSecond,
                                   ratio: threads.stepsPerSecond / two.stepsPerSecond,
                                   note: String(format: "the same global batch of 2 frames per step: 2 ranks %.1f steps/s, 2 threads %.1f steps/s", two.stepsPerSecond, threads.stepsPerSecond))
            },
        ]
    }
}

import Atomistics
import Foundation
import Synchronization

/// The LAMMPS `bench/in.lj` workload built through the Atomistics API (no deck), against LAMMPS
/// itself, and the neighbor-list build cost per atom.
///
/// in.lj: fcc at ρ 0.8442, 20×20×20 cells = 32 000 atoms, T 1.44, `lj/cut 2.5` (not shifted),
/// skin 0.3, rebuild every 20 steps without check, NVE velocity Verlet, dt 0.005, 100 steps. The
/// timed part is the 100-step loop (LAMMPS's "Loop time"), set-up and the step-0 evaluation
/// excluded. As LAMMPS (thermo 0: output only at steps 0 and 100) energy and virial are computed
/// only at the last step; the others compute forces only.
enum LJBench {
    /// Timed runs per side (median reported); symmd and LAMMPS runs alternate.
    static let runs = 5

    /// The in.lj system and its force evaluator, step-0 forces computed.
    static func makeSystem(cells: Int = 20, seed: UInt64 = 87287) throws -> (System, ForceEvaluator) {
        let a = Lattice.fcc.latticeConstant(density: 0.8442)
        var s = try Lattice.fcc.system(latticeConstant: a, cells: [cells, cells, cells], mass: 1, units: .lj)
        var rng = Xoshiro256StarStar(seed: seed)
        try s.setMaxwellBoltzmannVelocities(temperature: 1.44, using: &rng)
        let lj = try LennardJones(epsilon: 1, sigma: 1, cutoff: 2.5, truncation: .plain)
        var f = try ForceEvaluator(potential: lj, skin: 0.3, units: .lj)
        f.neighbors.every = 20
        f.neighbors.delay = 0
        f.neighbors.check = false
        try f.evaluate(&s)
        return (s, f)
    }

    /// Seconds of one 100-step NVE loop on a fresh system (set-up not timed).
    static func symmdLoopSeconds(steps: Int = 100) throws -> Double {
        var (s, f) = try makeSystem()
        var vv = try VelocityVerlet(timestep: 0.005)
        var failure: Error?
        let t = seconds {
            do {
                for k in 1...steps {
                    f.forcesOnly = k != steps  // energy and virial only at the thermo step
                    try vv.step(&s, forces: &f)
                }
            } catch { failure = error }
        }
        if let failure { throw failure }
        guard f.potentialEnergy.isFinite, f.neighbors.buildCount == 1 + steps / 20 else {
            throw BenchError.failed("lj-bench: unexpected state after the loop (energy \(f.potentialEnergy), builds \(f.neighbors.buildCount))")
        }
        return t
    }

    /// LAMMPS's "Loop time" of one in.lj run (one process, OMP_NUM_THREADS=1); nil when `lmp` or
    /// in.lj is missing or the run fails.
    static func lammpsLoopSeconds(_ context: BenchContext) -> Double? {
        // Absolute: LAMMPS runs in a temporary directory (its log.lammps and restart files go there).
        let input = URL(fileURLWithPath: context.anchorsDirectory).appendingPathComponent("lammps/in.lj")
            .standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: input), runProcess("sh", ["-c", "command -v lmp"]).status == 0 else {
            return nil
        }
        let r = runProcess("lmp", ["-nocite", "-in", input, "-log", "none"],
                           environment: ["OMP_NUM_THREADS": "1"], directory: NSTemporaryDirectory())
        guard r.status == 0 else { return nil }
        // "Loop time of 1.36123 on 1 procs for 100 steps with 32000 atoms"
        for line in r.output.split(separator: "\n") where line.hasPrefix("Loop time of ") {
            let words = line.split(separator: " ")
            if words.count > 3, let v = Double(words[3]) { return v }
        }
        return nil
    }

    /// The 1-thread LAMMPS median, measured once per process and shared by the 1t and 2t entries.
    static let lammpsMedian = Mutex<Double??>(nil)

    /// Runs symmd `runs` times with `threads` threads, alternating with LAMMPS runs unless a
    /// LAMMPS median is already known.
    static func measure(_ context: BenchContext, threads: Int) throws -> (ours: Double, lammps: Double?) {
        AtomisticsParallel.threads = threads
        defer { AtomisticsParallel.threads = 1 }
        let known = lammpsMedian.withLock { $0 }
        var ours: [Double] = [], theirs: [Double] = []
        var lammpsMissing = false
        _ = try symmdLoopSeconds(steps: 20)  // warm-up (page faults, allocator)
        for _ in 0..<runs {
            ours.append(try symmdLoopSeconds())
            if known == nil && !lammpsMissing {
                if let t = lammpsLoopSeconds(context) { theirs.append(t) } else { lammpsMissing = true }
            }
        }
        let lammps: Double?
        if let known { lammps = known } else {
            lammps = lammpsMissing || theirs.isEmpty ? nil : median(theirs)
            lammpsMedian.withLock { $0 = .some(lammps) }
        }
        let m = median(ours)
        FileHandle.standardError.write(Data(String(format: "  symmd %dt: %@ s (median %.4f s, %.1f steps/s)%@\n",
                                                   threads, ours.map { String(format: "%.3f", $0) }.joined(separator: " "),
                                                   m, 100 / m,
                                                   theirs.isEmpty ? "" : String(format: "; LAMMPS 1t: %@ s (median %.4f s, %.1f steps/s)",
                                                                                theirs.map { String(format: "%.3f", $0) }.joined(separator: " "),
                                                                                median(theirs), 100 / median(theirs))).utf8))
        return (m, lammps)
    }

    /// Seconds per atom of one complete half-list build (lj/cut 2.5 + skin 0.3 at ρ 0.8442) of an
    /// fcc crystal of `cells`³ cells with seeded displacements of up to 0.1σ, median of `repeats`.
    static func neighborBuildSecondsPerAtom(cells: Int, repeats: Int) throws -> Double {
        let a = Lattice.fcc.latticeConstant(density: 0.8442)
        var s = try Lattice.fcc.system(latticeConstant: a, cells: [cells, cells, cells], mass: 1, units: .lj)
        var rng = Xoshiro256StarStar(seed: 1)
        for k in s.positions.indices { s.positions[k] += 0.1 * (rng.nextUniform() - 0.5) }
        var list = try NeighborList(cutoff: 2.5, skin: 0.3, kind: .half)
        try list.build(s)  // warm-up: the list's arrays reach their capacity
        var times: [Double] = []
        var failure: Error?
        for _ in 0..<repeats {
            times.append(seconds { do { try list.build(s) } catch { failure = error } })
        }
        if let failure { throw failure }
        return median(times) / Double(s.count)
    }

    /// The benchmark entries.
    static func benchmarks() -> [Benchmark] {
        let lj = [1, 2].map { threads in
            Benchmark(name: "lj-bench-\(threads)t") { context in
                let (ours, lammps) = try measure(context, threads: threads)
                var note = String(format: "symmd %.1f steps/s", 100 / ours)
                if let lammps {
                    note += String(format: ", LAMMPS %.1f steps/s (1 process, OMP_NUM_THREADS=1)", 100 / lammps)
                    if threads != 1 { note += "; symmd on \(threads) threads against LAMMPS on 1" }
                } else {
                    note += "; lmp or lammps/in.lj not found (or lmp failed): anchor skipped"
                }
                note += "; median of \(runs)"
                return BenchResult(name: "lj-bench-\(threads)t", unit: "s/100 steps", symmd: ours,
                                   anchor: lammps == nil ? nil : "lammps", anchor_value: lammps,
                                   ratio: lammps.map { ours / $0 }, note: note)
            }
        }
        let builds = [("4k", 10, 21), ("32k", 20, 11), ("256k", 40, 5)].map { label, cells, repeats in
            Benchmark(name: "neighbor-build-\(label)") { _ in
                let perAtom = try neighborBuildSecondsPerAtom(cells: cells, repeats: repeats)
                return BenchResult(name: "neighbor-build-\(label)", unit: "s/atom", symmd: perAtom,
                                   anchor: "none", anchor_value: nil, ratio: nil,
                                   note: "\(4 * cells * cells * cells) atoms, one half-list build, 1 thread, median of \(repeats)")
            }
        }
        return lj + builds
    }
}

/// A benchmark that could not run as set up.
enum BenchError: Error, CustomStringConvertible {
    case failed(String)
    var description: String { if case .failed(let m) = self { return m }; return "" }
}

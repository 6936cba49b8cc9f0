import Atomistics
import CBLAS
import Foundation
import NeuralPotentials
import Synchronization

/// The KIM seam: LAMMPS + KIM + symmd's copper model (`potentials/cu-emt-se.sdp`, installed as
/// the portable model `symmd_cu_emt_se` by `make kim`) against symmd's own MD of the same
/// 4 000-atom fcc box and steps; LAMMPS on two MPI ranks against one.
///
/// Both sides: fcc copper a = 3.59 Å, 10×10×10 cells, velocities at 300 K, NVE velocity Verlet,
/// dt 1 fs, skin 1 Å with a check every step, one thread (one per rank), 1 warm-up step then
/// `steps` timed steps. LAMMPS's figure is its own "Loop time".
enum KIMBench {
    /// Timed MD steps on each side.
    static let steps = 20
    /// Runs of each measurement (the median is reported).
    static let repeats = 3
    /// The portable model `make kim` installs for potentials/cu-emt-se.sdp.
    static let kimModel = "symmd_cu_emt_se"
    /// The model file (the bench runs from the repository root, as `make bench` does).
    static var modelPath: String { FileManager.default.currentDirectoryPath + "/potentials/cu-emt-se.sdp" }

    /// LAMMPS's input: the same box, velocities, integrator and neighbor settings.
    static func lammpsInput(steps: Int) -> String {
        """
        kim init \(kimModel) metal
        lattice fcc 3.59
        region box block 0 10 0 10 0 10
        create_box 1 box
        create_atoms 1 box
        kim interactions Cu
        mass 1 63.546
        velocity all create 300 4928459 mom yes rot yes dist gaussian
        neighbor 1.0 bin
        neigh_modify every 1 delay 0 check yes
        timestep 0.001
        fix 1 all nve
        thermo \(steps)
        run 1
        run \(steps)

        """
    }

    /// Context for what the KIM seam costs elsewhere: the kim-api example model LennardJones_Ar
    /// (ε 0.0104 eV, σ 3.40 Å, r_c 8.15 Å, unshifted; full list) or LAMMPS's native `lj/cut`
    /// with the same parameters (half list), on 4 000 fcc argon atoms, 500 NVE steps of 2 fs.
    /// The two give the same energies to every printed digit.
    static func argonInput(kim: Bool) -> String {
        let head = kim ? "kim init LennardJones_Ar metal" : "units metal"
        let pair = kim ? "kim interactions Ar" : "pair_style lj/cut 8.15\npair_coeff 1 1 0.0104 3.40"
        return """
        \(head)
        lattice fcc 5.26
        region box block 0 10 0 10 0 10
        create_box 1 box
        create_atoms 1 box
        \(pair)
        mass 1 39.948
        velocity all create 40 4928459 mom yes rot yes dist gaussian
        neighbor 1.0 bin
        neigh_modify every 1 delay 0 check yes
        timestep 0.002
        fix 1 all nve
        thermo 100
        run 1
        run 500

        """
    }

    /// LAMMPS's loop seconds of the timed run on `ranks` MPI ranks (Debian's OpenMPI launcher),
    /// with a note; nil when lmp, mpirun.openmpi or the portable model is missing.
    static func lammpsSeconds(ranks: Int, input text: String? = nil, compress: Bool = false) -> (Double?, String) {
        guard runProcess("sh", ["-c", "command -v lmp"]).status == 0 else { return (nil, "lmp not found") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("symmd-kim-bench-\(getpid())-\(ranks)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.kim")
        do { try (text ?? lammpsInput(steps: steps)).write(to: input, atomically: true, encoding: .utf8) } catch {
            return (nil, "cannot write \(input.path)")
        }
        var command = ["lmp", "-nocite", "-in", input.path, "-log", "none"]
        if ranks > 1 {
            command = ["mpirun.openmpi", "--allow-run-as-root", "-np", "\(ranks)",
                       "-x", "OMP_NUM_THREADS", "-x", "OPENBLAS_NUM_THREADS", "-x", "SYMMD_COMPRESS"] + command
        }
        let r = runProcess(command[0], Array(command.dropFirst()),
                           environment: ["OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "SYMMD_COMPRESS": compress ? "1" : "0"],
                           directory: dir.path)
        let loops = r.output.split(separator: "\n").filter { $0.hasPrefix("Loop time of") }
        guard r.status == 0, let last = loops.last, let t = Double(last.split(separator: " ")[3]) else {
            let kimLog = (try? String(contentsOf: dir.appendingPathComponent("kim.log"), encoding: .utf8)) ?? ""
            return (nil, "LAMMPS + KIM failed (is \(kimModel) installed? `make kim`): \(r.output.suffix(200)) \(kimLog.suffix(200))")
        }
        let grid = r.output.split(separator: "\n").first { $0.contains("MPI processor grid") }.map(String.init) ?? ""
        return (t, "\(last.trimmingCharacters(in: .whitespaces)); \(grid.trimmingCharacters(in: .whitespaces))")
    }

    /// symmd's own seconds for the same steps, one thread (tabulated embedding nets with `compress`).
    static func symmdSeconds(compress: Bool = false) throws -> Double {
        openblas_set_num_threads(1)
        AtomisticsParallel.threads = 1
        var s = try Lattice.fcc.system(latticeConstant: 3.59, cells: [10, 10, 10], mass: 63.546, typeName: "Cu")
        var rng = Xoshiro256StarStar(seed: 300)
        try s.setMaxwellBoltzmannVelocities(temperature: 300, using: &rng)
        let potential = try DeepPotential(contentsOf: modelPath)
        if compress { potential.model.compress(stride: 0.01) }
        var f = try ForceEvaluator(potential: potential, skin: 1, units: .metal)
        var vv = try VelocityVerlet(timestep: 0.001)
        try f.evaluate(&s)
        try vv.step(&s, forces: &f)  // warm-up, as LAMMPS's `run 1`
        var failure: Error?
        let t = seconds { do { for _ in 0..<steps { try vv.step(&s, forces: &f) } } catch { failure = error } }
        if let failure { throw failure }
        return t
    }

    /// The one-rank LAMMPS figure, shared by both entries (measured once).
    static let oneRank = Mutex<(Double?, String)?>(nil)

    /// LAMMPS + KIM + symmd on one rank against symmd's own run, alternated, medians of `repeats`;
    /// with `compress` both sides tabulate the embedding nets (SYMMD_COMPRESS=1, `compress()`).
    static func seam(compress: Bool) -> Benchmark {
        let name = compress ? "kim-lammps-cu4000-compressed-1r" : "kim-lammps-cu4000-1r"
        let perAtomStep = 1e6 / Double(4000 * steps)
        return Benchmark(name: name) { _ in
            let load = DeepInferBench.loadAverage()
            // Alternated, median of `repeats` each: the shared machine's noise hits both sides.
            var mine: [Double] = [], theirs: [Double] = []
            var note = ""
            for _ in 0..<repeats {
                mine.append(try symmdSeconds(compress: compress))
                let (t, n) = lammpsSeconds(ranks: 1, compress: compress)
                note = n
                if let t { theirs.append(t) } else { break }
            }
            let ours = median(mine)
            let lmp = theirs.count == repeats ? median(theirs) : nil
            note += "; median of \(repeats) alternated runs each (symmd \(mine.map { String(format: "%.2f", $0) }.joined(separator: " ")) s, LAMMPS \(theirs.map { String(format: "%.2f", $0) }.joined(separator: " ")) s)"
            if !compress { oneRank.withLock { $0 = (lmp, note) } }
            let what = compress ? "both with tabulated embedding nets (SYMMD_COMPRESS=1 / compress(stride: 0.01))" : "exact nets"
            return BenchResult(name: name, unit: "µs/atom/step", symmd: (lmp ?? .nan) * perAtomStep,
                               anchor: lmp == nil ? nil : "symmd-run", anchor_value: ours * perAtomStep,
                               ratio: lmp.map { $0 / ours },
                               note: "LAMMPS + KIM + symmd (1 rank) against symmd's own NVE of the same 4000-atom box, \(steps) steps, 1 thread, \(what); ratio = the seam's cost; \(note); load \(load)")
        }
    }

    /// The benchmark entries.
    static func benchmarks() -> [Benchmark] {
        let perAtomStep = 1e6 / Double(4000 * steps)
        return [
            seam(compress: false),
            seam(compress: true),
            Benchmark(name: "kim-lammps-cu4000-2r") { _ in
                let load = DeepInferBench.loadAverage()
                let one = oneRank.withLock { $0 } ?? lammpsSeconds(ranks: 1)
                var runs: [Double] = []
                var note = ""
                for _ in 0..<repeats {
                    let (t, n) = lammpsSeconds(ranks: 2)
                    note = n
                    if let t { runs.append(t) } else { break }
                }
                let two = runs.count == repeats ? median(runs) : nil
                note += "; median of \(repeats) (\(runs.map { String(format: "%.2f", $0) }.joined(separator: " ")) s)"
                let ratio = two.flatMap { t in one.0.map { t / $0 } }
                return BenchResult(name: "kim-lammps-cu4000-2r", unit: "µs/atom/step", symmd: (two ?? .nan) * perAtomStep,
                                   anchor: one.0 == nil ? nil : "kim-lammps-1r", anchor_value: one.0.map { $0 * perAtomStep },
                                   ratio: ratio,
                                   note: "LAMMPS + KIM + symmd on 2 MPI ranks (mpirun.openmpi) against 1 rank; speed-up \(ratio.map { String(format: "%.2f", 1 / $0) } ?? "–")×; \(note); load \(load)")
            },
            Benchmark(name: "kim-lammps-lj-ar4000-1r") { _ in
                let load = DeepInferBench.loadAverage()
                let (viaKIM, kimNote) = lammpsSeconds(ranks: 1, input: argonInput(kim: true))
                let (native, _) = lammpsSeconds(ranks: 1, input: argonInput(kim: false))
                let perStep = 1e6 / Double(4000 * 500)
                return BenchResult(name: "kim-lammps-lj-ar4000-1r", unit: "µs/atom/step", symmd: (viaKIM ?? .nan) * perStep,
                                   anchor: native == nil ? nil : "lammps-lj/cut", anchor_value: native.map { $0 * perStep },
                                   ratio: viaKIM.flatMap { k in native.map { k / $0 } },
                                   note: "context, no symmd inside: kim-api's LennardJones_Ar through KIM against LAMMPS's own lj/cut with the same parameters (4000 Ar, 500 steps; the KIM model walks a full list, lj/cut a half list); \(kimNote); load \(load)")
            },
        ]
    }
}

import Atomistics
import Foundation

/// A concurrent-learning loop deck (`symmd learn LOOP.toml`), DP-GEN's train → explore → select →
/// label cycle in one file. Paths are relative to the deck's folder.
///
/// ```toml
/// fit = "fit.toml"                  # the fit deck; its [data] train are the starting frames
/// labeller = "python3 label.py {in} {out}"   # reads candidates (extxyz), writes them labelled
/// work = "../out/learn"             # iterations, data and the state file
/// models = 4                        # committee size (seeds differ)
/// iterations = 4                    # the budget
/// trust_lo = 0.05                   # eV/Å, DP-GEN's levels on max_devi_f
/// trust_hi = 0.15
/// max_candidates = 20               # labelled per iteration at most
/// stop_fraction = 0.05              # stop once candidates / explored frames fall below
/// seed = 7
/// holdout = "holdout.extxyz"        # optional: the first model's errors on frames never trained on
/// init_from_previous = false        # optional: fits start from the previous iteration's models
///
/// [[explore]]                       # MD with the committee: one run per structure × temperature
/// structure = "start.extxyz"
/// temperatures = [300, 800]
/// steps = 1000
/// timestep = 0.002                  # ps
/// every = 20                        # frames (and deviations) every this many steps
/// pressures = [0, 50000]            # optional, bar: NPT runs (c-rescale), one per T × P
/// ```
public struct LearnDeck: Sendable {
    /// One exploration setting.
    public struct Exploration: Sendable, Equatable {
        /// The starting structure (extxyz, LAMMPS data, …).
        public var structure: URL
        /// Temperatures (K), one run each.
        public var temperatures: [Double]
        /// Steps per run.
        public var steps: Int
        /// Timestep (ps).
        public var timestep: Double
        /// Interval of frames and deviations (steps).
        public var every: Int
        /// Pressures (bar) for NPT exploration (c-rescale with the Langevin thermostat), one run per
        /// temperature × pressure; empty: constant volume.
        public var pressures: [Double] = []
        /// Compressibility the c-rescale barostat assumes (1/bar); only its speed depends on it.
        public var compressibility: Double = 1e-6
    }

    /// The loop deck.
    public var url: URL
    /// The fit deck every committee member is trained from.
    public var fit: URL
    /// The labeller command, `{in}` and `{out}` replaced by the candidates and labelled files.
    public var labeller: String
    /// The working folder.
    public var work: URL
    /// Committee size (≥ 2).
    public var models: Int
    /// Iterations at most.
    public var iterations: Int
    /// DP-GEN trust levels on max_devi_f (eV/Å).
    public var trustLo: Double, trustHi: Double
    /// Candidates labelled per iteration at most.
    public var maxCandidates: Int
    /// Stop when the candidate fraction falls below this.
    public var stopFraction: Double
    /// Seed of the committee's training seeds and of the selection.
    public var seed: UInt64
    /// Held-out labelled frames for the table (never trained on).
    public var holdout: URL?
    /// The explorations.
    public var explorations: [Exploration]
    /// Start each iteration's committee member k from member k of the previous iteration (its
    /// weights and normalisation; DP-GEN's `init_model`) instead of fresh weights.
    public var initFromPrevious = false

    /// Reads the deck at `url`.
    ///
    /// - Throws: `DeckError` naming the file, line and key.
    public init(contentsOf url: URL) throws {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw DeckError(.missingFile, file: url.path, key: "", expected: "a readable loop deck", found: "no such file or unreadable")
        }
        let text = String(decoding: data, as: UTF8.self)
        self.url = url
        let dir = url.deletingLastPathComponent()
        let context = DeckContext(file: url.path, directory: dir, text: DeckText(text))
        let top = try DeckTable.top(parsing: text, context: context)
        func path(_ s: String) -> URL { URL(fileURLWithPath: s, relativeTo: dir).standardizedFileURL }
        func existing(_ key: String, _ what: String) throws -> URL {
            guard let s = try top.string(key, what) else { throw top.error(.missingKey, key, expected: "\(key) = \"…\" (\(what))", found: "nothing") }
            let u = path(s)
            guard FileManager.default.fileExists(atPath: u.path) else {
                throw top.error(.missingFile, key, expected: "an existing \(what) (relative to \(dir.path))", found: "no file at \(u.path)")
            }
            return u
        }
        fit = try existing("fit", "fit deck")
        guard let lab = try top.string("labeller", "labeller command with {in} and {out}") else {
            throw top.error(.missingKey, "labeller", expected: "labeller = \"command {in} {out}\"", found: "nothing")
        }
        guard lab.contains("{in}") && lab.contains("{out}") else {
            throw top.error(.nonPhysical, "labeller", expected: "a command with {in} (candidates) and {out} (labelled) in it", found: "\"\(lab)\"")
        }
        labeller = lab
        work = path(try top.string("work", "working folder") ?? "learn")
        models = try top.int("models", "committee size", minimum: 2) ?? 4
        iterations = try top.int("iterations", "iterations at most", minimum: 1) ?? 5
        trustLo = try top.positive("trust_lo", "lower trust level (eV/Å)", allowZero: true) ?? 0.05
        trustHi = try top.positive("trust_hi", "upper trust level (eV/Å)") ?? 0.15
        guard trustHi > trustLo else { throw top.error(.nonPhysical, "trust_hi", expected: "trust_hi > trust_lo = \(trustLo)", found: "\(trustHi)") }
        maxCandidates = try top.int("max_candidates", "candidates labelled per iteration", minimum: 1) ?? 20
        stopFraction = try top.positive("stop_fraction", "candidate fraction that ends the loop", allowZero: true) ?? 0.05
        seed = UInt64(try top.int("seed", "seed", minimum: 0) ?? 1)
        holdout = try top.string("holdout", "held-out labelled frames").map(path)
        initFromPrevious = try top.bool("init_from_previous", "start each fit from the previous iteration's model") ?? false
        if let h = holdout, !FileManager.default.fileExists(atPath: h.path) {
            throw top.error(.missingFile, "holdout", expected: "an existing extxyz file", found: "no file at \(h.path)")
        }
        guard let ex = try top.tables("explore"), !ex.isEmpty else {
            throw top.error(.missingKey, "explore", expected: "one or more [[explore]] tables", found: "none")
        }
        explorations = try ex.map { t in
            guard let s = try t.string("structure", "starting structure") else {
                throw t.error(.missingKey, "structure", expected: "structure = \"…\"", found: "nothing")
            }
            let u = path(s)
            guard FileManager.default.fileExists(atPath: u.path) else {
                throw t.error(.missingFile, "structure", expected: "an existing structure file", found: "no file at \(u.path)")
            }
            let temps: [Double]
            if case .array(let a)? = t.raw("temperatures") {
                temps = try a.map {
                    switch $0 {
                    case .double(let d) where d > 0: return d
                    case .int(let i) where i > 0: return Double(i)
                    default: throw t.error(.wrongType, "temperatures", expected: "positive temperatures (K)", found: $0.typeName)
                    }
                }
            } else {
                throw t.error(.missingKey, "temperatures", expected: "temperatures = [300, 800] (K)", found: "nothing")
            }
            let steps = try t.int("steps", "steps per run", minimum: 1) ?? 1000
            let dt = try t.positive("timestep", "timestep (ps)") ?? 0.002
            let every = try t.int("every", "frame interval (steps)", minimum: 1) ?? 20
            var pressures: [Double] = []
            if case .array(let a)? = t.raw("pressures") {
                pressures = try a.map {
                    switch $0 {
                    case .double(let d) where d.isFinite: return d
                    case .int(let i): return Double(i)
                    default: throw t.error(.wrongType, "pressures", expected: "pressures in bar", found: $0.typeName)
                    }
                }
            } else if let v = t.raw("pressures") {
                throw t.error(.wrongType, "pressures", expected: "an array of pressures (bar)", found: v.typeName)
            }
            let beta = try t.positive("compressibility", "barostat compressibility (1/bar)") ?? 1e-6
            try t.finish()
            var e = Exploration(structure: u, temperatures: temps, steps: steps, timestep: dt, every: every)
            e.pressures = pressures
            e.compressibility = beta
            return e
        }
        try top.finish()
    }
}

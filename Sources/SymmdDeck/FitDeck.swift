import Foundation
import NeuralPotentials
import TOMLKit

/// A fit deck (TOML), mirroring DeePMD-kit's `input.json`: `[data]`, `[model.descriptor]`,
/// `[model.fitting]`, `[training]`, `[output]`. Paths are relative to the deck's folder; unknown
/// keys are errors naming the key and line.
public struct FitDeck: Sendable {
    /// The deck file.
    public var url: URL
    /// `[data] type_map`: element of each model type, e.g. ["Cu", "Au"].
    public var typeMap: [String]
    /// `[data] train`: training files (extxyz or deepmd/npy folders).
    public var trainFiles: [URL]
    /// `[data] valid`: validation files.
    public var validFiles: [URL]
    /// `[data] skip_bad`: skip (and count) bad frames instead of stopping.
    public var skipBad: Bool
    /// `[data] energy_key`, `forces_key`, `virial_key`: where an extxyz file keeps its labels.
    public var labelKeys = LabelKeys()
    /// `[model.descriptor]` with `sel` as given (ignored when `selAuto`).
    public var descriptor: DescriptorSpec
    /// `sel = "auto"`: observed maximum neighbor count × 1.1 from the training data.
    public var selAuto: Bool
    /// `[model.fitting]`.
    public var fitting: FittingSpec
    /// `[training]`: steps, batch, seed, learning rate and loss prefactors (DeePMD-kit's names and defaults).
    public var training: TrainingConfig
    /// `[training] display_every`: steps between learning-curve rows.
    public var displayEvery = 100
    /// `[training] time_limit_minutes`: wall-time budget (0 = none).
    public var timeLimitMinutes = 0.0
    /// `[output]`.
    public var output: FitOutput

    /// Files `[output]` names.
    public struct FitOutput: Sendable, Equatable {
        /// The model file written at the end (`model`).
        public var model: URL
        /// Checkpoint file prefix (`checkpoint`), written every `checkpoint_every` steps.
        public var checkpoint: URL?
        /// Steps between checkpoints.
        public var checkpointEvery = 1000
        /// Learning-curve CSV (`learning_curve`); an SVG is written beside it.
        public var learningCurve: URL?
    }

    /// The model architecture the deck describes, with `sel` resolved to `sel` when given.
    public func modelSpec(sel resolved: [Int]? = nil) -> ModelSpec {
        var d = descriptor
        if let resolved { d.sel = resolved }
        return ModelSpec(typeMap: typeMap, descriptor: d, fitting: fitting)
    }

    /// Reads and checks the fit deck at `url`.
    public init(contentsOf url: URL) throws {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw DeckError(.missingFile, file: url.path, key: "", expected: "a readable TOML fit deck", found: "no such file or unreadable")
        }
        try self.init(parsing: text, url: url)
    }

    /// Parses fit-deck `text` as if read from `url`.
    public init(parsing text: String, url: URL) throws {
        self.url = url
        let context = DeckContext(file: url.path, directory: url.deletingLastPathComponent(), text: DeckText(text))
        let top = try DeckTable.top(parsing: text, context: context)
        func path(_ s: String) -> URL { URL(fileURLWithPath: s, relativeTo: context.directory).standardizedFileURL }

        // [data]
        guard let data = try top.table("data") else {
            throw top.error(.missingKey, "data", expected: "a [data] table (type_map, train, valid)", found: "nothing")
        }
        guard let tm = try data.strings("type_map", "element of each model type"), !tm.isEmpty else {
            throw data.error(.missingKey, "type_map", expected: "type_map = [\"Cu\", …]", found: "nothing")
        }
        typeMap = tm
        trainFiles = (try data.strings("train", "training data files") ?? []).map(path)
        validFiles = (try data.strings("valid", "validation data files") ?? []).map(path)
        skipBad = try data.bool("skip_bad", "skip bad frames") ?? false
        labelKeys = LabelKeys(energy: try data.string("energy_key", "the extxyz info key of the energy") ?? "energy",
                              forces: try data.string("forces_key", "the extxyz property of the forces") ?? "forces",
                              virial: try data.string("virial_key", "the extxyz info key of the virial (or of a stress, when its name says so)"))
        try data.finish()

        // [model.descriptor], [model.fitting]
        guard let model = try top.table("model") else {
            throw top.error(.missingKey, "model", expected: "[model.descriptor] and [model.fitting] tables", found: "nothing")
        }
        func sub(_ t: DeckTable, _ key: String) throws -> DeckTable? {
            guard let v = t.raw(key) else { return nil }
            guard case .table(let values) = v else { throw t.error(.wrongType, key, expected: "a table", found: v.typeName) }
            return DeckTable(values, path: "\(t.path).\(key)", section: "\(t.path).\(key)", context: context)
        }
        // Widths and capacities are bounded so a typo cannot ask for terabytes (10⁴ is far above
        // any DeePMD-kit model; a list of at most 64 layers).
        func intList(_ t: DeckTable, _ key: String, _ what: String, maximum: Int = 10_000) throws -> [Int]? {
            guard let v = t.raw(key) else { return nil }
            let values: [DeckValue]
            if case .int = v { values = [v] } else {
                guard case .array(let a) = v, !a.isEmpty, a.count <= 64 else {
                    throw t.error(.wrongType, key, expected: "an array of 1 to 64 positive integers (\(what))", found: v.typeName)
                }
                values = a
            }
            return try values.map {
                guard case .int(let i) = $0, i > 0 else {
                    throw t.error(.wrongType, key, expected: "an array of positive integers (\(what))", found: "an element \($0.typeName)")
                }
                guard i <= maximum else {
                    throw t.error(.nonPhysical, key, expected: "integers ≤ \(maximum) (\(what))", found: "\(i)")
                }
                return i
            }
        }
        guard let desc = try sub(model, "descriptor") else {
            throw model.error(.missingKey, "descriptor", expected: "a [model.descriptor] table", found: "nothing")
        }
        let kindName = try desc.choice("kind", DescriptorKind.allCases.map(\.rawValue)) ?? "se_e2_a"
        let rcut = try desc.positive("rcut", "cutoff radius (Å)") ?? 6
        guard rcut <= 30 else { throw desc.error(.nonPhysical, "rcut", expected: "a cutoff ≤ 30 Å", found: "\(rcut)") }
        let rcutSmooth = try desc.positive("rcut_smth", "start of the smooth switch (Å)", allowZero: true) ?? min(5, rcut / 2)
        guard rcutSmooth < rcut else {
            throw desc.error(.nonPhysical, "rcut_smth", expected: "rcut_smth < rcut = \(rcut) Å", found: "\(rcutSmooth)")
        }
        var sel: [Int] = typeMap.map { _ in 0 }
        var auto = false
        if case .string(let s)? = desc.raw("sel") {
            guard s == "auto" else { throw desc.error(.nonPhysical, "sel", expected: "\"auto\" or an array of capacities", found: "\"\(s)\"") }
            auto = true
        } else if let given = try intList(desc, "sel", "neighbor capacity per type") {
            guard given.count == typeMap.count else {
                throw desc.error(.nonPhysical, "sel", expected: "\(typeMap.count) capacities (one per type_map entry)", found: "\(given.count)")
            }
            sel = given
        } else {
            auto = true
        }
        let neuron = try intList(desc, "neuron", "embedding widths") ?? [25, 50, 100]
        let axis = try desc.int("axis_neuron", "columns of T in D = TᵀT<", minimum: 1) ?? min(16, neuron.last ?? 16)
        // The descriptor has neuron.last × axis_neuron values per atom: bound it too.
        guard neuron.last! * axis <= 100_000 else {
            throw desc.error(.nonPhysical, "axis_neuron", expected: "neuron[-1] × axis_neuron ≤ 100000 descriptor values", found: "\(neuron.last!) × \(axis)")
        }
        guard axis <= neuron.last! else {
            throw desc.error(.nonPhysical, "axis_neuron", expected: "≤ the last embedding width \(neuron.last!)", found: "\(axis)")
        }
        descriptor = DescriptorSpec(kind: DescriptorKind(rawValue: kindName)!, rcut: rcut, rcutSmooth: rcutSmooth, sel: sel,
                                    neuron: neuron, axisNeuron: axis,
                                    typeOneSide: try desc.bool("type_one_side", "one embedding net per neighbor type") ?? true,
                                    resnetDt: try desc.bool("resnet_dt", "trainable timestep in the embedding net") ?? false)
        selAuto = auto
        try desc.finish()
        let fit = try sub(model, "fitting")
        fitting = FittingSpec(neuron: try fit.flatMap { try intList($0, "neuron", "fitting widths") } ?? [240, 240, 240],
                              resnetDt: try fit?.bool("resnet_dt", "trainable timestep in the fitting net") ?? true)
        try fit?.finish()
        try model.finish()

        // [training]
        var tr = TrainingConfig()
        if let t = try top.table("training") {
            tr.steps = try t.int("steps", "optimiser steps", minimum: 0) ?? tr.steps
            tr.batchSize = try t.int("batch_size", "frames per step", minimum: 1) ?? tr.batchSize
            tr.seed = UInt64(try t.int("seed", "random seed", minimum: 0) ?? Int(tr.seed))
            tr.startLR = try t.positive("start_lr", "initial learning rate") ?? tr.startLR
            tr.stopLR = try t.positive("stop_lr", "final learning rate") ?? tr.stopLR
            tr.decaySteps = try t.int("decay_steps", "steps between decays", minimum: 1) ?? tr.decaySteps
            tr.startPrefE = try t.positive("start_pref_e", "energy prefactor at the start", allowZero: true) ?? tr.startPrefE
            tr.limitPrefE = try t.positive("limit_pref_e", "energy prefactor limit", allowZero: true) ?? tr.limitPrefE
            tr.startPrefF = try t.positive("start_pref_f", "force prefactor at the start", allowZero: true) ?? tr.startPrefF
            tr.limitPrefF = try t.positive("limit_pref_f", "force prefactor limit", allowZero: true) ?? tr.limitPrefF
            tr.startPrefV = try t.positive("start_pref_v", "virial prefactor at the start", allowZero: true) ?? tr.startPrefV
            tr.limitPrefV = try t.positive("limit_pref_v", "virial prefactor limit", allowZero: true) ?? tr.limitPrefV
            if let w = try t.choice("scale_by_worker", TrainingConfig.WorkerScaling.allCases.map(\.rawValue)) {
                tr.scaleByWorker = TrainingConfig.WorkerScaling(rawValue: w)!
            }
            if let pr = try t.choice("precision", [NetworkPrecision.float64, .mixed].map(\.rawValue)) {
                tr.precision = NetworkPrecision(rawValue: pr)!
            }
            displayEvery = try t.int("display_every", "steps between learning-curve rows", minimum: 1) ?? displayEvery
            timeLimitMinutes = try t.positive("time_limit_minutes", "wall-time budget (minutes)", allowZero: true) ?? 0
            try t.finish()
        }
        training = tr

        // [output]
        var out = FitOutput(model: path("model.sdp"))
        if let o = try top.table("output") {
            if let m = try o.string("model", "model file") { out.model = path(m) }
            out.checkpoint = try o.string("checkpoint", "checkpoint file").map(path)
            out.checkpointEvery = try o.int("checkpoint_every", "steps between checkpoints", minimum: 1) ?? out.checkpointEvery
            out.learningCurve = try o.string("learning_curve", "learning-curve CSV").map(path)
            try o.finish()
        }
        output = out
        try top.finish()
    }
}

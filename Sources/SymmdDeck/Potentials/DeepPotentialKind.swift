import Atomistics
import Foundation
import NeuralPotentials

/// `kind = "deep"`: `file` (a symmd model, relative to the deck), optional `compress = true` and
/// `compress_stride = 0.01` (tabulated embedding nets), `precision = "float64" | "mixed" | "float32"`
/// (float32 nets with float64 geometry and sums, or float32 rows too; the file is the same), and
/// `committee = ["b.sdp", …]`: more models evaluated only where `[output] model_devi` asks
/// (``CommitteePotential``). Metal units only; sel-overflow warnings go to the deck's warning
/// callback (at most 10) and are counted in thermo (`sel_overflow`).
enum DeepPotentialKind: PotentialKind {
    static let name = "deep"

    static func make(_ pot: DeckTable, units: UnitStyle, context: DeckContext) throws -> (any Potential, [String]?) {
        guard units == .metal else {
            throw pot.error(.nonPhysical, "kind", expected: "units = \"metal\" for a deep potential (models are in eV and Å)",
                            found: "units = \"\(units.rawValue)\"")
        }
        guard let file = try pot.string("file", "deep-potential model file relative to the deck") else {
            throw pot.error(.missingKey, "file", expected: "file = \"potentials/….sdp\" (written by symmd fit or symmd model init)", found: "nothing")
        }
        let url = URL(fileURLWithPath: file, relativeTo: context.directory).standardizedFileURL
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw pot.error(.missingFile, "file", expected: "an existing model file (relative to \(context.directory.path))", found: "no file at \(url.path)")
        }
        let compress = try pot.bool("compress", "tabulate the embedding nets (DeePMD-kit's model compression)") ?? false
        let others = try pot.strings("committee", "more model files for the model deviation, relative to the deck") ?? []
        let otherURLs = others.map { URL(fileURLWithPath: $0, relativeTo: context.directory).standardizedFileURL }
        for u in otherURLs where !FileManager.default.fileExists(atPath: u.path) {
            throw pot.error(.missingFile, "committee", expected: "existing model files (relative to \(context.directory.path))", found: "no file at \(u.path)")
        }
        let stride = try pot.positive("compress_stride", "table interval in normalised s") ?? 0.01
        let precision = NetworkPrecision(rawValue: try pot.choice("precision", NetworkPrecision.allCases.map(\.rawValue)) ?? "float64")!
        do {
            let p = try DeepPotential(contentsOf: url.path, warn: context.warn)
            if compress { p.model.compress(stride: stride) }
            p.model.precision = precision
            guard !otherURLs.isEmpty else { return (p, p.typeMap) }
            let members = try otherURLs.map { u -> DeepPotential in
                let m = try DeepPotential(contentsOf: u.path, warn: context.warn)
                if compress { m.model.compress(stride: stride) }
                m.model.precision = precision
                return m
            }
            let committee: Committee
            do {
                committee = try Committee([p] + members, names: [url.lastPathComponent] + otherURLs.map(\.lastPathComponent))
            } catch let e as NeuralPotentialError {
                throw pot.error(.nonPhysical, "committee", expected: "models with the file's type map and cutoff", found: "\(e)")
            }
            return (CommitteePotential(committee), p.typeMap)
        } catch let e as NeuralPotentialError {
            throw pot.error(.badFile, "file", expected: "a symmd deep-potential model", found: "\(e)")
        }
    }
}

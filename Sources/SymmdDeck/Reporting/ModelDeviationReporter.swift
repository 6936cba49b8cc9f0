import Atomistics
import Foundation
import NeuralPotentials

/// `[output] model_devi = { file = "model_devi.out", every = K }` with a `[potential] committee`:
/// DeePMD-kit's model-deviation file, a row every K steps. The driving model's own result of the
/// step is reused; the other models are evaluated only on these steps.
public final class ModelDeviationReporter: RunReporter {
    private let every: Int
    private let potential: CommitteePotential
    private var file: FileHandle?
    private let deckFile: String

    /// The reporter when the deck asks for `model_devi`.
    ///
    /// - Throws: `DeckError` at `output.model_devi` when the potential has no committee.
    public static func make(_ context: ReporterContext) throws -> (any RunReporter)? {
        guard let spec = context.deck.modelDevi, let url = spec.file else { return nil }
        guard let p = context.deck.potential as? CommitteePotential else {
            throw DeckError(.missingKey, file: context.deck.url.path, key: "output.model_devi",
                            expected: "a [potential] kind = \"deep\" with committee = [\"b.sdp\", …] (the models to compare)", found: "no committee")
        }
        return try ModelDeviationReporter(context, every: spec.every, url: url, potential: p)
    }

    init(_ context: ReporterContext, every: Int, url: URL, potential: CommitteePotential) throws {
        self.every = every
        self.potential = potential
        deckFile = context.deck.url.path
        var text = ModelDeviation.header + "\n"
        if let restart = context.restart, let old = try? String(contentsOf: url, encoding: .utf8) {
            // Keep the rows up to the checkpoint's step; the continued run appends the rest.
            for line in old.split(separator: "\n").dropFirst() {
                if let s = Int(line.prefix(12).trimmingCharacters(in: .whitespaces)), s <= restart.step { text += line + "\n" }
            }
        }
        file = try OutputFiles.create(url, text: text, deckFile: deckFile, key: "output.model_devi.file")
    }

    /// Every `every` steps, with energies.
    public func needs(atStep step: Int, isLast: Bool) -> ReportNeeds? { step % every == 0 ? .energy : nil }

    /// Appends one row.
    public func report(_ report: RunReport) throws {
        guard let file, let row = report.row, let virial = report.virial else { return }
        let s = report.system
        let d: ModelDeviation
        do {
            d = try potential.deviation(s, energy: row.potentialEnergy, forces: s.forces, virial: virial)
        } catch {
            throw DeckError(.runFailed, file: deckFile, key: "output.model_devi", expected: "every committee model to evaluate the frame", found: "\(error)")
        }
        try file.write(contentsOf: Data((d.line(step: s.step) + "\n").utf8))
    }

    /// Closes the file.
    public func close() { try? file?.close(); file = nil }
}

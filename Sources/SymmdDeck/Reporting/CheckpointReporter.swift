import Foundation

/// Checkpoints (`[output.checkpoint]`): the whole resumable state every `every` steps, as a
/// `.ckpt` or an AMBER `.ncrst` restart (``RunState/write(to:)``). Needs no energies.
public final class CheckpointReporter: RunReporter {
    private let every: Int
    private let url: URL

    /// The reporter when the deck asks for checkpoints.
    public static func make(_ context: ReporterContext) throws -> (any RunReporter)? {
        guard let c = context.deck.checkpoint, let url = c.file else { return nil }
        return CheckpointReporter(every: c.every, url: url)
    }

    init(every: Int, url: URL) {
        self.every = every
        self.url = url
    }

    /// Every `every` steps after the start.
    public func needs(atStep step: Int, isLast: Bool) -> ReportNeeds? {
        step > 0 && step % every == 0 ? [] : nil
    }

    /// Writes the state.
    public func report(_ report: RunReport) throws {
        try report.state().write(to: url)
    }
}

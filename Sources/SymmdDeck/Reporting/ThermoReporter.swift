import Foundation

/// The thermo output: a row every `[output.thermo] every` steps and at the last step, to the CSV
/// file when the deck names one and to `onRow` (the CLI's table).
public final class ThermoReporter: RunReporter {
    /// Called with each row.
    public var onRow: ((ThermoRow) -> Void)?
    private let every: Int
    private var file: FileHandle?

    /// The thermo reporter of `context.deck` (every deck has one; the file is optional).
    public static func make(_ context: ReporterContext) throws -> (any RunReporter)? {
        try ThermoReporter(context)
    }

    init(_ context: ReporterContext) throws {
        every = context.deck.thermo.every
        if let url = context.deck.thermo.file {
            let text = OutputFiles.restartedCSV(url, header: ThermoRow.csvHeader(extras: context.deck.thermoColumns, diagnostics: context.diagnosticNames),
                                                keepingStepsUpTo: context.restart?.step)
            file = try OutputFiles.create(url, text: text, deckFile: context.deck.url.path, key: "output.thermo.file")
        }
    }

    /// Every `every` steps and the last: energies needed.
    public func needs(atStep step: Int, isLast: Bool) -> ReportNeeds? {
        step % every == 0 || isLast ? .energy : nil
    }

    /// Writes the row (CSV, then `onRow`).
    public func report(_ report: RunReport) throws {
        guard let row = report.row else { return }
        onRow?(row)
        if let file { try file.write(contentsOf: Data((row.csv + "\n").utf8)) }
    }

    /// Closes the CSV.
    public func close() { try? file?.close(); file = nil }
}

import Atomistics
import Foundation
import SymmdDeck
import Testing

/// A new output format in one small type: the largest force on any atom every `every` steps, to
/// a text file. Registering it is one line: `RunReporters.makers + [MaxForceReporter.make]`.
final class MaxForceReporter: RunReporter {
    static let every = 3
    nonisolated(unsafe) static var lines: [String] = []
    static let lock = NSLock()

    static func make(_ context: ReporterContext) throws -> (any RunReporter)? { MaxForceReporter() }

    func needs(atStep step: Int, isLast: Bool) -> ReportNeeds? { step % Self.every == 0 ? [] : nil }

    func report(_ report: RunReport) throws {
        let f = report.system.forces
        var maxF = 0.0
        for i in 0..<(f.count / 3) {
            let x = f[3 * i], y = f[3 * i + 1], z = f[3 * i + 2]
            maxF = max(maxF, (x * x + y * y + z * z).squareRoot())
        }
        Self.lock.withLock { Self.lines.append("\(report.system.step) \(maxF) \(report.row == nil ? "forces-only" : "with-energy")") }
    }
}

/// A reporter that wants energies at every step: the driver must then never run forces-only.
final class EveryStepEnergyReporter: RunReporter {
    nonisolated(unsafe) static var rows: [ThermoRow] = []
    static func make(_ context: ReporterContext) throws -> (any RunReporter)? { EveryStepEnergyReporter() }
    func needs(atStep step: Int, isLast: Bool) -> ReportNeeds? { .energy }
    func report(_ report: RunReport) throws { Self.rows.append(try #require(report.row)) }
}

/// The reporter contract: reporters say when they want a report and what they need; the driver
/// computes energies only where one asks, and a new format is one type plus one registration.
@Suite("Run reporters", .serialized)
struct ReporterTests {
    @Test("A new output format: one type, one registration line; it gets reports on its own schedule")
    func newFormat() throws {
        let dir = try tempDir("reporter-new")
        let url = try writeDeck(ljDeck(output: "[output.thermo]\nevery = 5\n"), in: dir)
        MaxForceReporter.lines = []
        let driver = try RunDriver(deck: try RunDeck(contentsOf: url), reporters: RunReporters.makers + [MaxForceReporter.make])
        try driver.run()
        let steps = MaxForceReporter.lines.map { Int($0.split(separator: " ")[0])! }
        #expect(steps == [0, 3, 6, 9])
        // Steps 3, 6 and 9 are not thermo steps (every 5, last 10): nobody asked for energies.
        #expect(MaxForceReporter.lines.dropFirst().allSatisfy { $0.hasSuffix("forces-only") }, "\(MaxForceReporter.lines)")
        #expect(MaxForceReporter.lines.allSatisfy { Double($0.split(separator: " ")[1])! > 0 })
    }

    @Test("The union decides: one reporter asking for energies every step gets a thermo row every step")
    func unionOfNeeds() throws {
        let dir = try tempDir("reporter-union")
        let url = try writeDeck(ljDeck(output: "[output.thermo]\nevery = 5\n"), in: dir)
        EveryStepEnergyReporter.rows = []
        var thermo: [ThermoRow] = []
        let driver = try RunDriver(deck: try RunDeck(contentsOf: url), reporters: RunReporters.makers + [EveryStepEnergyReporter.make])
        driver.onThermo = { thermo.append($0) }
        try driver.run()
        #expect(EveryStepEnergyReporter.rows.map(\.step) == Array(0...10))
        #expect(thermo.map(\.step) == [5, 10])
        // The energies it receives equal the thermo reporter's at the shared steps.
        #expect(EveryStepEnergyReporter.rows[5] == thermo[0] && EveryStepEnergyReporter.rows[10] == thermo[1])
    }

    @Test("Without the registered makers nothing is written; with them, the deck's outputs")
    func registrationIsTheOnlyWiring() throws {
        let dir = try tempDir("reporter-none")
        let output = "[output.thermo]\nfile = \"thermo.csv\"\nevery = 5\n[output.trajectory]\nfile = \"traj.extxyz\"\nevery = 5\n"
        let url = try writeDeck(ljDeck(output: output), in: dir)
        try RunDriver(deck: try RunDeck(contentsOf: url), reporters: []).run()
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("thermo.csv").path))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("traj.extxyz").path))
        try RunDriver(deck: try RunDeck(contentsOf: url)).run()
        let csv = try String(contentsOf: dir.appendingPathComponent("thermo.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 1 + 3)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("traj.extxyz").path))
    }
}

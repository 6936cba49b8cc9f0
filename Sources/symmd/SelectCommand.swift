import Analysis
import ArgumentParser
import Atomistics
import Foundation
import NeuralPotentials
import SymmdDeck
import TrajectoryIO

/// `symmd select --devi FILE --traj TRAJ --trust-lo L --trust-hi H -o candidates.extxyz`: DP-GEN's
/// candidate selection.
struct SelectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "select",
        abstract: "Candidate frames for labelling from a committee's model deviation (DP-GEN's selection).",
        discussion: prose("""
            Row k of the model_devi.out file belongs to frame k of the trajectory (symmd model devi
            and a run's model_devi with the trajectory's interval give one row per frame). Frames
            whose max_devi_f lies in [trust-lo, trust-hi) are candidates; below is accurate, at or
            above is failed (the model is lost there; such frames are not worth labelling). At most
            --max candidates are kept, a seeded random subset in trajectory order, and written as
            extxyz. The counts and fractions print as DP-GEN reports them.
            Example:
              symmd select --devi out/run/model_devi.out --traj out/run/traj.extxyz --trust-lo 0.05 --trust-hi 0.15 --max 50 -o out/run/candidates.extxyz
            """))

    @Option(help: "The model_devi.out file.") var devi: String
    @Option(help: "The trajectory whose frames the rows describe.") var traj: String
    @Option(help: "Lower trust level of max_devi_f (eV/Å): below it a frame is accurate.") var trustLo: Double
    @Option(help: "Upper trust level of max_devi_f (eV/Å): at or above it a frame is failed.") var trustHi: Double
    @Option(help: "At most this many candidates (default: all).") var max: Int?
    @Option(help: "Seed of the random subset.") var seed: UInt64 = 1
    @Option(name: [.customShort("o"), .customLong("out")], help: "The extxyz file of the selected candidates.") var out: String
    @OptionGroup var reading: ReadingOptions

    func run() throws {
        try userFacing {
            guard trustLo >= 0, trustHi > trustLo else {
                throw ValidationError("--trust-lo and --trust-hi: expected 0 ≤ lo < hi, found \(trustLo) and \(trustHi)")
            }
            if let max, max < 1 { throw ValidationError("--max: expected a whole number ≥ 1, found \(max)") }
            try AnalysisOutput.refuseOverwriting([devi, traj], with: [URL(fileURLWithPath: out)])
            let text: String
            do { text = try String(contentsOfFile: devi, encoding: .utf8) } catch {
                throw ValidationError("\(devi): cannot read: \(error.localizedDescription)")
            }
            let rows = try ModelDeviation.read(text, file: devi)
            let t = try reading.read(traj)
            guard rows.count == t.frames.count else {
                throw ValidationError("\(devi) has \(rows.count) rows but \(traj) has \(t.frames.count) frames: expected one row per frame (write both on the same steps)")
            }
            let selection = Selection(maxForceDeviations: rows.map { $0.values[3] }, trustLo: trustLo, trustHi: trustHi, max: max, seed: seed)
            let picked = Trajectory(species: t.species, frames: selection.chosen.map { t.frames[$0] }, hasTimes: t.hasTimes, units: t.units)
            try picked.write(to: URL(fileURLWithPath: out))
            let n = Double(Swift.max(1, rows.count))
            print(String(format: "%d frames: accurate %d (%.2f%%), candidate %d (%.2f%%), failed %d (%.2f%%); %d candidates written to %@",
                         rows.count, selection.accurate.count, 100 * Double(selection.accurate.count) / n,
                         selection.candidates.count, 100 * Double(selection.candidates.count) / n,
                         selection.failed.count, 100 * Double(selection.failed.count) / n, selection.chosen.count, out))
        }
    }
}

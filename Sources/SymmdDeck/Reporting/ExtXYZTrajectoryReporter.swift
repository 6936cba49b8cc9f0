import Atomistics
import Foundation
import TrajectoryIO

/// An extended-XYZ trajectory (`[output.trajectory]` with a file not ending in `.nc`): a frame
/// every `every` steps with step, time, energy, virial and forces (velocities as `vel` when asked).
public final class ExtXYZTrajectoryReporter: FrameReporter {
    let every: Int
    private let velocities: Bool
    private let atomEnergies: Bool
    let perAtomNeeds: ReportNeeds
    private var file: FileHandle?

    /// The reporter when the deck asks for an extxyz trajectory.
    public static func make(_ context: ReporterContext) throws -> (any RunReporter)? {
        guard let t = context.deck.trajectory, let url = t.file, !t.isNetCDF else { return nil }
        return try ExtXYZTrajectoryReporter(context, spec: t, url: url)
    }

    init(_ context: ReporterContext, spec: OutputSpec, url: URL) throws {
        every = spec.every
        velocities = spec.velocities
        atomEnergies = spec.atomEnergies
        perAtomNeeds = spec.perAtomNeeds
        var text = ""
        if let restart = context.restart, FileManager.default.fileExists(atPath: url.path) {
            // Keep the frames up to the checkpoint's step; the continued run appends the rest.
            let frames = (try? ExtXYZ.read(url)) ?? []
            let kept = frames.filter { ($0.info["step"].flatMap { if case .integer(let s) = $0 { s } else { nil } } ?? Int.max) <= restart.step }
            text = (try? ExtXYZ.string(kept)) ?? ""
        }
        file = try OutputFiles.create(url, text: text, deckFile: context.deck.url.path, key: "output.trajectory.file")
    }

    /// Appends one frame (the last good one marked `last_good`, without forces or energies).
    func write(_ report: RunReport) throws {
        guard let file else { return }
        let s = report.system
        var info: [String: ExtXYZValue] = ["step": .integer(s.step), "time": .real(s.time)]
        if report.isLastGood { info["last_good"] = .logical(true) }
        if s.units != .metal { info["units"] = .string(s.units.rawValue) }
        let energy = report.isLastGood ? nil : report.row?.potentialEnergy
        var frame = ExtXYZFrame(system: s, energy: energy, forces: report.isLastGood ? nil : s.forces,
                                virial: energy == nil ? nil : report.virial, info: info)
        if velocities {
            frame.properties.insert(.init(name: "vel", type: .real, count: 3), at: 2)
            frame.columns["vel"] = .reals(s.velocities)
        }
        if atomEnergies, !report.isLastGood, let e = report.atomEnergies {
            frame.properties.append(.init(name: "energies", type: .real, count: 1))
            frame.columns["energies"] = .reals(e)
        }
        try file.write(contentsOf: Data(try ExtXYZ.string([frame]).utf8))
    }

    /// Closes the file.
    public func close() { try? file?.close(); file = nil }
}

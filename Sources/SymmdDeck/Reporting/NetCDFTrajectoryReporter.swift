import Atomistics
import Foundation
import TrajectoryIO

/// An AMBER NetCDF trajectory (`[output.trajectory]` with a `.nc` file) with a PDB of the first
/// frame beside it; after a restart the file is cut to the frames at or before the checkpoint's
/// time and appended to.
public final class NetCDFTrajectoryReporter: FrameReporter {
    let every: Int
    let perAtomNeeds: ReportNeeds
    private let deckFile: String
    private var writer: AmberNetCDFWriter?

    /// The reporter when the deck asks for a `.nc` trajectory.
    public static func make(_ context: ReporterContext) throws -> (any RunReporter)? {
        guard let t = context.deck.trajectory, let url = t.file, t.isNetCDF else { return nil }
        return try NetCDFTrajectoryReporter(context, spec: t, url: url)
    }

    init(_ context: ReporterContext, spec: OutputSpec, url: URL) throws {
        every = spec.every
        perAtomNeeds = spec.perAtomNeeds
        deckFile = context.deck.url.path
        let key = "output.trajectory.file"
        do {
            if let restart = context.restart, FileManager.default.fileExists(atPath: url.path) {
                let r = try AmberNetCDFReader(url)
                // Frame times are floats: a frame belongs to the kept part when it is within a
                // quarter of the shortest timestep of the checkpoint's time or before it.
                let tol = 0.25 * (context.deck.stages.map(\.timestep).min() ?? 0)
                var keep = 0
                while keep < r.frameCount, try r.frame(keep).time <= restart.time + tol { keep += 1 }
                r.close()
                try AmberNetCDFWriter.truncate(url, toFrames: keep)
                writer = try AmberNetCDFWriter(appendingTo: url, atomCount: context.system.count)
                return
            }
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let s = context.system
            let z = s.types.map { Element(symbol: s.typeNames[$0])?.atomicNumber ?? 0 }
            writer = try AmberNetCDFWriter(creating: url, atomicNumbers: z, velocities: spec.velocities, forces: spec.forces,
                                           atomEnergies: spec.atomEnergies,
                                           title: "symmd run of \(context.deck.url.lastPathComponent)", units: context.deck.units)
            // The topology beside it (same stem, .pdb): VMD and cpptraj need one to load the .nc.
            try PDB.write(positions: s.positions, names: s.types.map { s.typeNames[$0] }, box: s.box,
                          to: url.deletingPathExtension().appendingPathExtension("pdb"))
        } catch let e as AmberNetCDFError {
            throw DeckError(.badFile, file: deckFile, key: key, expected: "a writable AMBER NetCDF trajectory", found: "\(e)")
        } catch {
            throw DeckError(.missingFile, file: deckFile, key: key, expected: "a writable file", found: "\(url.path): \(error.localizedDescription)")
        }
    }

    /// Appends one frame, synced to disk (the last good one without forces or energies).
    func write(_ report: RunReport) throws {
        guard let writer else { return }
        let s = report.system
        var frame = AmberFrame(positions: s.positions, velocities: s.velocities, forces: report.isLastGood ? nil : s.forces,
                               box: s.box, time: s.time)
        if !report.isLastGood, let row = report.row {
            frame.potentialEnergy = row.potentialEnergy
            frame.kineticEnergy = row.kineticEnergy
            frame.temperature = row.temperature
            frame.pressure = row.pressure
            frame.atomEnergies = report.atomEnergies
        }
        do {
            try writer.write(frame)
        } catch {
            throw DeckError(.badFile, file: deckFile, key: "output.trajectory.file", expected: "a writable AMBER NetCDF trajectory", found: "\(error)")
        }
    }

    /// Closes the file.
    public func close() { writer?.close(); writer = nil }
}

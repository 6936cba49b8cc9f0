import Atomistics
import Foundation
import TrajectoryIO

/// A LAMMPS dump (`[output] dump = { file = "….lammpstrj", every = N, velocities, forces,
/// per_atom_energy }`): `dump custom` text frames that OVITO, MDAnalysis, ASE and LAMMPS's own
/// `rerun`/`read_dump` read (``LAMMPSDump``).
public final class LAMMPSDumpReporter: FrameReporter {
    let every: Int
    private let spec: OutputSpec
    private var file: FileHandle?
    private let path: String

    /// The reporter when the deck asks for a dump.
    public static func make(_ context: ReporterContext) throws -> (any RunReporter)? {
        guard let d = context.deck.dump, let url = d.file else { return nil }
        return try LAMMPSDumpReporter(context, spec: d, url: url)
    }

    init(_ context: ReporterContext, spec: OutputSpec, url: URL) throws {
        every = spec.every
        self.spec = spec
        path = url.path
        var text = ""
        if let restart = context.restart, let old = try? String(contentsOf: url, encoding: .utf8) {
            // Keep the frames up to the checkpoint's step; the continued run appends the rest.
            let frames = old.components(separatedBy: "ITEM: TIMESTEP\n").dropFirst()
            for f in frames {
                guard let step = Int(f.prefix { $0 != "\n" }), step <= restart.step else { break }
                text += "ITEM: TIMESTEP\n" + f
            }
        }
        file = try OutputFiles.create(url, text: text, deckFile: context.deck.url.path, key: "output.dump.file")
    }

    /// Every `every` steps, with energies (and per-atom energies when asked).
    public func needs(atStep step: Int, isLast: Bool) -> ReportNeeds? {
        guard step % every == 0 else { return nil }
        return spec.atomEnergies ? [.energy, .atomEnergies] : .energy
    }

    /// Appends one frame (the last good one without forces or energies).
    func write(_ report: RunReport) throws {
        guard let file else { return }
        let s = report.system
        let text = try LAMMPSDump.frame(step: s.step, time: s.time, box: s.box, positions: s.positions, types: s.types,
                                        typeNames: s.typeNames, typeMasses: s.masses, velocities: spec.velocities ? s.velocities : nil,
                                        forces: spec.forces && !report.isLastGood ? s.forces : nil,
                                        atomEnergies: spec.atomEnergies && !report.isLastGood ? report.atomEnergies : nil, file: path)
        try file.write(contentsOf: Data(text.utf8))
    }

    /// Closes the file.
    public func close() { try? file?.close(); file = nil }
}

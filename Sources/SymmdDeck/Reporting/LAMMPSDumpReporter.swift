import Atomistics
import Foundation
import TrajectoryIO

/// A LAMMPS dump (`[output] dump = { file = "….lammpstrj", every = N, velocities, forces,
/// per_atom_energy }`): `dump custom` text frames that OVITO, MDAnalysis, ASE and LAMMPS's own
/// `rerun`/`read_dump` read (``LAMMPSDump``).
public final class LAMMPSDumpReporter: FrameReporter {
    let every: Int
    private let spec: OutputSpec
    var perAtomNeeds: ReportNeeds { spec.perAtomNeeds }
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

    /// Appends one frame (the last good one without forces or energies).
    func write(_ report: RunReport) throws {
        guard let file else { return }
        let s = report.system
        // LAMMPS's compute stress/atom NULL virial: −W_i (symmetrised) × nktv2p, xx yy zz xy xz yz.
        var stress: [Double]? = nil
        if spec.atomVirials, !report.isLastGood, let w = report.atomVirials {
            let c = -s.units.nktv2p
            var out = [Double](repeating: 0, count: 6 * s.count)
            for i in 0..<s.count {
                let v = 9 * i
                out[6 * i] = c * w[v]; out[6 * i + 1] = c * w[v + 4]; out[6 * i + 2] = c * w[v + 8]
                out[6 * i + 3] = c * 0.5 * (w[v + 1] + w[v + 3])
                out[6 * i + 4] = c * 0.5 * (w[v + 2] + w[v + 6])
                out[6 * i + 5] = c * 0.5 * (w[v + 5] + w[v + 7])
            }
            stress = out
        }
        let text = try LAMMPSDump.frame(step: s.step, time: s.time, box: s.box, positions: s.positions, types: s.types,
                                        typeNames: s.typeNames, typeMasses: s.masses, velocities: spec.velocities ? s.velocities : nil,
                                        forces: spec.forces && !report.isLastGood ? s.forces : nil,
                                        atomEnergies: spec.atomEnergies && !report.isLastGood ? report.atomEnergies : nil,
                                        atomStress: s.box.isLAMMPSRestricted ? stress : nil, file: path)
        try file.write(contentsOf: Data(text.utf8))
    }

    /// Closes the file.
    public func close() { try? file?.close(); file = nil }
}

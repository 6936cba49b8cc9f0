import Atomistics
import Foundation

extension Trajectory {
    /// Reads an AMBER NetCDF trajectory (every variable scaled and converted by its own attributes; no
    /// `time` variable: times 0 and `hasTimes` false, so `--dt` can set them). Species come from `atom_types` (Z → symbol); atoms
    /// whose Z is 0 or unknown take their name from the PDB beside the file (same stem), else "X".
    ///
    /// - Throws: `AmberNetCDFError` naming the file and the problem.
    static func readNetCDF(_ url: URL) throws -> Trajectory {
        let r = try AmberNetCDFReader(url)
        defer { r.close() }
        let z = r.atomicNumbers ?? [Int](repeating: 0, count: r.atomCount)
        var species = z.map { Element(atomicNumber: $0)?.symbol }
        if species.contains(nil) {
            let pdb = url.deletingPathExtension().appendingPathExtension("pdb")
            let names = PDB.atomNames(pdb)
            for i in species.indices where species[i] == nil {
                species[i] = names.flatMap { $0.count == r.atomCount ? $0[i] : nil } ?? "X"
            }
        }
        return Trajectory(species: species.map { $0! }, frames: try r.frames(), hasTimes: r.hasTimes, units: r.unitStyle)
    }

    /// Writes an AMBER NetCDF trajectory (velocities and forces stored when every frame has
    /// them), and the first frame as a PDB beside it (same stem) for VMD and cpptraj.
    ///
    /// - Throws: `AmberNetCDFError` or `TrajectoryIOError` naming the file.
    func writeNetCDF(_ url: URL) throws {
        let z = species.map { Element(symbol: $0)?.atomicNumber ?? 0 }
        let w = try AmberNetCDFWriter(creating: url, atomicNumbers: z, velocities: hasVelocities, forces: hasForces,
                                      title: "converted by symmd", units: units ?? .metal)
        defer { w.close() }
        for f in frames { try w.write(f) }
        if let first = frames.first {
            try PDB.write(positions: first.positions, names: species, box: first.box,
                          to: url.deletingPathExtension().appendingPathExtension("pdb"))
        }
    }
}

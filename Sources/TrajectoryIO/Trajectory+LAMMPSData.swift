import Atomistics
import Foundation

extension Trajectory {
    /// Reads a LAMMPS data file as a one-frame trajectory at time 0: positions as written (image
    /// flags not applied), velocities when present, species from the type labels (else "1", "2", …).
    ///
    /// - Throws: `TrajectoryIOError` naming the file and line.
    static func readLAMMPSData(_ url: URL) throws -> Trajectory {
        let d = try LAMMPSData(contentsOf: url)
        let box: Box
        do { box = try d.box() } catch {
            throw TrajectoryIOError(file: url.path, line: 1, kind: .unexpected(expected: "box bounds of a real cell", found: "\(error)"))
        }
        let names = d.typeLabels ?? (1...max(d.typeCount, 1)).map(String.init)
        let frame = AmberFrame(positions: d.positions, velocities: d.velocities, box: box, time: 0)
        return Trajectory(species: d.types.map { names[$0] }, frames: [frame], hasTimes: false)
    }

    /// Writes frame `index` as an atomic-style LAMMPS data file: atoms in trajectory order (ids
    /// 1…N), positions as they are (never wrapped), velocities when present, masses when every
    /// species is an element. The cell must already be in LAMMPS's restricted orientation (a
    /// along x, b in the xy plane): rotating it would change the positions.
    ///
    /// - Throws: `TrajectoryIOError` naming the file: no such frame, no periodic cell, or a cell
    ///   LAMMPS cannot hold without rotation.
    func writeLAMMPSData(_ url: URL, frame index: Int) throws {
        func fail(_ expected: String, _ found: String) -> TrajectoryIOError {
            TrajectoryIOError(file: url.path, line: 1, kind: .unsupported("\(expected); found \(found)"))
        }
        guard frames.indices.contains(index) else { throw fail("frame \(index) to write", "\(frames.count) frames") }
        let f = frames[index]
        guard let box = f.box else { throw fail("a periodic cell (LAMMPS data needs box bounds)", "none") }
        guard box.isLAMMPSRestricted else {
            throw fail("a cell with a along x and b in the xy plane (LAMMPS restricted triclinic)", "cell vectors \(box.vectors)")
        }
        let h = box.vectors, o = box.origin
        let names = typeNames
        let masses = names.map { Element(symbol: $0)?.mass }
        let data = LAMMPSData(title: "LAMMPS data written by symmd convert (time \(f.time) ps)",
                              low: o, high: [o[0] + h[0], o[1] + h[4], o[2] + h[8]], tilt: [h[3], h[6], h[7]],
                              types: types, typeLabels: names, positions: f.positions, velocities: f.velocities,
                              masses: masses.contains(nil) ? nil : masses.map { $0! })
        var out = data
        // LAMMPS refuses type labels that start with a digit (LJ types "1", "2"): keep plain numbers then.
        if names.contains(where: { $0.first?.isNumber ?? true }) { out.typeLabels = nil }
        try out.write(to: url)
    }
}

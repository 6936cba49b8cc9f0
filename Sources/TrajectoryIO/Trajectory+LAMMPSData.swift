import Atomistics
import Foundation

extension Trajectory {
    /// Reads a LAMMPS data file as a one-frame trajectory at time 0: positions unwrapped by the
    /// image flags (so a conversion back keeps them), velocities when present. Species: `options`
    /// `species` for each type, else the type labels, else the element whose standard mass is the
    /// type's `Masses` entry (when exactly one is), else the type number ("1", "2", …). What was
    /// assumed (the atom style without a `# style` comment, species from masses or numbers) is in
    /// `notes`.
    ///
    /// - Throws: `TrajectoryIOError` naming the file and line.
    static func readLAMMPSData(_ url: URL, options: ReadOptions = ReadOptions()) throws -> Trajectory {
        let d = try LAMMPSData(contentsOf: url, atomStyle: options.atomStyle)
        var notes = [String]()
        if !d.atomStyleStated {
            notes.append("\(url.lastPathComponent): the Atoms section does not say its style; read as '\(d.atomStyle)'"
                         + (options.atomStyle == nil ? " (give --atom-style if it is another)" : " (--atom-style)"))
        }
        let box: Box
        do { box = try d.box() } catch {
            throw TrajectoryIOError(file: url.path, line: 1, kind: .unexpected(expected: "box bounds of a real cell", found: "\(error)"))
        }
        var names = [String]()
        var fromMass = [String](), numeric = [String]()
        for t in 0..<max(d.typeCount, 1) {
            if let s = options.species[t + 1] {
                names.append(s)
            } else if let l = d.typeLabels?[t] {
                names.append(l)
            } else if let m = d.masses?[t], let e = Element.matching(mass: m) {
                names.append(e.symbol)
                fromMass.append("\(t + 1)=\(e.symbol)")
            } else {
                names.append(String(t + 1))
                numeric.append(String(t + 1))
            }
        }
        if !fromMass.isEmpty {
            notes.append("\(url.lastPathComponent): species from the Masses section: \(fromMass.joined(separator: ", ")) (override with --species)")
        }
        let used = Set(d.types.map { $0 + 1 })
        let unnamed = numeric.filter { used.contains(Int($0)!) }
        if !unnamed.isEmpty {
            notes.append("\(url.lastPathComponent): type(s) \(unnamed.joined(separator: ", ")) have no label and no element mass; named by number (give --species \(unnamed.map { "\($0)=El" }.joined(separator: ",")))")
        }
        // Unwrapped positions: x + image·H (the conversion back writes them as they are, and
        // LAMMPS's read_data maps them into the cell with the same image flags).
        var x = d.positions
        if d.hasImageFlags {
            for i in 0..<(x.count / 3) {
                let t = box.latticeShift(d.images[3 * i], d.images[3 * i + 1], d.images[3 * i + 2])
                x[3 * i] += t.0; x[3 * i + 1] += t.1; x[3 * i + 2] += t.2
            }
        }
        let frame = AmberFrame(positions: x, velocities: d.velocities, box: box, time: 0)
        var t = Trajectory(species: d.types.map { names[$0] }, frames: [frame], hasTimes: false)
        t.notes = notes
        return t
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

import Atomistics
import Foundation

extension LAMMPSData {
    /// An `atomic`-style data file from its parts: ids 1…N in the given order, no image flags.
    ///
    /// - Parameters:
    ///   - low, high: box bounds xlo ylo zlo, xhi yhi zhi (Å); `tilt`: xy, xz, yz (Å).
    ///   - types: 0-based type of each atom; `typeLabels`: the name of each type.
    ///   - positions: flat 3N (Å), written as given (never wrapped); `velocities`: flat 3N (Å/ps).
    ///   - masses: per-type masses (amu), or nil for no `Masses` section.
    public init(title: String, low: [Double], high: [Double], tilt: [Double] = [0, 0, 0], types: [Int],
                typeLabels: [String], positions: [Double], velocities: [Double]? = nil, masses: [Double]? = nil) {
        self.title = title
        atomStyle = "atomic"
        typeCount = typeLabels.count
        self.low = low
        self.high = high
        self.tilt = tilt
        ids = Array(stride(from: 1, through: types.count, by: 1))
        self.types = types
        self.positions = positions
        images = [Int](repeating: 0, count: positions.count)
        hasImageFlags = false
        self.velocities = velocities
        self.masses = masses
        self.typeLabels = typeLabels
        charges = nil
        molecules = nil
        sourceFile = "LAMMPS data output"
    }

    /// The file as `write_data` would write it (atomic style): header counts, bounds and tilts,
    /// `Atom Type Labels` (only with ``writesTypeLabelSection``), `Masses` (when known, each type's
    /// name as a comment), `Atoms # atomic`, `Velocities` (when known); every number at full
    /// (round-trip) precision.
    public var string: String {
        func real(_ v: Double) -> String { "\(v)" }
        var out = title.replacingOccurrences(of: "\n", with: " ") + "\n\n"
        out += "\(ids.count) atoms\n\(typeCount) atom types\n\n"
        for (d, name) in ["x", "y", "z"].enumerated() {
            out += "\(real(low[d])) \(real(high[d])) \(name)lo \(name)hi\n"
        }
        if tilt.contains(where: { $0 != 0 }) { out += "\(real(tilt[0])) \(real(tilt[1])) \(real(tilt[2])) xy xz yz\n" }
        if let typeLabels, writesTypeLabelSection || masses == nil {
            // Without masses the section is the labels' only place; with them, the comments are.
            out += "\nAtom Type Labels\n\n"
            for (t, name) in typeLabels.enumerated() { out += "\(t + 1) \(name)\n" }
        }
        if let masses {
            out += "\nMasses\n\n"
            for (t, m) in masses.enumerated() { out += "\(t + 1) \(real(m))\(typeLabels.map { " # " + $0[t] } ?? "")\n" }
        }
        out += "\nAtoms # atomic\n\n"
        for (i, id) in ids.enumerated() {
            out += "\(id) \(types[i] + 1) \(real(positions[3 * i])) \(real(positions[3 * i + 1])) \(real(positions[3 * i + 2]))\n"
        }
        if let velocities {
            out += "\nVelocities\n\n"
            for (i, id) in ids.enumerated() {
                out += "\(id) \(real(velocities[3 * i])) \(real(velocities[3 * i + 1])) \(real(velocities[3 * i + 2]))\n"
            }
        }
        return out
    }

    /// Writes `string` to `url` (replacing it).
    ///
    /// - Throws: `TrajectoryIOError` naming the file when it cannot be written.
    public func write(to url: URL) throws {
        do {
            try string.write(to: url, atomically: true, encoding: .utf8)
        } catch {
            throw TrajectoryIOError(file: url.path, line: 1, kind: .unreadable(reason: error.localizedDescription))
        }
    }
}

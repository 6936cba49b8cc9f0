import Atomistics
import Foundation

/// A minimal PDB writer for the topology file beside a NetCDF trajectory (VMD and cpptraj cannot
/// load a bare `.nc`): one `CRYST1` line for the cell, one `ATOM` line per atom in trajectory order.
public enum PDB {
    /// The PDB text of one frame: positions flat 3N (Å), each atom's element or type name (the
    /// element column is filled only for a chemical symbol), the cell in Å and degrees (omitted
    /// when nil or not periodic). Serial numbers wrap after 99 999 as VMD expects.
    public static func string(positions: [Double], names: [String], box: Box?) -> String {
        var out = "REMARK   1 written by symmd: the first frame, atoms in trajectory order\n"
        if let box, box.periodic.contains(true) {
            let l = box.lengths, a = box.anglesInDegrees
            out += String(format: "CRYST1%9.3f%9.3f%9.3f%7.2f%7.2f%7.2f P 1           1\n", l[0], l[1], l[2], a[0], a[1], a[2])
        }
        for (i, name) in names.enumerated() {
            let atomName = String(name.prefix(4))
            // The element column only for a real element symbol (an LJ type "1" leaves it blank).
            let symbol = Element(symbol: name) != nil && name.count <= 2 ? name.uppercased() : ""
            let element = symbol.count == 1 ? " " + symbol : symbol.padding(toLength: 2, withPad: " ", startingAt: 0)
            out += String(format: "ATOM  %5d %-4@ MOL A%4d    %8.3f%8.3f%8.3f  1.00  0.00          %2@\n",
                          (i + 1) % 100_000, atomName.padding(toLength: 4, withPad: " ", startingAt: 0), 1,
                          positions[3 * i], positions[3 * i + 1], positions[3 * i + 2],
                          element)
        }
        return out + "END\n"
    }

    /// Writes `string(positions:names:box:)` to `url` (replacing it).
    ///
    /// - Throws: `TrajectoryIOError` naming the file when it cannot be written.
    public static func write(positions: [Double], names: [String], box: Box?, to url: URL) throws {
        do {
            try string(positions: positions, names: names, box: box).write(to: url, atomically: true, encoding: .utf8)
        } catch {
            throw TrajectoryIOError(file: url.path, line: 1, kind: .unreadable(reason: error.localizedDescription))
        }
    }
}

extension PDB {
    /// The atom names (columns 13–16, trimmed) of the `ATOM`/`HETATM` records of the first model
    /// in the PDB file at `url`, or nil when it cannot be read.
    public static func atomNames(_ url: URL) -> [String]? {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        var names = [String]()
        for line in text.split(separator: "\n") {
            if line.hasPrefix("ENDMDL") { break }
            guard line.hasPrefix("ATOM") || line.hasPrefix("HETATM"), line.count >= 16 else { continue }
            let chars = Array(line)
            names.append(String(chars[12..<16]).trimmingCharacters(in: .whitespaces))
        }
        return names
    }
}

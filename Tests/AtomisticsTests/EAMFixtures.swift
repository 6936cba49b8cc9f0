import Atomistics
import Foundation

/// The repository's root, found from this file's path (tests never read outside the repo).
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// `Tests/AtomisticsTests/Fixtures/…`.
let atomisticsFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

/// `potentials/<name>`.
func potentialFile(_ name: String) -> URL {
    repositoryRoot.appendingPathComponent("potentials").appendingPathComponent(name)
}

/// One LAMMPS reference evaluation (`Fixtures/eam/<case>/`): LAMMPS's own dump of the
/// configuration as it held it (positions wrapped into the box) with its forces, and the
/// energy and virial of `reference.json`.
struct EAMReference {
    var name: String
    /// Box edge lengths (Å); the box is orthorhombic from the origin.
    var boxLengths: [Double]
    /// Flat 3N positions (Å), atom-id order.
    var positions: [Double]
    /// 0-based types, atom-id order.
    var types: [Int]
    /// LAMMPS forces, flat 3N (eV/Å), atom-id order.
    var forces: [Double]
    /// LAMMPS total potential energy (eV).
    var energy: Double
    /// LAMMPS virial xx, yy, zz, xy, xz, yz (eV).
    var virialVoigt: [Double]
    /// LAMMPS virial pressure (bar) and volume (Å³).
    var pressure: Double, volume: Double
    /// Elements of the `pair_coeff` line.
    var elements: [String]

    init(_ name: String) throws {
        self.name = name
        let folder = atomisticsFixtures.appendingPathComponent("eam").appendingPathComponent(name)
        let dump = try String(contentsOf: folder.appendingPathComponent("forces.dump"), encoding: .utf8)
        let lines = dump.split(separator: "\n").map { $0.split(separator: " ") }
        guard let boundsAt = lines.firstIndex(where: { $0.starts(with: ["ITEM:", "BOX"]) }),
              let atomsAt = lines.firstIndex(where: { $0.starts(with: ["ITEM:", "ATOMS"]) }) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        boxLengths = (1...3).map { Double(lines[boundsAt + $0][1])! - Double(lines[boundsAt + $0][0])! }
        var rows = lines[(atomsAt + 1)...].map { $0.map { Double($0)! } }
        rows.sort { $0[0] < $1[0] }
        types = rows.map { Int($0[1]) - 1 }
        positions = rows.flatMap { $0[2...4] }
        forces = rows.flatMap { $0[5...7] }
        let json = try JSONSerialization.jsonObject(
            with: Data(contentsOf: folder.appendingPathComponent("reference.json"))) as! [String: Any]
        energy = json["energy_eV"] as! Double
        virialVoigt = json["virial_eV_xx_yy_zz_xy_xz_yz"] as! [Double]
        pressure = json["pressure_bar_virial_only"] as! Double
        volume = json["volume_A3"] as! Double
        elements = json["elements"] as! [String]
        let jsonForces = (json["forces_eV_per_A"] as! [[Double]]).flatMap { $0 }
        precondition(jsonForces.count == forces.count)
        precondition(zip(jsonForces, forces).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    /// Lattice vectors, rows a, b, c (Å).
    var lattice: [Double] {
        [boxLengths[0], 0, 0, 0, boxLengths[1], 0, 0, 0, boxLengths[2]]
    }

    /// The configuration as a `System` (masses from the potential file, amu).
    func system(masses: [Double]) throws -> System {
        try System(positions: positions, types: types, masses: masses, typeNames: elements,
                   box: Box(vectors: lattice))
    }
}

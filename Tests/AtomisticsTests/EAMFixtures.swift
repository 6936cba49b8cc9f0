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
}

/// A brute-force neighbor list over all periodic images of a (possibly triclinic) box: every
/// pair (i, j, image) with |r_ij| < cutoff, once (`full == false`) or in both directions.
struct BruteForceList {
    var offsets: [Int] = [0]
    var neighbors: [Int32] = []
    var shifts: [Double] = []

    init(positions x: [Double], lattice h: [Double], cutoff: Double, full: Bool) {
        let n = x.count / 3
        // Images needed along each lattice vector: cutoff over the plane spacing.
        func cross(_ u: [Double], _ v: [Double]) -> [Double] {
            [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]]
        }
        let a = Array(h[0..<3]), b = Array(h[3..<6]), c = Array(h[6..<9])
        let volume = abs(zip(a, cross(b, c)).map(*).reduce(0, +))
        func norm(_ v: [Double]) -> Double { v.map { $0 * $0 }.reduce(0, +).squareRoot() }
        let spacing = [volume / norm(cross(b, c)), volume / norm(cross(c, a)), volume / norm(cross(a, b))]
        // Fractional coordinates (rows of the inverse lattice) give how far outside the box
        // positions reach; an image n is needed only while |n| < cutoff/spacing + span.
        let recip = [cross(b, c), cross(c, a), cross(a, b)].map { $0.map { $0 / volume } }
        var reach = [0, 0, 0]
        for d in 0..<3 {
            let frac = (0..<n).map { i in (0..<3).map { recip[d][$0] * x[3 * i + $0] }.reduce(0, +) }
            let span = frac.max()! - frac.min()!
            reach[d] = Int(cutoff / spacing[d] + span)
        }
        let cutsq = cutoff * cutoff
        for i in 0..<n {
            for j in 0..<n {
                for na in -reach[0]...reach[0] {
                    for nb in -reach[1]...reach[1] {
                        for nc in -reach[2]...reach[2] {
                            if i == j && na == 0 && nb == 0 && nc == 0 { continue }
                            if !full {
                                // Keep one direction: j > i, or for i == j the image whose
                                // first non-zero index is positive.
                                if j < i { continue }
                                if j == i && (na, nb, nc) < (0, 0, 0) { continue }
                            }
                            let (fa, fb, fc) = (Double(na), Double(nb), Double(nc))
                            let sx = fa * a[0] + fb * b[0] + fc * c[0]
                            let sy = fa * a[1] + fb * b[1] + fc * c[1]
                            let sz = fa * a[2] + fb * b[2] + fc * c[2]
                            let dx = x[3 * j] + sx - x[3 * i]
                            let dy = x[3 * j + 1] + sy - x[3 * i + 1]
                            let dz = x[3 * j + 2] + sz - x[3 * i + 2]
                            guard dx * dx + dy * dy + dz * dz < cutsq else { continue }
                            neighbors.append(Int32(j))
                            shifts += [sx, sy, sz]
                        }
                    }
                }
            }
            offsets.append(neighbors.count)
        }
    }
}

import Atomistics
import Foundation

extension Trajectory {
    /// Reads an extended XYZ trajectory (metal units). Velocities come from a `vel` or
    /// `velocities` column (Å/ps) or from ASE `momenta` (divided by the `masses` column or the
    /// elements' weights); the time from each frame's `time` key (ps), when every frame has one;
    /// `energy` becomes the potential energy.
    ///
    /// - Throws: `TrajectoryIOError` naming the file and line (no frames, no species or positions,
    ///   a changing atom count or species, momenta without masses).
    static func readExtXYZ(_ url: URL) throws -> Trajectory {
        let all = try ExtXYZ.read(url)
        guard let first = all.first else {
            throw TrajectoryIOError(file: url.path, line: 1, kind: .truncated(expected: "at least one frame"))
        }
        guard let species = first.species else {
            throw first.error(.unexpected(expected: "a 'species:S:1' (or 'Z:I:1') property", found: "none"))
        }
        let times = all.map { $0.info["time"]?.doubleValue }
        let hasTimes = times.allSatisfy { $0 != nil }
        var frames = [AmberFrame]()
        frames.reserveCapacity(all.count)
        for (k, f) in all.enumerated() {
            guard f.species == species else {
                throw f.error(.unexpected(expected: "the \(species.count) atoms of the first frame in the same order",
                                          found: "\(f.atomCount) atoms of other species or order"))
            }
            guard let x = f.positions else { throw f.error(.unexpected(expected: "a 'pos:R:3' property", found: "none")) }
            var frame = AmberFrame(positions: x, forces: f.forces, time: hasTimes ? times[k]! : 0, potentialEnergy: f.energy)
            if let h = f.lattice {
                do { frame.box = try Box(vectors: h, periodic: f.pbc) } catch {
                    throw f.error(.unexpected(expected: "a Lattice of three independent vectors", found: "\(error)"))
                }
            }
            frame.velocities = try velocities(f, species: species)
            frame.kineticEnergy = f.info["kinetic_energy"]?.doubleValue
            frame.temperature = f.info["temperature"]?.doubleValue
            frame.pressure = f.info["pressure"]?.doubleValue
            frames.append(frame)
        }
        let units = first.info["units"].flatMap { if case .string(let u) = $0 { UnitStyle(rawValue: u) } else { nil } }
        return Trajectory(species: species, frames: frames, hasTimes: hasTimes, units: units)
    }

    /// A frame's velocities (Å/ps): `vel`/`velocities`, or ASE `momenta` over masses; nil when none.
    static func velocities(_ f: ExtXYZFrame, species: [String]) throws -> [Double]? {
        if let v = f.reals("vel", 3) ?? f.reals("velocities", 3) { return v }
        guard let p = f.reals("momenta", 3) else { return nil }
        var masses = f.reals("masses", 1)
        if masses == nil {
            var m = [Double]()
            for (i, s) in species.enumerated() {
                guard let e = Element(symbol: s) else {
                    throw f.error(.unexpected(expected: "a 'masses' column or element symbols to turn momenta into velocities",
                                              found: "species '\(s)'"), atom: i)
                }
                m.append(e.mass)
            }
            masses = m
        }
        // ASE momenta are amu·Å per ASE time unit √(amu·Å²/eV) = √mvv2e ps.
        let scale = 1 / UnitStyle.metal.mvv2e.squareRoot()
        return (0..<p.count).map { p[$0] / masses![$0 / 3] * scale }
    }

    /// Writes an extended XYZ trajectory: species, positions, `vel` (Å/ps) and `forces` (eV/Å)
    /// when every frame has them; `time` (ps, when known), `energy` and the other energies as keys.
    ///
    /// - Throws: `TrajectoryIOError` naming the file.
    func writeExtXYZ(_ url: URL) throws {
        let n = atomCount
        let out = frames.map { f -> ExtXYZFrame in
            var properties = [ExtXYZFrame.Property(name: "species", type: .string, count: 1),
                              .init(name: "pos", type: .real, count: 3)]
            var columns: [String: ExtXYZFrame.Column] = ["species": .strings(species), "pos": .reals(f.positions)]
            if hasVelocities, let v = f.velocities {
                properties.append(.init(name: "vel", type: .real, count: 3))
                columns["vel"] = .reals(v)
            }
            if hasForces, let g = f.forces {
                properties.append(.init(name: "forces", type: .real, count: 3))
                columns["forces"] = .reals(g)
            }
            var info = [String: ExtXYZValue]()
            if hasTimes { info["time"] = .real(f.time) }
            if let units, units != .metal { info["units"] = .string(units.rawValue) }
            if let e = f.potentialEnergy { info["energy"] = .real(e) }
            if let e = f.kineticEnergy { info["kinetic_energy"] = .real(e) }
            if let t = f.temperature { info["temperature"] = .real(t) }
            if let p = f.pressure { info["pressure"] = .real(p) }
            let periodic = f.box.map { $0.periodic.contains(true) } ?? false
            return ExtXYZFrame(atomCount: n, lattice: periodic ? f.box!.vectors : nil, pbc: periodic ? f.box!.periodic : nil,
                               info: info, properties: properties, columns: columns)
        }
        try ExtXYZ.write(out, to: url)
    }
}

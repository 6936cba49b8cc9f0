import Atomistics
import Foundation
import TrajectoryIO

extension RunDeck {
    /// The starting system of `[system]`: read or generated, types named as the potential wants,
    /// velocities drawn at the initial temperature (3N − 3 dof, zero momentum, seeded).
    ///
    /// - Throws: `DeckError` (missing or malformed file, frame out of range, non-physical values).
    public func makeSystem() throws -> System {
        var system: System
        let file = url.path
        switch self.system.source {
        case let .file(structure, frame):
            do {
                system = try RunDeck.readStructure(structure, frame: frame, units: units, typeNames: potentialTypeNames,
                                                   deckFile: file, key: "system.file")
            } catch let e as DeckError where e.line == nil && e.file == file {
                throw DeckError(e.kind, file: e.file, key: e.key, line: keyLines[e.key], expected: e.expected, found: e.found)
            }
            if let mass = self.system.mass {
                do { try system.setMasses([Double](repeating: mass, count: system.typeCount)) } catch {
                    throw DeckError(.nonPhysical, file: file, key: "system.mass", expected: "a positive mass", found: "\(error)")
                }
            }
        case let .lattice(lattice, a, cells):
            let name = self.system.element ?? potentialTypeNames?.first ?? (units == .lj ? "1" : "")
            let mass = self.system.mass ?? Element(symbol: name)?.mass ?? (units == .lj ? 1 : 0)
            guard mass > 0 else {
                throw DeckError(.missingKey, file: file, key: "system.element", expected: "element = \"Cu\" (or mass = …) for metal units", found: "neither")
            }
            do {
                system = try lattice.system(latticeConstant: a, cells: cells, mass: mass, typeName: name, units: units)
            } catch {
                throw DeckError(.nonPhysical, file: file, key: "system", expected: "a valid lattice", found: "\(error)")
            }
        }
        if let names = potentialTypeNames, !system.typeNames.allSatisfy(names.contains) {
            throw DeckError(.nonPhysical, file: file, key: "system", expected: "atoms of the potential's elements \(names)",
                            found: "types \(system.typeNames)")
        }
        if let t = self.system.temperature {
            var rng = Xoshiro256StarStar(seed: seed)
            try system.setMaxwellBoltzmannVelocities(temperature: t, using: &rng)
        }
        return system
    }

    /// Reads frame `frame` (0-based) of an extxyz file, or a LAMMPS data file, chosen by extension
    /// (`.xyz`/`.extxyz` → extxyz; anything else → LAMMPS data).
    ///
    /// - Throws: `DeckError` naming `deckFile` and `key`, with the structure file's own file:line.
    public static func readStructure(_ structure: URL, frame: Int, units: UnitStyle, typeNames: [String]?,
                                     deckFile: String, key: String) throws -> System {
        guard FileManager.default.fileExists(atPath: structure.path) else {
            throw DeckError(.missingFile, file: deckFile, key: key, expected: "an existing structure file", found: "no file at \(structure.path)")
        }
        let ext = structure.pathExtension.lowercased()
        do {
            if ext == "xyz" || ext == "extxyz" {
                let frames = try ExtXYZ.read(structure)
                guard frame < frames.count else {
                    throw DeckError(.nonPhysical, file: deckFile, key: key == "system.file" ? "system.frame" : "frame",
                                    expected: "a 0-based frame below \(frames.count) (\(structure.lastPathComponent) has \(frames.count))", found: "\(frame)")
                }
                return try frames[frame].system(typeNames: typeNames, units: units)
            }
            guard frame == 0 else {
                throw DeckError(.nonPhysical, file: deckFile, key: key == "system.file" ? "system.frame" : "frame",
                                expected: "frame 0 (a LAMMPS data file holds one configuration)", found: "\(frame)")
            }
            return try LAMMPSData(contentsOf: structure).system(typeNames: typeNames, units: units)
        } catch let e as TrajectoryIOError {
            throw DeckError(.badFile, file: deckFile, key: key, expected: "a valid structure file", found: "\(e)")
        } catch let e as AtomisticsError {
            throw DeckError(.nonPhysical, file: structure.path, key: key, expected: "a physical structure", found: "\(e)")
        }
    }
}

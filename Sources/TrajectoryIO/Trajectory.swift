import Atomistics
import Foundation

/// A trajectory held in memory, whatever file it came from: each atom's species and the frames
/// (positions Å, optional velocities Å/ps and forces eV/Å, cell, time ps, energies), atoms in
/// file order. Nothing is wrapped or reordered on the way in or out.
public struct Trajectory: Sendable, Equatable {
    /// Each atom's species (a chemical symbol, or a type name such as "1" for LJ runs), in file order.
    public var species: [String]
    /// The frames in order; every one holds `species.count` atoms.
    public var frames: [AmberFrame]
    /// Whether the source gave each frame's time (an extxyz frame without a `time` key does not;
    /// such frames get time 0).
    public var hasTimes: Bool
    /// The unit style of the numbers (metal: Å, ps, eV; lj: σ, τ, ε), when the file says
    /// (symmd's NetCDF `symmd_units` attribute, extxyz `units` key); nil: metal assumed.
    public var units: UnitStyle?
    /// What the reader assumed or inferred because the file did not say (an atom style, species
    /// from masses), one line each, for the user to see.
    public var notes: [String] = []

    /// A trajectory of `frames` for atoms of the given species.
    public init(species: [String], frames: [AmberFrame], hasTimes: Bool = true, units: UnitStyle? = nil) {
        self.species = species
        self.frames = frames
        self.hasTimes = hasTimes
        self.units = units
    }

    /// Atoms per frame.
    public var atomCount: Int { species.count }

    /// Whether every frame carries velocities.
    public var hasVelocities: Bool { !frames.isEmpty && frames.allSatisfy { $0.velocities != nil } }

    /// Whether every frame carries forces.
    public var hasForces: Bool { !frames.isEmpty && frames.allSatisfy { $0.forces != nil } }

    /// The distinct species in order of first appearance (type 0, 1, …).
    public var typeNames: [String] {
        var names = [String]()
        for s in species where !names.contains(s) { names.append(s) }
        return names
    }

    /// Each atom's 0-based type: its species' index in `typeNames`.
    public var types: [Int] {
        let index = Dictionary(uniqueKeysWithValues: typeNames.enumerated().map { ($1, $0) })
        return species.map { index[$0]! }
    }
}

/// What a reader cannot know from some files: the `Atoms` style of a LAMMPS data file without its
/// `# style` comment, and the species of numeric LAMMPS types.
public struct ReadOptions: Sendable, Equatable {
    /// The atom style of a LAMMPS data file that does not state one (`--atom-style`).
    public var atomStyle: String? = nil
    /// Species by LAMMPS type number, e.g. [1: "Cu", 2: "Au"] (`--species 1=Cu,2=Au`).
    public var species: [Int: String] = [:]

    /// No hints.
    public init(atomStyle: String? = nil, species: [Int: String] = [:]) {
        self.atomStyle = atomStyle
        self.species = species
    }

    /// Parses `--species 1=Cu,2=Au`; nil when malformed.
    public static func species(_ text: String) -> [Int: String]? {
        var out = [Int: String]()
        for part in text.split(separator: ",") {
            let kv = part.split(separator: "=")
            guard kv.count == 2, let t = Int(kv[0].trimmingCharacters(in: .whitespaces)), t >= 1 else { return nil }
            let name = kv[1].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { return nil }
            out[t] = name
        }
        return out.isEmpty ? nil : out
    }
}

extension Trajectory {
    /// Reads the trajectory at `url`, its format chosen by extension (`TrajectoryFormat`), with
    /// `options` for what some files do not say (LAMMPS data: atom style, species).
    ///
    /// - Throws: `TrajectoryFormatError` for an unknown extension; `AmberNetCDFError` or
    ///   `TrajectoryIOError` naming the file and the problem.
    public init(contentsOf url: URL, options: ReadOptions = ReadOptions()) throws {
        switch try TrajectoryFormat(url: url) {
        case .netcdf: self = try Trajectory.readNetCDF(url)
        case .extxyz: self = try Trajectory.readExtXYZ(url)
        case .lammpsData: self = try Trajectory.readLAMMPSData(url, options: options)
        case .lammpsDump: self = try LAMMPSDump.read(url)
        }
        // Numeric type names (LAMMPS dumps without an element column, data files): --species.
        if !options.species.isEmpty {
            species = species.map { Int($0).flatMap { options.species[$0] } ?? $0 }
        }
    }

    /// Writes the trajectory to `url` in the format its extension names (replacing the file).
    /// A LAMMPS data file holds one frame: `frame` (default: the last).
    ///
    /// - Throws: `TrajectoryFormatError` for an unknown extension; `AmberNetCDFError` or
    ///   `TrajectoryIOError` naming the file and the problem.
    public func write(to url: URL, frame: Int? = nil) throws {
        switch try TrajectoryFormat(url: url) {
        case .netcdf: try writeNetCDF(url)
        case .extxyz: try writeExtXYZ(url)
        case .lammpsData: try writeLAMMPSData(url, frame: frame ?? frames.count - 1)
        case .lammpsDump: try writeLAMMPSDump(url)
        }
    }
}

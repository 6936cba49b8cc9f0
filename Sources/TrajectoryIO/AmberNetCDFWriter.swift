import Atomistics
import CNetCDF
import Foundation

/// Writes an AMBER-convention NetCDF trajectory (REFERENCE.md §4): 64-bit-offset format, no fill,
/// every variable defined before the first frame, each frame written whole and then `nc_sync`ed,
/// so a killed run leaves only complete frames. Not thread-safe: use one writer from one thread.
public final class AmberNetCDFWriter {
    /// The file being written.
    public let url: URL
    /// Atoms per frame.
    public let atomCount: Int
    /// Whether frames carry `velocities` (stored in Å/ps ÷ 20.455, `scale_factor` 20.455).
    public let hasVelocities: Bool
    /// Whether frames carry `forces` (stored in kcal/mol/Å).
    public let hasForces: Bool
    /// Whether frames carry per-atom energies (`atom_energies`, eV, double).
    public let hasAtomEnergies: Bool
    /// Frames in the file so far (including those found when appending).
    public private(set) var frameCount: Int

    private var file: NCFile?
    private let vars: [String: Int32]

    /// Creates (replacing) a trajectory at `url` for `atomicNumbers.count` atoms.
    ///
    /// - Parameters:
    ///   - atomicNumbers: Z of each atom (0 when unknown), stored as `atom_types`.
    ///   - velocities: whether to store velocities (Å/ps).
    ///   - forces: whether to store forces (eV/Å in, kcal/mol/Å in the file).
    ///   - atomEnergies: whether to store each atom's potential energy (`atom_energies`, a symmd
    ///     extension to the convention: (frame, atom) doubles in eV).
    ///   - title: the `title` attribute.
    ///   - units: the run's unit style, written as the `symmd_units` attribute; an lj file labels
    ///     its energies, temperature and pressure in reduced units.
    /// - Throws: `AmberNetCDFError` naming the file and libnetcdf's message.
    public init(creating url: URL, atomicNumbers: [Int], velocities: Bool = false, forces: Bool = false,
                atomEnergies: Bool = false, title: String = "symmd trajectory", units: UnitStyle = .metal) throws {
        AmberNetCDF.libraryLock.lock()
        defer { AmberNetCDF.libraryLock.unlock() }
        self.url = url
        atomCount = atomicNumbers.count
        hasVelocities = velocities
        hasForces = forces
        hasAtomEnergies = atomEnergies
        frameCount = 0
        let path = url.path
        var ncid: Int32 = 0
        let status = nc_create(path, NC_CLOBBER | NC_64BIT_OFFSET, &ncid)
        guard status == NC_NOERR else {
            throw AmberNetCDFError(file: path, kind: .netcdf(call: "nc_create", message: NCFile.message(status)))
        }
        let f = NCFile(ncid: ncid, path: path)
        do {
            var old: Int32 = 0
            try f.check(nc_set_fill(ncid, NC_NOFILL, &old), "nc_set_fill")
            try f.putText(NC_GLOBAL, "Conventions", "AMBER")
            try f.putText(NC_GLOBAL, "ConventionVersion", "1.0")
            try f.putText(NC_GLOBAL, "program", "symmd")
            try f.putText(NC_GLOBAL, "programVersion", AmberNetCDF.programVersion)
            try f.putText(NC_GLOBAL, "title", title)
            try f.putText(NC_GLOBAL, AmberNetCDF.unitStyleAttribute, units.rawValue)
            let frame = try f.defDim("frame", NC_UNLIMITED)
            let spatial = try f.defDim("spatial", 3)
            let atom = try f.defDim("atom", max(atomCount, 1))
            let cellSpatial = try f.defDim("cell_spatial", 3)
            let cellAngular = try f.defDim("cell_angular", 3)
            let label = try f.defDim("label", 5)
            var v = [String: Int32]()
            v["spatial"] = try f.defVar("spatial", NC_CHAR, [spatial])
            v["cell_spatial"] = try f.defVar("cell_spatial", NC_CHAR, [cellSpatial])
            v["cell_angular"] = try f.defVar("cell_angular", NC_CHAR, [cellAngular, label])
            v["time"] = try f.defVar("time", NC_FLOAT, [frame], units: "picosecond")
            v["coordinates"] = try f.defVar("coordinates", NC_FLOAT, [frame, atom, spatial], units: "angstrom")
            v["cell_lengths"] = try f.defVar("cell_lengths", NC_DOUBLE, [frame, cellSpatial], units: "angstrom")
            v["cell_angles"] = try f.defVar("cell_angles", NC_DOUBLE, [frame, cellAngular], units: "degree")
            if velocities {
                let id = try f.defVar("velocities", NC_FLOAT, [frame, atom, spatial], units: "angstrom/picosecond")
                var scale = AmberNetCDF.velocityScale
                try f.check(nc_put_att_double(ncid, id, "scale_factor", NC_DOUBLE, 1, &scale), "nc_put_att_double(scale_factor)")
                v["velocities"] = id
            }
            if forces {
                v["forces"] = try f.defVar("forces", NC_FLOAT, [frame, atom, spatial], units: "kilocalorie/mole/angstrom")
            }
            if atomEnergies {
                v["atom_energies"] = try f.defVar("atom_energies", NC_DOUBLE, [frame, atom],
                                                  units: AmberNetCDF.scalarUnits(units).first { $0.name == "potential_energy" }?.units ?? "electron_volt")
            }
            for (name, label) in AmberNetCDF.scalarUnits(units) {
                v[name] = try f.defVar(name, NC_DOUBLE, [frame], units: label)
            }
            v["atom_types"] = try f.defVar("atom_types", NC_INT, [atom])
            try f.check(nc_enddef(ncid), "nc_enddef")
            try f.putChars(v["spatial"]!, "xyz", count: [3])
            try f.putChars(v["cell_spatial"]!, "abc", count: [3])
            try f.putChars(v["cell_angular"]!, "alphabeta gamma", count: [3, 5])
            let z = atomicNumbers.map(Int32.init)
            if atomCount > 0 {
                try f.check(nc_put_vara_int(ncid, v["atom_types"]!, [0], [atomCount], z), "nc_put_vara_int(atom_types)")
            }
            try f.check(nc_sync(ncid), "nc_sync")
            vars = v
        } catch {
            f.close()
            throw error
        }
        file = f
    }

    /// Opens the existing AMBER trajectory at `url` to add frames after its last one.
    ///
    /// - Parameter atomCount: the atoms per frame the caller will write; must match the file.
    /// - Throws: `AmberNetCDFError`: missing, not NetCDF, not AMBER, or another atom count.
    public init(appendingTo url: URL, atomCount: Int) throws {
        AmberNetCDF.libraryLock.lock()
        defer { AmberNetCDF.libraryLock.unlock() }
        self.url = url
        self.atomCount = atomCount
        let path = url.path
        var ncid: Int32 = 0
        let status = nc_open(path, NC_WRITE, &ncid)
        guard status == NC_NOERR else { throw AmberNetCDFError.classifyOpen(path, status: status) }
        let f = NCFile(ncid: ncid, path: path)
        do {
            let conventions = f.text(NC_GLOBAL, "Conventions")
            guard conventions == "AMBER" else {
                throw AmberNetCDFError(file: path, kind: .notAmber(expected: "AMBER", found: conventions.map { "'\($0)'" } ?? "missing"))
            }
            guard let n = f.dimLength("atom"), n == max(atomCount, 1) else {
                throw AmberNetCDFError(file: path, kind: .incompatible("it has \(f.dimLength("atom").map(String.init) ?? "no") atoms, this run has \(atomCount)"))
            }
            var old: Int32 = 0
            try f.check(nc_set_fill(ncid, NC_NOFILL, &old), "nc_set_fill")
            var v = [String: Int32]()
            for name in ["time", "coordinates", "cell_lengths", "cell_angles"] {
                guard let id = f.varID(name) else {
                    throw AmberNetCDFError(file: path, kind: .incompatible("no variable '\(name)'"))
                }
                v[name] = id
            }
            for name in ["velocities", "forces", "atom_energies"] + AmberNetCDF.scalarUnits.map(\.name) {
                if let id = f.varID(name) { v[name] = id }
            }
            hasVelocities = v["velocities"] != nil
            hasForces = v["forces"] != nil
            hasAtomEnergies = v["atom_energies"] != nil
            frameCount = f.dimLength("frame") ?? 0
            vars = v
        } catch {
            f.close()
            throw error
        }
        file = f
    }

    /// Appends `frame` (positions Å, velocities Å/ps, forces eV/Å, time ps) as one whole record,
    /// then syncs it to the file.
    ///
    /// - Throws: `AmberNetCDFError` when the arrays have the wrong length, the writer is closed,
    ///   or libnetcdf fails.
    public func write(_ frame: AmberFrame) throws {
        AmberNetCDF.libraryLock.lock()
        defer { AmberNetCDF.libraryLock.unlock() }
        guard let f = file else {
            throw AmberNetCDFError(file: url.path, kind: .badArgument("the writer is closed"))
        }
        let n3 = 3 * atomCount
        guard frame.positions.count == n3 else {
            throw AmberNetCDFError(file: url.path, kind: .badArgument("\(frame.positions.count) position values, expected \(n3)"))
        }
        // Check every array before writing anything: a frame is written whole or not at all.
        let v = hasVelocities ? (frame.velocities ?? [Double](repeating: 0, count: n3)) : []
        let g = hasForces ? (frame.forces ?? [Double](repeating: 0, count: n3)) : []
        guard !hasVelocities || v.count == n3 else {
            throw AmberNetCDFError(file: url.path, kind: .badArgument("\(v.count) velocity values, expected \(n3)"))
        }
        guard !hasForces || g.count == n3 else {
            throw AmberNetCDFError(file: url.path, kind: .badArgument("\(g.count) force values, expected \(n3)"))
        }
        let e = hasAtomEnergies ? (frame.atomEnergies ?? [Double](repeating: .nan, count: atomCount)) : []
        guard !hasAtomEnergies || e.count == atomCount else {
            throw AmberNetCDFError(file: url.path, kind: .badArgument("\(e.count) per-atom energies, expected \(atomCount)"))
        }
        let k = frameCount
        let start = [k, 0, 0], count = [1, atomCount, 3]
        if hasAtomEnergies, atomCount > 0 {
            try f.putDoubles(vars["atom_energies"]!, "atom_energies", start: [k, 0], count: [1, atomCount], e)
        }
        if atomCount > 0 {
            try f.putFloats(vars["coordinates"]!, "coordinates", start: start, count: count, frame.positions.map { Float($0) })
        }
        if hasVelocities, atomCount > 0 {
            let s = 1 / AmberNetCDF.velocityScale
            try f.putFloats(vars["velocities"]!, "velocities", start: start, count: count, v.map { Float($0 * s) })
        }
        if hasForces, atomCount > 0 {
            let c = AmberNetCDF.kcalPerMolPerEV
            try f.putFloats(vars["forces"]!, "forces", start: start, count: count, g.map { Float($0 * c) })
        }
        let (lengths, angles) = AmberNetCDF.cell(frame.box)
        try f.putDoubles(vars["cell_lengths"]!, "cell_lengths", start: [k, 0], count: [1, 3], lengths)
        try f.putDoubles(vars["cell_angles"]!, "cell_angles", start: [k, 0], count: [1, 3], angles)
        let scalars: [String: Double?] = ["potential_energy": frame.potentialEnergy, "kinetic_energy": frame.kineticEnergy,
                                          "temperature": frame.temperature, "pressure": frame.pressure]
        for (name, value) in scalars {
            guard let id = vars[name] else { continue }
            try f.putDoubles(id, name, start: [k], count: [1], [value.flatMap { $0 } ?? .nan])
        }
        // The header's frame count grows with the first write; nc_sync below puts the whole record on disk.
        try f.putFloats(vars["time"]!, "time", start: [k], count: [1], [Float(frame.time)])
        try f.check(nc_sync(f.ncid), "nc_sync")
        frameCount += 1
    }

    /// Cuts the trajectory at `url` to its first `frames` frames (NetCDF cannot shrink a record
    /// dimension, so the kept frames are copied to a new file that replaces the old one).
    ///
    /// - Throws: `AmberNetCDFError` from reading the old file or writing the new one.
    public static func truncate(_ url: URL, toFrames frames: Int) throws {
        AmberNetCDF.libraryLock.lock()
        defer { AmberNetCDF.libraryLock.unlock() }
        let r = try AmberNetCDFReader(url)
        guard frames < r.frameCount else { return }
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).truncating")
        let w = try AmberNetCDFWriter(creating: tmp, atomicNumbers: r.atomicNumbers ?? [Int](repeating: 0, count: r.atomCount),
                                      velocities: r.hasVelocities, forces: r.hasForces, atomEnergies: r.hasAtomEnergies,
                                      title: r.attributes["title"] ?? "symmd trajectory", units: r.unitStyle ?? .metal)
        for k in 0..<max(frames, 0) { try w.write(try r.frame(k)) }
        w.close()
        r.close()
        guard rename(tmp.path, url.path) == 0 else {
            throw AmberNetCDFError(file: url.path, kind: .netcdf(call: "rename", message: String(cString: strerror(errno))))
        }
    }

    /// Closes the file (idempotent; also done on deinit).
    public func close() {
        AmberNetCDF.libraryLock.lock()
        defer { AmberNetCDF.libraryLock.unlock() }
        file?.close()
        file = nil
    }

    deinit { close() }
}

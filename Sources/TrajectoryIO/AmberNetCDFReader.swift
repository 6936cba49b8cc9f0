import Atomistics
import CNetCDF
import Foundation

/// Reads AMBER-convention NetCDF trajectories: symmd's own, MDAnalysis-written, and LAMMPS
/// `dump netcdf` files (CDF-5, extra variables ignored). Returns frames in symmd's units (Å,
/// ps, Å/ps, eV/Å). Not thread-safe: use one reader from one thread.
public final class AmberNetCDFReader {
    /// The file being read.
    public let url: URL
    /// Number of complete frames.
    public let frameCount: Int
    /// Atoms per frame.
    public let atomCount: Int
    /// Whether the file stores velocities.
    public let hasVelocities: Bool
    /// Whether the file stores forces.
    public let hasForces: Bool
    /// Whether frames carry per-atom energies (symmd's `atom_energies`, eV).
    public let hasAtomEnergies: Bool
    /// The global attributes that are text (`Conventions`, `program`, `title`, …).
    public let attributes: [String: String]
    /// Z of each atom from `atom_types` (0 when unknown), or nil when the file has none.
    public let atomicNumbers: [Int]?
    /// symmd's unit style from the `symmd_units` attribute, or nil (another program's file: metal units).
    public var unitStyle: UnitStyle? { attributes[AmberNetCDF.unitStyleAttribute].flatMap(UnitStyle.init(rawValue:)) }

    /// Whether the file has a `time` variable (cpptraj and mdtraj may write none).
    public let hasTimes: Bool

    private var file: NCFile?
    private let vars: [String: AmberNetCDFVariable]

    /// Opens `url` and checks that it is an AMBER trajectory whose every announced frame is present.
    ///
    /// - Throws: `AmberNetCDFError`: `.missingFile`, `.notNetCDF`, `.notAmber`, `.truncated`,
    ///   `.incompatible` (a required dimension or variable missing), each naming the file.
    public init(_ url: URL) throws {
        AmberNetCDF.libraryLock.lock()
        defer { AmberNetCDF.libraryLock.unlock() }
        self.url = url
        let path = url.path
        var ncid: Int32 = 0
        let status = nc_open(path, NC_NOWRITE, &ncid)
        guard status == NC_NOERR else { throw AmberNetCDFError.classifyOpen(path, status: status) }
        let f = NCFile(ncid: ncid, path: path)
        do {
            // Every frame the header announces must be on disk (libnetcdf reads a cut file as zeros).
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            if let required = ClassicHeader.requiredSize(path), size < required {
                if required == .max {
                    throw AmberNetCDFError(file: path, kind: .truncated("the NetCDF header is incomplete (\(size) bytes)"))
                }
                throw AmberNetCDFError(file: path, kind: .truncated("the header announces \(f.dimLength("frame") ?? 0) frames (\(required) bytes), the file has \(size) bytes"))
            }
            var attributes = [String: String]()
            var natts: Int32 = 0
            nc_inq_natts(ncid, &natts)
            for k in 0..<natts {
                var name = [CChar](repeating: 0, count: Int(NC_MAX_NAME) + 1)
                var type: nc_type = 0
                guard nc_inq_attname(ncid, NC_GLOBAL, k, &name) == NC_NOERR,
                      nc_inq_atttype(ncid, NC_GLOBAL, name, &type) == NC_NOERR, type == NC_CHAR else { continue }
                let key = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                attributes[key] = f.text(NC_GLOBAL, key)
            }
            self.attributes = attributes
            guard let conventions = attributes["Conventions"],
                  conventions.split(whereSeparator: { $0 == " " || $0 == "," }).contains("AMBER") else {
                throw AmberNetCDFError(file: path, kind: .notAmber(expected: "AMBER",
                                                                     found: attributes["Conventions"].map { "'\($0)'" } ?? "missing"))
            }
            guard let atoms = f.dimLength("atom") else {
                throw AmberNetCDFError(file: path, kind: .incompatible("no 'atom' dimension"))
            }
            guard f.varID("coordinates") != nil else {
                throw AmberNetCDFError(file: path, kind: .incompatible("no 'coordinates' variable"))
            }
            // Every variable decoded in one place (scale_factor, units): AmberNetCDFVariable.
            let ase = attributes["program"]?.uppercased() == "ASE"
            var v = [String: AmberNetCDFVariable]()
            let quantities: [(String, AmberNetCDFVariable.Quantity)] = [
                ("coordinates", .length), ("time", .time), ("cell_lengths", .length), ("cell_angles", .plain),
                ("velocities", .velocity(aseUnits: ase)), ("forces", .force), ("atom_types", .plain), ("atom_energies", .plain),
            ] + AmberNetCDF.scalarUnits.map { ($0.name, .plain) }
            for (name, q) in quantities {
                if let variable = try AmberNetCDFVariable(f, name, q) { v[name] = variable }
            }
            atomCount = atoms
            frameCount = f.dimLength("frame") ?? 0
            hasVelocities = v["velocities"] != nil
            hasForces = v["forces"] != nil
            hasAtomEnergies = v["atom_energies"] != nil
            hasTimes = v["time"] != nil
            // atom_types: one per atom, or per frame and atom (ASE): the first frame's.
            if let t = v["atom_types"], atoms > 0, !t.perFrame || frameCount > 0 {
                atomicNumbers = try t.read(f, frame: 0, count: [atoms]).map { Int($0) }
            } else {
                atomicNumbers = nil
            }
            vars = v
            file = f
        } catch {
            f.close()
            file = nil
            throw error
        }
    }

    /// Frame `index` (0-based): positions Å, velocities Å/ps, forces eV/Å, time ps, cell, energies.
    ///
    /// - Throws: `AmberNetCDFError` when the index is out of range or the data cannot be read.
    public func frame(_ index: Int) throws -> AmberFrame {
        AmberNetCDF.libraryLock.lock()
        defer { AmberNetCDF.libraryLock.unlock() }
        guard let f = file else { throw AmberNetCDFError(file: url.path, kind: .badArgument("the reader is closed")) }
        guard index >= 0, index < frameCount else {
            throw AmberNetCDFError(file: url.path, kind: .badArgument("frame \(index) of a file with \(frameCount) frames"))
        }
        let n = atomCount
        var frame = AmberFrame(positions: try vars["coordinates"]!.read(f, frame: index, count: [n, 3]))
        if let v = vars["velocities"] { frame.velocities = try v.read(f, frame: index, count: [n, 3]) }
        if let v = vars["forces"] { frame.forces = try v.read(f, frame: index, count: [n, 3]) }
        if let v = vars["atom_energies"] { frame.atomEnergies = try v.read(f, frame: index, count: [n]) }
        if let v = vars["time"] { frame.time = try v.read(f, frame: index, count: [])[0] }
        if let l = vars["cell_lengths"], let a = vars["cell_angles"] {
            frame.box = AmberNetCDF.box(lengths: try l.read(f, frame: index, count: [3]), angles: try a.read(f, frame: index, count: [3]))
        }
        func scalar(_ name: String) throws -> Double? {
            guard let v = vars[name] else { return nil }
            let x = try v.read(f, frame: index, count: [])[0]
            return x.isNaN ? nil : x
        }
        frame.potentialEnergy = try scalar("potential_energy")
        frame.kineticEnergy = try scalar("kinetic_energy")
        frame.temperature = try scalar("temperature")
        frame.pressure = try scalar("pressure")
        return frame
    }

    /// Every frame, in order.
    ///
    /// - Throws: `AmberNetCDFError` as `frame(_:)` does.
    public func frames() throws -> [AmberFrame] {
        try (0..<frameCount).map { try frame($0) }
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

import Atomistics
import CNetCDF
import Foundation

/// An AMBER NetCDF restart file (`.ncrst`, `Conventions` = `AMBERRESTART`): one state in double
/// precision, no frame dimension, scalar `time`. Other programs read the AMBER part; symmd can
/// also keep its own state (a checkpoint: step, integrator, thermostat and random-generator
/// state, neighbor-list schedule) in the extra byte variable `symmd_state`, which they ignore.
public struct AmberRestart: Sendable, Equatable {
    /// Positions, flat 3N (Å).
    public var positions: [Double]
    /// Velocities, flat 3N (Å/ps), or nil.
    public var velocities: [Double]?
    /// The periodic cell, or nil (written as zeros).
    public var box: Box?
    /// Simulated time (ps).
    public var time: Double
    /// The `title` attribute.
    public var title: String
    /// symmd's own state (opaque bytes, stored as the `symmd_state` byte variable), or nil.
    public var extraState: [UInt8]?

    /// The name of the byte variable holding `extraState`.
    public static let extraStateVariable = "symmd_state"

    /// A restart state of positions (Å), optional velocities (Å/ps) and cell, at `time` (ps).
    public init(positions: [Double], velocities: [Double]? = nil, box: Box? = nil, time: Double = 0,
                title: String = "symmd restart", extraState: [UInt8]? = nil) {
        self.extraState = extraState
        self.positions = positions
        self.velocities = velocities
        self.box = box
        self.time = time
        self.title = title
    }

    /// Writes the restart to `url` (replacing it), 64-bit-offset format.
    ///
    /// - Throws: `AmberNetCDFError` naming the file and libnetcdf's message, or `.badArgument`
    ///   when the velocities do not match the positions.
    public func write(to url: URL) throws {
        AmberNetCDF.libraryLock.lock()
        defer { AmberNetCDF.libraryLock.unlock() }
        let path = url.path
        let n = positions.count / 3
        guard positions.count % 3 == 0, velocities == nil || velocities!.count == positions.count else {
            throw AmberNetCDFError(file: path, kind: .badArgument("\(positions.count) positions and \(velocities?.count ?? 0) velocities"))
        }
        var ncid: Int32 = 0
        let status = nc_create(path, NC_CLOBBER | NC_64BIT_OFFSET, &ncid)
        guard status == NC_NOERR else {
            throw AmberNetCDFError(file: path, kind: .netcdf(call: "nc_create", message: NCFile.message(status)))
        }
        let f = NCFile(ncid: ncid, path: path)
        defer { f.close() }
        var old: Int32 = 0
        try f.check(nc_set_fill(ncid, NC_NOFILL, &old), "nc_set_fill")
        try f.putText(NC_GLOBAL, "Conventions", "AMBERRESTART")
        try f.putText(NC_GLOBAL, "ConventionVersion", "1.0")
        try f.putText(NC_GLOBAL, "program", "symmd")
        try f.putText(NC_GLOBAL, "programVersion", AmberNetCDF.programVersion)
        try f.putText(NC_GLOBAL, "title", title)
        let spatial = try f.defDim("spatial", 3)
        let atom = try f.defDim("atom", max(n, 1))
        let cellSpatial = try f.defDim("cell_spatial", 3)
        let cellAngular = try f.defDim("cell_angular", 3)
        let label = try f.defDim("label", 5)
        let vSpatial = try f.defVar("spatial", NC_CHAR, [spatial])
        let vCellSpatial = try f.defVar("cell_spatial", NC_CHAR, [cellSpatial])
        let vCellAngular = try f.defVar("cell_angular", NC_CHAR, [cellAngular, label])
        let vTime = try f.defVar("time", NC_DOUBLE, [], units: "picosecond")
        let vCoord = try f.defVar("coordinates", NC_DOUBLE, [atom, spatial], units: "angstrom")
        var vVel: Int32?
        if velocities != nil {
            let id = try f.defVar("velocities", NC_DOUBLE, [atom, spatial], units: "angstrom/picosecond")
            var scale = AmberNetCDF.velocityScale
            try f.check(nc_put_att_double(ncid, id, "scale_factor", NC_DOUBLE, 1, &scale), "nc_put_att_double(scale_factor)")
            vVel = id
        }
        let vLengths = try f.defVar("cell_lengths", NC_DOUBLE, [cellSpatial], units: "angstrom")
        let vAngles = try f.defVar("cell_angles", NC_DOUBLE, [cellAngular], units: "degree")
        var vState: Int32?
        if let extraState {
            let dim = try f.defDim("\(AmberRestart.extraStateVariable)_bytes", max(extraState.count, 1))
            let id = try f.defVar(AmberRestart.extraStateVariable, NC_BYTE, [dim])
            try f.putText(id, "description", "symmd checkpoint (step, integrator, thermostat and RNG state); read by symmd run --restart")
            vState = id
        }
        try f.check(nc_enddef(ncid), "nc_enddef")
        if let vState, let extraState, !extraState.isEmpty {
            try f.check(nc_put_vara_uchar(ncid, vState, [0], [extraState.count], extraState), "nc_put_vara_uchar(\(AmberRestart.extraStateVariable))")
        }
        try f.putChars(vSpatial, "xyz", count: [3])
        try f.putChars(vCellSpatial, "abc", count: [3])
        try f.putChars(vCellAngular, "alphabeta gamma", count: [3, 5])
        var t = time
        try f.check(nc_put_var_double(ncid, vTime, &t), "nc_put_var_double(time)")
        if n > 0 {
            try f.putDoubles(vCoord, "coordinates", start: [0, 0], count: [n, 3], positions)
            if let vVel, let v = velocities {
                try f.putDoubles(vVel, "velocities", start: [0, 0], count: [n, 3], v.map { $0 / AmberNetCDF.velocityScale })
            }
        }
        let (lengths, angles) = AmberNetCDF.cell(box)
        try f.putDoubles(vLengths, "cell_lengths", start: [0], count: [3], lengths)
        try f.putDoubles(vAngles, "cell_angles", start: [0], count: [3], angles)
        try f.check(nc_sync(ncid), "nc_sync")
    }

    /// Reads the AMBER restart at `url` (velocities × `scale_factor` when present).
    ///
    /// - Throws: `AmberNetCDFError`: missing, not NetCDF, not `AMBERRESTART`, truncated, or
    ///   lacking coordinates.
    public init(contentsOf url: URL) throws {
        AmberNetCDF.libraryLock.lock()
        defer { AmberNetCDF.libraryLock.unlock() }
        let path = url.path
        var ncid: Int32 = 0
        let status = nc_open(path, NC_NOWRITE, &ncid)
        guard status == NC_NOERR else { throw AmberNetCDFError.classifyOpen(path, status: status) }
        let f = NCFile(ncid: ncid, path: path)
        defer { f.close() }
        let conventions = f.text(NC_GLOBAL, "Conventions")
        guard conventions == "AMBERRESTART" else {
            throw AmberNetCDFError(file: path, kind: .notAmber(expected: "AMBERRESTART", found: conventions.map { "'\($0)'" } ?? "missing"))
        }
        guard let n = f.dimLength("atom"), let c = f.varID("coordinates") else {
            throw AmberNetCDFError(file: path, kind: .incompatible("no 'atom' dimension or 'coordinates' variable"))
        }
        title = f.text(NC_GLOBAL, "title") ?? ""
        positions = try f.getDoubles(c, "coordinates", start: [0, 0], count: [n, 3])
        if let v = f.varID("velocities") {
            let scale = f.doubleAttribute(v, "scale_factor") ?? 1
            velocities = try f.getDoubles(v, "velocities", start: [0, 0], count: [n, 3]).map { $0 * scale }
        } else {
            velocities = nil
        }
        if let id = f.varID("time") {
            var t = 0.0
            try f.check(nc_get_var_double(ncid, id, &t), "nc_get_var_double(time)")
            time = t
        } else {
            time = 0
        }
        if let l = f.varID("cell_lengths"), let a = f.varID("cell_angles") {
            box = AmberNetCDF.box(lengths: try f.getDoubles(l, "cell_lengths", start: [0], count: [3]),
                                  angles: try f.getDoubles(a, "cell_angles", start: [0], count: [3]))
        } else {
            box = nil
        }
        if let id = f.varID(AmberRestart.extraStateVariable), let count = f.dimLength("\(AmberRestart.extraStateVariable)_bytes") {
            var bytes = [UInt8](repeating: 0, count: count)
            try f.check(nc_get_vara_uchar(ncid, id, [0], [count], &bytes), "nc_get_vara_uchar(\(AmberRestart.extraStateVariable))")
            extraState = bytes
        } else {
            extraState = nil
        }
    }
}

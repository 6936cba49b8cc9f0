import Atomistics
import CNetCDF
import Foundation

/// An error met while reading or writing an AMBER NetCDF trajectory or restart file.
///
/// Every case names the file; `description` is one line: `file: what went wrong`.
public struct AmberNetCDFError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Equatable, Sendable {
        /// There is no file at the path.
        case missingFile
        /// The file exists but is not a NetCDF file (no `CDF` or HDF5 signature).
        case notNetCDF
        /// A NetCDF file whose `Conventions` is not the expected one (`AMBER`, `AMBERRESTART`).
        case notAmber(expected: String, found: String)
        /// The file ends before the data its header announces.
        case truncated(String)
        /// A NetCDF file that lacks a dimension or variable the convention requires, or has the
        /// wrong shape (e.g. another atom count when appending).
        case incompatible(String)
        /// A libnetcdf call failed: the call and `nc_strerror`'s message.
        case netcdf(call: String, message: String)
        /// The caller passed data of the wrong size (counts in values).
        case badArgument(String)
    }

    /// The file (its path).
    public let file: String
    /// What went wrong.
    public let kind: Kind

    /// Makes an error for `file`.
    public init(file: String, kind: Kind) {
        self.file = file
        self.kind = kind
    }

    /// One-line message: `file: what went wrong`.
    public var description: String {
        let what: String
        switch kind {
        case .missingFile: what = "no such file"
        case .notNetCDF: what = "not a NetCDF file"
        case .notAmber(let expected, let found):
            what = "not an AMBER NetCDF file: Conventions is \(found), expected '\(expected)'"
        case .truncated(let s): what = "truncated file: \(s)"
        case .incompatible(let s): what = "not usable as an AMBER NetCDF file: \(s)"
        case .netcdf(let call, let message): what = "NetCDF error in \(call): \(message)"
        case .badArgument(let s): what = "bad data to write: \(s)"
        }
        return "\(file): \(what)"
    }
}

/// One trajectory frame in symmd's units (metal: Å, ps, eV, K, bar), as written to and read from
/// an AMBER NetCDF file; conversions to the file's units happen inside the writer and reader.
public struct AmberFrame: Sendable, Equatable {
    /// Positions, flat 3N (Å).
    public var positions: [Double]
    /// Velocities, flat 3N (Å/ps), or nil.
    public var velocities: [Double]?
    /// Forces, flat 3N (eV/Å), or nil.
    public var forces: [Double]?
    /// The periodic cell, or nil when the file's cell is all zeros (not periodic) or absent.
    public var box: Box?
    /// Simulated time (ps).
    public var time: Double
    /// Potential energy (eV), or nil.
    public var potentialEnergy: Double?
    /// Kinetic energy (eV), or nil.
    public var kineticEnergy: Double?
    /// Temperature (K), or nil.
    public var temperature: Double?
    /// Pressure (bar), or nil.
    public var pressure: Double?
    /// Each atom's potential energy (eV in metal), when stored (symmd's `atom_energies` variable).
    public var atomEnergies: [Double]? = nil

    /// A frame of positions (Å) at `time` (ps), with optional velocities (Å/ps), forces (eV/Å),
    /// cell and energies (eV), temperature (K) and pressure (bar).
    public init(positions: [Double], velocities: [Double]? = nil, forces: [Double]? = nil, box: Box? = nil,
                time: Double = 0, potentialEnergy: Double? = nil, kineticEnergy: Double? = nil,
                temperature: Double? = nil, pressure: Double? = nil) {
        self.positions = positions
        self.velocities = velocities
        self.forces = forces
        self.box = box
        self.time = time
        self.potentialEnergy = potentialEnergy
        self.kineticEnergy = kineticEnergy
        self.temperature = temperature
        self.pressure = pressure
    }
}

/// Constants of the AMBER NetCDF convention (REFERENCE.md §4).
public enum AmberNetCDF {
    /// AMBER's velocity scale: velocities are stored as v/20.455 (v in Å/ps).
    public static let velocityScale = 20.455
    /// kcal/mol per eV (forces are stored in kcal/mol/Å).
    public static let kcalPerMolPerEV = 23.060548
    /// kJ/mol per eV.
    public static let kJPerMolPerEV = 96.485332
    /// ASE's time unit, √(amu·Å²/eV), in fs: ASE stores velocities in Å per this unit.
    public static let aseTimeUnitFemtoseconds = 10.180505671156725
    /// The per-frame double variables symmd writes and their `units` attributes (metal units).
    public static let scalarUnits: [(name: String, units: String)] = scalarUnits(.metal)

    /// The per-frame double variables and their `units` attributes for a unit style: metal's
    /// names, or the reduced units of an lj run (ε, ε/k_B, ε/σ³).
    public static func scalarUnits(_ style: UnitStyle) -> [(name: String, units: String)] {
        switch style {
        case .metal: [("potential_energy", "electronvolt"), ("kinetic_energy", "electronvolt"),
                      ("temperature", "kelvin"), ("pressure", "bar")]
        case .lj: [("potential_energy", "epsilon"), ("kinetic_energy", "epsilon"),
                   ("temperature", "epsilon/k_B"), ("pressure", "epsilon/sigma^3")]
        }
    }

    /// The global attribute naming symmd's unit style (`metal` or `lj`). Coordinates keep the
    /// convention's `angstrom` (readers match it exactly): in an lj file they are in σ.
    public static let unitStyleAttribute = "symmd_units"
    /// symmd's version written as `programVersion`.
    public static let programVersion = "0.1.0"

    /// The `(cell_lengths Å, cell_angles degrees)` written for `box`: zeros when no direction is periodic.
    static func cell(_ box: Box?) -> ([Double], [Double]) {
        guard let box, box.periodic.contains(true) else { return ([0, 0, 0], [0, 0, 0]) }
        return (box.lengths, box.anglesInDegrees)
    }

    /// The box for cell lengths (Å) and angles (degrees); nil when the lengths are zero. Right
    /// angles give an exactly orthorhombic box (cos 90° in floating point is 6e-17, not 0).
    static func box(lengths: [Double], angles: [Double]) -> Box? {
        guard lengths.allSatisfy({ $0 > 0 }) else { return nil }
        if angles.allSatisfy({ $0 == 90 }) { return try? Box(lengths: lengths) }
        return try? Box(lengths: lengths, anglesInDegrees: angles)
    }
}

extension AmberNetCDF {
    /// libnetcdf keeps global state and is not thread-safe even across different files: every
    /// call into it in this process must hold this lock (recursive). Readers, writers and restart
    /// I/O take it themselves; code calling libnetcdf directly should use `withLibraryLock`.
    static let libraryLock = NSRecursiveLock()

    /// Runs `body` holding the process-wide libnetcdf lock.
    public static func withLibraryLock<T>(_ body: () throws -> T) rethrows -> T {
        libraryLock.lock()
        defer { libraryLock.unlock() }
        return try body()
    }
}

/// A thin checked wrapper over one open libnetcdf handle (never shared across threads).
struct NCFile {
    let ncid: Int32
    let path: String

    /// Throws `.netcdf` naming `call` when `status` is not NC_NOERR.
    func check(_ status: Int32, _ call: @autoclosure () -> String) throws {
        guard status != NC_NOERR else { return }
        throw AmberNetCDFError(file: path, kind: .netcdf(call: call(), message: NCFile.message(status)))
    }

    static func message(_ status: Int32) -> String { String(cString: nc_strerror(status)) }

    func putText(_ varid: Int32, _ name: String, _ text: String) throws {
        let bytes = Array(text.utf8)
        try check(bytes.withUnsafeBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { nc_put_att_text(ncid, varid, name, b.count, $0.baseAddress) }
        }, "nc_put_att_text(\(name))")
    }

    func text(_ varid: Int32, _ name: String) -> String? {
        var len = 0
        guard nc_inq_attlen(ncid, varid, name, &len) == NC_NOERR else { return nil }
        var buf = [CChar](repeating: 0, count: len + 1)
        guard nc_get_att_text(ncid, varid, name, &buf) == NC_NOERR else { return nil }
        return String(decoding: buf.prefix(len).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .trimmingCharacters(in: CharacterSet(charactersIn: "\0"))
    }

    func doubleAttribute(_ varid: Int32, _ name: String) -> Double? {
        var v = 0.0
        return nc_get_att_double(ncid, varid, name, &v) == NC_NOERR ? v : nil
    }

    func defDim(_ name: String, _ len: Int) throws -> Int32 {
        var id: Int32 = 0
        try check(nc_def_dim(ncid, name, len, &id), "nc_def_dim(\(name))")
        return id
    }

    func defVar(_ name: String, _ type: nc_type, _ dims: [Int32], units: String? = nil) throws -> Int32 {
        var id: Int32 = 0
        try check(nc_def_var(ncid, name, type, Int32(dims.count), dims, &id), "nc_def_var(\(name))")
        if let units { try putText(id, "units", units) }
        return id
    }

    func dimLength(_ name: String) -> Int? {
        var id: Int32 = 0, len = 0
        guard nc_inq_dimid(ncid, name, &id) == NC_NOERR, nc_inq_dimlen(ncid, id, &len) == NC_NOERR else { return nil }
        return len
    }

    func varID(_ name: String) -> Int32? {
        var id: Int32 = 0
        return nc_inq_varid(ncid, name, &id) == NC_NOERR ? id : nil
    }

    func putChars(_ varid: Int32, _ text: String, count: [Int]) throws {
        let bytes = Array(text.utf8).map { CChar(bitPattern: $0) }
        let start = [Int](repeating: 0, count: count.count)
        try check(nc_put_vara_text(ncid, varid, start, count, bytes), "nc_put_vara_text")
    }

    func putFloats(_ varid: Int32, _ name: String, start: [Int], count: [Int], _ values: [Float]) throws {
        try check(nc_put_vara_float(ncid, varid, start, count, values), "nc_put_vara_float(\(name))")
    }

    func putDoubles(_ varid: Int32, _ name: String, start: [Int], count: [Int], _ values: [Double]) throws {
        try check(nc_put_vara_double(ncid, varid, start, count, values), "nc_put_vara_double(\(name))")
    }

    /// Reads as double whatever the stored type (float, double, int); a read past the end of the
    /// file is reported as truncation.
    func getDoubles(_ varid: Int32, _ name: String, start: [Int], count: [Int]) throws -> [Double] {
        var out = [Double](repeating: 0, count: count.reduce(1, *))
        let status = nc_get_vara_double(ncid, varid, start, count, &out)
        if status == NC_ETRUNC || status == NC_EINVALCOORDS || status == NC_EEDGE {
            throw AmberNetCDFError(file: path, kind: .truncated("\(name) at \(start) is past the end of the data (\(NCFile.message(status)))"))
        }
        try check(status, "nc_get_vara_double(\(name))")
        return out
    }

    func close() { nc_close(ncid) }
}

extension AmberNetCDFError {
    /// Classifies a file that cannot be opened: missing, not NetCDF, or a NetCDF header cut short.
    static func classifyOpen(_ path: String, status: Int32) -> AmberNetCDFError {
        guard FileManager.default.fileExists(atPath: path) else { return .init(file: path, kind: .missingFile) }
        let head = (FileHandle(forReadingAtPath: path).flatMap { try? $0.read(upToCount: 8) }) ?? Data()
        let isCDF = head.starts(with: Array("CDF".utf8)) || head.starts(with: [0x89, 0x48, 0x44, 0x46])
        guard isCDF else { return .init(file: path, kind: .notNetCDF) }
        if status == NC_ENOTNC || status == NC_EINVAL || status == NC_ETRUNC || status == NC_EHDFERR {
            return .init(file: path, kind: .truncated("the NetCDF header is incomplete (\(NCFile.message(status)))"))
        }
        return .init(file: path, kind: .netcdf(call: "nc_open", message: NCFile.message(status)))
    }
}

/// The classic-format (CDF-1, CDF-2, CDF-5) header, read just far enough to know where the last
/// record announced by the header ends. libnetcdf reads past the end of a cut file as zeros, so
/// this is how a truncated trajectory is told from a complete one.
enum ClassicHeader {
    /// The byte offset where the data of the last announced record ends; `Int.max` when the file
    /// ends inside its own header; nil when the file is not a classic NetCDF file.
    static func requiredSize(_ path: String) -> Int? {
        guard let h = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? h.close() }
        guard let d = try? h.read(upToCount: 1 << 20), d.count >= 8 else { return nil }
        let b = [UInt8](d)
        guard b[0] == 0x43, b[1] == 0x44, b[2] == 0x46, [1, 2, 5].contains(b[3]) else { return nil }
        let version = b[3]
        var p = 4
        var ranOut = false
        func u32() -> Int? {
            guard p + 4 <= b.count else { ranOut = true; return nil }
            defer { p += 4 }
            return Int(b[p]) << 24 | Int(b[p + 1]) << 16 | Int(b[p + 2]) << 8 | Int(b[p + 3])
        }
        func u64() -> Int? {
            guard let hi = u32(), let lo = u32() else { return nil }
            return hi << 32 | lo
        }
        func count() -> Int? { version == 5 ? u64() : u32() }
        func name() -> Bool {
            guard let n = count() else { return false }
            p += (n + 3) / 4 * 4
            if p > b.count { ranOut = true }
            return p <= b.count
        }
        func typeSize(_ t: Int) -> Int { [1: 1, 2: 1, 3: 2, 4: 4, 5: 4, 6: 8, 7: 1, 8: 2, 9: 4, 10: 8, 11: 8][t] ?? 1 }
        func attributes() -> Bool {
            guard u32() != nil, let n = count() else { return false }
            for _ in 0..<n {
                guard name(), let t = u32(), let m = count() else { return false }
                p += (m * typeSize(t) + 3) / 4 * 4
            }
            if p > b.count { ranOut = true }
            return p <= b.count
        }
        func parse() -> Int? {
            guard let numrecs = count() else { return nil }
            // Dimensions: which one is the record (unlimited, length 0) dimension.
            guard u32() != nil, let ndims = count() else { return nil }
            var recordDim = -1
            for k in 0..<ndims {
                guard name(), let len = count() else { return nil }
                if len == 0 { recordDim = k }
            }
            guard attributes(), u32() != nil, let nvars = count() else { return nil }
            var recordVars = [(vsize: Int, begin: Int)]()
            for _ in 0..<nvars {
                guard name(), let nd = count() else { return nil }
                var first = -1
                for j in 0..<nd {
                    guard let id = count() else { return nil }
                    if j == 0 { first = id }
                }
                guard attributes(), u32() != nil, let vsize = count() else { return nil }
                guard let begin = version == 1 ? u32() : u64() else { return nil }
                if nd > 0, first == recordDim { recordVars.append((vsize, begin)) }
            }
            guard numrecs > 0, !recordVars.isEmpty else { return 0 }
            let recsize = recordVars.count == 1 ? recordVars[0].vsize : recordVars.reduce(0) { $0 + $1.vsize }
            return recordVars.map { $0.begin + (numrecs - 1) * recsize + $0.vsize }.max()
        }
        let size = parse()
        if size == nil, ranOut, b.count < 1 << 20 { return Int.max }
        return size
    }
}

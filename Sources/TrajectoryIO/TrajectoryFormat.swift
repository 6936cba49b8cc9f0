import Foundation

/// The trajectory and structure formats symmd reads and writes, chosen by file extension.
public enum TrajectoryFormat: String, Sendable, CaseIterable {
    /// AMBER-convention NetCDF trajectory (`.nc`, `.ncdf`, `.netcdf`).
    case netcdf
    /// Extended XYZ as ASE writes it (`.extxyz`, `.xyz`).
    case extxyz
    /// LAMMPS data file (`.data`, `.lmp`), one frame.
    case lammpsData
    /// LAMMPS `dump custom` text (`.lammpstrj`, `.dump`, or a name `dump.*` as LAMMPS examples use).
    case lammpsDump

    /// The extensions of each format (lower case, without the dot).
    public var extensions: [String] {
        switch self {
        case .netcdf: ["nc", "ncdf", "netcdf"]
        case .extxyz: ["extxyz", "xyz"]
        case .lammpsData: ["data", "lmp"]
        case .lammpsDump: ["lammpstrj", "dump"]
        }
    }

    /// The format of the file at `url`, from its extension.
    ///
    /// - Throws: `TrajectoryFormatError` naming the file when the extension is none of them.
    public init(url: URL) throws(TrajectoryFormatError) {
        let ext = url.pathExtension.lowercased()
        // LAMMPS users name dumps dump.NAME (dump.lj, dump.melt): a dump whatever the extension.
        if url.lastPathComponent.lowercased().hasPrefix("dump."), !TrajectoryFormat.allCases.contains(where: { $0.extensions.contains(ext) }) {
            self = .lammpsDump
            return
        }
        guard let f = TrajectoryFormat.allCases.first(where: { $0.extensions.contains(ext) }) else {
            throw TrajectoryFormatError(file: url.path, extension: ext)
        }
        self = f
    }
}

/// A file whose extension names no format symmd reads or writes.
public struct TrajectoryFormatError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file (its path).
    public let file: String
    /// Its extension (lower case, may be empty).
    public let `extension`: String

    /// One line: `file: unknown trajectory format …, expected one of …`.
    public var description: String {
        let known = TrajectoryFormat.allCases.flatMap(\.extensions).map { "." + $0 }.joined(separator: " ")
        return "\(file): unknown trajectory format '\(`extension`.isEmpty ? "(no extension)" : "." + `extension`)'; expected one of \(known)"
    }
}

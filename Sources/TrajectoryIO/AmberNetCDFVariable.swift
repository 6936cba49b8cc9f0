import CNetCDF
import Foundation

/// One variable of an AMBER-convention file as a reader decodes it: where it is, whether it has
/// a value per frame, and the factor that takes its stored numbers to symmd's units (the
/// `scale_factor` attribute times the conversion its `units` attribute asks for). Every variable
/// is decoded here, so every one honours `scale_factor` and units the same way (the AMBER
/// convention, MDAnalysis and cpptraj apply `scale_factor` to any variable).
struct AmberNetCDFVariable {
    /// The kind of quantity, which decides the units understood.
    enum Quantity {
        /// Å (also nm).
        case length
        /// ps (also fs, ns).
        case time
        /// Å/ps (also Å/fs, nm/ps); `aseUnits`: a file written by ASE stores velocities in ASE's
        /// own time unit without a units attribute.
        case velocity(aseUnits: Bool)
        /// eV/Å (kcal/mol/Å by the convention; kJ/mol/nm).
        case force
        /// Stored as is (angles in degrees, atom types, energies).
        case plain
    }

    /// The variable id.
    let id: Int32
    /// Its name in the file.
    let name: String
    /// Whether its first dimension is the frame (record) dimension.
    let perFrame: Bool
    /// Stored value × factor = value in symmd's units.
    let factor: Double

    /// The variable `name` of `file`, or nil when the file has none.
    ///
    /// - Throws: `AmberNetCDFError.incompatible` for a units attribute the reader does not know.
    init?(_ file: NCFile, _ name: String, _ quantity: Quantity) throws {
        guard let id = file.varID(name) else { return nil }
        self.id = id
        self.name = name
        var ndims: Int32 = 0
        nc_inq_varndims(file.ncid, id, &ndims)
        var dims = [Int32](repeating: 0, count: Int(max(ndims, 1)))
        nc_inq_vardimid(file.ncid, id, &dims)
        var unlimited: Int32 = -1
        nc_inq_unlimdim(file.ncid, &unlimited)
        var frameDim: Int32 = -1
        nc_inq_dimid(file.ncid, "frame", &frameDim)
        perFrame = ndims > 0 && (dims[0] == unlimited || dims[0] == frameDim)
        let scale = file.doubleAttribute(id, "scale_factor") ?? 1
        let units = file.text(id, "units")
        guard let convert = AmberNetCDFVariable.conversion(units, quantity) else {
            throw AmberNetCDFError(file: file.path, kind: .incompatible("variable '\(name)' has units '\(units ?? "")', which symmd does not know how to convert"))
        }
        factor = scale * convert
    }

    /// The factor from `units` to symmd's units for `quantity`, nil when unknown.
    static func conversion(_ units: String?, _ quantity: Quantity) -> Double? {
        let u = (units ?? "").lowercased().replacingOccurrences(of: " ", with: "")
        func length(_ s: Substring) -> Double? {
            if s.hasPrefix("angstrom") || s == "a" || s == "å" { return 1 }
            if s.hasPrefix("nanometer") || s == "nm" { return 10 }
            return nil
        }
        func time(_ s: Substring) -> Double? {
            if s.hasPrefix("picosecond") || s == "ps" { return 1 }
            if s.hasPrefix("femtosecond") || s == "fs" { return 0.001 }
            if s.hasPrefix("nanosecond") || s == "ns" { return 1000 }
            return nil
        }
        switch quantity {
        case .plain:
            return 1
        case .length:
            // ASE labels coordinates "Angstrom/Femtosecond"; the numbers are Å.
            return u.isEmpty ? 1 : length(u.split(separator: "/").first ?? "")
        case .time:
            return u.isEmpty ? 1 : time(Substring(u))
        case .velocity(let ase):
            if u.isEmpty { return ase ? 1000 / AmberNetCDF.aseTimeUnitFemtoseconds : 1 }
            let parts = u.split(separator: "/")
            guard parts.count == 2, let l = length(parts[0]), let t = time(parts[1]) else { return nil }
            return l / t
        case .force:
            if u.isEmpty || u.contains("kilocalorie") || u.contains("kcal") {
                // kcal/mol/Å (or per nm).
                return (u.hasSuffix("nanometer") || u.hasSuffix("nm") ? 0.1 : 1) / AmberNetCDF.kcalPerMolPerEV
            }
            if u.contains("kilojoule") || u.contains("kj") {
                return (u.hasSuffix("nanometer") || u.hasSuffix("nm") ? 0.1 : 1) / AmberNetCDF.kJPerMolPerEV
            }
            if u.hasPrefix("ev") || u.hasPrefix("electronvolt") || u.hasPrefix("electron_volt") {
                return u.hasSuffix("nanometer") || u.hasSuffix("nm") ? 0.1 : 1
            }
            return nil
        }
    }

    /// Frame `index`'s values (or the whole variable when it is not per frame), `count` values
    /// after the frame index, in symmd's units.
    ///
    /// - Throws: `AmberNetCDFError.truncated` when the data is not there.
    func read(_ file: NCFile, frame index: Int, count: [Int]) throws -> [Double] {
        let start = perFrame ? [index] + [Int](repeating: 0, count: count.count) : [Int](repeating: 0, count: count.count)
        let n = perFrame ? [1] + count : count
        let raw = try file.getDoubles(id, name, start: start, count: n)
        return factor == 1 ? raw : raw.map { $0 * factor }
    }
}

import Atomistics
import Foundation

/// A value on an extended-XYZ comment line (`key=value`), typed as ASE types it: a whole
/// number, a real, a logical (`T`, `F`, `True`, `False`), a list of one of these (space
/// separated in quotes, or in brackets), or else a string.
public enum ExtXYZValue: Sendable, Equatable, CustomStringConvertible {
    /// Text.
    case string(String)
    /// A whole number.
    case integer(Int)
    /// A real number.
    case real(Double)
    /// A logical.
    case logical(Bool)
    /// Whole numbers.
    case integers([Int])
    /// Real numbers.
    case reals([Double])
    /// Logicals.
    case logicals([Bool])

    /// The value as one real, when it is a real or a whole number.
    public var doubleValue: Double? {
        switch self {
        case .real(let v): v
        case .integer(let v): Double(v)
        default: nil
        }
    }

    /// The value as reals, when it is one or more reals or whole numbers.
    public var doubleValues: [Double]? {
        switch self {
        case .real(let v): [v]
        case .integer(let v): [Double(v)]
        case .reals(let v): v
        case .integers(let v): v.map(Double.init)
        default: nil
        }
    }

    /// The value as written on a comment line (quoted when needed).
    public var description: String {
        func quoted(_ s: String) -> String {
            "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        switch self {
        case .string(let s):
            let plain = !s.isEmpty && !s.contains(where: { $0 == " " || $0 == "\t" || $0 == "\"" || $0 == "=" || $0 == "\\" })
            // A bare string that would read back as a number or a logical is quoted.
            if plain, ExtXYZValue.parse(Substring(s), quoted: true) == .string(s) { return s }
            return quoted(s)
        case .integer(let v): return String(v)
        case .real(let v): return formatReal(v)
        case .logical(let v): return v ? "T" : "F"
        case .integers(let v): return quoted(v.map(String.init).joined(separator: " "))
        case .reals(let v): return quoted(v.map(formatReal).joined(separator: " "))
        case .logicals(let v): return quoted(v.map { $0 ? "T" : "F" }.joined(separator: " "))
        }
    }

    /// Types a value's text as ASE does (`quoted`: it came in quotes, so a lone word that is not
    /// a number or logical stays a string either way).
    static func parse(_ text: Substring, quoted: Bool) -> ExtXYZValue {
        var body = text
        if !quoted, body.first == "[" || body.first == "{", body.last == "]" || body.last == "}" {
            body = body.dropFirst().dropLast()
        }
        let items = body.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," })
        if items.count == 1 || (items.isEmpty && !quoted) {
            let w = items.first ?? body
            if let i = Int(w) { return .integer(i) }
            if let r = parseReal(w) { return .real(r) }
            if let b = logical(w) { return .logical(b) }
            return .string(String(text))
        }
        if items.isEmpty { return .string(String(text)) }
        let ints = items.compactMap { Int($0) }
        if ints.count == items.count { return .integers(ints) }
        let reals = items.compactMap { parseReal($0) }
        if reals.count == items.count { return .reals(reals) }
        let bools = items.compactMap { logical($0) }
        if bools.count == items.count { return .logicals(bools) }
        return .string(String(text))
    }

    /// `T`, `True`, `true`, `F`, `False`, `false` (ASE's spellings).
    static func logical(_ w: Substring) -> Bool? {
        switch w {
        case "T", "True", "true", "TRUE": true
        case "F", "False", "false", "FALSE": false
        default: nil
        }
    }
}

/// Shortest decimal that reads back to the same double (`1e-05`, `14.46`).
func formatReal(_ v: Double) -> String { "\(v)" }

/// One frame of an extended XYZ file as ASE writes it: the atom count, the comment line's
/// keys (`Lattice`, `Properties`, `pbc`, `energy`, `stress`, …) and per-atom columns.
///
/// Units as ASE uses them: lengths Å, energy eV, forces eV/Å, stress eV/Å³ (positive when
/// tensile, so the virial is −V·stress), momenta amu·Å/(ASE time unit, √(amu·Å²/eV)).
public struct ExtXYZFrame: Sendable, Equatable {
    /// The type of a per-atom column (`S`, `R`, `I`, `L` in `Properties`).
    public enum ColumnType: String, Sendable, Equatable {
        /// Text (`S`).
        case string = "S"
        /// Real (`R`).
        case real = "R"
        /// Whole number (`I`).
        case integer = "I"
        /// Logical (`L`).
        case logical = "L"
    }

    /// One entry of `Properties`: name, type and values per atom.
    public struct Property: Sendable, Equatable {
        /// Column name (`species`, `pos`, `forces`, …).
        public var name: String
        /// Column type.
        public var type: ColumnType
        /// Values per atom (3 for vectors).
        public var count: Int

        /// A property `name:type:count`.
        public init(name: String, type: ColumnType, count: Int) {
            self.name = name
            self.type = type
            self.count = count
        }
    }

    /// The values of one per-atom property, atom-major (`count` values per atom).
    public enum Column: Sendable, Equatable {
        /// Text values.
        case strings([String])
        /// Real values.
        case reals([Double])
        /// Whole-number values.
        case integers([Int])
        /// Logical values.
        case logicals([Bool])

        /// The number of values.
        public var valueCount: Int {
            switch self {
            case .strings(let v): v.count
            case .reals(let v): v.count
            case .integers(let v): v.count
            case .logicals(let v): v.count
            }
        }
    }

    /// Number of atoms.
    public var atomCount: Int
    /// Lattice vectors a, b, c as rows of a row-major 3×3 matrix (Å), when given.
    public var lattice: [Double]?
    /// Periodicity along a, b, c (`pbc`; true for all three when a lattice is given without it).
    public var pbc: [Bool]
    /// Every other comment-line key (energy, stress, …) with its typed value.
    public var info: [String: ExtXYZValue]
    /// Per-atom properties in file order.
    public var properties: [Property]
    /// Per-atom values by property name.
    public var columns: [String: Column]
    /// The file this frame was read from (nil when made in memory).
    public var sourceFile: String?
    /// The 1-based line of this frame's atom-count line in `sourceFile` (0 when made in memory).
    public var sourceLine = 0

    /// A frame from its parts; each column must hold `count × atomCount` values of its type.
    public init(atomCount: Int, lattice: [Double]?, pbc: [Bool]? = nil, info: [String: ExtXYZValue] = [:],
                properties: [Property], columns: [String: Column]) {
        self.atomCount = atomCount
        self.lattice = lattice
        self.pbc = pbc ?? [Bool](repeating: lattice != nil, count: 3)
        self.info = info
        self.properties = properties
        self.columns = columns
    }

    /// Two frames are equal when their data are (where they were read from does not count).
    public static func == (a: ExtXYZFrame, b: ExtXYZFrame) -> Bool {
        a.atomCount == b.atomCount && a.lattice == b.lattice && a.pbc == b.pbc && a.info == b.info
            && a.properties == b.properties && a.columns == b.columns
    }

    // MARK: Common properties

    /// Chemical symbols from the `species` column (or `Z` atomic numbers), one per atom.
    public var species: [String]? {
        if case .strings(let s)? = columns["species"] { return s }
        if case .integers(let z)? = columns["Z"] {
            return z.map { Element(atomicNumber: $0)?.symbol ?? String($0) }
        }
        return nil
    }

    /// Positions from the `pos` column, flat 3N (Å).
    public var positions: [Double]? { reals("pos", 3) }

    /// Forces from the `forces` (or `force`) column, flat 3N (eV/Å).
    public var forces: [Double]? { reals("forces", 3) ?? reals("force", 3) }

    /// Total energy from the `energy` key (eV).
    public var energy: Double? { info["energy"]?.doubleValue }

    /// Stress from the `stress` key as a row-major 3×3 (eV/Å³, positive = tensile); ASE's
    /// six-value Voigt form (xx yy zz yz xz xy) is expanded.
    public var stress: [Double]? {
        guard let s = info["stress"]?.doubleValues else { return nil }
        if s.count == 9 { return s }
        if s.count == 6 { return [s[0], s[5], s[4], s[5], s[1], s[3], s[4], s[3], s[2]] }
        return nil
    }

    /// Virial W (eV, row-major 3×3, W_ab = Σ r_a f_b): the `virial` key, or −V·stress.
    public var virial: [Double]? {
        if let v = info["virial"]?.doubleValues, v.count == 9 { return v }
        guard let s = stress, let h = lattice, let box = try? Box(vectors: h) else { return nil }
        return s.map { -box.volume * $0 }
    }

    /// A real column with `count` values per atom, flat.
    public func reals(_ name: String, _ count: Int) -> [Double]? {
        guard let p = properties.first(where: { $0.name == name }), p.count == count,
              case .reals(let v)? = columns[name] else { return nil }
        return v
    }

    /// An error located at this frame's atom `atom` (0-based; nil: its comment line).
    func error(_ kind: TrajectoryIOError.Kind, atom: Int? = nil) -> TrajectoryIOError {
        TrajectoryIOError(file: sourceFile ?? "extxyz frame",
                          line: sourceFile == nil ? 0 : sourceLine + 1 + (atom.map { $0 + 1 } ?? 0), kind: kind)
    }
}

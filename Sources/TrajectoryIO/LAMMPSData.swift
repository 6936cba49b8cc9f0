import Atomistics
import Foundation

/// A LAMMPS data file as `write_data` writes it (and `read_data` reads it): a title line, header
/// counts and box bounds (`xlo xhi`, …, the triclinic `xy xz yz`), then sections `Masses`,
/// `Atoms` (with its `# style` comment and optional image flags), `Velocities`, and others
/// (`Pair Coeffs`, `Bonds`, …) that are skipped.
///
/// Atoms are held sorted by id, whatever their order in the file. Units are the file's (metal:
/// Å, amu, Å/ps).
public struct LAMMPSData: Sendable, Equatable {
    /// The first line of the file.
    public var title: String
    /// The atom style of the `Atoms` section (`atomic`, `charge`, `full`, `molecular`, `bond`, `angle`).
    public var atomStyle: String
    /// Whether the file said its style (`Atoms # style`); when not, `atomStyle` is the caller's
    /// hint or `atomic`, assumed.
    public var atomStyleStated = false
    /// Number of atom types (header `atom types`).
    public var typeCount: Int
    /// Box lower bounds xlo, ylo, zlo (Å).
    public var low: [Double]
    /// Box upper bounds xhi, yhi, zhi (Å).
    public var high: [Double]
    /// Tilt factors xy, xz, yz (Å; zero for an orthogonal box).
    public var tilt: [Double]
    /// Atom ids in increasing order.
    public var ids: [Int]
    /// 0-based atom types (file type − 1), in id order.
    public var types: [Int]
    /// Positions as written, flat 3N (Å), in id order.
    public var positions: [Double]
    /// Image flags, flat 3N, in id order (zeros when the file has none).
    public var images: [Int]
    /// Whether the file gave image flags.
    public var hasImageFlags: Bool
    /// Velocities, flat 3N (Å/ps in metal), in id order, when the file has a `Velocities` section.
    public var velocities: [Double]?
    /// Per-type masses (amu), when the file has a `Masses` section.
    public var masses: [Double]?
    /// Per-type names from an `Atom Type Labels` section or `# name` comments in `Masses`.
    public var typeLabels: [String]?
    /// Whether `string` writes an `Atom Type Labels` section (LAMMPS ≥ 15 Sep 2022). Off by
    /// default: LAMMPS 29 Sep 2021 (Debian 12's) stops at it with "Unknown identifier in data
    /// file"; the labels then go as `# name` comments on the `Masses` lines, which every LAMMPS
    /// skips and this reader (and OVITO's) reads back.
    public var writesTypeLabelSection = false
    /// Charges (e) for styles that have them, in id order.
    public var charges: [Double]?
    /// Molecule ids for styles that have them, in id order.
    public var molecules: [Int]?
    /// The file this was read from (the name given to the parser), for messages.
    public var sourceFile: String

    /// The columns of the `Atoms` section for each supported style (before the image flags).
    static let styles: [String: [String]] = [
        "atomic": ["id", "type", "x", "y", "z"],
        "charge": ["id", "type", "q", "x", "y", "z"],
        "full": ["id", "mol", "type", "q", "x", "y", "z"],
        "molecular": ["id", "mol", "type", "x", "y", "z"],
        "bond": ["id", "mol", "type", "x", "y", "z"],
        "angle": ["id", "mol", "type", "x", "y", "z"],
    ]

    /// Reads the data file at `url`.
    ///
    /// - Parameter atomStyle: the style of the `Atoms` section when its line has no `# style`
    ///   comment (nil: `atomic`).
    /// - Throws: `TrajectoryIOError` naming the file, the line and what was expected.
    public init(contentsOf url: URL, atomStyle: String? = nil) throws {
        try self.init(parsing: readText(url), file: url.path, atomStyle: atomStyle)
    }

    /// Parses data-file `text`; `file` names it in errors.
    ///
    /// - Throws: `TrajectoryIOError` naming the file, the line and what was expected.
    public init(parsing text: String, file: String, atomStyle styleHint: String? = nil) throws {
        let lines = TextLines(text: text, file: file)
        sourceFile = file
        guard !lines.lines.isEmpty else { throw lines.error(.truncated(expected: "a title line"), at: 0) }
        title = String(lines.lines[0]).trimmingCharacters(in: .whitespaces)

        // Header: count and box lines until the first section keyword.
        var atomCount: Int?
        var typeCountValue: Int?
        var low = [Double?](repeating: nil, count: 3), high = [Double?](repeating: nil, count: 3)
        var tilt = [0.0, 0, 0]
        var k = 1
        func content(_ i: Int) -> (words: [Substring], comment: Substring?) {
            let line = lines.lines[i]
            if let hash = line.firstIndex(of: "#") {
                return (words(line[..<hash]), line[line.index(after: hash)...])
            }
            return (words(line), nil)
        }
        while k < lines.lines.count {
            let w = content(k).words
            if w.isEmpty { k += 1; continue }
            if parseReal(w[0]) == nil { break }     // a section keyword
            let keyword = w.drop(while: { parseReal($0) != nil }).joined(separator: " ")
            let numbers = w.prefix(while: { parseReal($0) != nil })
            func need(_ count: Int, _ what: String) throws {
                guard numbers.count == count else {
                    throw lines.error(.unexpected(expected: "\(count) number(s) before '\(what)'",
                                                  found: "\(numbers.count)"), at: k)
                }
            }
            switch keyword {
            case "atoms":
                try need(1, keyword)
                atomCount = try lines.integer(numbers[0], "a whole number of atoms", at: k)
            case "atom types":
                try need(1, keyword)
                typeCountValue = try lines.integer(numbers[0], "a whole number of atom types", at: k)
            case "xlo xhi", "ylo yhi", "zlo zhi":
                try need(2, keyword)
                let d = ["xlo xhi": 0, "ylo yhi": 1, "zlo zhi": 2][keyword]!
                low[d] = try lines.real(numbers[0], "a real \(keyword.prefix(3))", at: k)
                high[d] = try lines.real(numbers[1], "a real \(keyword.suffix(3))", at: k)
            case "xy xz yz":
                try need(3, keyword)
                for c in 0..<3 { tilt[c] = try lines.real(numbers[c], "a real tilt factor", at: k) }
            default:
                // Other header counts (bonds, bond types, extra … per atom, ellipsoids, …) are
                // accepted and ignored; their sections are skipped below.
                guard !keyword.isEmpty else {
                    throw lines.error(.unexpected(expected: "a header keyword after the numbers", found: "none"), at: k)
                }
            }
            k += 1
        }
        guard let atomCount else { throw lines.error(.truncated(expected: "an 'N atoms' header line"), at: k) }
        guard let typeCount = typeCountValue, typeCount >= 1 else {
            throw lines.error(.truncated(expected: "an 'N atom types' header line with N ≥ 1"), at: k)
        }
        // Counts the file cannot hold are refused before anything is allocated for them: every
        // atom needs a line, and a Masses section a line per type.
        guard atomCount >= 0, atomCount <= lines.lines.count else {
            throw lines.error(.badNumber(expected: "an atom count the file can hold (at most its \(lines.lines.count) lines)", found: "\(atomCount) atoms"), at: 0)
        }
        guard typeCount <= 1_000_000 else {
            throw lines.error(.badNumber(expected: "at most 10⁶ atom types", found: "\(typeCount) atom types"), at: 0)
        }
        for (d, name) in ["xlo xhi", "ylo yhi", "zlo zhi"].enumerated() where low[d] == nil {
            throw lines.error(.truncated(expected: "a '\(name)' header line"), at: k)
        }
        self.typeCount = typeCount
        self.low = low.map { $0! }
        self.high = high.map { $0! }
        self.tilt = tilt

        // Sections.
        var masses: [Double?]?
        var labels: [String?]?
        var style = styleHint ?? "atomic"
        var styleStated = false
        var atomRows = [(id: Int, type: Int, x: [Double], image: [Int], q: Double?, mol: Int?, line: Int)]()
        var sawImages: Bool?
        var velocityRows = [Int: [Double]]()
        var seenSections = Set<String>()
        var atomsLine = 0

        /// The data lines of the section whose keyword line is at `k`: up to the next keyword.
        func sectionLines(after header: Int) -> [Int] {
            var i = header + 1
            var rows = [Int]()
            while i < lines.lines.count {
                let w = content(i).words
                if !w.isEmpty {
                    if parseReal(w[0]) == nil { break }
                    rows.append(i)
                }
                i += 1
            }
            return rows
        }

        while k < lines.lines.count {
            let (w, comment) = content(k)
            if w.isEmpty { k += 1; continue }
            let section = w.joined(separator: " ")
            guard !seenSections.contains(section) else {
                throw lines.error(.duplicate("section '\(section)'"), at: k)
            }
            seenSections.insert(section)
            let rows = sectionLines(after: k)
            switch section {
            case "Masses":
                var m = [Double?](repeating: nil, count: typeCount)
                var l = [String?](repeating: nil, count: typeCount)
                for i in rows {
                    let (r, c) = content(i)
                    guard r.count == 2 else {
                        throw lines.error(.unexpected(expected: "'type mass' in Masses", found: "\(r.count) values"), at: i)
                    }
                    let t = try lines.integer(r[0], "a whole atom type in Masses", at: i)
                    guard (1...typeCount).contains(t) else {
                        throw lines.error(.unexpected(expected: "an atom type in 1...\(typeCount)", found: "\(t)"), at: i)
                    }
                    guard m[t - 1] == nil else { throw lines.error(.duplicate("mass of type \(t)"), at: i) }
                    m[t - 1] = try lines.real(r[1], "a real mass", at: i)
                    if let c, let name = words(c).first { l[t - 1] = String(name) }
                }
                masses = m
                if l.allSatisfy({ $0 != nil }) && labels == nil { labels = l }
            case "Atom Type Labels":
                var l = [String?](repeating: nil, count: typeCount)
                for i in rows {
                    let r = content(i).words
                    guard r.count == 2, let t = Int(r[0]), (1...typeCount).contains(t) else {
                        throw lines.error(.unexpected(expected: "'type label' with a type in 1...\(typeCount)",
                                                      found: "'\(lines.lines[i])'"), at: i)
                    }
                    l[t - 1] = String(r[1])
                }
                labels = l
            case "Atoms":
                atomsLine = k
                if let c = comment, let s = words(c).first { style = String(s); styleStated = true }
                guard let columns = Self.styles[style] else {
                    throw lines.error(.unsupported("atom style '\(style)' (supported: \(Self.styles.keys.sorted().joined(separator: ", ")))"), at: k)
                }
                let xAt = columns.firstIndex(of: "x")!, typeAt = columns.firstIndex(of: "type")!
                let qAt = columns.firstIndex(of: "q"), molAt = columns.firstIndex(of: "mol")
                for i in rows {
                    let r = content(i).words
                    let withImages = r.count == columns.count + 3
                    guard r.count == columns.count || withImages else {
                        throw lines.error(.unexpected(
                            expected: "\(columns.count) columns (\(columns.joined(separator: " "))) or \(columns.count + 3) with image flags for atom style \(style)",
                            found: "\(r.count)"), at: i)
                    }
                    if let s = sawImages, s != withImages {
                        throw lines.error(.unexpected(expected: s ? "image flags on every atom line" : "no image flags, as on the first atom line",
                                                      found: withImages ? "image flags" : "none"), at: i)
                    }
                    sawImages = withImages
                    let id = try lines.integer(r[0], "a whole atom id", at: i)
                    let t = try lines.integer(r[typeAt], "a whole atom type", at: i)
                    guard (1...typeCount).contains(t) else {
                        throw lines.error(.unexpected(expected: "an atom type in 1...\(typeCount)", found: "\(t)"), at: i)
                    }
                    let x = try (0..<3).map { try lines.real(r[xAt + $0], "a real coordinate", at: i) }
                    let image = withImages ? try (0..<3).map { try lines.integer(r[columns.count + $0], "a whole image flag", at: i) } : [0, 0, 0]
                    let q = try qAt.map { try lines.real(r[$0], "a real charge", at: i) }
                    let mol = try molAt.map { try lines.integer(r[$0], "a whole molecule id", at: i) }
                    atomRows.append((id, t - 1, x, image, q, mol, i))
                }
                guard atomRows.count == atomCount else {
                    let at = rows.last.map { $0 } ?? k
                    throw lines.error(atomRows.count < atomCount
                        ? .truncated(expected: "\(atomCount) atom lines in Atoms (header), found \(atomRows.count)")
                        : .unexpected(expected: "\(atomCount) atom lines in Atoms (header)", found: "\(atomRows.count)"), at: at)
                }
            case "Velocities":
                for i in rows {
                    let r = content(i).words
                    guard r.count >= 4 else {
                        throw lines.error(.unexpected(expected: "'id vx vy vz' in Velocities", found: "\(r.count) values"), at: i)
                    }
                    let id = try lines.integer(r[0], "a whole atom id", at: i)
                    guard velocityRows[id] == nil else { throw lines.error(.duplicate("velocity of atom id \(id)"), at: i) }
                    velocityRows[id] = try (1...3).map { try lines.real(r[$0], "a real velocity", at: i) }
                }
                guard velocityRows.count == atomCount else {
                    throw lines.error(.unexpected(expected: "\(atomCount) lines in Velocities", found: "\(velocityRows.count)"),
                                      at: rows.last ?? k)
                }
            default:
                // Pair Coeffs, Bond Coeffs, Bonds, Angles, … are not needed for a structure.
                if !Self.skippedSections.contains(section.components(separatedBy: " ").prefix(2).joined(separator: " ")) {
                    throw lines.error(.unexpected(expected: "a section keyword (Masses, Atoms, Velocities, Pair Coeffs, …)",
                                                  found: "'\(section)'"), at: k)
                }
            }
            k = (rows.last ?? k) + 1
        }
        guard seenSections.contains("Atoms") || atomCount == 0 else {
            throw lines.error(.truncated(expected: "an Atoms section"), at: lines.lines.count - 1)
        }

        // Sort by id; ids must be unique.
        let order = atomRows.indices.sorted { atomRows[$0].id < atomRows[$1].id }
        for (a, b) in zip(order, order.dropFirst()) where atomRows[a].id == atomRows[b].id {
            throw lines.error(.duplicate("atom id \(atomRows[a].id) in Atoms (also on line \(atomRows[a].line + 1))"),
                              at: atomRows[b].line)
        }
        ids = order.map { atomRows[$0].id }
        types = order.map { atomRows[$0].type }
        positions = order.flatMap { atomRows[$0].x }
        images = order.flatMap { atomRows[$0].image }
        hasImageFlags = sawImages ?? false
        atomStyle = style
        atomStyleStated = styleStated
        charges = Self.styles[style]!.contains("q") ? order.map { atomRows[$0].q! } : nil
        molecules = Self.styles[style]!.contains("mol") ? order.map { atomRows[$0].mol! } : nil
        if seenSections.contains("Velocities") {
            var v = [Double]()
            for id in ids {
                guard let row = velocityRows[id] else {
                    throw lines.error(.unexpected(expected: "a velocity for atom id \(id)", found: "none"), at: atomsLine)
                }
                v += row
            }
            velocities = v
        } else {
            velocities = nil
        }
        if let masses {
            if let t = masses.firstIndex(where: { $0 == nil }) {
                throw lines.error(.unexpected(expected: "a mass for every atom type in Masses", found: "none for type \(t + 1)"),
                                  at: atomsLine)
            }
            self.masses = masses.map { $0! }
        } else {
            self.masses = nil
        }
        typeLabels = labels.flatMap { l in l.allSatisfy { $0 != nil } ? l.map { $0! } : nil }
    }

    /// Sections read past (by their first two words).
    static let skippedSections: Set<String> = [
        "Pair Coeffs", "PairIJ Coeffs", "Bond Coeffs", "Angle Coeffs", "Dihedral Coeffs", "Improper Coeffs",
        "BondBond Coeffs", "BondAngle Coeffs", "MiddleBondTorsion Coeffs", "EndBondTorsion Coeffs",
        "AngleTorsion Coeffs", "AngleAngleTorsion Coeffs", "BondBond13 Coeffs", "AngleAngle Coeffs",
        "Bonds", "Angles", "Dihedrals", "Impropers", "Ellipsoids", "Lines", "Triangles", "Bodies",
        "Bond Type", "Angle Type", "Dihedral Type", "Improper Type",
    ]

    /// The box: a = (xhi−xlo, 0, 0), b = (xy, yhi−ylo, 0), c = (xz, yz, zhi−zlo), origin lo (Å).
    ///
    /// - Throws: `AtomisticsError` when the bounds do not make a box.
    public func box(periodic: [Bool] = [true, true, true]) throws -> Box {
        try Box(lammpsLow: low, high: high, xy: tilt[0], xz: tilt[1], yz: tilt[2], periodic: periodic)
    }

    /// The configuration as a `System` in `units` (metal: Å, amu, Å/ps).
    ///
    /// - Parameters:
    ///   - typeNames: names of types 1, 2, … (nil: the file's type labels, else "1", "2", …).
    ///   - masses: per-type masses (nil: the `Masses` section, else the elements' standard
    ///     weights from `typeNames`).
    ///   - periodic: periodicity along a, b, c (data files do not record it).
    ///   - unwrapImages: add the image flags' lattice translations to the positions.
    /// - Throws: `TrajectoryIOError` when no masses can be found; `AtomisticsError` for an
    ///   invalid box or system.
    public func system(typeNames: [String]? = nil, masses: [Double]? = nil, periodic: [Bool] = [true, true, true],
                       unwrapImages: Bool = false, units: UnitStyle = .metal) throws -> System {
        let box = try self.box(periodic: periodic)
        let names = typeNames ?? typeLabels ?? (1...typeCount).map(String.init)
        guard names.count == typeCount else {
            throw TrajectoryIOError(file: sourceFile, line: 1, kind: .unexpected(
                expected: "\(typeCount) type names (one per atom type)", found: "\(names.count)"))
        }
        var typeMasses: [Double]
        if let m = masses ?? self.masses {
            typeMasses = m
        } else {
            typeMasses = []
            for name in names {
                guard let e = Element(symbol: name) else {
                    throw TrajectoryIOError(file: sourceFile, line: 1, kind: .unexpected(
                        expected: "a Masses section, masses from the caller, or element symbols as type names", found: "type '\(name)'"))
                }
                typeMasses.append(e.mass)
            }
        }
        var x = positions
        if unwrapImages {
            for i in 0..<ids.count {
                let t = box.latticeShift(images[3 * i], images[3 * i + 1], images[3 * i + 2])
                x[3 * i] += t.0
                x[3 * i + 1] += t.1
                x[3 * i + 2] += t.2
            }
        }
        return try System(positions: x, types: types, masses: typeMasses, typeNames: names, box: box,
                          units: units, velocities: velocities ?? [])
    }
}

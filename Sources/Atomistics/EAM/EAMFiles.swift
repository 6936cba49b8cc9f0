import Foundation

/// A single-element DYNAMO `funcfl` file (LAMMPS `pair_style eam`, files ending in `.eam`),
/// exactly as tabulated.
///
/// Layout: one comment line; `Z mass a lattice`; `Nrho drho Nr dr cutoff`; then F(ρ) at
/// `Nrho` densities, Z(r) at `Nr` distances and ρ(r) at `Nr` distances, each table starting
/// on a new line. Units (LAMMPS `metal`): F in eV, ρ dimensionless, r and cutoff in Å, Z(r) in
/// units of √(Hartree·bohr) (the pair energy is φ(r) = 27.2·0.529·Z_i(r)·Z_j(r)/r eV).
public struct EAMFuncflFile: Sendable, Equatable {
    /// The comment on the first line.
    public var comment: String
    /// Atomic number from the second line.
    public var atomicNumber: Int
    /// Atomic mass (amu).
    public var mass: Double
    /// Lattice constant from the second line (Å; informational).
    public var latticeConstant: Double?
    /// Lattice type from the second line (e.g. `FCC`; informational).
    public var latticeType: String?
    /// Number of embedding-function points.
    public var nrho: Int
    /// Spacing of the density grid (dimensionless density units).
    public var drho: Double
    /// Number of radial points.
    public var nr: Int
    /// Spacing of the radial grid (Å).
    public var dr: Double
    /// Cutoff (Å).
    public var cutoff: Double
    /// Embedding energy F at ρ = k·drho, k = 0..<nrho (eV).
    public var embedding: [Double]
    /// Effective charge Z at r = k·dr, k = 0..<nr (√(Hartree·bohr)).
    public var effectiveCharge: [Double]
    /// Electron density contribution ρ at r = k·dr, k = 0..<nr (dimensionless).
    public var density: [Double]

    /// Parses a funcfl file from its text; `file` names it in error messages.
    public init(parsing text: String, file: String) throws {
        var reader = EAMLineReader(text: text, file: file)
        let (top, _) = try reader.nextWordsOrEmpty(expected: "a comment line")
        comment = top
        let (h1, l1) = try reader.headerLine(count: 2, expected: "'atomic-number mass [lattice-constant lattice-type]'")
        atomicNumber = try EAMLineReader.integer(h1[0], expected: "an integer atomic number", file: file, line: l1)
        mass = try EAMLineReader.real(h1[1], expected: "a real mass (amu)", file: file, line: l1)
        latticeConstant = h1.count > 2 ? Double(h1[2]) : nil
        latticeType = h1.count > 3 ? String(h1[3]) : nil
        let grid = try EAMGridHeader(reader: &reader)
        (nrho, drho, nr, dr, cutoff) = (grid.nrho, grid.drho, grid.nr, grid.dr, grid.cutoff)
        embedding = try reader.table(nrho, what: "the embedding function F(rho)")
        effectiveCharge = try reader.table(nr, what: "the effective charge Z(r)")
        density = try reader.table(nr, what: "the density function rho(r)")
        try reader.expectEnd()
    }

    /// The chemical symbol of `atomicNumber` (the number itself as text when unknown).
    public var elementSymbol: String { Element(atomicNumber: atomicNumber)?.symbol ?? String(atomicNumber) }

    /// Reads and parses the funcfl file at `url`.
    public init(contentsOf url: URL) throws {
        try self.init(parsing: try readEAMText(url), file: url.path)
    }
}

/// A multi-element DYNAMO `setfl` file (LAMMPS `pair_style eam/alloy`, `.eam.alloy`) or a
/// Finnis–Sinclair file (`pair_style eam/fs`, `.eam.fs`), exactly as tabulated.
///
/// Layout: three comment lines; `N el_1 … el_N`; `Nrho drho Nr dr cutoff`; for each element a
/// line `Z mass a lattice`, F(ρ) (`Nrho` values) and the density tables (`Nr` values each: one
/// for setfl, N for Finnis–Sinclair); then r·φ(r) for every pair i ≥ j in the order
/// (1,1), (2,1), (2,2), (3,1), …. Units (`metal`): F eV, r Å, r·φ eV·Å.
public struct EAMSetflFile: Sendable, Equatable {
    /// Whether this is a Finnis–Sinclair file (density depends on both elements).
    public var isFinnisSinclair: Bool
    /// The three comment lines.
    public var comments: [String]
    /// Element names, in file order.
    public var elements: [String]
    /// Atomic numbers, per element.
    public var atomicNumbers: [Int]
    /// Atomic masses (amu), per element.
    public var masses: [Double]
    /// Number of embedding-function points.
    public var nrho: Int
    /// Spacing of the density grid (dimensionless density units).
    public var drho: Double
    /// Number of radial points.
    public var nr: Int
    /// Spacing of the radial grid (Å).
    public var dr: Double
    /// Cutoff (Å).
    public var cutoff: Double
    /// Embedding energy F_e at ρ = k·drho (eV), per element e.
    public var embedding: [[Double]]
    /// Density tables at r = k·dr (dimensionless): setfl `density[e][0]` = ρ_e(r), the density
    /// an atom of element e contributes; Finnis–Sinclair `density[e][f]` = ρ_ef(r), the density
    /// an atom of element e contributes at an atom of element f (LAMMPS's convention).
    public var density: [[[Double]]]
    /// r·φ_ij(r) at r = k·dr (eV·Å), for i ≥ j: `scaledPair[i][j]`, j = 0...i.
    public var scaledPair: [[[Double]]]

    /// Parses a setfl (`finnisSinclair == false`) or Finnis–Sinclair file from its text;
    /// `file` names it in error messages.
    public init(parsing text: String, file: String, finnisSinclair: Bool) throws {
        var reader = EAMLineReader(text: text, file: file)
        isFinnisSinclair = finnisSinclair
        comments = []
        for k in 1...3 { comments.append(try reader.nextWordsOrEmpty(expected: "comment line \(k) of 3").0) }
        let (h, hl) = try reader.headerLine(count: 1, expected: "'N element_1 ... element_N'")
        let n = try EAMLineReader.integer(h[0], expected: "the integer number of elements", file: file, line: hl)
        guard n >= 1 else {
            throw reader.error(.invalidValue(expected: "a positive number of elements", found: "\(n)"), line: hl)
        }
        guard h.count == n + 1 else {
            throw reader.error(.elementCount(declared: n, found: h.count - 1), line: hl)
        }
        elements = h.dropFirst().map(String.init)
        let grid = try EAMGridHeader(reader: &reader)
        (nrho, drho, nr, dr, cutoff) = (grid.nrho, grid.drho, grid.nr, grid.dr, grid.cutoff)
        atomicNumbers = []
        masses = []
        embedding = []
        density = []
        for (e, name) in elements.enumerated() {
            let (w, l) = try reader.headerLine(count: 2, expected: "'atomic-number mass lattice-constant lattice-type' for element \(name)")
            atomicNumbers.append(try EAMLineReader.integer(w[0], expected: "the integer atomic number of \(name)", file: file, line: l))
            masses.append(try EAMLineReader.real(w[1], expected: "the real mass (amu) of \(name)", file: file, line: l))
            embedding.append(try reader.table(nrho, what: "F(rho) of \(name) (element \(e + 1))"))
            var tables = [[Double]]()
            if finnisSinclair {
                for other in elements {
                    tables.append(try reader.table(nr, what: "rho(r) of \(name) at \(other)"))
                }
            } else {
                tables.append(try reader.table(nr, what: "rho(r) of \(name)"))
            }
            density.append(tables)
        }
        scaledPair = []
        for i in 0..<n {
            var row = [[Double]]()
            for j in 0...i {
                row.append(try reader.table(nr, what: "r*phi(r) of \(elements[i])-\(elements[j])"))
            }
            scaledPair.append(row)
        }
        try reader.expectEnd()
    }

    /// Reads and parses the file at `url`; a name ending in `.fs` is read as Finnis–Sinclair
    /// unless `finnisSinclair` says otherwise.
    public init(contentsOf url: URL, finnisSinclair: Bool? = nil) throws {
        let fs = finnisSinclair ?? url.lastPathComponent.lowercased().hasSuffix(".fs")
        try self.init(parsing: try readEAMText(url), file: url.path, finnisSinclair: fs)
    }
}

/// The grid line shared by all three formats: `Nrho drho Nr dr cutoff`.
struct EAMGridHeader {
    var nrho: Int, drho: Double, nr: Int, dr: Double, cutoff: Double

    init(reader: inout EAMLineReader) throws {
        let expected = "'Nrho drho Nr dr cutoff'"
        let (w, l) = try reader.headerLine(count: 5, expected: expected)
        let file = reader.file
        nrho = try EAMLineReader.integer(w[0], expected: "the integer Nrho of \(expected)", file: file, line: l)
        drho = try EAMLineReader.real(w[1], expected: "the real drho of \(expected)", file: file, line: l)
        nr = try EAMLineReader.integer(w[2], expected: "the integer Nr of \(expected)", file: file, line: l)
        dr = try EAMLineReader.real(w[3], expected: "the real dr of \(expected)", file: file, line: l)
        cutoff = try EAMLineReader.real(w[4], expected: "the real cutoff of \(expected)", file: file, line: l)
        // LAMMPS's cubic needs five points per table; its funcfl resampling needs four.
        guard nrho >= 5 else { throw reader.error(.invalidValue(expected: "Nrho >= 5", found: "\(nrho)"), line: l) }
        guard nr >= 5 else { throw reader.error(.invalidValue(expected: "Nr >= 5", found: "\(nr)"), line: l) }
        guard drho > 0 else { throw reader.error(.invalidValue(expected: "drho > 0", found: "\(drho)"), line: l) }
        guard dr > 0 else { throw reader.error(.invalidValue(expected: "dr > 0", found: "\(dr)"), line: l) }
        guard cutoff > 0 else { throw reader.error(.invalidValue(expected: "cutoff > 0", found: "\(cutoff)"), line: l) }
    }
}

extension EAMLineReader {
    /// The next line as text, blank or not (for comment lines).
    mutating func nextWordsOrEmpty(expected: String) throws -> (String, Int) {
        try skipLine(expected: expected)
        return (String(lastLine).trimmingCharacters(in: .whitespaces), lineNumber)
    }
}

/// The file's text, or an `EAMFileError.unreadable` naming it.
func readEAMText(_ url: URL) throws -> String {
    do {
        let data = try Data(contentsOf: url)
        guard let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) else {
            throw EAMFileError(file: url.path, line: 1, kind: .unreadable(reason: "not text"))
        }
        return text
    } catch let error as EAMFileError {
        throw error
    } catch {
        throw EAMFileError(file: url.path, line: 1, kind: .unreadable(reason: error.localizedDescription))
    }
}

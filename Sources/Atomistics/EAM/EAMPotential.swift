import Foundation

/// An embedded-atom-method potential read from LAMMPS's `funcfl`, `setfl` or Finnis–Sinclair
/// files, evaluated the way LAMMPS's `pair_style eam`, `eam/alloy` and `eam/fs` evaluate it.
///
/// E = Σ_i F_{t(i)}(ρ_i) + ½ Σ_i Σ_{j≠i} φ_{t(i)t(j)}(r_ij), with ρ_i = Σ_{j≠i} ρ_{t(j)→t(i)}(r_ij).
/// Units (`metal`): energy eV, distance Å, force eV/Å, virial eV.
///
/// To agree with LAMMPS to round-off, the tables go through LAMMPS's own steps: funcfl files
/// are resampled onto one common grid by four-point Lagrange interpolation (`file2array`;
/// setfl and Finnis–Sinclair tables are used as they are), and every table is interpolated by
/// LAMMPS's per-interval cubic (`EAMCubicTables`). Above the last density node F continues
/// linearly (as in LAMMPS), so the energy stays consistent with the forces.
///
/// Either a half or a full neighbor list works. The half list is the natural one (and what
/// `needsFullNeighborList` asks for): each pair is visited once, adds to ρ of both atoms and
/// gets its force once; it is LAMMPS's half list with its reverse communication of ρ done in
/// place, since periodic images here are shifts of owned atoms rather than ghost copies. A full
/// list visits each pair twice and gives the same result to round-off.
public struct EAMPotential: Sendable {
    /// Which LAMMPS file format (and pair style) the tables came from.
    public enum Style: String, Sendable, Equatable {
        /// `pair_style eam` (DYNAMO funcfl, one element per file).
        case funcfl
        /// `pair_style eam/alloy` (DYNAMO setfl).
        case setfl
        /// `pair_style eam/fs` (Finnis–Sinclair).
        case finnisSinclair
    }

    /// The file format the tables came from.
    public let style: Style
    /// Interaction cutoff (Å); pairs with r ≥ cutoff do not interact.
    public let cutoff: Double
    /// Element that each atom type stands for (for funcfl, the symbol of the file's atomic number).
    public let typeElements: [String]
    /// Atomic mass of each atom type as the potential file gives it (amu).
    public let typeMasses: [Double]

    // The common grid (LAMMPS's nrho, drho, nr, dr, rhomax).
    @usableFromInline let nrho: Int
    @usableFromInline let drho: Double
    @usableFromInline let nr: Int
    @usableFromInline let dr: Double
    @usableFromInline let rhomax: Double
    @usableFromInline let cutoffSquared: Double
    @usableFromInline let frho: EAMCubicTables
    @usableFromInline let rhor: EAMCubicTables
    @usableFromInline let z2r: EAMCubicTables
    /// Table of F for type t.
    @usableFromInline let type2frho: [Int]
    /// Table of ρ for the ordered type pair (a, b) at `a·ntypes + b`; the density at an atom of
    /// type b from a neighbor of type a is table `type2rhor[a·ntypes + b]`.
    @usableFromInline let type2rhor: [Int]
    /// Table of r·φ for the type pair (a, b) at `a·ntypes + b` (symmetric).
    @usableFromInline let type2z2r: [Int]

    /// Number of atom types this potential was set up for.
    public var typeCount: Int { type2frho.count }

    // MARK: - Construction

    /// A potential from one or more funcfl files (`pair_style eam`): atom type t uses
    /// `files[typeFiles[t]]`; pair terms between different files use
    /// φ_ij = 27.2·0.529·Z_i·Z_j/r (eV, with r in Å), as in LAMMPS.
    public init(funcfl files: [EAMFuncflFile], typeFiles: [Int]) {
        precondition(!files.isEmpty && !typeFiles.isEmpty, "EAM: need at least one file and one type")
        precondition(typeFiles.allSatisfy { files.indices.contains($0) }, "EAM: type mapped to a missing file")
        let ntypes = typeFiles.count
        let sixth = 1.0 / 6.0

        // The common grid from the files some type uses: the coarsest spacings, the longest
        // ranges. A single file keeps its spacing; its last node is dropped by LAMMPS's count.
        var dr = 0.0, drho = 0.0, rmax = 0.0, rhomax = 0.0
        for (f, file) in files.enumerated() where typeFiles.contains(f) {
            dr = max(dr, file.dr)
            drho = max(drho, file.drho)
            rmax = max(rmax, Double(file.nr - 1) * file.dr)
            rhomax = max(rhomax, Double(file.nrho - 1) * file.drho)
        }
        let nr = Int(rmax / dr + 0.5)
        let nrho = Int(rhomax / drho + 0.5)

        /// Four-point Lagrange interpolation of `table` (spacing `spacing`) at x.
        func resample(_ table: [Double], spacing: Double, at x: Double) -> Double {
            var p = x / spacing + 1.0
            var k = Int(p)
            k = min(k, table.count - 2)
            k = max(k, 2)
            p -= Double(k)
            p = min(p, 2.0)
            let cof1 = -sixth * p * (p - 1.0) * (p - 2.0)
            let cof2 = 0.5 * (p * p - 1.0) * (p - 2.0)
            let cof3 = -0.5 * p * (p + 1.0) * (p - 2.0)
            let cof4 = sixth * p * (p * p - 1.0)
            // table is 0-based; LAMMPS's k-1…k+2 are 1-based.
            return cof1 * table[k - 2] + cof2 * table[k - 1] + cof3 * table[k] + cof4 * table[k + 1]
        }

        var frhoTables = [[Double]]()
        for file in files {
            frhoTables.append((1...nrho).map { resample(file.embedding, spacing: file.drho, at: Double($0 - 1) * drho) })
        }
        var rhorTables = [[Double]]()
        for file in files {
            rhorTables.append((1...nr).map { resample(file.density, spacing: file.dr, at: Double($0 - 1) * dr) })
        }
        var z2rTables = [[Double]]()
        for i in files.indices {
            for j in 0...i {
                z2rTables.append((1...nr).map { m in
                    let r = Double(m - 1) * dr
                    let zri = resample(files[i].effectiveCharge, spacing: files[i].dr, at: r)
                    let zrj = resample(files[j].effectiveCharge, spacing: files[j].dr, at: r)
                    return 27.2 * 0.529 * zri * zrj
                })
            }
        }

        var t2rho = [Int](repeating: 0, count: ntypes * ntypes)
        var t2z2r = [Int](repeating: 0, count: ntypes * ntypes)
        for a in 0..<ntypes {
            for b in 0..<ntypes {
                t2rho[a * ntypes + b] = typeFiles[a]
                t2z2r[a * ntypes + b] = Self.lowerTriangleIndex(typeFiles[a], typeFiles[b])
            }
        }
        self.init(style: .funcfl,
                  cutoff: files.map(\.cutoff).max()!,
                  typeElements: typeFiles.map { files[$0].elementSymbol },
                  typeMasses: typeFiles.map { files[$0].mass },
                  nrho: nrho, drho: drho, nr: nr, dr: dr, rhomax: rhomax,
                  frho: frhoTables, rhor: rhorTables, z2r: z2rTables,
                  type2frho: typeFiles, type2rhor: t2rho, type2z2r: t2z2r)
    }

    /// A potential from one funcfl file used by every one of `typeCount` atom types
    /// (LAMMPS `pair_coeff * * file.eam`).
    public init(funcfl file: EAMFuncflFile, typeCount: Int = 1) {
        self.init(funcfl: [file], typeFiles: [Int](repeating: 0, count: typeCount))
    }

    /// A potential from a setfl or Finnis–Sinclair file: atom type t (0-based) is the element
    /// named `typeElements[t]` (LAMMPS `pair_coeff * * file El_1 El_2 …`). Throws
    /// `EAMFileError.unknownElement` for a name the file does not have.
    public init(setfl file: EAMSetflFile, typeElements: [String], fileName: String = "EAM file") throws {
        precondition(!typeElements.isEmpty, "EAM: need at least one atom type")
        var map = [Int]()
        for name in typeElements {
            guard let e = file.elements.firstIndex(of: name) else {
                throw EAMFileError(file: fileName, line: 4, kind: .unknownElement(name, available: file.elements))
            }
            map.append(e)
        }
        let ntypes = map.count
        let nel = file.elements.count
        var rhorTables = [[Double]]()
        var t2rho = [Int](repeating: 0, count: ntypes * ntypes)
        if file.isFinnisSinclair {
            for i in 0..<nel { for j in 0..<nel { rhorTables.append(file.density[i][j]) } }
            for a in 0..<ntypes { for b in 0..<ntypes { t2rho[a * ntypes + b] = map[a] * nel + map[b] } }
        } else {
            for i in 0..<nel { rhorTables.append(file.density[i][0]) }
            for a in 0..<ntypes { for b in 0..<ntypes { t2rho[a * ntypes + b] = map[a] } }
        }
        var z2rTables = [[Double]]()
        for i in 0..<nel { for j in 0...i { z2rTables.append(file.scaledPair[i][j]) } }
        var t2z2r = [Int](repeating: 0, count: ntypes * ntypes)
        for a in 0..<ntypes { for b in 0..<ntypes { t2z2r[a * ntypes + b] = Self.lowerTriangleIndex(map[a], map[b]) } }

        self.init(style: file.isFinnisSinclair ? .finnisSinclair : .setfl,
                  cutoff: file.cutoff,
                  typeElements: typeElements,
                  typeMasses: map.map { file.masses[$0] },
                  nrho: file.nrho, drho: file.drho, nr: file.nr, dr: file.dr,
                  rhomax: Double(file.nrho - 1) * file.drho,
                  frho: file.embedding, rhor: rhorTables, z2r: z2rTables,
                  type2frho: map, type2rhor: t2rho, type2z2r: t2z2r)
    }

    /// Reads a potential file, choosing the format from its name: `*.eam.fs` (Finnis–Sinclair),
    /// `*.eam.alloy` or `*.setfl` (setfl), otherwise funcfl. For setfl and Finnis–Sinclair,
    /// atom type t is element `typeElements[t]`; for funcfl every type uses the file's single
    /// element, and each name must be that element's symbol.
    public init(contentsOf url: URL, typeElements: [String]) throws {
        let name = url.lastPathComponent.lowercased()
        if name.hasSuffix(".fs") {
            try self.init(setfl: EAMSetflFile(contentsOf: url, finnisSinclair: true),
                          typeElements: typeElements, fileName: url.path)
        } else if name.hasSuffix(".alloy") || name.hasSuffix(".setfl") {
            try self.init(setfl: EAMSetflFile(contentsOf: url, finnisSinclair: false),
                          typeElements: typeElements, fileName: url.path)
        } else {
            let file = try EAMFuncflFile(contentsOf: url)
            for name in typeElements where name != file.elementSymbol {
                throw EAMFileError(file: url.path, line: 2, kind: .unknownElement(name, available: [file.elementSymbol]))
            }
            self.init(funcfl: file, typeCount: max(1, typeElements.count))
        }
    }

    private init(style: Style, cutoff: Double, typeElements: [String], typeMasses: [Double],
                 nrho: Int, drho: Double, nr: Int, dr: Double, rhomax: Double,
                 frho: [[Double]], rhor: [[Double]], z2r: [[Double]],
                 type2frho: [Int], type2rhor: [Int], type2z2r: [Int]) {
        self.style = style
        self.cutoff = cutoff
        self.typeElements = typeElements
        self.typeMasses = typeMasses
        self.nrho = nrho
        self.drho = drho
        self.nr = nr
        self.dr = dr
        self.rhomax = rhomax
        self.cutoffSquared = cutoff * cutoff
        self.frho = EAMCubicTables(frho, delta: drho)
        self.rhor = EAMCubicTables(rhor, delta: dr)
        self.z2r = EAMCubicTables(z2r, delta: dr)
        self.type2frho = type2frho
        self.type2rhor = type2rhor
        self.type2z2r = type2z2r
    }

    // MARK: - The interpolated functions

    /// LAMMPS's interval index m (1…nr−1) and fraction p for distance r (Å), clamped at the end.
    @inlinable @inline(__always)
    func radialInterval(_ r: Double) -> (Int, Double) {
        var p = r * (1.0 / dr) + 1.0
        let m = p < Double(nr - 1) ? Int(p) : nr - 1
        p -= Double(m)
        return (m, p < 1.0 ? p : 1.0)
    }

    /// Embedding energy F (eV) of an atom of `type` at host density ρ, and dF/dρ (eV), as LAMMPS
    /// interpolates it (continued linearly beyond the table).
    public func embedding(type: Int, density rho: Double) -> (value: Double, derivative: Double) {
        var p = rho * (1.0 / drho) + 1.0
        let m = p < 1.0 ? 1 : (p < Double(nrho - 1) ? Int(p) : nrho - 1)
        p -= Double(m)
        p = p < 1.0 ? p : 1.0
        return frho.coefficients.withUnsafeBufferPointer { c in
            let o = frho.offset(table: type2frho[type], node: m)
            let slope = c.eamSlope(o, p)
            var value = c.eamValue(o, p)
            if rho > rhomax { value += slope * (rho - rhomax) }
            return (value, slope)
        }
    }

    /// Density (dimensionless) that an atom of type `source` puts at an atom of type `target` a
    /// distance r (Å) away, and its derivative (1/Å); zero at and beyond the cutoff.
    public func density(from source: Int, to target: Int, distance r: Double) -> (value: Double, derivative: Double) {
        guard r < cutoff else { return (0, 0) }
        let (m, p) = radialInterval(r)
        return rhor.coefficients.withUnsafeBufferPointer { c in
            let o = rhor.offset(table: type2rhor[source * typeCount + target], node: m)
            return (c.eamValue(o, p), c.eamSlope(o, p))
        }
    }

    /// Pair energy φ (eV) between atoms of types a and b a distance r (Å) apart, and dφ/dr
    /// (eV/Å); zero at and beyond the cutoff.
    public func pairEnergy(_ a: Int, _ b: Int, distance r: Double) -> (value: Double, derivative: Double) {
        guard r < cutoff else { return (0, 0) }
        let (m, p) = radialInterval(r)
        return z2r.coefficients.withUnsafeBufferPointer { c in
            let o = z2r.offset(table: type2z2r[a * typeCount + b], node: m)
            let z2 = c.eamValue(o, p), z2p = c.eamSlope(o, p)
            let recip = 1.0 / r
            let phi = z2 * recip
            return (phi, z2p * recip - phi * recip)
        }
    }

    /// Index of the pair (i, j) in a row-by-row lower triangle (1,1), (2,1), (2,2), ….
    static func lowerTriangleIndex(_ i: Int, _ j: Int) -> Int {
        let (row, col) = i >= j ? (i, j) : (j, i)
        return row * (row + 1) / 2 + col
    }
}

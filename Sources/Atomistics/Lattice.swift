import Foundation

/// Crystal lattices for building perfect periodic systems (LAMMPS `lattice` + `create_atoms`).
public enum Lattice: String, Sendable, Codable, CaseIterable {
    /// Simple cubic: 1 atom per conventional cell.
    case sc
    /// Body-centred cubic: 2 atoms per conventional cell.
    case bcc
    /// Face-centred cubic: 4 atoms per conventional cell.
    case fcc
    /// Diamond: 8 atoms per conventional cell.
    case diamond

    /// Fractional positions of the basis atoms in the cubic conventional cell.
    public var basis: [[Double]] {
        switch self {
        case .sc: [[0, 0, 0]]
        case .bcc: [[0, 0, 0], [0.5, 0.5, 0.5]]
        case .fcc: [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]]
        case .diamond: [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5],
                        [0.25, 0.25, 0.25], [0.75, 0.75, 0.25], [0.75, 0.25, 0.75], [0.25, 0.75, 0.75]]
        }
    }

    /// The cubic lattice constant for a number density ρ (atoms per length³): a = (n_basis/ρ)^(1/3),
    /// as LAMMPS's `lattice fcc 0.8442` in lj units.
    public func latticeConstant(density: Double) -> Double {
        pow(Double(basis.count) / density, 1.0 / 3.0)  // LAMMPS's own expression (lattice.cpp)
    }

    /// A periodic system of `cells` conventional cells (na, nb, nc) of lattice constant `a` (length
    /// units), all atoms of one type with `mass` (amu in metal); cells ordered with a fastest, then
    /// b, then c, basis atoms in order within a cell.
    ///
    /// - Throws: `AtomisticsError` for a non-positive constant, cell count or mass.
    public func system(latticeConstant a: Double, cells: [Int], mass: Double, typeName: String = "1",
                       units: UnitStyle = .metal) throws -> System {
        guard a > 0, a.isFinite else {
            throw AtomisticsError.invalidParameter(name: "lattice constant", expected: "a positive finite length", found: "\(a)")
        }
        guard cells.count == 3 else {
            throw AtomisticsError.countMismatch(what: "lattice cells", expected: 3, found: cells.count)
        }
        for c in cells where c < 1 {
            throw AtomisticsError.invalidParameter(name: "lattice cells", expected: "three counts ≥ 1", found: "\(cells)")
        }
        let box = try Box(lengths: cells.map { Double($0) * a })
        var x = [Double]()
        x.reserveCapacity(3 * basis.count * cells[0] * cells[1] * cells[2])
        for k in 0..<cells[2] {
            for j in 0..<cells[1] {
                for i in 0..<cells[0] {
                    for b in basis {
                        x.append((Double(i) + b[0]) * a)
                        x.append((Double(j) + b[1]) * a)
                        x.append((Double(k) + b[2]) * a)
                    }
                }
            }
        }
        return try System(positions: x, types: [Int](repeating: 0, count: x.count / 3), masses: [mass],
                          typeNames: [typeName], box: box, units: units)
    }
}

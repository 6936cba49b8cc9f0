/// The state of a simulation: atoms, their types and masses, the box, the unit style, the clock.
///
/// Per-atom vectors are flat arrays of 3N `Double`s, atom i at indices 3i, 3i+1, 3i+2: they can be
/// handed to BLAS and NetCDF directly. Positions are not wrapped into the box by the integrators
/// (the neighbor list carries the image shifts), so they stay continuous (unwrapped) in time.
public struct System: Sendable, Codable, Equatable {
    /// Positions, flat 3N (length units: Å in metal).
    public var positions: [Double]
    /// Velocities, flat 3N (length/time: Å/ps in metal).
    public var velocities: [Double]
    /// Forces from the last evaluation, flat 3N (energy/length: eV/Å in metal).
    public var forces: [Double]
    /// Each atom's type, 0-based, indexing `masses` and `typeNames`.
    public var types: [Int]
    /// Mass of each type (amu in metal, m in lj).
    public private(set) var masses: [Double]
    /// Name of each type (an element symbol, or "1", "2", … when none was given).
    public var typeNames: [String]
    /// The simulation cell.
    public var box: Box
    /// The unit style every quantity of this system is in.
    public var units: UnitStyle
    /// Simulated time (ps in metal, τ in lj).
    public var time: Double
    /// Number of integration steps taken.
    public var step: Int

    /// The number of atoms N.
    @inlinable public var count: Int { types.count }

    /// A system of N atoms.
    ///
    /// - Parameters:
    ///   - positions: flat 3N (length units).
    ///   - types: N type indices, 0-based.
    ///   - masses: one per type (amu in metal), each positive and finite.
    ///   - typeNames: one per type; empty gives "1", "2", ….
    ///   - box: the cell.
    ///   - units: the unit style (metal by default).
    ///   - velocities: flat 3N (length/time); empty means all zero.
    /// - Throws: `AtomisticsError` naming the first inconsistency (counts, a type out of range, a
    ///   non-positive mass, a non-finite coordinate).
    public init(positions: [Double], types: [Int], masses: [Double], typeNames: [String] = [],
                box: Box, units: UnitStyle = .metal, velocities: [Double] = []) throws {
        self.positions = positions
        self.types = types
        self.masses = masses
        self.typeNames = typeNames.isEmpty ? masses.indices.map { String($0 + 1) } : typeNames
        self.box = box
        self.units = units
        self.velocities = velocities.isEmpty ? [Double](repeating: 0, count: positions.count) : velocities
        self.forces = [Double](repeating: 0, count: positions.count)
        self.time = 0
        self.step = 0
        try validate()
    }

    /// Checks counts, type indices, masses and finiteness of positions and velocities.
    ///
    /// - Throws: `AtomisticsError` saying what was expected and what was found.
    public func validate() throws {
        let n = types.count
        guard positions.count == 3 * n else {
            throw AtomisticsError.countMismatch(what: "positions (3 per atom, \(n) atoms)", expected: 3 * n, found: positions.count)
        }
        guard velocities.count == 3 * n else {
            throw AtomisticsError.countMismatch(what: "velocities (3 per atom, \(n) atoms)", expected: 3 * n, found: velocities.count)
        }
        guard forces.count == 3 * n else {
            throw AtomisticsError.countMismatch(what: "forces (3 per atom, \(n) atoms)", expected: 3 * n, found: forces.count)
        }
        guard typeNames.count == masses.count else {
            throw AtomisticsError.countMismatch(what: "type names (one per type)", expected: masses.count, found: typeNames.count)
        }
        for (t, m) in masses.enumerated() where !(m > 0 && m.isFinite) {
            throw AtomisticsError.nonPositiveMass(type: t, found: m)
        }
        for (i, t) in types.enumerated() where t < 0 || t >= masses.count {
            throw AtomisticsError.typeOutOfRange(atom: i, type: t, typeCount: masses.count)
        }
        for (k, x) in positions.enumerated() where !x.isFinite {
            throw AtomisticsError.nonFinite(what: "positions", index: k)
        }
        for (k, v) in velocities.enumerated() where !v.isFinite {
            throw AtomisticsError.nonFinite(what: "velocities", index: k)
        }
    }

    /// Replaces the per-type masses (amu in metal).
    ///
    /// - Throws: `AtomisticsError.nonPositiveMass` or a count mismatch.
    public mutating func setMasses(_ newMasses: [Double]) throws {
        guard newMasses.count == masses.count else {
            throw AtomisticsError.countMismatch(what: "masses (one per type)", expected: masses.count, found: newMasses.count)
        }
        for (t, m) in newMasses.enumerated() where !(m > 0 && m.isFinite) {
            throw AtomisticsError.nonPositiveMass(type: t, found: m)
        }
        masses = newMasses
    }

    /// Each atom's mass, N values (amu in metal).
    public var atomMasses: [Double] { types.map { masses[$0] } }

    /// The number of types.
    public var typeCount: Int { masses.count }
}

/// What a potential returns for one configuration, in the system's unit style.
public struct ForceResult: Sendable, Codable, Equatable {
    /// Total potential energy (eV in metal).
    public var energy: Double
    /// Forces −∂E/∂x, flat 3N (eV/Å in metal).
    public var forces: [Double]
    /// Virial W_ab = Σ r_a f_b over pairs (or atoms), row-major 3×3 (eV in metal); positive trace
    /// means positive (repulsive) pressure: P = (2·KE + tr W)/(3V). For a pair term with
    /// r = r_ij = x_j − x_i and f = the force on j, W += r ⊗ f.
    public var virial: [Double]
    /// Per-atom energies, N values summing to `energy` (eV in metal); filled only when non-nil on
    /// entry to `compute`.
    public var perAtomEnergy: [Double]?
    /// Per-atom virials, 9N values (atom i's row-major 3×3 at 9i) summing to `virial` (eV in
    /// metal): each pair term r ⊗ f split half and half between its two atoms for pair and EAM
    /// potentials (LAMMPS's `compute stress/atom`, times −V), each term to the neighbor for deep
    /// potentials (DeePMD-kit's convention); filled only when non-nil on entry to `compute`.
    public var perAtomVirial: [Double]? = nil
    /// When true the caller needs only the forces this time (e.g. an MD step without output): a
    /// potential may skip energy and virial and leave them 0, as LAMMPS does between thermo
    /// steps. Potentials that ignore it stay correct. Default false.
    public var forcesOnly = false

    /// A zeroed result for N atoms; `perAtomEnergy` asks the potential to fill per-atom energies.
    public init(atomCount n: Int, perAtomEnergy: Bool = false) {
        energy = 0
        forces = [Double](repeating: 0, count: 3 * n)
        virial = [Double](repeating: 0, count: 9)
        self.perAtomEnergy = perAtomEnergy ? [Double](repeating: 0, count: n) : nil
    }

    /// Zeroes every field for N atoms, keeping the request for per-atom energies. Potentials call
    /// this first: `compute` overwrites the whole result.
    public mutating func reset(atomCount n: Int) {
        energy = 0
        if forces.count == 3 * n {
            forces.withUnsafeMutableBufferPointer { f in f.update(repeating: 0) }
        } else {
            forces = [Double](repeating: 0, count: 3 * n)
        }
        virial = [Double](repeating: 0, count: 9)
        if perAtomEnergy != nil { perAtomEnergy = [Double](repeating: 0, count: n) }
        if perAtomVirial != nil { perAtomVirial = [Double](repeating: 0, count: 9 * n) }
    }

    /// Stress −W/V, row-major 3×3 (eV/Å³ in metal; multiply by nktv2p for bar), configurational
    /// part only.
    public func stress(volume: Double) -> [Double] { virial.map { -$0 / volume } }
}

/// Something that gives energy, forces and virial for a configuration, in the system's unit style
/// (metal: eV, eV/Å, eV; lj: ε, ε/σ, ε).
///
/// The MD driver never knows what kind of potential it calls. `compute` overwrites `result`
/// entirely (energy, forces resized to 3N, virial; per-atom energies when requested). It must
/// give the same numbers for the same inputs and thread count.
public protocol Potential {
    /// Interaction cutoff (length units: Å in metal); the neighbor list is built for cutoff + skin.
    var cutoff: Double { get }
    /// True when the potential needs every neighbor of every atom (many-body, neural); false when
    /// a half list (each pair once) is enough.
    var needsFullNeighborList: Bool { get }
    /// Fills `result` with energy (eV), forces (eV/Å) and virial (eV) for `system`.
    ///
    /// - Throws: when the neighbor list is of the wrong kind or too short, or the input is invalid.
    func compute(_ system: System, neighbors: NeighborList, into result: inout ForceResult) throws
}

extension Potential {
    /// Builds a neighbor list and returns one evaluation (energy eV, forces eV/Å, virial eV); for
    /// single-point work and tests, not for MD loops.
    public func evaluate(_ system: System, perAtomEnergy: Bool = false) throws -> ForceResult {
        var list = try NeighborList(cutoff: cutoff, skin: 0, kind: needsFullNeighborList ? .full : .half)
        try list.build(system)
        var result = ForceResult(atomCount: system.count, perAtomEnergy: perAtomEnergy)
        try compute(system, neighbors: list, into: &result)
        return result
    }
}

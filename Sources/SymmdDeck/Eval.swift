import Atomistics
import Foundation

/// One energy/force/virial evaluation of one structure with a deck's potential, in the deck's
/// units (metal: eV, eV/Å, eV, eV/Å³).
public struct EvalResult: Sendable {
    /// Number of atoms.
    public var natoms: Int
    /// Total potential energy (eV in metal).
    public var energy: Double
    /// Forces, flat 3N in file order (eV/Å in metal).
    public var forces: [Double]
    /// Virial W_ab = Σ r_a f_b, row-major 3×3 (eV in metal).
    public var virial: [Double]
    /// Stress −W/V, row-major 3×3 (eV/Å³ in metal).
    public var stress: [Double]

    /// Evaluates frame `frame` (0-based) of `structure` with `deck`'s potential.
    ///
    /// - Throws: `DeckError` (missing or malformed structure, atoms on top of each other).
    public init(deck: RunDeck, structure: URL, frame: Int = 0) throws {
        try self.init(potential: deck.potential, typeNames: deck.potentialTypeNames, units: deck.units,
                      structure: structure, frame: frame)
    }

    /// Evaluates frame `frame` (0-based) of `structure` with `potential`, whose types are named
    /// `typeNames` (e.g. a deep potential's type map).
    ///
    /// - Throws: `DeckError` (missing or malformed structure, atoms on top of each other, a
    ///   species the potential does not know).
    public init(potential: any Potential, typeNames: [String]?, units: UnitStyle = .metal, structure: URL, frame: Int = 0) throws {
        let system = try RunDeck.readStructure(structure, frame: frame, units: units, typeNames: typeNames,
                                               deckFile: structure.path, key: "structure")
        let r: ForceResult
        do {
            r = try potential.evaluate(system)
        } catch {
            throw DeckError(.nonPhysical, file: structure.path, key: "structure", expected: "a physical structure", found: "\(error)")
        }
        natoms = system.count
        energy = r.energy
        forces = r.forces
        virial = r.virial
        stress = r.stress(volume: system.box.volume)
    }

    /// One JSON object, every double at full (round-trip) precision, forces as N triples.
    public var json: String {
        func num(_ x: Double) -> String { x.isFinite ? "\(x)" : "null" }
        let f = (0..<natoms).map { i in "[\(num(forces[3 * i])),\(num(forces[3 * i + 1])),\(num(forces[3 * i + 2]))]" }
        return "{\"natoms\":\(natoms),\"energy\":\(num(energy)),\"forces\":[\(f.joined(separator: ","))],"
            + "\"virial\":[\(virial.map(num).joined(separator: ","))],\"stress\":[\(stress.map(num).joined(separator: ","))]}"
    }
}

/// An error in input given to Atomistics (a structure, a parameter, a potential's table):
/// each case says what was expected and what was found.
public enum AtomisticsError: Error, Equatable, CustomStringConvertible, Sendable {
    /// An array has the wrong number of elements (e.g. positions not 3N).
    case countMismatch(what: String, expected: Int, found: Int)
    /// A per-type mass is zero, negative or not finite (amu or m).
    case nonPositiveMass(type: Int, found: Double)
    /// An atom's type index is outside 0..<typeCount.
    case typeOutOfRange(atom: Int, type: Int, typeCount: Int)
    /// The three box vectors do not span space (volume in length³).
    case degenerateBox(volume: Double)
    /// Two atoms (0-based) are closer than the allowed minimum (length units).
    case overlappingAtoms(i: Int, j: Int, distance: Double, minimum: Double)
    /// A number that must be finite is NaN or infinite (e.g. a position).
    case nonFinite(what: String, index: Int)
    /// A parameter has an invalid value.
    case invalidParameter(name: String, expected: String, found: String)
    /// A potential needs a full neighbor list and was given a half list.
    case needsFullNeighborList(potential: String)
    /// A force evaluation gave a NaN or infinite energy or force: the run became unstable
    /// (`atom` is the first atom with a bad force, nil when only the energy is bad).
    case unstable(step: Int, atom: Int?)
    /// The neighbor list was built for a shorter cutoff, or for other atoms, than asked for.
    case neighborListMismatch(expected: String, found: String)

    /// One line: what was expected and what was found.
    public var description: String {
        switch self {
        case let .countMismatch(what, expected, found):
            "\(what): expected \(expected) values, found \(found)"
        case let .nonPositiveMass(type, found):
            "mass of type \(type + 1) (0-based \(type)): expected a positive finite number, found \(found)"
        case let .typeOutOfRange(atom, type, typeCount):
            "atom \(atom + 1) (0-based \(atom)): expected a type in 0..<\(typeCount), found \(type)"
        case let .degenerateBox(volume):
            "box: expected three linearly independent vectors, found volume \(volume)"
        case let .overlappingAtoms(i, j, distance, minimum):
            "atoms \(i + 1) and \(j + 1) (0-based \(i), \(j)) are on top of each other: expected a distance of at least \(minimum), found \(distance)"
        case let .nonFinite(what, index):
            "\(what) at index \(index): expected a finite number, found NaN or infinity"
        case let .invalidParameter(name, expected, found):
            "\(name): expected \(expected), found \(found)"
        case let .needsFullNeighborList(potential):
            "\(potential) needs a full neighbor list, found a half list"
        case let .unstable(step, atom):
            "step \(step): " + (atom.map { "the force on atom \($0 + 1) (0-based \($0))" } ?? "the potential energy")
                + " became NaN or infinite: expected finite values (the run is unstable; try a smaller timestep or check for overlapping atoms)"
        case let .neighborListMismatch(expected, found):
            "neighbor list: expected \(expected), found \(found)"
        }
    }
}

/// What can go wrong building, loading or evaluating a neural potential; each case says where.
public enum NeuralPotentialError: Error, Equatable, CustomStringConvertible {
    /// A model or descriptor setting out of range.
    case invalidSpec(key: String, expected: String, found: String)
    /// A species of the structure is not in the model's type map.
    case unknownElement(element: String, typeMap: [String])
    /// More neighbors of one type than `sel` allows (where silent truncation would be wrong).
    case selExceeded(atom: Int, neighborType: String, count: Int, sel: Int, context: String)
    /// The neighbor list is half, or built for a shorter cutoff than the model's.
    case neighborList(String)
    /// A model file that cannot be used.
    case modelFile(path: String, problem: String)
    /// Particles, types or a neighbor list handed in by a caller (C API, simulator) that are
    /// inconsistent or out of range.
    case invalidInput(String)
    /// A `model_devi.out` line that does not parse (file, 1-based line, what was there).
    case badModelDeviationFile(file: String, line: Int, found: String)
    /// Committee models that cannot be compared (different type maps or cutoffs).
    case incompatibleCommittee(String)

    /// One line naming the problem and where it is.
    public var description: String {
        switch self {
        case let .invalidSpec(key, expected, found):
            return "model spec: key '\(key)': expected \(expected), found \(found)"
        case let .unknownElement(element, typeMap):
            return "element '\(element)' is not in the model's type map \(typeMap)"
        case let .selExceeded(atom, type, count, sel, context):
            return "\(context): atom \(atom) has \(count) \(type) neighbors within rcut but sel allows \(sel); raise sel"
        case let .neighborList(problem):
            return "neighbor list: \(problem)"
        case let .modelFile(path, problem):
            return "\(path): \(problem)"
        case let .invalidInput(problem):
            return "invalid input: \(problem)"
        case let .badModelDeviationFile(file, line, found):
            return "\(file):\(line): expected a model_devi.out row (step and 7 numbers), found '\(found)'"
        case let .incompatibleCommittee(problem):
            return "committee: \(problem)"
        }
    }
}

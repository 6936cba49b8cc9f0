import Foundation

/// One user-facing error in a run deck or in what it points to: the file, the key (and the line
/// of the deck where it is, when it can be found), what was expected and what was found.
///
/// The CLI prints `description` alone (no stack trace) and exits non-zero.
public struct DeckError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of problem it is.
    public enum Kind: String, Equatable, Sendable {
        /// The deck is not valid TOML.
        case syntax
        /// A key the deck format does not have (often a typo).
        case unknownKey
        /// A required key is absent.
        case missingKey
        /// A value of the wrong TOML type (e.g. a string where a number belongs).
        case wrongType
        /// A value of the right type that makes no physical sense (negative timestep, zero mass).
        case nonPhysical
        /// A file named by the deck (structure, potential, checkpoint) does not exist or is unreadable.
        case missingFile
        /// A file named by the deck exists but is malformed (its own file:line is in `found`).
        case badFile
        /// The run itself failed (e.g. became unstable at a step).
        case runFailed
    }

    /// The kind of problem.
    public let kind: Kind
    /// The deck (or other) file the problem is in, as a path.
    public let file: String
    /// The key path in the deck, e.g. `run[2].timestep` (empty when not about one key).
    public let key: String
    /// The 1-based line of the deck holding the key, when it was found by scanning the deck text.
    public let line: Int?
    /// What was expected.
    public let expected: String
    /// What was found.
    public let found: String

    /// An error of `kind` in `file` at `key` (line when known).
    public init(_ kind: Kind, file: String, key: String, line: Int? = nil, expected: String, found: String) {
        self.kind = kind
        self.file = file
        self.key = key
        self.line = line
        self.expected = expected
        self.found = found
    }

    /// One line: `file:line: key 'k': expected …, found …`.
    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        switch kind {
        case .unknownKey: s += ": unknown key '\(key)'"
        case .missingKey: s += ": missing key '\(key)'"
        case .runFailed: s += key.isEmpty ? ": run failed" : ": run failed at \(key)"
        default: if !key.isEmpty { s += ": key '\(key)'" }
        }
        return s + ": expected \(expected), found \(found)"
    }
}

/// An error met while reading an EAM potential file (funcfl, setfl or Finnis–Sinclair).
///
/// Every case names the file and the 1-based line where reading stopped, and what was
/// expected there and what was found, so a user can open the file at that line and fix it.
public struct EAMFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Equatable, Sendable {
        /// The file could not be opened or read (the system's reason).
        case unreadable(reason: String)
        /// The file ended while `expected` was still to be read.
        case truncated(expected: String)
        /// A token that should have been a number of the named kind was not.
        case badNumber(expected: String, found: String)
        /// A header line had too few fields.
        case missingField(expected: String, found: String)
        /// The element list does not have the count the line declares.
        case elementCount(declared: Int, found: Int)
        /// A header value is out of range (a non-positive grid size or spacing).
        case invalidValue(expected: String, found: String)
        /// The caller asked for an element the file does not define.
        case unknownElement(String, available: [String])
        /// A table ended part-way through a line and more values followed on that line
        /// (LAMMPS would drop them silently; tables must start on a new line).
        case extraValues(after: String, found: String)
        /// Values were left over after the last table.
        case trailingData(found: String)
    }

    /// The file being read (its path, or the name given to the parser).
    public let file: String
    /// The 1-based line number where the problem is (the last line for end-of-file errors).
    public let line: Int
    /// What went wrong.
    public let kind: Kind

    /// Makes an error for `file` at 1-based `line`.
    public init(file: String, line: Int, kind: Kind) {
        self.file = file
        self.line = line
        self.kind = kind
    }

    /// One-line message: `file:line: what was expected, what was found`.
    public var description: String {
        let what: String
        switch kind {
        case .unreadable(let reason):
            what = "cannot read the EAM potential file: \(reason)"
        case .truncated(let expected):
            what = "the file ends too early: expected \(expected)"
        case .badNumber(let expected, let found):
            what = "expected \(expected), found '\(found)'"
        case .missingField(let expected, let found):
            what = "expected \(expected), found '\(found)'"
        case .elementCount(let declared, let found):
            what = "the element line declares \(declared) element(s) but names \(found)"
        case .invalidValue(let expected, let found):
            what = "expected \(expected), found \(found)"
        case .unknownElement(let name, let available):
            what = "no element '\(name)' in this file (it has: \(available.joined(separator: ", ")))"
        case .extraValues(let after, let found):
            what = "expected the end of the line after \(after), found '\(found)' (each table starts on a new line)"
        case .trailingData(let found):
            what = "expected the end of the file after the last table, found '\(found)'"
        }
        return "\(file):\(line): \(what)"
    }
}

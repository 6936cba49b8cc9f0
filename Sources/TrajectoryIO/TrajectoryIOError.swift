import Foundation

/// An error met while reading or writing a structure file (extended XYZ, LAMMPS data, npy).
///
/// Every case names the file and the 1-based line, and what was expected and what was found.
public struct TrajectoryIOError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Equatable, Sendable {
        /// The file could not be opened, read or written (the system's reason).
        case unreadable(reason: String)
        /// The file ended while `expected` was still to be read.
        case truncated(expected: String)
        /// A token that should have been a number of the stated kind was not.
        case badNumber(expected: String, found: String)
        /// Something other than what the format allows here.
        case unexpected(expected: String, found: String)
        /// The same thing twice (an atom id, a key, a section).
        case duplicate(String)
        /// A valid construct this reader does not handle.
        case unsupported(String)
    }

    /// The file (its path, or the name given to the parser).
    public let file: String
    /// The 1-based line number where the problem is (0 for binary files such as `.npy`).
    public let line: Int
    /// What went wrong.
    public let kind: Kind

    /// Makes an error for `file` at 1-based `line`.
    public init(file: String, line: Int, kind: Kind) {
        self.file = file
        self.line = line
        self.kind = kind
    }

    /// One-line message: `file:line: what was expected, what was found` (no `:line` when 0).
    public var description: String {
        let what: String
        switch kind {
        case .unreadable(let reason): what = "cannot read or write the file: \(reason)"
        case .truncated(let expected): what = "the file ends too early: expected \(expected)"
        case .badNumber(let expected, let found): what = "expected \(expected), found '\(found)'"
        case .unexpected(let expected, let found): what = "expected \(expected), found \(found)"
        case .duplicate(let what_): what = "duplicate \(what_)"
        case .unsupported(let what_): what = "not supported: \(what_)"
        }
        return line > 0 ? "\(file):\(line): \(what)" : "\(file): \(what)"
    }
}

/// The lines of a text file with their numbers, and number parsing that names the line.
struct TextLines {
    let file: String
    let lines: [Substring]

    init(text: String, file: String) {
        self.file = file
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for k in lines.indices where lines[k].last == "\r" { lines[k] = lines[k].dropLast() }
        // A final newline does not start another line.
        if lines.count > 1, lines.last == "" { lines.removeLast() }
        self.lines = lines
    }

    /// An error at 0-based line index `index` (reported 1-based).
    func error(_ kind: TrajectoryIOError.Kind, at index: Int) -> TrajectoryIOError {
        TrajectoryIOError(file: file, line: max(1, min(index + 1, max(lines.count, 1))), kind: kind)
    }

    func real(_ word: Substring, _ expected: String, at index: Int) throws -> Double {
        guard let v = parseReal(word) else {
            throw error(.badNumber(expected: expected, found: String(word)), at: index)
        }
        return v
    }

    func integer(_ word: Substring, _ expected: String, at index: Int) throws -> Int {
        guard let v = Int(word) else { throw error(.badNumber(expected: expected, found: String(word)), at: index) }
        return v
    }
}

/// Splits on spaces and tabs.
func words(_ line: Substring) -> [Substring] {
    line.split(whereSeparator: { $0 == " " || $0 == "\t" })
}

/// A finite or non-finite real written as C, Fortran (`1.0D+00`) or Python (`nan`, `inf`) would.
func parseReal(_ word: Substring) -> Double? {
    if let v = Double(word) {
        // Swift also accepts hexadecimal floats; structure files never hold them.
        return word.contains(where: { $0 == "x" || $0 == "X" }) ? nil : v
    }
    if word.contains(where: { $0 == "d" || $0 == "D" }) {
        return Double(String(word).replacingOccurrences(of: "d", with: "e").replacingOccurrences(of: "D", with: "e"))
    }
    return nil
}

/// The text of the file at `url`, or an `unreadable` error naming it.
func readText(_ url: URL) throws -> String {
    do {
        let data = try Data(contentsOf: url)
        guard let text = String(data: data, encoding: .utf8) else {
            throw TrajectoryIOError(file: url.path, line: 1, kind: .unreadable(reason: "not UTF-8 text"))
        }
        return text
    } catch let e as TrajectoryIOError {
        throw e
    } catch {
        throw TrajectoryIOError(file: url.path, line: 1, kind: .unreadable(reason: error.localizedDescription))
    }
}

import Foundation

/// Reads an EAM table file line by line the way LAMMPS's potential-file reader does: header
/// lines are whole lines, a table of `n` numbers runs over as many lines as it needs, `#`
/// starts a comment, blank lines are skipped. Every error names the file and the line.
@usableFromInline
struct EAMLineReader {
    /// The name used in error messages.
    let file: String
    /// The lines of the file, without their terminators.
    private let lines: [Substring]
    /// Index of the next line to read (0-based).
    private var next = 0

    init(text: String, file: String) {
        self.file = file
        // Split on \n and tolerate \r\n.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for k in lines.indices where lines[k].last == "\r" { lines[k] = lines[k].dropLast() }
        self.lines = lines
    }

    /// The text of the line read last (empty before the first).
    var lastLine: Substring { next > 0 ? lines[next - 1] : "" }

    /// The 1-based number of the line read last (the last line of the file at the end).
    var lineNumber: Int { max(1, min(next, lines.count)) }

    func error(_ kind: EAMFileError.Kind, line: Int? = nil) -> EAMFileError {
        EAMFileError(file: file, line: line ?? lineNumber, kind: kind)
    }

    /// Skips one line whatever it holds (the comment lines at the top of a file).
    mutating func skipLine(expected: String) throws {
        guard next < lines.count else { throw error(.truncated(expected: expected)) }
        next += 1
    }

    /// The words of the next line that has any (comments removed), with its 1-based number.
    mutating func nextWords(expected: String) throws -> (words: [Substring], line: Int) {
        while next < lines.count {
            var text = lines[next]
            next += 1
            if let hash = text.firstIndex(of: "#") { text = text[..<hash] }
            let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\u{0C}" || $0 == "\u{0B}" })
            if !words.isEmpty { return (words, next) }
        }
        throw error(.truncated(expected: expected))
    }

    /// A header line with at least `count` words, the first `count` of which are described by
    /// `expected` (for messages).
    mutating func headerLine(count: Int, expected: String) throws -> (words: [Substring], line: Int) {
        let (words, line) = try nextWords(expected: expected)
        guard words.count >= count else {
            throw error(.missingField(expected: expected, found: words.joined(separator: " ")), line: line)
        }
        return (words, line)
    }

    /// Reads `count` numbers that may run over several lines. The table must end at the end of
    /// a line (LAMMPS drops what follows on that line; we refuse it). `what` names the table.
    mutating func table(_ count: Int, what: String) throws -> [Double] {
        var values = [Double]()
        values.reserveCapacity(count)
        while values.count < count {
            let (words, line): ([Substring], Int)
            do {
                (words, line) = try nextWords(expected: "\(count) values of \(what)")
            } catch {
                throw self.error(.truncated(
                    expected: "\(count) values of \(what), found only \(values.count)"))
            }
            for (k, word) in words.enumerated() {
                if values.count == count {
                    throw self.error(.extraValues(after: "the \(count) values of \(what)",
                                                  found: words[k...].joined(separator: " ")), line: line)
                }
                values.append(try Self.real(word, expected: "a real number in \(what)",
                                            file: file, line: line))
            }
        }
        return values
    }

    /// Fails unless only blank or comment lines remain.
    mutating func expectEnd() throws {
        if let (words, line) = try? nextWords(expected: "") {
            throw error(.trailingData(found: words.prefix(6).joined(separator: " ")), line: line)
        }
    }

    /// A finite real number (C `strtod` forms: `1`, `0.`, `-.5`, `1.0E-05`).
    static func real(_ word: Substring, expected: String, file: String, line: Int) throws -> Double {
        guard let first = word.first, first.isNumber || first == "-" || first == "+" || first == ".",
              let value = Double(word), value.isFinite else {
            throw EAMFileError(file: file, line: line, kind: .badNumber(expected: expected, found: String(word)))
        }
        return value
    }

    /// A whole number.
    static func integer(_ word: Substring, expected: String, file: String, line: Int) throws -> Int {
        guard let value = Int(word) else {
            throw EAMFileError(file: file, line: line, kind: .badNumber(expected: expected, found: String(word)))
        }
        return value
    }
}

import Atomistics
import Foundation

/// Reads and writes extended XYZ files as ASE writes them: per frame an atom-count line, a
/// comment line of `key=value` pairs (`Lattice`, `Properties`, `pbc`, `energy`, `stress`, …)
/// and one line per atom with the columns `Properties` lists (types `S`, `R`, `I`, `L`).
public enum ExtXYZ {
    /// Every frame of the file at `url`.
    ///
    /// - Throws: `TrajectoryIOError` naming the file, the line and what was expected.
    public static func read(_ url: URL) throws -> [ExtXYZFrame] {
        try read(parsing: readText(url), file: url.path)
    }

    /// Every frame of extended XYZ `text`; `file` names it in errors.
    ///
    /// - Throws: `TrajectoryIOError` naming the file, the line and what was expected.
    public static func read(parsing text: String, file: String) throws -> [ExtXYZFrame] {
        let lines = TextLines(text: text, file: file)
        var frames = [ExtXYZFrame]()
        var k = 0
        while k < lines.lines.count {
            // Blank lines between or after frames are allowed.
            if words(lines.lines[k]).isEmpty { k += 1; continue }
            frames.append(try readFrame(lines, at: &k))
        }
        return frames
    }

    /// Reads the frame whose count line is at 0-based index `k`; leaves `k` after it.
    static func readFrame(_ lines: TextLines, at k: inout Int) throws -> ExtXYZFrame {
        let countLine = k
        let w = words(lines.lines[k])
        guard let n = Int(w[0]), n >= 0 else {
            throw lines.error(.badNumber(expected: "the number of atoms of a frame", found: String(w[0])), at: k)
        }
        guard k + 1 < lines.lines.count else {
            throw lines.error(.truncated(expected: "the comment line of a frame of \(n) atoms"), at: k)
        }
        k += 1
        let pairs = try keyValues(lines.lines[k], lines: lines, at: k)

        var lattice: [Double]?
        var pbc: [Bool]?
        var propertiesText = "species:S:1:pos:R:3"
        var info = [String: ExtXYZValue]()
        for (key, value, quoted) in pairs {
            switch key.lowercased() {
            case "lattice":
                let v = ExtXYZValue.parse(Substring(value ?? ""), quoted: quoted).doubleValues
                guard let v, v.count == 9 else {
                    throw lines.error(.unexpected(expected: "Lattice with 9 real numbers (vectors a, b, c)",
                                                  found: "'\(value ?? "")'"), at: k)
                }
                lattice = v
            case "properties":
                propertiesText = value ?? ""
            case "pbc":
                let items = (value ?? "").split(whereSeparator: { $0 == " " || $0 == "," || $0 == "[" || $0 == "]" })
                let flags = items.compactMap { ExtXYZValue.logical($0) }
                guard flags.count == 3, items.count == 3 else {
                    throw lines.error(.unexpected(expected: "pbc with three logicals (T/F)", found: "'\(value ?? "")'"), at: k)
                }
                pbc = flags
            default:
                guard info[key] == nil else { throw lines.error(.duplicate("key '\(key)' on the comment line"), at: k) }
                info[key] = value.map { ExtXYZValue.parse(Substring($0), quoted: quoted) } ?? .logical(true)
            }
        }
        let properties = try parseProperties(propertiesText, lines: lines, at: k)
        let perAtom = properties.reduce(0) { $0 + $1.count }

        var strings = [String: [String]](), reals = [String: [Double]]()
        var integers = [String: [Int]](), logicals = [String: [Bool]]()
        for p in properties {
            switch p.type {
            case .string: strings[p.name] = []; strings[p.name]!.reserveCapacity(n * p.count)
            case .real: reals[p.name] = []; reals[p.name]!.reserveCapacity(n * p.count)
            case .integer: integers[p.name] = []
            case .logical: logicals[p.name] = []
            }
        }
        for atom in 0..<n {
            k += 1
            guard k < lines.lines.count else {
                throw lines.error(.truncated(expected: "\(n) atom lines after the comment line, found \(atom)"),
                                  at: lines.lines.count - 1)
            }
            let w = words(lines.lines[k])
            guard w.count == perAtom else {
                throw lines.error(.unexpected(expected: "\(perAtom) columns (Properties=\(propertiesText)) on the line of atom \(atom + 1)",
                                              found: "\(w.count)"), at: k)
            }
            var c = 0
            for p in properties {
                for _ in 0..<p.count {
                    let word = w[c]
                    c += 1
                    switch p.type {
                    case .string: strings[p.name]!.append(String(word))
                    case .real: reals[p.name]!.append(try lines.real(word, "a real number in column '\(p.name)'", at: k))
                    case .integer: integers[p.name]!.append(try lines.integer(word, "a whole number in column '\(p.name)'", at: k))
                    case .logical:
                        guard let b = ExtXYZValue.logical(word) else {
                            throw lines.error(.unexpected(expected: "a logical (T or F) in column '\(p.name)'", found: "'\(word)'"), at: k)
                        }
                        logicals[p.name]!.append(b)
                    }
                }
            }
        }
        k += 1
        var columns = [String: ExtXYZFrame.Column]()
        for (name, v) in strings { columns[name] = .strings(v) }
        for (name, v) in reals { columns[name] = .reals(v) }
        for (name, v) in integers { columns[name] = .integers(v) }
        for (name, v) in logicals { columns[name] = .logicals(v) }
        var frame = ExtXYZFrame(atomCount: n, lattice: lattice, pbc: pbc, info: info,
                                properties: properties, columns: columns)
        frame.sourceFile = lines.file
        frame.sourceLine = countLine + 1
        guard frame.positions != nil else {
            throw lines.error(.unexpected(expected: "a 'pos:R:3' property", found: "Properties=\(propertiesText)"), at: countLine + 1)
        }
        return frame
    }

    /// `name:type:count:…` into properties.
    static func parseProperties(_ text: String, lines: TextLines, at k: Int) throws -> [ExtXYZFrame.Property] {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count % 3 == 0, !parts.isEmpty else {
            throw lines.error(.unexpected(expected: "Properties as name:type:count triples", found: "'\(text)'"), at: k)
        }
        var result = [ExtXYZFrame.Property]()
        for t in stride(from: 0, to: parts.count, by: 3) {
            let name = String(parts[t])
            guard let type = ExtXYZFrame.ColumnType(rawValue: String(parts[t + 1])) else {
                throw lines.error(.unexpected(expected: "a column type S, R, I or L for property '\(name)'",
                                              found: "'\(parts[t + 1])'"), at: k)
            }
            guard let count = Int(parts[t + 2]), count >= 1 else {
                throw lines.error(.badNumber(expected: "a positive column count for property '\(name)'",
                                             found: String(parts[t + 2])), at: k)
            }
            guard !result.contains(where: { $0.name == name }) else {
                throw lines.error(.duplicate("property '\(name)' in Properties"), at: k)
            }
            result.append(.init(name: name, type: type, count: count))
        }
        return result
    }

    /// Splits a comment line into (key, value, value-was-quoted): `key=value`, `key="a b c"`,
    /// `key=[1, 2]`, `key={a b}`, bare `key` (value nil), spaces allowed around `=`, `\"` and
    /// `\\` escapes inside quotes.
    static func keyValues(_ line: Substring, lines: TextLines, at k: Int) throws -> [(String, String?, Bool)] {
        let chars = Array(line)
        var i = 0
        var result = [(String, String?, Bool)]()
        func skipSpace() { while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 } }
        func quotedString() throws -> String {
            let open = chars[i], close = open
            i += 1
            var s = ""
            while i < chars.count, chars[i] != close {
                if chars[i] == "\\", i + 1 < chars.count {
                    i += 1
                    s.append(chars[i] == "n" ? "\n" : chars[i])
                } else {
                    s.append(chars[i])
                }
                i += 1
            }
            guard i < chars.count else {
                throw lines.error(.unexpected(expected: "a closing \(close) on the comment line", found: "the end of the line"), at: k)
            }
            i += 1
            return s
        }
        while true {
            skipSpace()
            guard i < chars.count else { break }
            let key: String
            if chars[i] == "\"" || chars[i] == "'" {
                key = try quotedString()
            } else {
                var s = ""
                while i < chars.count, chars[i] != "=", chars[i] != " ", chars[i] != "\t" { s.append(chars[i]); i += 1 }
                key = s
            }
            skipSpace()
            guard i < chars.count, chars[i] == "=" else {
                result.append((key, nil, false))
                continue
            }
            i += 1
            skipSpace()
            guard i < chars.count else {
                throw lines.error(.unexpected(expected: "a value after '\(key)='", found: "the end of the line"), at: k)
            }
            if chars[i] == "\"" || chars[i] == "'" {
                result.append((key, try quotedString(), true))
            } else if chars[i] == "[" || chars[i] == "{" {
                // Nested brackets (`[[1, 0, 0], [0, 1, 0], …]`) flatten to one list.
                let open = chars[i], close: Character = chars[i] == "[" ? "]" : "}"
                var depth = 0, s = ""
                repeat {
                    if chars[i] == open { depth += 1 } else if chars[i] == close { depth -= 1 }
                    s.append(chars[i] == open || chars[i] == close ? " " : chars[i])
                    i += 1
                } while i < chars.count && depth > 0
                guard depth == 0 else {
                    throw lines.error(.unexpected(expected: "a closing \(close) for '\(key)'", found: "the end of the line"), at: k)
                }
                result.append((key, s.trimmingCharacters(in: .whitespaces), true))
            } else {
                var s = ""
                while i < chars.count, chars[i] != " ", chars[i] != "\t" { s.append(chars[i]); i += 1 }
                result.append((key, s, false))
            }
        }
        return result
    }

    // MARK: Writing

    /// The frames as extended XYZ text.
    ///
    /// - Throws: `TrajectoryIOError` (file "extxyz output") when a column has the wrong number
    ///   of values or a text value contains white space.
    public static func string(_ frames: [ExtXYZFrame]) throws -> String {
        var out = ""
        for (f, frame) in frames.enumerated() {
            func fail(_ what: String, _ found: String) -> TrajectoryIOError {
                TrajectoryIOError(file: "extxyz output", line: 0,
                                  kind: .unexpected(expected: "\(what) in frame \(f)", found: found))
            }
            out += "\(frame.atomCount)\n"
            var items = [String]()
            if let h = frame.lattice {
                guard h.count == 9 else { throw fail("a Lattice of 9 values", "\(h.count)") }
                items.append("Lattice=\(ExtXYZValue.reals(h))")
            }
            items.append("Properties=" + frame.properties.map { "\($0.name):\($0.type.rawValue):\($0.count)" }.joined(separator: ":"))
            for key in frame.info.keys.sorted(by: infoOrder) {
                let keyText = key.contains(where: { $0 == " " || $0 == "=" || $0 == "\"" }) ? ExtXYZValue.string(key).description : key
                items.append("\(keyText)=\(frame.info[key]!)")
            }
            items.append("pbc=\(ExtXYZValue.logicals(frame.pbc))")
            out += items.joined(separator: " ") + "\n"

            var cells = [[String]](repeating: [], count: frame.atomCount)
            for p in frame.properties {
                guard let column = frame.columns[p.name], column.valueCount == p.count * frame.atomCount else {
                    throw fail("\(p.count * frame.atomCount) values of property '\(p.name)'",
                               "\(frame.columns[p.name]?.valueCount ?? 0)")
                }
                for atom in 0..<frame.atomCount {
                    for c in 0..<p.count {
                        let k = atom * p.count + c
                        switch column {
                        case .strings(let v):
                            guard !v[k].isEmpty, !v[k].contains(where: \.isWhitespace) else {
                                throw fail("a text value without spaces in '\(p.name)'", "'\(v[k])'")
                            }
                            cells[atom].append(v[k])
                        case .reals(let v): cells[atom].append(formatReal(v[k]))
                        case .integers(let v): cells[atom].append(String(v[k]))
                        case .logicals(let v): cells[atom].append(v[k] ? "T" : "F")
                        }
                    }
                }
            }
            for row in cells { out += row.joined(separator: " ") + "\n" }
        }
        return out
    }

    /// Writes the frames to `url` (replacing it).
    ///
    /// - Throws: `TrajectoryIOError` naming the file when it cannot be written.
    public static func write(_ frames: [ExtXYZFrame], to url: URL) throws {
        let text = try string(frames)
        do {
            try text.write(to: url, atomically: true, encoding: .utf8)
        } catch {
            throw TrajectoryIOError(file: url.path, line: 1, kind: .unreadable(reason: error.localizedDescription))
        }
    }

    /// `energy` first, then `stress`, `virial`, then the rest alphabetically.
    static func infoOrder(_ a: String, _ b: String) -> Bool {
        let first = ["energy", "free_energy", "stress", "virial"]
        switch (first.firstIndex(of: a), first.firstIndex(of: b)) {
        case let (x?, y?): return x < y
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return a < b
        }
    }
}

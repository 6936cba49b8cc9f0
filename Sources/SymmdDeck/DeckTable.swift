import Foundation
import TOMLKit

/// A TOML value of a deck, copied out of TOMLKit into plain Swift.
enum DeckValue {
    case string(String), int(Int), double(Double), bool(Bool)
    case array([DeckValue])
    case table([String: DeckValue])
    case other(String)

    init(_ v: TOMLValueConvertible) {
        switch v.type {
        case .string: self = .string(v.string ?? "")
        case .int: self = .int(v.int ?? 0)
        case .double: self = .double(v.double ?? .nan)
        case .bool: self = .bool(v.bool ?? false)
        case .array: self = .array((v.array.map { Array($0) } ?? []).map { DeckValue($0) })
        case .table:
            var d = [String: DeckValue]()
            if let t = v.table { for k in t.keys { if let x = t[k] { d[k] = DeckValue(x) } } }
            self = .table(d)
        default: self = .other(v.type.description)
        }
    }

    /// The TOML type name, for messages.
    var typeName: String {
        switch self {
        case .string(let s): "a string \"\(s)\""
        case .int(let i): "an integer \(i)"
        case .double(let d): "a float \(d)"
        case .bool(let b): "a boolean \(b)"
        case .array: "an array"
        case .table: "a table"
        case .other(let t): "a \(t)"
        }
    }
}

/// Finds the line of a key in the deck text by scanning it: `[section]` / `[[section]]` headers
/// (the k-th occurrence of an array table), then `key =` inside it.
struct DeckText {
    let lines: [Substring]

    init(_ text: String) { lines = text.split(separator: "\n", omittingEmptySubsequences: false) }

    /// 1-based line of `key` in section `section` (`""` for the top level; the `occurrence`-th
    /// `[[section]]` for arrays of tables); the section header's line when `key` is empty or not found.
    func line(section: String, occurrence: Int = 0, key: String) -> Int? {
        var current = "", seen = [String: Int](), headerLine: Int? = section.isEmpty ? nil : nil
        var inTarget = section.isEmpty
        for (k, raw) in lines.enumerated() {
            let t = raw.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("[") {
                let name = t.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")).components(separatedBy: "#")[0]
                    .trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
                current = name
                let n = seen[name, default: 0]
                seen[name] = n + 1
                inTarget = name == section && (n == occurrence || !t.hasPrefix("[["))
                if inTarget { headerLine = k + 1 }
                continue
            }
            guard inTarget, current == section, !key.isEmpty else { continue }
            if t.hasPrefix(key) {
                let rest = t.dropFirst(key.count).trimmingCharacters(in: .whitespaces)
                if rest.hasPrefix("=") || rest.hasPrefix(".") { return k + 1 }
            }
        }
        return headerLine
    }
}

/// A reader over one table of a deck: typed getters that record which keys were used, so
/// `finish()` can reject the rest as unknown; every error names the file, key path and line.
final class DeckTable {
    let values: [String: DeckValue]
    let path: String         // e.g. "run[1]" or "output.thermo" ("" at top level)
    let section: String      // the TOML header the keys live under ("run", "output", "")
    let occurrence: Int
    let lineKeyPrefix: String  // for inline tables: the parent key whose line holds them
    let context: DeckContext
    private var used = Set<String>()

    init(_ values: [String: DeckValue], path: String, section: String, occurrence: Int = 0,
         lineKeyPrefix: String = "", context: DeckContext) {
        self.values = values
        self.path = path
        self.section = section
        self.occurrence = occurrence
        self.lineKeyPrefix = lineKeyPrefix
        self.context = context
    }

    func fullKey(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func line(_ key: String) -> Int? {
        context.text.line(section: section, occurrence: occurrence, key: lineKeyPrefix.isEmpty ? key : lineKeyPrefix)
    }

    func error(_ kind: DeckError.Kind, _ key: String, expected: String, found: String) -> DeckError {
        // A missing key next to an unknown one a typo away: name the typo.
        if kind == .missingKey, values[key] == nil,
           let typo = values.keys.filter({ !used.contains($0) || $0 != key }).first(where: { DeckTable.closest(to: $0, among: [key]) == key && $0 != key }) {
            return DeckError(kind, file: context.file, key: fullKey(key), line: line(typo), expected: expected,
                             found: "\(found) ('\(typo)' is there: did you mean '\(key)'?)")
        }
        return DeckError(kind, file: context.file, key: fullKey(key), line: line(key), expected: expected, found: found)
    }

    func has(_ key: String) -> Bool { values[key] != nil }

    func raw(_ key: String) -> DeckValue? {
        used.insert(key)
        return values[key]
    }

    func double(_ key: String, _ what: String) throws -> Double? {
        guard let v = raw(key) else { return nil }
        switch v {
        case .double(let d): return d
        case .int(let i): return Double(i)
        default: throw error(.wrongType, key, expected: "a number (\(what))", found: v.typeName)
        }
    }

    func requiredDouble(_ key: String, _ what: String) throws -> Double {
        guard let d = try double(key, what) else {
            throw error(.missingKey, key, expected: "a number (\(what))", found: "nothing")
        }
        return d
    }

    /// A number that must be > 0 (or ≥ 0 with `allowZero`) and finite.
    func positive(_ key: String, _ what: String, allowZero: Bool = false) throws -> Double? {
        guard let d = try double(key, what) else { return nil }
        guard d.isFinite, allowZero ? d >= 0 : d > 0 else {
            throw error(.nonPhysical, key, expected: "\(allowZero ? "a non-negative" : "a positive") \(what)", found: "\(d)")
        }
        return d
    }

    func int(_ key: String, _ what: String, minimum: Int? = nil) throws -> Int? {
        guard let v = raw(key) else { return nil }
        guard case .int(let i) = v else {
            throw error(.wrongType, key, expected: "an integer (\(what))", found: v.typeName)
        }
        if let minimum, i < minimum {
            throw error(.nonPhysical, key, expected: "an integer ≥ \(minimum) (\(what))", found: "\(i)")
        }
        return i
    }

    func string(_ key: String, _ what: String) throws -> String? {
        guard let v = raw(key) else { return nil }
        guard case .string(let s) = v else {
            throw error(.wrongType, key, expected: "a string (\(what))", found: v.typeName)
        }
        return s
    }

    /// A string that must be one of `choices`.
    func choice(_ key: String, _ choices: [String]) throws -> String? {
        guard let s = try string(key, "one of \(choices.joined(separator: ", "))") else { return nil }
        guard choices.contains(s) else {
            let guess = DeckTable.closest(to: s, among: choices).map { " (did you mean \"\($0)\"?)" } ?? ""
            throw error(.nonPhysical, key, expected: "one of \(choices.map { "\"\($0)\"" }.joined(separator: ", "))", found: "\"\(s)\"\(guess)")
        }
        return s
    }

    func bool(_ key: String, _ what: String) throws -> Bool? {
        guard let v = raw(key) else { return nil }
        guard case .bool(let b) = v else {
            throw error(.wrongType, key, expected: "true or false (\(what))", found: v.typeName)
        }
        return b
    }

    func ints(_ key: String, count: Int, _ what: String, minimum: Int) throws -> [Int]? {
        guard let v = raw(key) else { return nil }
        guard case .array(let a) = v, a.count == count else {
            throw error(.wrongType, key, expected: "an array of \(count) integers (\(what))", found: v.typeName)
        }
        var out = [Int]()
        for x in a {
            guard case .int(let i) = x else {
                throw error(.wrongType, key, expected: "an array of \(count) integers (\(what))", found: "an element \(x.typeName)")
            }
            guard i >= minimum else {
                throw error(.nonPhysical, key, expected: "integers ≥ \(minimum) (\(what))", found: "\(i)")
            }
            out.append(i)
        }
        return out
    }

    func strings(_ key: String, _ what: String) throws -> [String]? {
        guard let v = raw(key) else { return nil }
        if case .string(let s) = v { return [s] }
        guard case .array(let a) = v else {
            throw error(.wrongType, key, expected: "an array of strings (\(what))", found: v.typeName)
        }
        return try a.map {
            guard case .string(let s) = $0 else {
                throw error(.wrongType, key, expected: "an array of strings (\(what))", found: "an element \($0.typeName)")
            }
            return s
        }
    }

    /// A sub-table: `[section]` at top level, or an inline table `key = { … }`.
    func table(_ key: String) throws -> DeckTable? {
        guard let v = raw(key) else { return nil }
        guard case .table(let t) = v else {
            throw error(.wrongType, key, expected: "a table", found: v.typeName)
        }
        if path.isEmpty {
            return DeckTable(t, path: key, section: key, context: context)
        }
        return DeckTable(t, path: fullKey(key), section: section, occurrence: occurrence,
                         lineKeyPrefix: lineKeyPrefix.isEmpty ? key : lineKeyPrefix, context: context)
    }

    /// An array of tables `[[key]]` (top level) or `key = [{…}, …]`.
    func tables(_ key: String) throws -> [DeckTable]? {
        guard let v = raw(key) else { return nil }
        guard case .array(let a) = v else {
            throw error(.wrongType, key, expected: "an array of tables ([[\(key)]])", found: v.typeName)
        }
        return try a.enumerated().map { k, x in
            guard case .table(let t) = x else {
                throw error(.wrongType, key, expected: "an array of tables ([[\(key)]])", found: "an element \(x.typeName)")
            }
            if path.isEmpty {
                return DeckTable(t, path: "\(key)[\(k + 1)]", section: key, occurrence: k, context: context)
            }
            return DeckTable(t, path: "\(fullKey(key))[\(k + 1)]", section: section, occurrence: occurrence,
                             lineKeyPrefix: lineKeyPrefix.isEmpty ? key : lineKeyPrefix, context: context)
        }
    }

    /// Throws for the first key (alphabetically) that no getter asked for.
    func finish(allowed: [String] = []) throws {
        for key in values.keys.sorted() where !used.contains(key) {
            let candidates = Array(used) + allowed
            let known = candidates.sorted().joined(separator: ", ")
            let guess = DeckTable.closest(to: key, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
            throw error(.unknownKey, key, expected: "one of: \(known)", found: "'\(key)'\(guess)")
        }
    }

    /// The candidate nearest to `key` by edit distance, when it is close (at most 2 edits, and
    /// less than half the key): a typo's likely intent.
    static func closest(to key: String, among candidates: [String]) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            guard !a.isEmpty else { return b.count }
            guard !b.isEmpty else { return a.count }
            var row = Array(0...b.count)
            for i in 1...a.count {
                var prev = row[0]
                row[0] = i
                for j in 1...b.count {
                    let cur = row[j]
                    let substitution: Int = prev + (a[i - 1] == b[j - 1] ? 0 : 1)
                    let edit: Int = Swift.min(row[j] + 1, row[j - 1] + 1)
                    row[j] = Swift.min(edit, substitution)
                    prev = cur
                }
            }
            return row[b.count]
        }
        let k = Array(key.lowercased())
        var best: (name: String, d: Int)? = nil
        for c in candidates.sorted() {
            let d: Int = distance(k, Array(c.lowercased()))
            if best == nil || d < best!.d { best = (c, d) }
        }
        guard let best, best.d <= 2, best.d * 2 < Swift.max(2, k.count) else { return nil }
        return best.name
    }
}

extension DeckTable {
    /// The top-level table of deck `text` read from `context.file`.
    ///
    /// - Throws: `DeckError.syntax` with the line of a TOML error.
    static func top(parsing text: String, context: DeckContext) throws -> DeckTable {
        if let bad = TOMLGuard.unsafeHeader(in: text) {
            throw DeckError(.syntax, file: context.file, key: "", line: bad.line,
                            expected: "a table header [name] or [[name]] (a name of letters, digits, _ and -, or quoted)", found: "'\(bad.text)'")
        }
        let parsed: TOMLTable
        do {
            parsed = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            throw DeckError(.syntax, file: context.file, key: "", line: e.source.begin.line, expected: "valid TOML", found: e.description)
        } catch {
            throw DeckError(.syntax, file: context.file, key: "", expected: "valid TOML", found: "\(error)")
        }
        guard case .table(let root) = DeckValue(parsed) else {
            throw DeckError(.syntax, file: context.file, key: "", expected: "a TOML table", found: "something else")
        }
        return DeckTable(root, path: "", section: "", context: context)
    }
}

/// The deck file's name, folder and text, shared by the readers, and where library warnings go.
struct DeckContext {
    let file: String
    let directory: URL
    let text: DeckText
    /// Receives warnings (one line each) from what the deck builds, e.g. a deep potential's
    /// sel overflows; the library never prints them itself.
    var warn: @Sendable (String) -> Void = { _ in }
}

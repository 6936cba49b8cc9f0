import Foundation

/// File helpers shared by the reporters and the fit's learning curve.
enum OutputFiles {
    /// Creates (or replaces) `url` with `text` and returns a handle positioned at its end.
    ///
    /// - Throws: `DeckError` of `kind` naming `deckFile` and `key`.
    static func create(_ url: URL, text: String, deckFile: String, key: String,
                       kind: DeckError.Kind = .missingFile) throws -> FileHandle {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
            let h = try FileHandle(forWritingTo: url)
            try h.seekToEnd()
            return h
        } catch {
            throw DeckError(kind, file: deckFile, key: key, expected: "a writable file", found: "\(url.path): \(error.localizedDescription)")
        }
    }

    /// The text a restarted CSV output starts from: `header`, then the rows of the existing file
    /// whose first column (the step) is at most `step`; just the header for a fresh run or a
    /// missing file. Written once for the thermo CSV and the fit's learning curve.
    static func restartedCSV(_ url: URL, header: String, keepingStepsUpTo step: Int?) -> String {
        var text = header + "\n"
        guard let step, let old = try? String(contentsOf: url, encoding: .utf8) else { return text }
        for line in old.split(separator: "\n").dropFirst() {
            if let s = Int(line.prefix { $0 != "," }), s <= step { text += line + "\n" }
        }
        return text
    }
}

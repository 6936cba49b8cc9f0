import Atomistics
import Foundation

/// Just the potential of a deck: `units` and the `[potential]` table, for `symmd eval --deck`.
/// A run deck works as it is (its other tables are not read, so none is required); a file with
/// only `units` and `[potential]` works too.
public struct PotentialDeck: @unchecked Sendable {
    /// The deck file.
    public var url: URL
    /// Unit style of the potential's numbers.
    public var units: UnitStyle
    /// The potential (energy eV, forces eV/Å in metal).
    public var potential: any Potential
    /// The potential's type names (a deep potential's type map), when it has them.
    public var typeNames: [String]?

    /// Reads `units` and `[potential]` from the deck at `url`; `warn` receives the potential's warnings.
    ///
    /// - Throws: `DeckError` naming the file, line and key.
    public init(contentsOf url: URL, warn: @escaping @Sendable (String) -> Void = { _ in }) throws {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw DeckError(.missingFile, file: url.path, key: "", expected: "a readable deck file", found: "no such file or unreadable")
        }
        let text = String(decoding: data, as: UTF8.self)
        self.url = url
        var context = DeckContext(file: url.path, directory: url.deletingLastPathComponent(), text: DeckText(text))
        context.warn = warn
        let top = try DeckTable.top(parsing: text, context: context)
        units = UnitStyle(rawValue: try top.choice("units", ["metal", "lj"]) ?? "metal")!
        guard let pot = try top.table("potential") else {
            throw top.error(.missingKey, "potential", expected: "a [potential] table with kind = \(PotentialKinds.choices(PotentialKinds.registered))", found: "nothing")
        }
        (potential, typeNames) = try PotentialKinds.read(pot, units: units, context: context)
        try pot.finish()
    }
}

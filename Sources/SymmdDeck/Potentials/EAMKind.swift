import Atomistics
import Foundation

/// `kind = "eam"`: `file` (funcfl `.eam`, setfl `.eam.alloy` or `.eam.fs`, relative to the deck)
/// and optional `elements` (the element of each atom type, in type order). Metal units only.
enum EAMKind: PotentialKind {
    static let name = "eam"

    static func make(_ pot: DeckTable, units: UnitStyle, context: DeckContext) throws -> (any Potential, [String]?) {
        guard units == .metal else {
            throw pot.error(.nonPhysical, "kind", expected: "units = \"metal\" for EAM (its files are in eV and Å)", found: "units = \"\(units.rawValue)\"")
        }
        guard let file = try pot.string("file", "EAM potential file relative to the deck") else {
            throw pot.error(.missingKey, "file", expected: "file = \"….eam\" (funcfl), \"….eam.alloy\" or \"….eam.fs\"", found: "nothing")
        }
        let fileURL = URL(fileURLWithPath: file, relativeTo: context.directory).standardizedFileURL
        guard FileManager.default.fileExists(atPath: fileURL.path) else {
            throw pot.error(.missingFile, "file", expected: "an existing EAM file (relative to \(context.directory.path))", found: "no file at \(fileURL.path)")
        }
        let elements = try pot.strings("elements", "element of each atom type, in type order") ?? []
        do {
            let p = try EAMPotential(contentsOf: fileURL, typeElements: elements)
            return (p, elements.isEmpty ? p.typeElements : elements)
        } catch let e as EAMFileError {
            throw pot.error(.badFile, "file", expected: "a valid EAM file", found: "\(e)")
        }
    }
}

import Atomistics

/// `kind = "morse"`: `depth` (D₀), `alpha` (α), `r0` (r₀), `cutoff`, optional `shift`/`smooth`.
enum MorseKind: PotentialKind {
    static let name = "morse"

    static func make(_ pot: DeckTable, units: UnitStyle, context: DeckContext) throws -> (any Potential, [String]?) {
        let e = units.names.energy, l = units.names.length
        let d0 = try pot.positive("depth", "well depth D₀ (\(e))", allowZero: true) ?? 1
        guard let alpha = try pot.positive("alpha", "α (1/\(l))") else {
            throw pot.error(.missingKey, "alpha", expected: "alpha = stiffness (1/\(l))", found: "nothing")
        }
        guard let r0 = try pot.positive("r0", "r₀ (\(l))") else {
            throw pot.error(.missingKey, "r0", expected: "r0 = equilibrium distance (\(l))", found: "nothing")
        }
        guard let rc = try pot.positive("cutoff", "cutoff (\(l))") else {
            throw pot.error(.missingKey, "cutoff", expected: "cutoff = length (\(l))", found: "nothing")
        }
        return (try Morse(depth: d0, alpha: alpha, r0: r0, cutoff: rc, truncation: try PairTruncation.read(pot)), nil)
    }
}

import Atomistics

/// A `[potential] kind = "…"` a run deck can name. Each kind parses its own keys, as a LAMMPS pair
/// style parses its own settings (`src/pair_lj_cut.cpp`): one file per kind, one line in
/// ``PotentialKinds/registered``. Unknown keys left in the table are reported after `make`.
protocol PotentialKind: Sendable {
    /// The `kind` value in the deck (`lj`, `eam`, …).
    static var name: String { get }
    /// The potential from the table's keys, and the type names it expects in type order (EAM
    /// elements, a model's type map) when it cares about them.
    ///
    /// - Throws: `DeckError` naming the key; `AtomisticsError` for parameters the potential
    ///   itself refuses (reported at `kind`).
    static func make(_ table: DeckTable, units: UnitStyle, context: DeckContext) throws -> (any Potential, [String]?)
}

/// The registry of potential kinds.
enum PotentialKinds {
    /// Every kind a deck may name.
    static let registered: [any PotentialKind.Type] = [
        LennardJonesKind.self,
        MorseKind.self,
        EAMKind.self,
        DeepPotentialKind.self,
    ]

    /// `"lj", "morse", … or "deep"` for messages.
    static func choices(_ kinds: [any PotentialKind.Type]) -> String {
        let names = kinds.map { "\"\($0.name)\"" }
        return names.count > 1 ? names.dropLast().joined(separator: ", ") + " or " + names.last! : names.joined()
    }

    /// The potential of a `[potential]` table: its `kind` picks the registered kind that parses the rest.
    ///
    /// - Throws: `DeckError` naming the key.
    static func read(_ table: DeckTable, units: UnitStyle, context: DeckContext,
                     kinds: [any PotentialKind.Type] = registered) throws -> (any Potential, [String]?) {
        guard let name = try table.choice("kind", kinds.map { $0.name }),
              let kind = kinds.first(where: { $0.name == name }) else {
            throw table.error(.missingKey, "kind", expected: "kind = \(choices(kinds))", found: "nothing")
        }
        do {
            return try kind.make(table, units: units, context: context)
        } catch let e as AtomisticsError {
            throw table.error(.nonPhysical, "kind", expected: "valid \(name) parameters", found: "\(e)")
        }
    }
}

extension PairTruncation {
    /// `shift = true` (energy zero at the cutoff) or `smooth = true` (force-shifted) in a pair
    /// potential's table; plain truncation otherwise.
    static func read(_ table: DeckTable) throws -> PairTruncation {
        let shift = try table.bool("shift", "shift the energy to zero at the cutoff") ?? false
        let smooth = try table.bool("smooth", "force-shifted: energy and force zero at the cutoff") ?? false
        return smooth ? .forceShifted : (shift ? .shifted : .plain)
    }
}

import Atomistics
import Foundation
@testable import SymmdDeck
import Testing

/// A new potential for the example: the Gaussian core model, E = Σ_pairs A·exp(−r²/w²) within r_c
/// (Stillinger's soft spheres), on a half list.
struct GaussianCore: Potential {
    let amplitude: Double, width: Double, cutoff: Double
    var needsFullNeighborList: Bool { false }

    func compute(_ system: System, neighbors: NeighborList, into result: inout ForceResult) throws {
        result.reset(atomCount: system.count)
        let x = system.positions, w2 = width * width, rc2 = cutoff * cutoff
        for i in 0..<system.count {
            for e in neighbors.entries(of: i) {
                let j = Int(neighbors.neighbors[e])
                let d = (0..<3).map { x[3 * j + $0] + neighbors.shifts[3 * e + $0] - x[3 * i + $0] }
                let r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2]
                guard r2 < rc2 else { continue }
                let u = amplitude * exp(-r2 / w2)
                let g = 2 * u / w2                      // −dU/dr / r: the pair repels
                result.energy += u
                for a in 0..<3 {
                    result.forces[3 * j + a] += g * d[a]
                    result.forces[3 * i + a] -= g * d[a]
                    for b in 0..<3 { result.virial[3 * a + b] += d[a] * g * d[b] }
                }
            }
        }
    }
}

/// Its deck kind, `kind = "gauss"`: one type that parses its own keys.
enum GaussianCoreKind: PotentialKind {
    static let name = "gauss"
    static func make(_ table: DeckTable, units: UnitStyle, context: DeckContext) throws -> (any Potential, [String]?) {
        let a = try table.positive("amplitude", "A (energy)") ?? 1
        let w = try table.positive("width", "w (length)") ?? 1
        guard let rc = try table.positive("cutoff", "cutoff (length)") else {
            throw table.error(.missingKey, "cutoff", expected: "cutoff = length", found: "nothing")
        }
        return (GaussianCore(amplitude: a, width: w, cutoff: rc), nil)
    }
}

/// The potential registry: a new kind is one type plus one registration; the deck names it and
/// the driver runs it without knowing it.
@Suite("Potential kinds")
struct PotentialKindTests {
    static let deck = ljDeck(cells: 2, run: "[[run]]\nintegrator = \"verlet\"\ntimestep = 0.002\nsteps = 50\n",
                             output: "[output.thermo]\nevery = 10\n")
        .replacingOccurrences(of: "kind = \"lj\"\nepsilon = 1.0\nsigma = 1.0\ncutoff = 2.5",
                              with: "kind = \"gauss\"\namplitude = 2.0\nwidth = 0.8\ncutoff = 3.0")

    @Test("A registered new kind runs from a deck; NVE holds its energy")
    func newKindRuns() throws {
        #expect(Self.deck.contains("kind = \"gauss\""))
        let url = try writeDeck(Self.deck, in: try tempDir("kind-gauss"))
        let deck = try RunDeck(contentsOf: url, potentialKinds: PotentialKinds.registered + [GaussianCoreKind.self])
        #expect(deck.potential is GaussianCore)
        let driver = try RunDriver(deck: deck)
        var rows = [ThermoRow]()
        driver.onThermo = { rows.append($0) }
        try driver.run()
        #expect(rows.count == 5)
        let e = ([driver.initialRow!] + rows).map(\.totalEnergy)
        #expect(e.max()! - e.min()! < 1e-3 * abs(e[0]), "\(e)")
        #expect(abs(rows.last!.potentialEnergy - driver.initialRow!.potentialEnergy) > 1e-6)
    }

    @Test("Unregistered, the same deck is refused at `kind` with the registered choices")
    func unregisteredKindIsRefused() throws {
        let url = try writeDeck(Self.deck, in: try tempDir("kind-gauss-bad"))
        do {
            _ = try RunDeck(contentsOf: url)
            Issue.record("an unregistered kind was accepted")
        } catch let e as DeckError {
            #expect(e.key == "potential.kind" || e.key == "kind", "\(e)")
            #expect(e.description.contains("'gauss'") || e.description.contains("\"gauss\""), "\(e)")
            #expect(e.description.contains("\"lj\"") && e.description.contains("\"deep\""), "\(e)")
        }
    }

    @Test("Unknown keys of a kind's table are still refused by name")
    func unknownKeyOfAKind() throws {
        let url = try writeDeck(Self.deck.replacingOccurrences(of: "width = 0.8", with: "widht = 0.8"), in: try tempDir("kind-gauss-key"))
        let e = #expect(throws: DeckError.self) {
            try RunDeck(contentsOf: url, potentialKinds: PotentialKinds.registered + [GaussianCoreKind.self])
        }
        #expect(e?.kind == .unknownKey && e?.description.contains("widht") == true, "\(String(describing: e))")
    }
}

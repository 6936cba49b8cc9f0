import Atomistics
import Foundation
import NeuralPotentials
import SymmdTestSupport
import Testing

/// Every potential through the same conformance driver (``PotentialConformance``): forces and
/// virial against finite differences (one strain convention), half against full lists, one against
/// two threads, forcesOnly, per-atom energies, translation and rotation. A new potential is one
/// more row here.
@Suite("Potential conformance", .serialized)
struct PotentialConformanceTests {
    static let potentials = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../potentials").standardized

    /// An fcc crystal of `cells` in a triclinic cell (tilts 0.07, −0.05, 0.04 of the edges), each
    /// atom displaced by up to `jitter`, types at random over `typeNames` (seeded).
    static func crystal(a: Double, cells: [Int], jitter: Double, typeNames: [String], masses: [Double],
                        units: UnitStyle, seed: UInt64) throws -> System {
        let L = cells.map { Double($0) * a }
        let box = try Box(lammpsLow: [0, 0, 0], high: L, xy: 0.07 * L[1], xz: -0.05 * L[2], yz: 0.04 * L[2])
        let h = box.vectors
        var rng = Xoshiro256StarStar(seed: seed)
        var x: [Double] = [], types: [Int] = []
        for i in 0..<cells[0] { for j in 0..<cells[1] { for k in 0..<cells[2] {
            for b in [[0.0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]] {
                let f = [(Double(i) + b[0]) / Double(cells[0]), (Double(j) + b[1]) / Double(cells[1]), (Double(k) + b[2]) / Double(cells[2])]
                for c in 0..<3 {
                    x.append(f[0] * h[c] + f[1] * h[3 + c] + f[2] * h[6 + c] + jitter * (2 * rng.nextUniform() - 1))
                }
                types.append(typeNames.count == 1 ? 0 : rng.nextInt(below: typeNames.count))
            }
        } } }
        return try System(positions: x, types: types, masses: masses, typeNames: typeNames, box: box, units: units)
    }

    /// The smallest |r − r_c| over all pairs and the given cutoffs: a plainly truncated potential
    /// jumps there, so finite differences need the configuration to keep clear of every cutoff.
    static func cutoffGap(_ system: System, cutoffs: [Double]) throws -> Double {
        var list = try NeighborList(cutoff: cutoffs.max()! + 0.5, skin: 0, kind: .half)
        try list.build(system)
        var gap = Double.infinity
        let x = system.positions
        for i in 0..<system.count {
            for e in list.entries(of: i) {
                let j = Int(list.neighbors[e])
                var r2 = 0.0
                for a in 0..<3 {
                    let d = x[3 * j + a] + list.shifts[3 * e + a] - x[3 * i + a]
                    r2 += d * d
                }
                for rc in cutoffs { gap = min(gap, abs(r2.squareRoot() - rc)) }
            }
        }
        return gap
    }

    /// The first configuration from seeds `seed`, `seed + 100`, … whose pairs all keep 1e-3 clear
    /// of the cutoffs.
    static func clearOfCutoffs(_ cutoffs: [Double], seed: UInt64, _ make: (UInt64) throws -> System) throws -> System {
        var s = seed
        while true {
            let system = try make(s)
            if try cutoffGap(system, cutoffs: cutoffs) > 1e-3 { return system }
            s += 100
        }
    }

    /// The rows of the table, filled as the tests run.
    nonisolated(unsafe) static var rows: [(potential: String, results: [ConformanceResult])] = []

    static func record(_ name: String, _ results: [ConformanceResult]) {
        rows.append((name, results))
        print("conformance \(name): " + results.map { "\($0.check.rawValue) \($0.deviation.map { String(format: "%.1e", $0) } ?? "–")" }.joined(separator: ", "))
    }

    @Test("Lennard-Jones, two types, each truncation", arguments: PairTruncation.allCases)
    func lennardJones(_ truncation: PairTruncation) throws {
        let lj = try LennardJones(typeCount: 2, epsilon: [1, 0.7, 0.7, 1.3], sigma: [1, 0.9, 0.9, 1.1],
                                  cutoffs: [2.5, 2.2, 2.2, 2.0], truncation: truncation)
        let a = Lattice.fcc.latticeConstant(density: 0.8442)
        func system(_ cells: [Int], _ seed: UInt64) throws -> System {
            try Self.crystal(a: a, cells: cells, jitter: 0.1, typeNames: ["A", "B"], masses: [1, 2], units: .lj, seed: seed)
        }
        let small = try Self.clearOfCutoffs([2.5, 2.2, 2.0], seed: 1) { try system([2, 2, 2], $0) }
        Self.record("lj (\(truncation))", try PotentialConformance.run(lj, on: small, threadsSystem: system([4, 4, 8], 2)))
    }

    @Test("Morse, two types, each truncation", arguments: PairTruncation.allCases)
    func morse(_ truncation: PairTruncation) throws {
        let morse = try Morse(typeCount: 2, depth: [0.35, 0.3, 0.3, 0.5], alpha: [1.4, 1.5, 1.5, 1.3],
                              r0: [1.1, 1.0, 1.0, 1.2], cutoffs: [2.6, 2.4, 2.4, 2.5], truncation: truncation)
        func system(_ cells: [Int], _ seed: UInt64) throws -> System {
            try Self.crystal(a: 1.6, cells: cells, jitter: 0.08, typeNames: ["A", "B"], masses: [1, 2], units: .lj, seed: seed)
        }
        let small = try Self.clearOfCutoffs([2.6, 2.4, 2.5], seed: 3) { try system([2, 2, 2], $0) }
        Self.record("morse (\(truncation))", try PotentialConformance.run(morse, on: small, threadsSystem: system([4, 4, 8], 4)))
    }

    @Test("EAM: funcfl Cu_u3 and setfl CuNi (LAMMPS's own files)", arguments: ["Cu_u3.eam", "CuNi.eam.alloy"])
    func eam(_ file: String) throws {
        let elements = file == "Cu_u3.eam" ? ["Cu"] : ["Cu", "Ni"]
        let pot = try EAMPotential(contentsOf: Self.potentials.appendingPathComponent(file), typeElements: elements)
        func system(_ cells: [Int], _ seed: UInt64) throws -> System {
            try Self.crystal(a: 3.6, cells: cells, jitter: 0.1, typeNames: elements, masses: pot.typeMasses, units: .metal, seed: seed)
        }
        Self.record("eam \(file)", try PotentialConformance.run(pot, on: system([2, 2, 2], 5), threadsSystem: system([4, 4, 8], 6)))
    }

    @Test("Deep potentials: the shipped copper and Cu–Au models (se_e2_a), exact and compressed",
          arguments: ["cu-emt-se.sdp", "cuau-emt-se.sdp", "cu-emt-se.sdp compressed"])
    func deepPotential(_ name: String) throws {
        let file = String(name.split(separator: " ")[0])
        let pot = try DeepPotential(contentsOf: Self.potentials.appendingPathComponent(file).path)
        if name.hasSuffix("compressed") { pot.model.compress(stride: 0.01) }
        let species = pot.typeMap
        let masses = species.map { $0 == "Cu" ? 63.546 : 196.97 }
        func system(_ cells: [Int], _ seed: UInt64) throws -> System {
            try Self.crystal(a: species.count == 1 ? 3.62 : 3.80, cells: cells, jitter: 0.12, typeNames: species,
                             masses: masses, units: .metal, seed: seed)
        }
        let small = try system([2, 2, 2], 7)
        // Real forces (a fitted model on a rattled crystal), so no check passes on vanishing numbers.
        let maxForce = try pot.evaluate(small).forces.map(abs).max()!
        #expect(maxForce > 0.1, "max |F| \(maxForce) eV/Å")
        Self.record("deep \(name)", try PotentialConformance.run(pot, on: small, threadsSystem: system([4, 4, 8], 8)))
    }

    @Test("The table (printed): every potential × every check")
    func table() {
        // Runs last in this serialized suite; the rows come from the tests above.
        print(PotentialConformance.table(Self.rows))
        #expect(Self.rows.allSatisfy { $0.results.allSatisfy(\.passed) })
    }
}

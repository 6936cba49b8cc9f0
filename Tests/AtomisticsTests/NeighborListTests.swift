import Testing
@testable import Atomistics

/// A geometry for the neighbor-list comparisons.
struct NeighborCase: CustomTestStringConvertible, Sendable {
    var name: String
    var make: @Sendable () throws -> System
    var cutoff: Double
    var skin: Double
    var testDescription: String { name }
}

@Suite struct NeighborListTests {
    static let cases: [NeighborCase] = [
        NeighborCase(name: "random orthorhombic", make: {
            try randomSystem(60, box: Box(lengths: [10, 11, 12]), seed: 1)
        }, cutoff: 2.5, skin: 0.5),
        NeighborCase(name: "dense, unwrapped", make: {
            try randomSystem(220, box: Box(lengths: [6, 6.5, 7]), seed: 2, unwrap: 2)
        }, cutoff: 2.0, skin: 0.3),
        NeighborCase(name: "small box: 32-atom fcc Cu, side 7.22 Å, cutoff 6 Å", make: {
            try Lattice.fcc.system(latticeConstant: 3.61, cells: [2, 2, 2], mass: 63.546, typeName: "Cu")
        }, cutoff: 6.0, skin: 0),
        NeighborCase(name: "small box with skin (cutoff + skin > box)", make: {
            var s = try Lattice.fcc.system(latticeConstant: 3.61, cells: [2, 2, 2], mass: 63.546)
            var rng = Xoshiro256StarStar(seed: 3)
            for k in s.positions.indices { s.positions[k] += 0.2 * (rng.nextUniform() - 0.5) }
            return s
        }, cutoff: 6.0, skin: 2.0),
        NeighborCase(name: "restricted triclinic, unwrapped", make: {
            try randomSystem(70, box: Box(lammpsLow: [0, 0, 0], high: [7, 6, 6.5], xy: 3.1, xz: -2.2, yz: 2.0),
                             seed: 4, unwrap: 1)
        }, cutoff: 3.0, skin: 0.4),
        NeighborCase(name: "arbitrary skewed triclinic, narrow", make: {
            try randomSystem(25, box: Box(vectors: [4.1, 0.7, -0.3, 2.9, 3.8, 0.9, -1.1, 2.4, 5.2]), seed: 5, unwrap: 1)
        }, cutoff: 4.5, skin: 0.5),
        NeighborCase(name: "non-periodic cluster", make: {
            try randomSystem(80, box: Box(lengths: [9, 9, 9], periodic: [false, false, false]), seed: 6)
        }, cutoff: 2.5, skin: 0.3),
        NeighborCase(name: "slab, periodic in a and b only, atoms outside the box in c", make: {
            var s = try randomSystem(70, box: Box(vectors: [7, 0, 0, 1.5, 6, 0, 0, 0, 5], periodic: [true, true, false]), seed: 7, unwrap: 1)
            for i in 0..<10 { s.positions[3 * i + 2] += 8 }
            return s
        }, cutoff: 2.6, skin: 0.4),
    ]

    @Test(arguments: cases, [NeighborList.Kind.full, .half])
    func listEqualsBruteForce(_ c: NeighborCase, _ kind: NeighborList.Kind) throws {
        let system = try c.make()
        var list = try NeighborList(cutoff: c.cutoff, skin: c.skin, kind: kind, minimumDistance: 0)
        try list.build(system)
        let got = entries(of: list, box: system.box)
        let brute = bruteForceEntries(system, listCutoff: c.cutoff + c.skin)
        // The shifts are whole lattice vectors.
        for e in 0..<list.entryCount {
            let t = system.box.latticeShift(got[e].n0, got[e].n1, got[e].n2)
            expectClose([list.shifts[3 * e], list.shifts[3 * e + 1], list.shifts[3 * e + 2]], [t.0, t.1, t.2], rtol: 0, atol: 1e-12)
        }
        let rc = c.cutoff + c.skin
        func atBoundary(_ e: Entry) -> Bool {
            let box = system.box, x = system.positions, t = box.latticeShift(e.n0, e.n1, e.n2)
            let d = (x[3 * e.j] + t.0 - x[3 * e.i], x[3 * e.j + 1] + t.1 - x[3 * e.i + 1], x[3 * e.j + 2] + t.2 - x[3 * e.i + 2])
            return abs((d.0 * d.0 + d.1 * d.1 + d.2 * d.2).squareRoot() - rc) < 1e-9
        }
        let gotSet: Set<Entry>, want: Set<Entry>
        switch kind {
        case .full:
            gotSet = Set(got)
            want = Set(brute.keys)
        case .half:
            gotSet = Set(got.map(\.canonical))
            want = Set(brute.keys.map(\.canonical))
            // Each pair once: no entry is also present reversed.
            #expect(got.count == gotSet.count, "duplicate pairs in a half list")
        }
        #expect(got.count == gotSet.count, "duplicate entries")
        let missing = want.subtracting(gotSet).filter { !atBoundary($0) }
        let extra = gotSet.subtracting(want).filter { !atBoundary($0) }
        #expect(missing.isEmpty, "missing \(missing.count): \(missing.prefix(5))")
        #expect(extra.isEmpty, "extra \(extra.count): \(extra.prefix(5))")
        #expect(!want.isEmpty)
        if kind == .half { #expect(got.count * 2 == brute.count) }
    }

    @Test func smallCopperBoxHasEveryImage() throws {
        // fcc shells within 6 Å at a = 3.61 Å: 12 + 6 + 24 + 12 + 24 = 78 neighbors per atom.
        let system = try Lattice.fcc.system(latticeConstant: 3.61, cells: [2, 2, 2], mass: 63.546)
        var full = try NeighborList(cutoff: 6.0, skin: 0, kind: .full)
        try full.build(system)
        for i in 0..<32 { #expect(full.entries(of: i).count == 78) }
        var half = try NeighborList(cutoff: 6.0, skin: 0, kind: .half)
        try half.build(system)
        #expect(half.entryCount == 32 * 78 / 2)
    }

    @Test func sameListOnTwoThreads() async throws {
        let system = try randomSystem(1500, box: Box(lammpsLow: [0, 0, 0], high: [14, 13, 12], xy: 2, xz: 1, yz: -1.5),
                                      seed: 8, unwrap: 1)
        for kind in [NeighborList.Kind.half, .full] {
            var one = try NeighborList(cutoff: 2.5, skin: 0.3, kind: kind, minimumDistance: 0)
            try AtomisticsParallel.$threadOverride.withValue(1) { try one.build(system) }
            var two = try NeighborList(cutoff: 2.5, skin: 0.3, kind: kind, minimumDistance: 0)
            try AtomisticsParallel.$threadOverride.withValue(2) { try two.build(system) }
            #expect(one.offsets == two.offsets)
            #expect(one.neighbors == two.neighbors)
            #expect(one.shifts == two.shifts)
        }
    }

    @Test func rebuildTriggerAtHalfTheSkin() throws {
        var system = try randomSystem(40, box: Box(lengths: [8, 8, 8]), seed: 9, minimumSeparation: 0.8)
        var list = try NeighborList(cutoff: 2.0, skin: 0.4)
        #expect(list.needsRebuild(system))
        try list.update(system)
        #expect(list.buildCount == 1)
        #expect(!list.needsRebuild(system))
        system.positions[3 * 7 + 1] += 0.199
        #expect(!list.needsRebuild(system))
        #expect(try !list.update(system))
        system.positions[3 * 7 + 1] += 0.002  // now 0.201 > skin/2
        #expect(list.needsRebuild(system))
        #expect(try list.update(system))
        #expect(list.buildCount == 2)
        // Two steps after the last build: not at the first step allowed, so not dangerous.
        #expect(list.dangerousBuildCount == 0)
        #expect(!list.needsRebuild(system))
        // Moving too far within one step of a build is (every 1, delay 0): LAMMPS's rule.
        system.positions[3 * 2] -= 0.3
        #expect(try list.update(system))
        #expect(list.dangerousBuildCount == 1)
        // A changed box asks for a rebuild once the strain has eaten the margin (atoms left where
        // they were count as moving against the affine map): not for 0.1 %, yes for 12 %.
        var strained = system
        strained.box = try Box(lengths: [8.01, 8, 8])
        #expect(!list.needsRebuild(strained))
        strained.box = try Box(lengths: [7.0, 8, 8])
        #expect(list.needsRebuild(strained))
        // Atoms carried with the cell (a barostat's deformation) do not count as moving.
        var carried = system
        try carried.deformCell(by: [1.001, 0, 0, 0, 1.001, 0, 0, 0, 1.001])
        #expect(!list.needsRebuild(carried))
    }

    @Test func everyDelayCheckFollowLAMMPS() throws {
        var system = try randomSystem(20, box: Box(lengths: [8, 8, 8]), seed: 10, minimumSeparation: 0.8)
        var list = try NeighborList(cutoff: 2.0, skin: 0.4)
        list.every = 5
        list.check = false
        try list.update(system)  // first build
        var rebuilt = [Bool]()
        for _ in 0..<12 { rebuilt.append(try list.update(system)) }
        #expect(rebuilt == [false, false, false, false, true, false, false, false, false, true, false, false])
        list.check = true
        list.every = 1
        list.delay = 3
        system.positions[0] += 1.0
        try list.build(system)
        system.positions[0] += 1.0
        rebuilt = []
        for _ in 0..<4 { rebuilt.append(try list.update(system)) }
        #expect(rebuilt == [false, false, true, false])
        #expect(list.dangerousBuildCount == 1)
    }

    @Test func overlappingAtomsAreATypedError() throws {
        var system = try randomSystem(10, box: Box(lengths: [6, 6, 6]), seed: 11, minimumSeparation: 1)
        system.positions[9] = system.positions[0] + 6  // atom 3 onto an image of atom 0
        system.positions[10] = system.positions[1]
        system.positions[11] = system.positions[2] - 6e-5
        var list = try NeighborList(cutoff: 2.0, skin: 0.3)
        #expect {
            try list.build(system)
        } throws: { error in
            guard case let AtomisticsError.overlappingAtoms(i, j, d, _)? = error as? AtomisticsError else { return false }
            return i == 0 && j == 3 && d < 1e-4
        }
    }
}

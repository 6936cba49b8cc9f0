import Foundation
import Testing
@testable import Atomistics

@Suite struct PotentialTests {
    /// Two types in a skewed periodic box, unwrapped positions, separations ≥ 0.85σ.
    static func liquid(seed: UInt64 = 21) throws -> System {
        let box = try Box(lammpsLow: [0, 0, 0], high: [5.2, 5.6, 6.0], xy: 0.9, xz: -0.7, yz: 0.5)
        var s = try randomSystem(36, box: box, seed: seed, unwrap: 1, types: 2, minimumSeparation: 0.85)
        try s.setMasses([1, 2])
        return s
    }

    static func twoTypeLJ(_ truncation: PairTruncation) throws -> LennardJones {
        try LennardJones(typeCount: 2, epsilon: [1, 0.7, 0.7, 1.3], sigma: [1, 0.9, 0.9, 1.1],
                         cutoffs: [2.5, 2.2, 2.2, 2.0], truncation: truncation)
    }

    // Forces and virial against finite differences, half against full lists, threads,
    // forcesOnly, per-atom energies and invariances: Tests/ConformanceTests (every potential).

    @Test func truncationsAtTheCutoff() throws {
        // Two atoms along x in a big open box, just inside and just outside r_c = 2.5.
        func pair(_ r: Double, _ t: PairTruncation) throws -> ForceResult {
            let box = try Box(lengths: [20, 20, 20], periodic: [false, false, false])
            let s = try System(positions: [5, 5, 5, 5 + r, 5, 5], types: [0, 0], masses: [1], box: box, units: .lj)
            return try LennardJones(epsilon: 1, sigma: 1, cutoff: 2.5, truncation: t).evaluate(s)
        }
        let u = { (r: Double) in 4 * (pow(r, -12) - pow(r, -6)) }
        let du = { (r: Double) in 4 * (-12 * pow(r, -13) + 6 * pow(r, -7)) }
        let r = 2.5 - 1e-9
        expectClose(try pair(r, .plain).energy, u(r), rtol: 1e-12)
        expectClose(try pair(r, .shifted).energy, 0, atol: 1e-9)
        expectClose(try pair(r, .forceShifted).energy, 0, atol: 1e-15)
        expectClose(try pair(r, .forceShifted).forces[3], 0, atol: 1e-9)
        expectClose(try pair(r, .plain).forces[3], -du(r), rtol: 1e-9)
        #expect(try pair(2.5 + 1e-9, .plain).energy == 0)
        // Inside, the force-shifted energy is u(r) − u(rc) − (r − rc)u'(rc).
        expectClose(try pair(1.3, .forceShifted).energy, u(1.3) - u(2.5) - (1.3 - 2.5) * du(2.5), rtol: 1e-13)
    }

    /// LAMMPS bench/in.lj step 0: fcc at ρ 0.8442 (5×5×5 cells here; per-atom numbers do not
    /// depend on the size of a perfect lattice), lj/cut 2.5, T 1.44 over 3N − 3.
    @Test func lammpsInLJStepZero() throws {
        let a = Lattice.fcc.latticeConstant(density: 0.8442)
        var s = try Lattice.fcc.system(latticeConstant: a, cells: [5, 5, 5], mass: 1, units: .lj)
        var rng = Xoshiro256StarStar(seed: 87287)
        try s.setMaxwellBoltzmannVelocities(temperature: 1.44, using: &rng)
        let lj = try LennardJones(epsilon: 1, sigma: 1, cutoff: 2.5)
        var list = try NeighborList(cutoff: 2.5, skin: 0.3)
        try list.build(s)
        var r = ForceResult(atomCount: s.count, perAtomEnergy: true)
        try lj.compute(s, neighbors: list, into: &r)
        let n = Double(s.count), v = s.box.volume
        let ePerAtom = r.energy / n
        let virialPressure = (r.virial[0] + r.virial[4] + r.virial[8]) / (3 * v)
        let kineticPressure = s.pressure(virial: r.virial) - virialPressure
        // The digits LAMMPS prints: E_pair −6.7733681, virial part −6.235317.
        #expect(abs(ePerAtom - -6.7733681) < 5e-8, "E_pair per atom \(ePerAtom)")
        #expect(abs(virialPressure - -6.235317) < 5e-7, "virial pressure \(virialPressure)")
        expectClose(kineticPressure, (n - 1) / n * 0.8442 * 1.44, rtol: 1e-12)
        expectClose(s.temperature(), 1.44, rtol: 1e-13)
        // For LAMMPS's 32 000 atoms the kinetic part is 31999/32000·ρT: total −5.0197073.
        #expect(abs(virialPressure + 31999.0 / 32000 * 0.8442 * 1.44 - -5.0197073) < 5e-7)
        // A perfect lattice: no force, per-atom energies all equal and summing to the total.
        #expect(r.forces.allSatisfy { abs($0) < 1e-10 })
        #expect(r.perAtomEnergy!.allSatisfy { abs($0 - ePerAtom) < 1e-10 })
        print("in.lj step 0 (\(s.count) atoms): E_pair/N = \(ePerAtom), virial pressure = \(virialPressure), P = \(s.pressure(virial: r.virial))")
    }

    @Test func halfAndFullListsAgree() throws {
        let s = try Self.liquid(seed: 23)
        let lj = try Self.twoTypeLJ(.shifted)
        var half = try NeighborList(cutoff: lj.cutoff, skin: 0.3, kind: .half)
        var full = try NeighborList(cutoff: lj.cutoff, skin: 0.3, kind: .full)
        try half.build(s)
        try full.build(s)
        var a = ForceResult(atomCount: s.count, perAtomEnergy: true), b = a
        try lj.compute(s, neighbors: half, into: &a)
        try lj.compute(s, neighbors: full, into: &b)
        expectClose(b.energy, a.energy, rtol: 1e-12)
        expectClose(b.forces, a.forces, rtol: 1e-10, atol: 1e-11)
        expectClose(b.virial, a.virial, rtol: 1e-12, atol: 1e-12)
        expectClose(b.perAtomEnergy!, a.perAtomEnergy!, rtol: 1e-10, atol: 1e-12)
        expectClose(a.perAtomEnergy!.reduce(0, +), a.energy, rtol: 1e-12)
    }

    @Test func twoThreadsMatchOneAndAreDeterministic() async throws {
        let a = Lattice.fcc.latticeConstant(density: 0.8442)
        var s = try Lattice.fcc.system(latticeConstant: a, cells: [6, 6, 6], mass: 1, units: .lj)
        var rng = Xoshiro256StarStar(seed: 3)
        for k in s.positions.indices { s.positions[k] += 0.1 * (rng.nextUniform() - 0.5) }
        let lj = try LennardJones(epsilon: 1, sigma: 1, cutoff: 2.5)
        let one = try AtomisticsParallel.$threadOverride.withValue(1) { try lj.evaluate(s, perAtomEnergy: true) }
        let two = try AtomisticsParallel.$threadOverride.withValue(2) { try lj.evaluate(s, perAtomEnergy: true) }
        let twoAgain = try AtomisticsParallel.$threadOverride.withValue(2) { try lj.evaluate(s, perAtomEnergy: true) }
        #expect(two == twoAgain)
        expectClose(two.energy, one.energy, rtol: 1e-13)
        expectClose(two.forces, one.forces, rtol: 1e-11, atol: 1e-12)
        expectClose(two.virial, one.virial, rtol: 1e-13)
        expectClose(two.perAtomEnergy!, one.perAtomEnergy!, rtol: 1e-12)
    }

    @Test func forcesOnlyGivesTheSameForces() throws {
        let s = try Self.liquid(seed: 24)
        for lj in [try Self.twoTypeLJ(.plain), try Self.twoTypeLJ(.forceShifted)] {
            var list = try NeighborList(cutoff: lj.cutoff, skin: 0.3)
            try list.build(s)
            var all = ForceResult(atomCount: s.count), forces = all
            forces.forcesOnly = true
            try lj.compute(s, neighbors: list, into: &all)
            try lj.compute(s, neighbors: list, into: &forces)
            #expect(forces.forces == all.forces)
            #expect(forces.energy == 0 && forces.virial.allSatisfy { $0 == 0 })
            #expect(all.energy != 0)
        }
    }

    @Test func smallBoxCountsEveryImage() throws {
        // A 1-atom sc cell of side 1.2 with cutoff 2.5: the energy is the lattice sum over all
        // images within 2.5, computed here directly.
        let s = try Lattice.sc.system(latticeConstant: 1.2, cells: [1, 1, 1], mass: 1, units: .lj)
        let lj = try LennardJones(epsilon: 1, sigma: 1, cutoff: 2.5)
        var want = 0.0
        for i in -3...3 { for j in -3...3 { for k in -3...3 where i != 0 || j != 0 || k != 0 {
            let r = 1.2 * Double(i * i + j * j + k * k).squareRoot()
            if r < 2.5 { want += 0.5 * 4 * (pow(r, -12) - pow(r, -6)) }
        }}}
        expectClose(try lj.evaluate(s).energy, want, rtol: 1e-13)
    }

    @Test func invalidParametersAreTypedErrors() throws {
        #expect(throws: AtomisticsError.self) { try LennardJones(epsilon: 1, sigma: -1, cutoff: 2.5) }
        #expect(throws: AtomisticsError.self) {
            try LennardJones(typeCount: 2, epsilon: [1, 0.5, 0.6, 1], sigma: [1, 1, 1, 1], cutoffs: [2, 2, 2, 2])
        }
        #expect(throws: AtomisticsError.self) { try Morse(depth: 1, alpha: 0, r0: 1, cutoff: 3) }
        // A list shorter than the potential's cutoff.
        let s = try Self.liquid()
        var list = try NeighborList(cutoff: 1.5, skin: 0.2)
        try list.build(s)
        var r = ForceResult(atomCount: s.count)
        #expect(throws: AtomisticsError.self) { try LennardJones(epsilon: 1, sigma: 1, cutoff: 2.5).compute(s, neighbors: list, into: &r) }
        // More system types than the potential has parameters for.
        #expect(throws: AtomisticsError.self) { try LennardJones(epsilon: 1, sigma: 1, cutoff: 2.5).evaluate(s) }
    }
}

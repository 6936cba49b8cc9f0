import Testing
import Atomistics

/// The README's Atomistics snippet runs as printed and gives the in.lj step-0 energy.
@Test func readmeMolecularDynamicsSnippet() throws {
    let a = Lattice.fcc.latticeConstant(density: 0.8442)              // σ
    var system = try Lattice.fcc.system(latticeConstant: a, cells: [4, 4, 4], mass: 1, units: .lj)
    var rng = Xoshiro256StarStar(seed: 87287)
    try system.setMaxwellBoltzmannVelocities(temperature: 1.44, using: &rng)   // exact T over 3N − 3
    let lj = try LennardJones(epsilon: 1, sigma: 1, cutoff: 2.5)        // lj/cut, per type pair if needed
    var forces = try ForceEvaluator(potential: lj, skin: 0.3, units: .lj)
    try forces.evaluate(&system)
    #expect(abs(forces.potentialEnergy / Double(system.count) - -6.7733681) < 5e-8)
    let e0 = system.kineticEnergy + forces.potentialEnergy
    var nve = try VelocityVerlet(timestep: 0.005)
    for _ in 0..<100 { try nve.step(&system, forces: &forces) }
    print(system.temperature(), forces.potentialEnergy / Double(system.count),
          system.pressure(virial: forces.virial), forces.neighbors.buildCount)
    // As in LAMMPS's log: T falls from 1.44 to about 0.76 as the lattice melts, and with the
    // plain (unshifted) cutoff the total energy moves by about 0.009 per atom.
    #expect(system.temperature() > 0.6 && system.temperature() < 0.9)
    #expect(abs(system.kineticEnergy + forces.potentialEnergy - e0) / Double(system.count) < 0.02)
}

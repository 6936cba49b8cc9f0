import Atomistics
import Foundation
import Testing
@testable import SymmdDeck

/// An NVT stage, an MTTK stage and a c-rescale stage (50 steps): restarts must cross into and
/// through NPT bit-identically, barostat state (ω̇, chains, generator, energy account) included.
private let nptStages = """
    [[run]]
    integrator = "csvr"
    timestep = 0.004
    steps = 10
    temperature = 1.0
    tau = 0.2

    [[run]]
    integrator = "nose-hoover"
    timestep = 0.004
    steps = 20
    temperature = 1.0
    tau = 0.4
    barostat = { kind = "mttk", pressure = 1.5, tau = 1.0, coupling = "aniso" }

    [[run]]
    integrator = "langevin"
    timestep = 0.004
    steps = 20
    temperature = 1.0
    damping = 0.5
    barostat = { kind = "c-rescale", pressure = 1.5, tau = 0.5, compressibility = 0.05 }
    """

@Suite struct BarostatDeckTests {
    @Test(arguments: [25, 40])
    func restartThroughNPTIsBitIdentical(stopAt: Int) throws {
        let output = """
            [output]
            thermo = { file = "thermo.csv", every = 5, extra = ["density", "lx", "pxy"] }
            checkpoint = { file = "run.ckpt", every = \(stopAt) }
            """
        let text = ljDeck(run: nptStages, output: output).replacingOccurrences(of: "every = 20\ncheck = false", with: "every = 1\ncheck = true")
        let a = try tempDir("nptA"), b = try tempDir("nptB")
        let whole = try RunDriver(deck: try RunDeck(contentsOf: try writeDeck(text, in: a)))
        try whole.run()
        let deckB = try RunDeck(contentsOf: try writeDeck(text, in: b))
        try RunDriver(deck: deckB).run(stopAtStep: stopAt)
        let resumed = try RunDriver(deck: deckB, restart: b.appendingPathComponent("run.ckpt"))
        try resumed.run()
        let x = whole.state.system, y = resumed.state.system
        #expect(x.step == 50 && y.step == 50)
        #expect(x.box.vectors.map(\.bitPattern) == y.box.vectors.map(\.bitPattern))
        #expect(x.positions.map(\.bitPattern) == y.positions.map(\.bitPattern))
        #expect(x.velocities.map(\.bitPattern) == y.velocities.map(\.bitPattern))
        let ta = try String(contentsOf: a.appendingPathComponent("thermo.csv"), encoding: .utf8)
        let tb = try String(contentsOf: b.appendingPathComponent("thermo.csv"), encoding: .utf8)
        #expect(ta == tb)
        // The cell moved, and the CSV says so: volume first among the extras.
        let lines = ta.split(separator: "\n")
        #expect(lines[0] == "step,time,temperature,potential_energy,kinetic_energy,total_energy,pressure,conserved,volume,density,lx,pxy")
        let volumes = lines.dropFirst().map { Double($0.split(separator: ",")[8])! }
        #expect(Set(volumes).count > 5)
        let last = lines.last!.split(separator: ",").map { Double($0)! }
        expectCloseDeck(last[9], 108 / last[8], rtol: 1e-12)  // density = N·m/V in lj
    }

    /// `[minimize] relax_cell`: Cu_u3.eam's fcc cell relaxes to its lattice constant 3.615 Å (the
    /// funcfl file's own) from a squeezed or stretched start, the stress to the target pressure.
    @Test(arguments: [("iso", 3.50, 0.0), ("aniso", 3.70, 0.0), ("tri", 3.66, 0.0), ("iso", 3.615, 20_000.0)])
    func cellRelaxationReachesTheTargetPressure(coupling: String, a: Double, pressure: Double) throws {
        let dir = try tempDir("relax")
        let text = try cuEAMDeck(in: dir, a: a, tables: "[minimize]\nftol = 1e-6\nmax_steps = 3000\nrelax_cell = \"\(coupling)\"\npressure = \(pressure)")
        let driver = try RunDriver(deck: try RunDeck(contentsOf: try writeDeck(text, in: dir)))
        #expect(driver.minimization?.converged == true)
        let s = driver.state.system
        let p = s.pressureTensor(virial: driver.forces.virial)
        for (k, target) in [(0, pressure), (4, pressure), (8, pressure), (1, 0.0), (2, 0.0), (5, 0.0)] {
            #expect(abs(p[k] - target) < 5, "P[\(k)] = \(p[k]) bar, target \(target)")
        }
        if pressure == 0 { expectCloseDeck(s.box.vectors[0] / 3, 3.615, rtol: 1e-5) }
        else { #expect(s.box.vectors[0] / 3 < 3.60) }
        #expect(s.box.isLAMMPSRestricted)
    }

    @Test func deckErrorsNameTheBarostatKey() throws {
        let dir = try tempDir("baro-errors")
        func error(_ barostat: String, integrator: String = "nose-hoover", output: String = "") throws -> DeckError {
            let run = "[[run]]\nintegrator = \"\(integrator)\"\ntimestep = 0.004\nsteps = 5\ntemperature = 1.0\ntau = 0.5\nbarostat = \(barostat)\n"
            return try deckError(ljDeck(run: run, output: output), dir: dir)
        }
        var e = try error("{ kind = \"mttk\", pressure = 1.0, tau = 1.0 }", integrator: "langevin")
        #expect(e.key == "run[1].barostat.kind" && e.description.contains("nose-hoover"))
        e = try error("{ kind = \"c-rescale\", pressure = 1.0, tau = 1.0 }", integrator: "csvr")
        #expect(e.key == "run[1].barostat.compressibility" && e.kind == .missingKey)
        e = try error("{ kind = \"c-rescale\", pressure = 1.0, tau = 1.0, compressibility = 0.1, coupling = \"tri\" }", integrator: "csvr")
        #expect(e.key == "run[1].barostat.coupling")
        e = try error("{ kind = \"mttk\", pressure = 1.0 }")
        #expect(e.key == "run[1].barostat.tau" && e.kind == .missingKey)
        e = try error("{ kind = \"npt\", pressure = 1.0, tau = 1.0 }")
        #expect(e.key == "run[1].barostat.kind")
        e = try error("{ kind = \"mttk\", pressure = 1.0, tau = 1.0 }", output: "[output]\nthermo = { extra = [\"volumen\"] }")
        #expect(e.key == "output.thermo.extra" && e.description.contains("volumen"))
    }
}

/// |a − b| ≤ rtol·|b|.
private func expectCloseDeck(_ a: Double, _ b: Double, rtol: Double, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(abs(a - b) <= rtol * abs(b), "\(a) vs \(b)", sourceLocation: sourceLocation)
}

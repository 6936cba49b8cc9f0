import Foundation
import Testing
import TrajectoryIO
@testable import SymmdDeck

/// A `.ncrst` checkpoint: an AMBER restart other programs read, carrying symmd's whole state.
@Suite("checkpoint as an AMBER .ncrst restart")
struct AmberRestartCheckpointTests {
    let stages = threeThermostatStages
    let output = """
        [output]
        thermo = { file = "thermo.csv", every = 3 }
        trajectory = { file = "traj.nc", every = 4, velocities = true }
        checkpoint = { file = "run.ncrst", every = 20 }
        """

    @Test("--restart run.ncrst continues bit-identically through stochastic thermostats and a stage change")
    func restartFromNcrstIsBitIdentical() throws {
        let text = ljDeck(cells: 2, run: stages, output: output)
        let a = try tempDir("ncrstA"), b = try tempDir("ncrstB")
        let whole = try RunDriver(deck: try RunDeck(contentsOf: try writeDeck(text, in: a)))
        try whole.run()
        let deckB = try RunDeck(contentsOf: try writeDeck(text, in: b))
        try RunDriver(deck: deckB).run(stopAtStep: 27)  // checkpoint at 20, in the csvr stage
        let rst = b.appendingPathComponent("run.ncrst")

        // Other programs see a plain AMBER restart of step 20 in double precision.
        let amber = try AmberRestart(contentsOf: rst)
        #expect(amber.extraState != nil && amber.title.contains("step 20"))
        let saved = try RunState(contentsOf: rst)
        #expect(saved.system.step == 20 && saved.stageIndex == 1 && saved.stepInStage == 10)
        #expect(amber.positions == saved.system.positions)
        #expect(amber.time == saved.system.time)

        let resumed = try RunDriver(deck: deckB, restart: rst)
        try resumed.run()
        let x = whole.state.system, y = resumed.state.system
        #expect(x.step == 40 && y.step == 40)
        for (name, u, v) in [("positions", x.positions, y.positions), ("velocities", x.velocities, y.velocities),
                             ("forces", x.forces, y.forces)] {
            #expect(u.map(\.bitPattern) == v.map(\.bitPattern), "\(name) differ")
        }
        let ta = try String(contentsOf: a.appendingPathComponent("thermo.csv"), encoding: .utf8)
        let tb = try String(contentsOf: b.appendingPathComponent("thermo.csv"), encoding: .utf8)
        #expect(ta == tb)
        let na = try AmberNetCDFReader(a.appendingPathComponent("traj.nc")).frames()
        let nb = try AmberNetCDFReader(b.appendingPathComponent("traj.nc")).frames()
        #expect(na == nb)
    }

    @Test("an AMBER restart without symmd's state is refused naming the file and the reason")
    func foreignRestartRefused() throws {
        let dir = try tempDir("ncrst-foreign")
        let url = dir.appendingPathComponent("other.ncrst")
        try AmberRestart(positions: [0, 0, 0, 1, 1, 1]).write(to: url)
        #expect(throws: DeckError.self) { _ = try RunState(contentsOf: url) }
        do { _ = try RunState(contentsOf: url) } catch let e as DeckError {
            #expect(e.description.contains(url.path) && e.description.contains("symmd_state"), "\(e)")
        }
        let junk = dir.appendingPathComponent("junk.ncrst")
        try Data("CDF\u{2}not really".utf8).write(to: junk)
        do { _ = try RunState(contentsOf: junk); Issue.record("should fail") } catch let e as DeckError {
            #expect(e.description.contains(junk.path), "\(e)")
        }
    }
}

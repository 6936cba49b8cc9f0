import Foundation
import SymmdDeck
import Testing

/// Clean stops: a stop request (SIGINT/SIGTERM in the CLI) or the wall-time limit finishes the
/// step under way, writes a checkpoint and the final thermo row, and a restart continues the same
/// trajectory bit for bit.
@Suite("Clean stops")
struct CleanStopTests {
    static let output = """
        [output]
        thermo = { file = "thermo.csv", every = 5 }
        trajectory = { file = "traj.extxyz", every = 4 }
        checkpoint = { file = "run.ckpt", every = 1000 }
        """

    @Test("A stop request ends the run after that step: checkpoint, last thermo row; the restart equals an uninterrupted run")
    func stopRequest() throws {
        let a = try tempDir("stop-whole"), b = try tempDir("stop-part")
        let text = ljDeck(run: threeThermostatStages, output: Self.output)
        let whole = try RunDriver(deck: try RunDeck(contentsOf: try writeDeck(text, in: a)))
        try whole.run()
        let deckB = try RunDeck(contentsOf: try writeDeck(text, in: b))
        let first = try RunDriver(deck: deckB)
        var steps = 0
        let summary = try first.run(shouldStop: { steps += 1; return steps > 17 })
        #expect(summary.stopReason == "interrupted" && summary.finalStep == 18)
        #expect(summary.stopCheckpoint == b.appendingPathComponent("run.ckpt").standardizedFileURL)
        let csv = try String(contentsOf: b.appendingPathComponent("thermo.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").last!.hasPrefix("18,"), "the final row is the stop step's")
        let resumed = try RunDriver(deck: deckB, restart: b.appendingPathComponent("run.ckpt"))
        #expect(resumed.state.system.step == 18)
        try resumed.run()
        let x = whole.state.system, y = resumed.state.system
        #expect(x.step == y.step)
        #expect(x.positions.map(\.bitPattern) == y.positions.map(\.bitPattern))
        #expect(x.velocities.map(\.bitPattern) == y.velocities.map(\.bitPattern))
        let ta = try String(contentsOf: a.appendingPathComponent("traj.extxyz"), encoding: .utf8)
        let tb = try String(contentsOf: b.appendingPathComponent("traj.extxyz"), encoding: .utf8)
        #expect(ta == tb, "the trajectory of the interrupted and resumed run equals the uninterrupted one")
    }

    @Test("The wall-time limit stops a long run cleanly, with a checkpoint where the deck names none")
    func walltime() throws {
        let dir = try tempDir("walltime")
        let run = "[[run]]\nintegrator = \"verlet\"\ntimestep = 0.002\nsteps = 100000000\n"
        let output = "[output]\nthermo = { file = \"thermo.csv\", every = 1000 }\nwalltime = \"00:00:01\"\n"
        let deck = try RunDeck(contentsOf: try writeDeck(ljDeck(cells: 2, run: run, output: output), in: dir))
        #expect(deck.walltime == 1)
        let start = Date()
        let summary = try RunDriver(deck: deck).run()
        #expect(Date().timeIntervalSince(start) < 1.5)
        #expect(summary.stopReason == "walltime" && summary.finalStep > 0)
        let ckpt = dir.appendingPathComponent("interrupted.ckpt")
        #expect(summary.stopCheckpoint?.standardizedFileURL == ckpt.standardizedFileURL)
        #expect(try RunDriver(deck: deck, restart: ckpt).state.system.step == summary.finalStep)
    }

    @Test("Wall-time values: HH:MM:SS, MM:SS, seconds; nonsense refused at the key")
    func walltimeParsing() throws {
        #expect(Walltime.seconds("11:55:00") == 42_900)
        #expect(Walltime.seconds("01:30") == 90)
        #expect(Walltime.seconds("45") == 45)
        for bad in ["", "1:75:00", "-1", "ten", "0", "1:2:3:4"] { #expect(Walltime.seconds(bad) == nil, "\(bad)") }
        let dir = try tempDir("walltime-bad")
        let url = try writeDeck(ljDeck(output: "[output]\nwalltime = \"2 hours\"\n"), in: dir)
        let e = #expect(throws: DeckError.self) { try RunDeck(contentsOf: url) }
        #expect(e?.key == "output.walltime" && e?.description.contains("HH:MM:SS") == true, "\(String(describing: e))")
    }
}

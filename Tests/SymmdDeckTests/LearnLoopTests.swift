import Foundation
import Testing
@testable import SymmdDeck

/// `symmd learn` on a tiny copper loop: EAM (`symmd label`) as the labeller.
@Suite("active-learning loop")
struct LearnLoopTests {
    /// The loop's folder: fit deck, EAM labeller deck, loop deck with `labeller` given.
    static func setUp(_ name: String, labeller: String? = nil) throws -> URL {
        let dir = try tempDir(name)
        let data = fixtures.appendingPathComponent("cu-emt-3.extxyz").path
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("Cu_u3.eam"), to: dir.appendingPathComponent("Cu_u3.eam"))
        _ = try FitRunnerTests.deck(in: dir, steps: 20)   // writes fit.toml
        try "units = \"metal\"\n[potential]\nkind = \"eam\"\nfile = \"Cu_u3.eam\"\nelements = [\"Cu\"]\n"
            .write(to: dir.appendingPathComponent("eam.toml"), atomically: true, encoding: .utf8)
        let bin = try #require(symmdBinary).path
        try """
            fit = "fit.toml"
            labeller = "\(labeller ?? "\(bin) label --deck eam.toml {in} {out}")"
            work = "work"
            models = 2
            iterations = 2
            trust_lo = 0.0
            trust_hi = 100.0
            max_candidates = 2
            stop_fraction = 0.0
            seed = 5
            holdout = "\(data)"
            [[explore]]
            structure = "\(data)"
            temperatures = [300]
            steps = 10
            timestep = 0.001
            every = 5
            """.write(to: dir.appendingPathComponent("learn.toml"), atomically: true, encoding: .utf8)
        return dir
    }

    /// Killed after any phase and started again, the loop ends exactly where an uninterrupted one
    /// does (training and exploration are seeded; a phase is done or redone whole).
    @Test(.timeLimit(.minutes(5)))
    func resumesWhereItStopped() throws {
        let whole = try Self.setUp("learn-whole")
        let loop = try LearnLoop(deck: try LearnDeck(contentsOf: whole.appendingPathComponent("learn.toml")))
        try loop.run()
        #expect(loop.state.finished == "budget" && loop.state.history.count == 2)
        #expect(loop.state.history.map(\.labelled) == [2, 2] && loop.state.history.map(\.trainingFrames) == [3, 5])
        #expect(loop.state.history.allSatisfy { $0.holdoutForceRMSE != nil && $0.explored == 3 })

        let killed = try Self.setUp("learn-killed")
        let deck = try LearnDeck(contentsOf: killed.appendingPathComponent("learn.toml"))
        for (i, phase) in [(0, "explore"), (0, "label"), (1, "train"), (1, "select")] {
            try LearnLoop(deck: deck).run(stopAfter: (i, phase))
        }
        // A half-written exploration (a kill inside the phase) is redone, not trusted.
        try? FileManager.default.removeItem(at: killed.appendingPathComponent("work/iter.001/explore.000/done"))
        let resumed = try LearnLoop(deck: deck)
        try resumed.run()
        #expect(resumed.state.history == loop.state.history)
    }

    /// `init_from_previous`: iteration 1's fits start from iteration 0's models, so their error at
    /// the first display is below a fresh start's.
    @Test(.timeLimit(.minutes(3)))
    func initFromPrevious() throws {
        func firstForceRMSE(_ flag: Bool) throws -> Double {
            let dir = try Self.setUp(flag ? "learn-init" : "learn-fresh")
            let url = dir.appendingPathComponent("learn.toml")
            if flag {
                try ("init_from_previous = true\n" + (try String(contentsOf: url, encoding: .utf8))).write(to: url, atomically: true, encoding: .utf8)
            }
            let deck = try LearnDeck(contentsOf: url)
            #expect(deck.initFromPrevious == flag)
            try LearnLoop(deck: deck).run(stopAfter: (1, "train"))
            let curve = try String(contentsOf: dir.appendingPathComponent("work/iter.001/train.0/lcurve.csv"), encoding: .utf8)
            let row = curve.split(separator: "\n")[2].split(separator: ",")
            return Double(row[3])!   // rmse_f_trn at the first display after step 0
        }
        let fresh = try firstForceRMSE(false), continued = try firstForceRMSE(true)
        #expect(continued < fresh, "force RMSE at the first display: continued \(continued), fresh \(fresh)")
    }

    /// `pressures` in an exploration: one NPT run (c-rescale) per temperature × pressure.
    @Test(.timeLimit(.minutes(3)))
    func npTExploration() throws {
        let dir = try Self.setUp("learn-npt")
        let deckURL = dir.appendingPathComponent("learn.toml")
        let text = try String(contentsOf: deckURL, encoding: .utf8).replacingOccurrences(of: "every = 5", with: "every = 5\npressures = [0, 20000]")
        try text.write(to: deckURL, atomically: true, encoding: .utf8)
        let deck = try LearnDeck(contentsOf: deckURL)
        #expect(deck.explorations[0].pressures == [0, 20000])
        try LearnLoop(deck: deck).run(stopAfter: (0, "select"))
        let runs = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("work/iter.000").path).filter { $0.hasPrefix("explore.") }
        #expect(runs.count == 2)
        let explore = try String(contentsOf: dir.appendingPathComponent("work/iter.000/explore.001/explore.toml"), encoding: .utf8)
        #expect(explore.contains("kind = \"c-rescale\", pressure = 20000.0"))
        #expect(try LearnLoop(deck: deck).state.current?.explored == 6)
    }

    /// A labeller that fails, or writes frames without forces: one message, the state untouched.
    @Test(.timeLimit(.minutes(5)))
    func badLabellersLeaveTheStateUntouched() throws {
        for (labeller, words) in [("false {in} {out}", "the labeller failed (exit 1)"),
                                  ("cp {in} {out}", "no energy")] {
            let dir = try Self.setUp("learn-bad", labeller: labeller)
            let deck = try LearnDeck(contentsOf: dir.appendingPathComponent("learn.toml"))
            let loop = try LearnLoop(deck: deck)
            do {
                try loop.run()
                Issue.record("\(labeller): the loop should have stopped")
            } catch let e as LearnError {
                #expect(e.description.contains(words) && e.description.contains("state is unchanged"), "\(e)")
            }
            let state = try LearnLoop(deck: deck).state
            #expect(state.iteration == 0 && state.phase == "label" && state.added.isEmpty)
        }
    }
}

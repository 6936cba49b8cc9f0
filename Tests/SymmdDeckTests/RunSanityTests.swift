import Atomistics
import Foundation
import Testing
import TrajectoryIO
@testable import SymmdDeck

@Suite struct RunSanityTests {
    /// A timestep 40× too large stops at the first bad step, naming the atom, the skin and a
    /// smaller timestep; the trajectory's last frame is the truly good one before it.
    @Test func anExplodingRunStopsAtTheFirstBadStep() throws {
        let dir = try tempDir("explode")
        let text = ljDeck(run: "[[run]]\nintegrator = \"verlet\"\ntimestep = 0.2\nsteps = 50\n",
                          output: "[output]\ntrajectory = { file = \"traj.extxyz\", every = 10 }")
        let driver = try RunDriver(deck: try RunDeck(contentsOf: try writeDeck(text, in: dir)))
        do {
            try driver.run()
            Issue.record("the run should have stopped")
        } catch let e as DeckError {
            #expect(e.kind == .runFailed)
            #expect(e.key == "step 1", "\(e)")
            #expect(e.description.contains("half the neighbor skin") || e.description.contains("kinetic energy jumped"))
            #expect(e.description.contains("try 0.02"))
        }
        let text2 = try String(contentsOf: dir.appendingPathComponent("traj.extxyz"), encoding: .utf8)
        #expect(!text2.contains("nan") && !text2.contains("NaN"))
        let frames = try ExtXYZ.read(dir.appendingPathComponent("traj.extxyz"))
        #expect(frames.last?.info["last_good"] == .logical(true))
    }

    /// A lattice constant typed in nm: warned at step 0 (nearest distance, pressure), not silent.
    @Test func absurdStartsAreWarned() throws {
        let dir = try tempDir("absurd")
        let text = try cuEAMDeck(in: dir, a: 0.3615)
        let box = Box_(); let warn: @Sendable (String) -> Void = { box.append($0) }
        _ = try RunDriver(deck: try RunDeck(contentsOf: try writeDeck(text, in: dir), warn: warn))
        let w = box.all
        #expect(w.contains { $0.contains("Å apart") && $0.contains("nm") }, "\(w)")
        #expect(w.contains { $0.contains("starting pressure") }, "\(w)")
        // A sane start says nothing.
        let sane = Box_()
        _ = try RunDriver(deck: try RunDeck(contentsOf: try writeDeck(text.replacingOccurrences(of: "0.3615", with: "3.615"), in: dir),
                                            warn: { sane.append($0) }))
        #expect(sane.all.isEmpty, "\(sane.all)")
    }

    /// A second run writing the same files is refused before it touches them.
    @Test func aSecondRunOnTheSameOutputsIsRefused() throws {
        let dir = try tempDir("lock")
        let text = ljDeck(output: "[output]\nthermo = { file = \"thermo.csv\", every = 1 }")
        let deck = try RunDeck(contentsOf: try writeDeck(text, in: dir))
        let first = try RunDriver(deck: deck)
        let before = try String(contentsOf: dir.appendingPathComponent("thermo.csv"), encoding: .utf8)
        do {
            _ = try RunDriver(deck: deck)
            Issue.record("the second run should have been refused")
        } catch let e as DeckError {
            #expect(e.key == "output.thermo.file")
            #expect(e.description.contains("another symmd run"))
        }
        #expect(try String(contentsOf: dir.appendingPathComponent("thermo.csv"), encoding: .utf8) == before)
        try first.run()
        // Once the first has finished, the files are free again.
        try RunDriver(deck: deck).run()
    }
}

/// A thread-safe list of warnings.
private final class Box_: @unchecked Sendable {
    private var items: [String] = []
    private let lock = NSLock()
    func append(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
}

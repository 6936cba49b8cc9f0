import Atomistics
import Foundation
import NeuralPotentials
import Testing
@testable import SymmdDeck

/// Committee model deviation (DeePMD-kit's definitions and file layout).
@Suite("model deviation")
struct ModelDeviationTests {
    /// Three untrained models of one architecture (different seeds) on the fixture frames.
    static func committee(in dir: URL) throws -> [URL] {
        let deck = try FitRunnerTests.deck(in: dir, steps: 1)
        return try (1...3).map { seed in
            let url = dir.appendingPathComponent("m\(seed).sdp")
            try deck.initialModel(seed: UInt64(seed)).write(to: url.path)
            return url
        }
    }

    /// `symmd model devi` equals the deviation computed here from each model's own `symmd eval`
    /// on the same frames (population std over the models, DeePMD-kit's formulas), in DeePMD-kit's
    /// layout.
    @Test(.timeLimit(.minutes(3)))
    func modelDeviEqualsDirectComputationFromEval() throws {
        let dir = try tempDir("devi")
        let models = try Self.committee(in: dir)
        let data = fixtures.appendingPathComponent("cu-emt-3.extxyz")
        let out = dir.appendingPathComponent("model_devi.out")
        let r = try runSymmd(["model", "devi", "-m"] + models.map(\.path) + ["-s", data.path, "-o", out.path, "--frequency", "10"])
        #expect(r.status == 0, "\(r.err)")
        let text = try String(contentsOf: out, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines[0] == "#       step         max_devi_v         min_devi_v         avg_devi_v         max_devi_f         min_devi_f         avg_devi_f             devi_e")
        let rows = try ModelDeviation.read(text, file: out.path)
        #expect(rows.map(\.step) == [0, 10, 20])
        #expect(lines[1].count == 12 + 7 * 19)
        for (frame, row) in rows.enumerated() {
            // Each model's own eval of this frame.
            var e = [Double](), f = [[Double]](), w = [[Double]]()
            var n = 0
            for m in models {
                let j = try runSymmd(["eval", "--model", m.path, "--structure", data.path, "--frame", "\(frame)", "--json"])
                let obj = try #require(try JSONSerialization.jsonObject(with: Data(j.out.utf8)) as? [String: Any])
                n = obj["natoms"] as! Int
                e.append(obj["energy"] as! Double)
                f.append((obj["forces"] as! [[Double]]).flatMap { $0 })
                w.append(obj["virial"] as! [Double])
            }
            func std(_ v: [Double]) -> Double {
                let m = v.reduce(0, +) / Double(v.count)
                return (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count)).squareRoot()
            }
            let perAtom = (0..<n).map { i in (0..<3).map { c in pow(std(f.map { $0[3 * i + c] }), 2) }.reduce(0, +).squareRoot() }
            let sigma = (0..<9).map { c in std(w.map { $0[c] / Double(n) }) }
            let expected = [sigma.max()!, sigma.min()!, sigma.map { $0 * $0 }.reduce(0, +).squareRoot() / 3,
                            perAtom.max()!, perAtom.min()!, perAtom.reduce(0, +) / Double(n), std(e.map { $0 / Double(n) })]
            for (a, b) in zip(row.values, expected) {
                #expect(abs(a - b) <= 1e-6 * abs(b) + 1e-300, "frame \(frame): \(a) vs \(b)")   // %19.6e
            }
            #expect(expected[3] > 0, "untrained models must disagree")
        }
    }

    /// A run deck's `committee` with `[output] model_devi` and `symmd model devi` on that run's
    /// trajectory give the same file.
    @Test(.timeLimit(.minutes(3)))
    func committeeInARunEqualsModelDeviOnItsTrajectory() throws {
        let dir = try tempDir("devi-run")
        let models = try Self.committee(in: dir)
        let deck = """
            units = "metal"
            seed = 5
            [system]
            lattice = "fcc"
            a = 3.61
            cells = [2, 2, 2]
            element = "Cu"
            temperature = 300.0
            [potential]
            kind = "deep"
            file = "m1.sdp"
            committee = ["m2.sdp", "m3.sdp"]
            [[run]]
            integrator = "langevin"
            timestep = 0.0002
            steps = 12
            temperature = 300.0
            damping = 0.1
            [output]
            trajectory = { file = "traj.extxyz", every = 3 }
            model_devi = { file = "run_devi.out", every = 3 }
            """
        let driver = try RunDriver(deck: try RunDeck(contentsOf: try writeDeck(deck, in: dir)))
        try driver.run()
        let offline = dir.appendingPathComponent("offline_devi.out")
        let r = try runSymmd(["model", "devi", "-m"] + models.map(\.path)
                             + ["-s", dir.appendingPathComponent("traj.extxyz").path, "-o", offline.path, "--frequency", "3"])
        #expect(r.status == 0, "\(r.err)")
        let inRun = try String(contentsOf: dir.appendingPathComponent("run_devi.out"), encoding: .utf8)
        let after = try String(contentsOf: offline, encoding: .utf8)
        #expect(inRun.split(separator: "\n").count == 1 + 5)
        // The same numbers to the file's 7 digits; zero-force rows (the perfect lattice at step 0)
        // differ only in their rounding noise (1e-17 eV/Å).
        let a = try ModelDeviation.read(inRun, file: "run"), b = try ModelDeviation.read(after, file: "offline")
        #expect(a.map(\.step) == b.map(\.step) && a.map(\.step) == [0, 3, 6, 9, 12])
        for (x, y) in zip(a, b) {
            for (u, v) in zip(x.values, y.values) { #expect(abs(u - v) <= 1e-6 * abs(v) + 1e-12, "step \(x.step): \(u) vs \(v)") }
        }
        #expect(a.last!.values[3] > 1e-5, "the models disagree once the atoms move")
        // Without a committee the output is refused naming the key.
        let plain = deck.replacingOccurrences(of: "committee = [\"m2.sdp\", \"m3.sdp\"]\n", with: "")
        let e = try deckError(plain, dir: dir)
        #expect(e.key == "output.model_devi" && e.description.contains("committee"))
        // …before any output was touched: the earlier run's trajectory is intact.
        #expect(try String(contentsOf: dir.appendingPathComponent("traj.extxyz"), encoding: .utf8).hasPrefix("32\n"))
        // DP-GEN's selection from the run's own file and trajectory.
        let sel = try runSymmd(["select", "--devi", dir.appendingPathComponent("run_devi.out").path,
                                "--traj", dir.appendingPathComponent("traj.extxyz").path, "--trust-lo", "1e-4", "--trust-hi", "3e-4",
                                "--max", "1", "--seed", "3", "-o", dir.appendingPathComponent("cand.extxyz").path])
        #expect(sel.status == 0 && sel.out.contains("5 frames: accurate 1 (20.00%), candidate 2 (40.00%), failed 2 (40.00%); 1 candidates"), "\(sel.out) \(sel.err)")
        let cand = try String(contentsOf: dir.appendingPathComponent("cand.extxyz"), encoding: .utf8)
        #expect(cand.split(separator: "\n").filter { $0 == "32" }.count == 1)
    }

    /// The formulas on numbers worked by hand: two models, one atom; DeePMD-kit's relative levels.
    @Test func formulasByHand() {
        // F = (1, 0, 0) and (3, 0, 0): std = 1 per x, mean ‖⟨F⟩‖ = 2; energies 2 and 4 over N = 1: std 1.
        let w1 = [Double](repeating: 0, count: 9), w2 = [4.0, 0, 0, 0, 0, 0, 0, 0, 0]
        let d = ModelDeviation(energies: [2, 4], forces: [[1, 0, 0], [3, 0, 0]], virials: [w1, w2], atoms: 1)
        #expect(d.maxForce == 1 && d.minForce == 1 && d.avgForce == 1 && d.energy == 1)
        #expect(d.maxVirial == 2 && d.minVirial == 0 && abs(d.avgVirial - 2.0 / 3) < 1e-15)
        let r = ModelDeviation(energies: [2, 4], forces: [[1, 0, 0], [3, 0, 0]], virials: [w1, w2], atoms: 1, relative: 0.5, relativeVirial: 1)
        #expect(abs(r.maxForce - 1 / (2 + 0.5)) < 1e-15)       // ‖⟨F⟩‖ = 2
        #expect(abs(r.maxVirial - 2 / (2 + 1)) < 1e-15)       // ‖⟨W⟩/N‖ = 2
        #expect(d.line(step: 7).hasPrefix("           7       2.000000e+00"))
    }

    /// Committees that cannot be compared, and a malformed file, are refused naming why.
    @Test func badCommittees() throws {
        let dir = try tempDir("devi-bad")
        let models = try Self.committee(in: dir)
        let cu = try DeepPotential(contentsOf: models[0].path)
        let other = try DeepPotential(contentsOf: "\(fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path)/potentials/cuau-emt-se.sdp")
        #expect(throws: NeuralPotentialError.self) { try Committee([cu, other], names: ["a", "b"]) }
        do { _ = try Committee([cu, other], names: ["a.sdp", "b.sdp"]) } catch {
            #expect("\(error)".contains("type map"))
        }
        #expect(throws: NeuralPotentialError.self) { try Committee([cu], names: ["a"]) }
        #expect(throws: NeuralPotentialError.self) { try ModelDeviation.read("#\n 1 2 3\n", file: "x") }
    }
}

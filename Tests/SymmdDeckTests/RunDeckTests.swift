import Atomistics
import Foundation
import Testing
import TrajectoryIO
@testable import SymmdDeck

/// The fixtures folder (Cu_u3.eam, a 256-atom Cu extxyz, a structure with overlapping atoms).
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

/// A fresh temporary folder for one test.
func tempDir(_ name: String) throws -> URL {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("symmd-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
    return d
}

/// Writes `text` as `deck.toml` in `dir`.
func writeDeck(_ text: String, in dir: URL, name: String = "deck.toml") throws -> URL {
    let url = dir.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url
}

/// A small LJ deck (fcc ρ 0.8442, cells³ cells); `extra` is inserted at the top level, `run` replaces the stages.
func ljDeck(cells: Int = 3, run: String = "[[run]]\nintegrator = \"verlet\"\ntimestep = 0.005\nsteps = 10\n",
            output: String = "", system: String = "") -> String {
    """
    units = "lj"
    seed = 87287

    [system]
    lattice = "fcc"
    density = 0.8442
    cells = [\(cells), \(cells), \(cells)]
    mass = 1.0
    temperature = 1.44
    \(system)

    [potential]
    kind = "lj"
    epsilon = 1.0
    sigma = 1.0
    cutoff = 2.5

    [neighbors]
    skin = 0.3
    every = 20
    check = false

    \(run)
    \(output)
    """
}

/// Three LJ stages (Langevin, CSVR, Nosé–Hoover; 40 steps): restarts must cross stage
/// boundaries and stochastic thermostats bit-identically.
let threeThermostatStages = """
    [[run]]
    integrator = "langevin"
    timestep = 0.004
    steps = 10
    temperature = 1.0
    damping = 0.5

    [[run]]
    integrator = "csvr"
    timestep = 0.004
    steps = 20
    temperature = 1.2
    tau = 0.2

    [[run]]
    integrator = "nose-hoover"
    timestep = 0.005
    steps = 10
    temperature = 1.1
    tau = 0.5
    """

/// A metal deck of 3×3×3 fcc Cu cells at lattice constant `a` (Å) with Cu_u3.eam (copied into
/// `dir`); `tables` are inserted before the stages, `run` replaces them.
func cuEAMDeck(in dir: URL, a: Double, tables: String = "", run: String = "[[run]]\nsteps = 0") throws -> String {
    let eam = dir.appendingPathComponent("Cu_u3.eam")
    if !FileManager.default.fileExists(atPath: eam.path) {
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("Cu_u3.eam"), to: eam)
    }
    return """
        units = "metal"
        [system]
        lattice = "fcc"
        a = \(a)
        cells = [3, 3, 3]
        element = "Cu"
        [potential]
        kind = "eam"
        file = "Cu_u3.eam"
        elements = ["Cu"]
        \(tables)
        \(run)
        """
}

/// Parses `text` and returns the `DeckError` it throws.
func deckError(_ text: String, dir: URL) throws -> DeckError {
    let url = try writeDeck(text, in: dir)
    do {
        _ = try RunDriver(deck: try RunDeck(contentsOf: url))
    } catch let e as DeckError {
        return e
    }
    Issue.record("expected a DeckError")
    return DeckError(.syntax, file: "", key: "", expected: "", found: "")
}

@Suite struct DeckErrorTests {
    @Test func unknownKeyNamesKeyAndLine() throws {
        let dir = try tempDir("unknown")
        let text = ljDeck().replacingOccurrences(of: "cutoff = 2.5", with: "cutoff = 2.5\ncutof = 3.0")
        let e = try deckError(text, dir: dir)
        #expect(e.kind == .unknownKey)
        #expect(e.key == "potential.cutof")
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("cutof =") }! + 1
        #expect(e.line == line)
        #expect(e.description.contains("deck.toml:\(line): unknown key 'potential.cutof'"))
    }

    /// A misspelled key or value gets the nearest valid one suggested; a far-off one does not.
    @Test func didYouMean() throws {
        let dir = try tempDir("didyoumean")
        var e = try deckError(ljDeck().replacingOccurrences(of: "cutoff = 2.5", with: "cutof = 2.5"), dir: dir)
        #expect(e.description.contains("did you mean 'cutoff'?"), "\(e)")
        e = try deckError(ljDeck(run: "[[run]]\nintegrator = \"verlett\"\ntimestep = 0.005\nsteps = 10\n"), dir: dir)
        #expect(e.description.contains("did you mean \"verlet\"?"), "\(e)")
        e = try deckError(ljDeck().replacingOccurrences(of: "cutoff = 2.5", with: "cutoff = 2.5\nbananas = 1"), dir: dir)
        #expect(!e.description.contains("did you mean"), "\(e)")
        #expect(DeckTable.closest(to: "timestp", among: ["timestep", "steps", "tau"]) == "timestep")
    }

    @Test func unknownKeyInInlineTable() throws {
        let dir = try tempDir("inline")
        let e = try deckError(ljDeck(output: "[output]\nthermo = { file = \"t.csv\", evry = 5 }"), dir: dir)
        #expect(e.kind == .unknownKey)
        #expect(e.key == "output.thermo.evry")
        #expect(e.line != nil)
    }

    @Test func wrongTypeSaysExpectedAndFound() throws {
        let dir = try tempDir("type")
        let e = try deckError(ljDeck(run: "[[run]]\ntimestep = \"0.005\"\nsteps = 10\n"), dir: dir)
        #expect(e.kind == .wrongType)
        #expect(e.key == "run[1].timestep")
        #expect(e.description.contains("expected a number"))
        #expect(e.description.contains("found a string \"0.005\""))
        #expect(e.line != nil)
    }

    @Test func negativeTimestepIsNonPhysical() throws {
        let dir = try tempDir("dt")
        let text = ljDeck(run: "[[run]]\nsteps = 10\n\n[[run]]\ntimestep = -0.005\nsteps = 10\n")
        let e = try deckError(text, dir: dir)
        #expect(e.kind == .nonPhysical)
        #expect(e.key == "run[2].timestep")
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("timestep = -") }! + 1
        #expect(e.line == line)
        #expect(e.description.contains("found -0.005"))
    }

    @Test func zeroMassIsNonPhysical() throws {
        let dir = try tempDir("mass")
        let e = try deckError(ljDeck().replacingOccurrences(of: "mass = 1.0", with: "mass = 0.0"), dir: dir)
        #expect(e.kind == .nonPhysical)
        #expect(e.key == "system.mass")
        #expect(e.line != nil)
    }

    @Test func missingStructureAndPotentialFiles() throws {
        let dir = try tempDir("files")
        let text = """
            [system]
            file = "nowhere.extxyz"
            [potential]
            kind = "lj"
            cutoff = 2.5
            [[run]]
            steps = 1
            """
        let e = try deckError(text, dir: dir)
        #expect(e.kind == .missingFile)
        #expect(e.key == "system.file")
        #expect(e.line == 2)
        #expect(e.found.contains(dir.appendingPathComponent("nowhere.extxyz").path))

        let e2 = try deckError("""
            [system]
            lattice = "fcc"
            a = 3.615
            cells = [2, 2, 2]
            element = "Cu"
            [potential]
            kind = "eam"
            file = "missing.eam"
            [[run]]
            steps = 1
            """, dir: dir)
        #expect(e2.kind == .missingFile)
        #expect(e2.key == "potential.file")
        #expect(e2.line == 8)
    }

    @Test func atomsOnTopOfEachOther() throws {
        let dir = try tempDir("overlap")
        let e = try deckError("""
            [system]
            file = "\(fixtures.appendingPathComponent("overlap.extxyz").path)"
            [potential]
            kind = "eam"
            file = "\(fixtures.appendingPathComponent("Cu_u3.eam").path)"
            elements = ["Cu"]
            [[run]]
            steps = 1
            """, dir: dir)
        #expect(e.kind == .nonPhysical)
        #expect(e.description.contains("on top of each other"))
    }

    @Test func initialTemperatureAtTopLevelOrInSystemNotBoth() throws {
        let dir = try tempDir("temperature")
        let top = ljDeck().replacingOccurrences(of: "temperature = 1.44", with: "")
            .replacingOccurrences(of: "seed = 87287", with: "seed = 87287\ntemperature = 1.44")
        let d = try RunDriver(deck: try RunDeck(contentsOf: try writeDeck(top, in: dir)))
        #expect(abs(try #require(d.initialRow).temperature - 1.44) < 1e-12)
        let both = ljDeck().replacingOccurrences(of: "seed = 87287", with: "seed = 87287\ntemperature = 1.44")
        let e = try deckError(both, dir: dir)
        #expect(e.key == "temperature")
        #expect(e.line == 3)
    }

    @Test func syntaxErrorHasALine() throws {
        let dir = try tempDir("syntax")
        let e = try deckError("units = \"lj\"\n[system\nlattice = 1\n", dir: dir)
        #expect(e.kind == .syntax)
        #expect(e.line == 2)
    }
}

@Suite struct RunTests {
    /// in.lj at step 0 on a 4×4×4-cell version of lj-bench: E_pair/atom and the virial part of P.
    @Test func ljBenchStepZero() throws {
        let dir = try tempDir("ljbench")
        let url = try writeDeck(ljDeck(cells: 4, output: "[output]\nthermo = { file = \"out/thermo.csv\", every = 5 }"), in: dir)
        let deck = try RunDeck(contentsOf: url)
        let driver = try RunDriver(deck: deck)
        let row = try #require(driver.initialRow)
        let s = driver.state.system
        let n = Double(s.count)
        #expect(s.count == 256)
        #expect(abs(row.potentialEnergy / n - -6.7733681) < 5e-8)
        let virialPart = row.pressure - 2 * row.kineticEnergy / (3 * s.box.volume)
        #expect(abs(virialPart - -6.235317) < 5e-7)
        #expect(abs(row.temperature - 1.44) < 1e-12)
        try driver.run()
        let csv = try String(contentsOf: dir.appendingPathComponent("out/thermo.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n")
        #expect(lines[0] == "step,time,temperature,potential_energy,kinetic_energy,total_energy,pressure,conserved")
        let first = lines[1].split(separator: ",")
        #expect(first.count == 8)
        #expect(first[0] == "0")
        #expect(Double(first[3]) == row.potentialEnergy)
        #expect(Double(first[6]) == row.pressure)
        #expect(lines.count == 1 + 3)  // steps 0, 5, 10
    }

    /// The uninterrupted run and the run stopped at N/2, checkpointed and restarted end with the
    /// same bits in every double, the same thermo CSV and the same trajectory, across a stage
    /// boundary and with stochastic thermostats.
    @Test(arguments: ["every = 1\ncheck = true", "every = 3\ncheck = false"])
    func restartIsBitIdentical(neighbors: String) throws {
        let stages = threeThermostatStages
        let output = """
            [output]
            thermo = { file = "thermo.csv", every = 3 }
            trajectory = { file = "traj.extxyz", every = 4 }
            checkpoint = { file = "run.ckpt", every = 20 }
            """
        let text = ljDeck(run: stages, output: output).replacingOccurrences(of: "every = 20\ncheck = false", with: neighbors)
        let a = try tempDir("restartA"), b = try tempDir("restartB")
        let deckA = try RunDeck(contentsOf: try writeDeck(text, in: a))
        let deckB = try RunDeck(contentsOf: try writeDeck(text, in: b))

        let whole = try RunDriver(deck: deckA)
        try whole.run()

        let first = try RunDriver(deck: deckB)
        try first.run(stopAtStep: 20)
        #expect(first.state.system.step == 20)
        let resumed = try RunDriver(deck: deckB, restart: b.appendingPathComponent("run.ckpt"))
        #expect(resumed.state.system.step == 20)
        try resumed.run()

        let x = whole.state.system, y = resumed.state.system
        #expect(x.step == 40 && y.step == 40)
        #expect(x.time.bitPattern == y.time.bitPattern)
        for (name, u, v) in [("positions", x.positions, y.positions), ("velocities", x.velocities, y.velocities),
                             ("forces", x.forces, y.forces)] {
            #expect(u.map(\.bitPattern) == v.map(\.bitPattern), "\(name) differ")
        }
        #expect(try whole.run().neighborBuilds == (try resumed.run()).neighborBuilds)
        for f in ["thermo.csv", "traj.extxyz"] {
            let ta = try String(contentsOf: a.appendingPathComponent(f), encoding: .utf8)
            let tb = try String(contentsOf: b.appendingPathComponent(f), encoding: .utf8)
            #expect(ta == tb, "\(f) differs")
        }
        // And the resumed run really continued from the checkpoint, not from scratch.
        #expect(x.velocities != (try RunDriver(deck: deckA)).state.system.velocities)
    }
}

@Suite struct StructureFileTests {
    func deck(frame: Int) -> String {
        """
        units = "metal"
        seed = 7
        [system]
        file = "\(fixtures.appendingPathComponent("config.extxyz").path)"
        frame = \(frame)
        temperature = 300.0
        [potential]
        kind = "eam"
        file = "\(fixtures.appendingPathComponent("Cu_u3.eam").path)"
        elements = ["Cu"]
        [neighbors]
        skin = 1.0
        [[run]]
        integrator = "csvr"
        timestep = 0.001
        steps = 4
        temperature = 300.0
        tau = 0.1
        [output]
        thermo = { every = 2 }
        """
    }

    /// A deck starting from an extxyz file: the step-0 energy is LAMMPS's for that configuration.
    @Test func runFromExtXYZ() throws {
        let dir = try tempDir("fromfile")
        let driver = try RunDriver(deck: try RunDeck(contentsOf: try writeDeck(deck(frame: 0), in: dir)))
        let row = try #require(driver.initialRow)
        #expect(driver.state.system.count == 256)
        #expect(abs(row.potentialEnergy - -890.491510023259) < 1e-8 * 890)
        #expect(abs(row.temperature - 300) < 1e-9)
        let summary = try driver.run()
        #expect(summary.finalStep == 4)
    }

    @Test func malformedStructureNamesItsLine() throws {
        let dir = try tempDir("malformed")
        let text = deck(frame: 0).replacingOccurrences(of: "config.extxyz", with: "malformed.extxyz")
        let e = try deckError(text, dir: dir)
        #expect(e.kind == .badFile)
        #expect(e.key == "system.file")
        #expect(e.line == 4)
        #expect(e.found.contains("malformed.extxyz:4"))
    }

    /// The same configuration as a LAMMPS data file evaluates to the same energy and forces.
    @Test func lammpsDataEqualsExtXYZ() throws {
        let dir = try tempDir("data")
        let deck = try RunDeck(contentsOf: try writeDeck(deck(frame: 0), in: dir))
        let a = try EvalResult(deck: deck, structure: fixtures.appendingPathComponent("config.extxyz"))
        let b = try EvalResult(deck: deck, structure: fixtures.appendingPathComponent("config.data"))
        #expect(a.natoms == b.natoms)
        #expect(abs(a.energy - b.energy) < 1e-9 * abs(a.energy))
        #expect(zip(a.forces, b.forces).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    /// `[minimize]` relaxes a rattled structure with FIRE before the run; step 0 is the relaxed one.
    @Test func minimizeBeforeTheRun() throws {
        let dir = try tempDir("minimize")
        let text = deck(frame: 0) + "\n[minimize]\nftol = 0.05\nmax_steps = 300\n"
        let driver = try RunDriver(deck: try RunDeck(contentsOf: try writeDeck(text, in: dir)))
        let m = try #require(driver.minimization)
        #expect(m.converged)
        #expect(m.maxForce < 0.05)
        #expect(try #require(driver.initialRow).potentialEnergy == m.energy)
        #expect(m.energy < -890.491510023259)
    }

    @Test func frameOutOfRange() throws {
        let dir = try tempDir("frame")
        let e = try deckError(deck(frame: 3), dir: dir)
        #expect(e.key == "system.frame")
        #expect(e.description.contains("below 1"))
    }
}

@Suite struct EvalTests {
    @Test func evalMatchesTheLibraryAndLAMMPS() throws {
        let dir = try tempDir("eval")
        let url = try writeDeck("""
            [system]
            lattice = "fcc"
            a = 3.615
            cells = [2, 2, 2]
            element = "Cu"
            [potential]
            kind = "eam"
            file = "\(fixtures.appendingPathComponent("Cu_u3.eam").path)"
            elements = ["Cu"]
            [[run]]
            steps = 1
            """, in: dir)
        let deck = try RunDeck(contentsOf: url)
        let structure = fixtures.appendingPathComponent("config.extxyz")
        let r = try EvalResult(deck: deck, structure: structure)
        let system = try ExtXYZ.read(structure)[0].system(typeNames: ["Cu"])
        let lib = try deck.potential.evaluate(system)
        #expect(r.natoms == 256)
        #expect(r.energy == lib.energy)
        #expect(r.forces == lib.forces)
        #expect(r.virial == lib.virial)
        #expect(abs(r.energy - -890.491510023259) < 1e-8 * 890)
        // The JSON has exactly the keys and shapes promised (JSONSerialization), and the same
        // doubles bit for bit (JSONDecoder reads them exactly; Foundation's JSONSerialization on
        // Linux may round the last digit, so it only checks the shape).
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.json.utf8)) as? [String: Any])
        #expect(Set(obj.keys) == ["natoms", "energy", "forces", "virial", "stress"])
        #expect((obj["forces"] as? [[Double]])?.count == 256)
        #expect((obj["forces"] as? [[Double]])?.allSatisfy { $0.count == 3 } == true)
        #expect((obj["virial"] as? [Double])?.count == 9)
        #expect((obj["stress"] as? [Double])?.count == 9)
        struct Shape: Decodable { var natoms: Int; var energy: Double; var forces: [[Double]]; var virial: [Double]; var stress: [Double] }
        let decoded = try JSONDecoder().decode(Shape.self, from: Data(r.json.utf8))
        #expect(decoded.natoms == 256)
        #expect(decoded.energy.bitPattern == lib.energy.bitPattern)
        #expect(decoded.forces.flatMap { $0 }.map(\.bitPattern) == lib.forces.map(\.bitPattern))
        #expect(decoded.virial.map(\.bitPattern) == lib.virial.map(\.bitPattern))
        #expect(decoded.stress.map(\.bitPattern) == lib.stress(volume: system.box.volume).map(\.bitPattern))

        // The CLI prints that same object alone on stdout, when the executable is built.
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("symmd")
        let candidates = [exe, fixtures.appendingPathComponent("../../../.build/debug/symmd").standardizedFileURL]
        if let bin = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) {
            let p = Process()
            p.executableURL = bin
            p.arguments = ["eval", "--deck", url.path, "--structure", structure.path, "--json"]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = Pipe()
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
            #expect(String(decoding: data, as: UTF8.self) == r.json + "\n")
        }
    }
}

/// `[output] trajectory = { file = "….nc", … }` writes an AMBER NetCDF trajectory.
@Suite("run deck NetCDF trajectory")
struct RunDeckNetCDFTests {
    let output = """
        [output]
        trajectory = { file = "out/traj.nc", every = 2, velocities = true, forces = true }
        checkpoint = { file = "run.ckpt", every = 4 }
        """

    @Test("a tiny run writes frame 0 and every 2nd step; the reader gets them back")
    func writesNetCDF() throws {
        let dir = try tempDir("nc-deck")
        let driver = try RunDriver(deck: try RunDeck(contentsOf: try writeDeck(ljDeck(cells: 2, output: output), in: dir)))
        try driver.run()
        let r = try AmberNetCDFReader(dir.appendingPathComponent("out/traj.nc"))
        #expect(r.frameCount == 6 && r.atomCount == 32 && r.hasVelocities && r.hasForces)
        #expect(r.attributes["Conventions"] == "AMBER" && r.attributes["program"] == "symmd")
        let last = try r.frame(5)
        let s = driver.state.system
        #expect(last.positions == s.positions.map { Double(Float($0)) })
        #expect(last.time == Double(Float(s.time)))
        for (a, b) in zip(last.velocities!, s.velocities) { #expect(abs(a - b) <= 1e-6 * max(1, abs(b))) }
        #expect(last.potentialEnergy != nil && last.temperature != nil && last.box != nil)
        #expect(try r.frame(0).time == 0)
        let pdb = try String(contentsOf: dir.appendingPathComponent("out/traj.pdb"), encoding: .utf8)
        let lines = pdb.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("ATOM  ") }.count == 32 && lines.contains { $0.hasPrefix("CRYST1") })
        #expect(lines.filter { $0.hasPrefix("ATOM  ") }.allSatisfy { $0.count == 78 })
    }

    @Test("velocities = true with an extxyz trajectory writes a vel column (deck units) on every frame")
    func extxyzVelocities() throws {
        let dir = try tempDir("xyz-vel")
        let text = ljDeck(cells: 2, output: "[output]\ntrajectory = { file = \"t.extxyz\", every = 2, velocities = true }\n")
        let driver = try RunDriver(deck: try RunDeck(contentsOf: try writeDeck(text, in: dir)))
        try driver.run()
        let frames = try ExtXYZ.read(dir.appendingPathComponent("t.extxyz"))
        #expect(frames.count == 6)
        #expect(frames.allSatisfy { $0.reals("vel", 3)?.count == 96 })
        #expect(frames.last?.reals("vel", 3) == driver.state.system.velocities)
        // Without the key there is no vel column.
        let plain = try tempDir("xyz-novel")
        try RunDriver(deck: try RunDeck(contentsOf: try writeDeck(ljDeck(cells: 2, output: "[output]\ntrajectory = { file = \"t.extxyz\", every = 2 }\n"), in: plain))).run()
        #expect(try ExtXYZ.read(plain.appendingPathComponent("t.extxyz")).allSatisfy { $0.reals("vel", 3) == nil })
    }

    @Test("--restart cuts the frames after the checkpoint and appends: the same file as one whole run")
    func restartAppends() throws {
        let a = try tempDir("nc-whole"), b = try tempDir("nc-restart")
        let text = ljDeck(cells: 2, output: output)
        try RunDriver(deck: try RunDeck(contentsOf: try writeDeck(text, in: a))).run()
        let deckB = try RunDeck(contentsOf: try writeDeck(text, in: b))
        try RunDriver(deck: deckB).run(stopAtStep: 6)  // frames 0, 2, 4, 6; checkpoint at 4
        #expect(try AmberNetCDFReader(b.appendingPathComponent("out/traj.nc")).frameCount == 4)
        try RunDriver(deck: deckB, restart: b.appendingPathComponent("run.ckpt")).run()
        let x = try AmberNetCDFReader(a.appendingPathComponent("out/traj.nc"))
        let y = try AmberNetCDFReader(b.appendingPathComponent("out/traj.nc"))
        #expect(x.frameCount == 6 && y.frameCount == 6)
        for k in 0..<6 { #expect(try x.frame(k) == y.frame(k), "frame \(k)") }
    }
}

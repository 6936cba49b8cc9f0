import Foundation
import NeuralPotentials
import SymmdDeck
import Testing
import TrajectoryIO

/// Two 2-atom Cu frames in extxyz; `second` replaces the second frame's comment and atom lines.
func twoFrameXYZ(second: String? = nil) -> String {
    let good = """
        2
        Lattice="4 0 0 0 4 0 0 0 4" Properties=species:S:1:pos:R:3:forces:R:3 energy=-1.5 stress="0.1 0 0 0 0.2 0 0 0 0.3" pbc="T T T"
        Cu 0 0 0 0.1 0.2 0.3
        Cu 1.8 1.8 0 -0.1 -0.2 -0.3

        """
    return good + "2\n" + (second ?? good.split(separator: "\n").dropFirst().joined(separator: "\n") + "\n")
}

/// The `TrainingDataError` `body` throws (an issue is recorded when it throws none).
func dataError(_ body: () throws -> Void) -> TrainingDataError {
    do { try body() } catch let e as TrainingDataError { return e } catch { Issue.record("unexpected error \(error)") }
    Issue.record("expected a TrainingDataError")
    return TrainingDataError(.notData, file: "", frame: nil, problem: "no error thrown")
}

@Suite("training data")
struct TrainingDataTests {
    @Test("extxyz: energy, forces and virial = −V·stress of cu-emt frame 0 as in the file")
    func extxyzFrame0() throws {
        let url = fixtures.appendingPathComponent("cu-emt-3.extxyz")
        let (frames, skipped) = try TrainingData.load(files: [url], typeMap: ["Cu"], skipBad: false)
        #expect(frames.count == 3 && skipped.isEmpty)
        let f = frames[0]
        #expect(f.energy == 1.1388044547311722)
        #expect(f.system.count == 32 && f.system.typeNames == ["Cu"] && f.system.types.allSatisfy { $0 == 0 })
        #expect(Array(f.system.positions[0..<3]) == [7.06191909, 7.16379826, 7.20243464])
        #expect(f.forces?.count == 96)
        #expect(Array(f.forces?[0..<3] ?? []) == [0.69019730, 0.39999127, -0.05695191])
        #expect(Array(f.forces?[93..<96] ?? []) == [-0.91367508, -0.00930489, 0.08479123])
        let stress = [0.0004961152803949756, 0.0002500502908536538, -0.0005031317327392325,
                      0.0002500502908536538, -0.0006303962412058187, 0.0005780936823353795,
                      -0.0005031317327392325, 0.0005780936823353795, 0.00043166920273046857]
        let volume = 7.22 * 7.22 * 7.22
        let virial = try #require(f.virial)
        for k in 0..<9 { #expect(abs(virial[k] - (-volume * stress[k])) <= 1e-15 * volume) }
        #expect(f.source == "\(url.path), frame 0" && frames[2].source.hasSuffix("frame 2"))
    }

    @Test("deepmd/npy written by dpdata agrees with the extxyz reader")
    func npyMatchesExtXYZ() throws {
        let xyz = try TrainingData.load(files: [fixtures.appendingPathComponent("cu-emt-3.extxyz")], typeMap: ["Cu"], skipBad: false)
        // The folder that holds the system (Cu32/) is found by searching below it.
        let npy = try TrainingData.load(files: [fixtures.appendingPathComponent("cu-emt-3-npy")], typeMap: ["Cu"], skipBad: false)
        #expect(npy.frames.count == 3 && npy.skipped.isEmpty)
        for (a, b) in zip(xyz.frames, npy.frames) {
            #expect(a.energy == b.energy && a.forces == b.forces && a.system.positions == b.system.positions)
            #expect(a.system.box.vectors == b.system.box.vectors)
            let dv = zip(a.virial ?? [], b.virial ?? []).map { abs($0 - $1) }.max() ?? .infinity
            #expect(dv < 1e-12, "virial differs by \(dv) eV (\(b.source))")
        }
        #expect(npy.frames[1].source.hasSuffix("cu-emt-3-npy/Cu32/set.000, frame 1"))
    }

    @Test("a folder of systems with different atom counts and no type_map.raw")
    func npySystems() throws {
        let root = try tempDir("npy-systems")
        defer { try? FileManager.default.removeItem(at: root) }
        for (name, n, energy) in [("Cu3", 3, -3.0), ("Cu2", 2, -2.0)] {
            let set = root.appendingPathComponent("train/\(name)/set.000")
            try FileManager.default.createDirectory(at: set, withIntermediateDirectories: true)
            try String(repeating: "0\n", count: n).write(to: set.deletingLastPathComponent().appendingPathComponent("type.raw"),
                                                         atomically: true, encoding: .utf8)
            let coords = (0..<(3 * n)).map { Double($0) * 0.7 }
            try NumpyArray(dtype: .float32, shape: [1, 3 * n], values: coords).write(to: set.appendingPathComponent("coord.npy"))
            try NumpyArray(shape: [1, 9], values: [6, 0, 0, 0, 6, 0, 0, 0, 6]).write(to: set.appendingPathComponent("box.npy"))
            try NumpyArray(shape: [1], values: [energy]).write(to: set.appendingPathComponent("energy.npy"))
        }
        let (frames, _) = try TrainingData.load(files: [root.appendingPathComponent("train")], typeMap: ["Cu", "Au"], skipBad: false)
        #expect(frames.map(\.system.count) == [2, 3] && frames.map(\.energy) == [-2, -3])  // sorted: Cu2 before Cu3
        #expect(frames[0].forces == nil && frames[0].virial == nil && frames[0].system.typeNames == ["Cu", "Au"])
        #expect(frames[1].system.positions == (0..<9).map { Double(Float(Double($0) * 0.7)) })
        // Type 1 with a one-entry type map has no name.
        try "0\n1\n".write(to: root.appendingPathComponent("train/Cu2/type.raw"), atomically: true, encoding: .utf8)
        let e = dataError { _ = try TrainingData.load(files: [root.appendingPathComponent("train")], typeMap: ["Cu"], skipBad: false) }
        #expect(e.kind == .badFrame && e.frame == 0 && e.file.hasSuffix("train/Cu2/set.000") && e.problem.contains("type 1 of atom 1 has no name"))
    }

    @Test("bad extxyz frames name file and frame, or are skipped and counted",
          arguments: [
            ("Lattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3:forces:R:3 pbc=\"T T T\"\nCu 0 0 0 0 0 0\nCu 1 1 1 0 0 0", "no energy: no info key 'energy' (data stored under another key, e.g. REF_energy: set energy_key in the fit deck's [data], or --energy-key)"),
            ("Lattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3:forces:R:2 energy=1 pbc=\"T T T\"\nCu 0 0 0 0 0\nCu 1 1 1 0 0",
             "force count mismatch: property forces:R:2 (expected forces:R:3)"),
            ("Lattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3:forces:R:3 energy=1 pbc=\"T T T\"\nCu 0 0 0 0 0 0\nCu 1 1 1 0 nan 0",
             "nan in forces (atom 1)"),
            ("Lattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3 energy=inf pbc=\"T T T\"\nCu 0 0 0\nCu 1 1 1", "inf in energy"),
            ("Lattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3 energy=1 stress=\"0 0 nan 0 0 0 0 0 0\" pbc=\"T T T\"\nCu 0 0 0\nCu 1 1 1",
             "nan in virial"),
            ("Lattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3 energy=1 pbc=\"T T T\"\nCu 0 0 0\nAu 1 1 1",
             "element 'Au' of atom 1 is not in the type map [\"Cu\"]"),
            ("Lattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3 energy=1 stress=\"1 2 3\" pbc=\"T T T\"\nCu 0 0 0\nCu 1 1 1",
             "stress with 3 values (expected 6 or 9 numbers)"),
            ("Lattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3 energy=1 virial=\"a b\" pbc=\"T T T\"\nCu 0 0 0\nCu 1 1 1",
             "virial with \"a b\" (expected 9 numbers)"),
            ("Lattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3 energy=abc pbc=\"T T T\"\nCu 0 0 0\nCu 1 1 1",
             "energy abc is not a number"),
          ])
    func badFrames(second: String, problem: String) throws {
        let dir = try tempDir("bad-frame")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("bad.extxyz")
        try twoFrameXYZ(second: second + "\n").write(to: url, atomically: true, encoding: .utf8)
        let e = dataError { _ = try TrainingData.load(files: [url], typeMap: ["Cu"], skipBad: false) }
        #expect(e == TrainingDataError(.badFrame, file: url.path, frame: 1, problem: problem))
        #expect("\(e)" == "\(url.path), frame 1: \(problem)")
        let (frames, skipped) = try TrainingData.load(files: [url, url], typeMap: ["Cu"], skipBad: true)
        #expect(frames.count == 2 && skipped == ["\(url.path), frame 1: \(problem)", "\(url.path), frame 1: \(problem)"])
    }

    @Test("virial key, Voigt stress and a good two-frame file")
    func virialForms() throws {
        let dir = try tempDir("virial")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("v.xyz")
        let second = """
            Lattice="4 0 0 0 4 0 0 0 4" Properties=species:S:1:pos:R:3 energy=1 virial="1 2 3 4 5 6 7 8 9" stress="9 9 9 9 9 9" pbc="T T T"
            Cu 0 0 0
            Cu 1 1 1
            2
            Lattice="2 0 0 0 3 0 0 0 4" Properties=species:S:1:pos:R:3 energy=1 stress="1 2 3 4 5 6" pbc="T T T"
            Cu 0 0 0
            Cu 1 1 1

            """
        try twoFrameXYZ(second: second).write(to: url, atomically: true, encoding: .utf8)
        let (frames, _) = try TrainingData.load(files: [url], typeMap: ["Cu"], skipBad: false)
        #expect(frames.count == 3)
        #expect(frames[0].virial == [-6.4, 0, 0, 0, -12.8, 0, 0, 0, -19.2] && frames[0].forces == [0.1, 0.2, 0.3, -0.1, -0.2, -0.3])
        #expect(frames[1].virial == [1, 2, 3, 4, 5, 6, 7, 8, 9] && frames[1].forces == nil)
        // ASE Voigt order xx yy zz yz xz xy; V = 24 Å³.
        #expect(frames[2].virial == [1, 6, 5, 6, 2, 4, 5, 4, 3].map { -24 * $0 })
    }

    @Test("paths that are not data")
    func notData() throws {
        let dir = try tempDir("not-data")
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dataError { _ = try TrainingData.load(files: [dir.appendingPathComponent("nope.extxyz")], typeMap: ["Cu"], skipBad: true) }
        #expect(missing.kind == .missingPath && missing.frame == nil)
        try "x".write(to: dir.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        let text = dataError { _ = try TrainingData.load(files: [dir.appendingPathComponent("a.txt")], typeMap: ["Cu"], skipBad: true) }
        #expect(text.kind == .notData && "\(text)".contains("a.txt: not training data"))
        let empty = dataError { _ = try TrainingData.load(files: [dir], typeMap: ["Cu"], skipBad: true) }
        #expect(empty.kind == .notData && empty.file == dir.path)
        // A malformed file is a TrajectoryIOError naming its line, skip_bad or not.
        try "2\nProperties=species:S:1:pos:R:3 energy=1\nCu 0 0 0\n".write(to: dir.appendingPathComponent("t.xyz"), atomically: true, encoding: .utf8)
        #expect(throws: TrajectoryIOError.self) {
            _ = try TrainingData.load(files: [dir.appendingPathComponent("t.xyz")], typeMap: ["Cu"], skipBad: true)
        }
    }

    @Test("fit decks load [data] train and valid, errors as DeckErrors at the key")
    func fitDeckData() throws {
        let dir = try tempDir("fit-data")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("cu-emt-3.extxyz"), to: dir.appendingPathComponent("train.extxyz"))
        try twoFrameXYZ(second: "Properties=species:S:1:pos:R:3 pbc=\"F F F\"\nCu 0 0 0\nCu 1 1 1\n")
            .write(to: dir.appendingPathComponent("valid.xyz"), atomically: true, encoding: .utf8)
        func deck(_ extra: String) throws -> FitDeck {
            try FitDeck(contentsOf: try writeDeck("""
                [data]
                type_map = ["Cu"]
                train = ["train.extxyz"]
                valid = ["valid.xyz"]
                \(extra)
                [model.descriptor]
                sel = [40]
                """, in: dir, name: "fit.toml"))
        }
        #expect(try deck("").loadTrainingData().frames.count == 3)
        do {
            _ = try deck("").loadValidationData()
            Issue.record("expected a DeckError")
        } catch let e as DeckError {
            #expect(e.kind == .badFile && e.key == "data.valid" && e.found.contains("valid.xyz, frame 1: no energy: no info key 'energy'"))
        }
        let valid = try deck("skip_bad = true").loadValidationData()
        #expect(valid.frames.count == 1 && valid.skipped.count == 1)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("train.extxyz"))
        #expect(throws: DeckError.self) { _ = try deck("").loadTrainingData() }
    }
}

/// Labels under other keys (MACE-style REF_energy, REF_forces, REF_stress): read with the keys named,
/// and a missing energy names the key looked for.
@Suite("training data under other keys")
struct LabelKeyTests {
    @Test func referenceKeysAsMACEStoresThem() throws {
        let dir = try tempDir("ref-keys")
        let text = try String(contentsOf: fixtures.appendingPathComponent("cu-emt-3.extxyz"), encoding: .utf8)
            .replacingOccurrences(of: " energy=", with: " REF_energy=")
            .replacingOccurrences(of: ":forces:R:3", with: ":REF_forces:R:3")
            .replacingOccurrences(of: " stress=", with: " REF_stress=")
        let url = dir.appendingPathComponent("ref.extxyz")
        try text.write(to: url, atomically: true, encoding: .utf8)
        do {
            _ = try TrainingData.load(files: [url], typeMap: ["Cu"], skipBad: false)
            Issue.record("frames without 'energy' must be refused")
        } catch let e as TrainingDataError {
            #expect(e.description.contains("no info key 'energy'") && e.description.contains("energy_key"), "\(e)")
        }
        let keys = LabelKeys(energy: "REF_energy", forces: "REF_forces", virial: "REF_stress")
        let ref = try TrainingData.load(files: [url], typeMap: ["Cu"], skipBad: false, keys: keys).frames
        let plain = try TrainingData.load(files: [fixtures.appendingPathComponent("cu-emt-3.extxyz")], typeMap: ["Cu"], skipBad: false).frames
        #expect(ref.count == plain.count && !ref.isEmpty)
        for (a, b) in zip(ref, plain) {
            #expect(a.energy == b.energy && a.forces == b.forces && a.virial == b.virial)
        }
    }
}

import Atomistics
import Foundation
import Testing
import TrajectoryIO

/// Two frames as ASE writes them (the second with more properties and keys).
let twoFrames = """
2
Lattice="5.0 0.0 0.0 0.0 5.0 0.0 0.0 0.0 5.0" Properties=species:S:1:pos:R:3:forces:R:3 energy=-7.25 stress="0.1 0.0 0.0 0.0 0.2 0.0 0.0 0.0 0.3" free_energy=-7.3 pbc="T T T"
Cu 0.00000000 0.00000000 0.00000000 0.10000000 -0.20000000 0.30000000
Ni 1.80000000 1.80000000 0.00000000 -0.10000000 0.20000000 -0.30000000
3
Lattice="6.0 0.0 0.0 1.0 6.0 0.0 0.0 0.5 7.0" Properties=species:S:1:pos:R:3:tags:I:1:move_mask:L:1:masses:R:1 config_type="bulk fcc" step=12 converged=T dims="1 2 3" weights=[0.5, 1.5] pbc="T T F" note=hello
Cu 0.0 0.0 0.0 0 T 63.5
Cu 1.0 1.0 1.0 1 F 63.5
Ni 2.0 2.0 2.0 2 T 58.7

"""

@Suite("extended XYZ")
struct ExtXYZTests {
    @Test("frames, keys and columns as ASE writes them")
    func readsASE() throws {
        let frames = try ExtXYZ.read(parsing: twoFrames, file: "two.extxyz")
        #expect(frames.count == 2)
        let f0 = frames[0]
        #expect(f0.atomCount == 2 && f0.lattice == [5, 0, 0, 0, 5, 0, 0, 0, 5] && f0.pbc == [true, true, true])
        #expect(f0.species == ["Cu", "Ni"] && f0.positions == [0, 0, 0, 1.8, 1.8, 0])
        #expect(f0.forces == [0.1, -0.2, 0.3, -0.1, 0.2, -0.3])
        #expect(f0.energy == -7.25 && f0.info["free_energy"] == .real(-7.3))
        #expect(f0.stress == [0.1, 0, 0, 0, 0.2, 0, 0, 0, 0.3])
        #expect(f0.virial == [-12.5, 0, 0, 0, -25, 0, 0, 0, -37.5])
        #expect(f0.sourceFile == "two.extxyz" && f0.sourceLine == 1)

        let f1 = frames[1]
        #expect(f1.sourceLine == 5 && f1.pbc == [true, true, false] && f1.lattice == [6, 0, 0, 1, 6, 0, 0, 0.5, 7])
        #expect(f1.properties.map(\.name) == ["species", "pos", "tags", "move_mask", "masses"])
        #expect(f1.properties.map(\.type) == [.string, .real, .integer, .logical, .real])
        #expect(f1.columns["tags"] == .integers([0, 1, 2]) && f1.columns["move_mask"] == .logicals([true, false, true]))
        #expect(f1.info["config_type"] == .string("bulk fcc") && f1.info["step"] == .integer(12))
        #expect(f1.info["converged"] == .logical(true) && f1.info["dims"] == .integers([1, 2, 3]))
        #expect(f1.info["weights"] == .reals([0.5, 1.5]) && f1.info["note"] == .string("hello"))
        #expect(f1.energy == nil && f1.forces == nil)

        let s = try f1.system()
        #expect(s.typeNames == ["Cu", "Ni"] && s.types == [0, 0, 1] && s.masses == [63.5, 58.7])
        #expect(s.box.periodic == [true, true, false] && s.box.vectors == [6, 0, 0, 1, 6, 0, 0, 0.5, 7])
        // Type order given by the caller; masses from the column.
        #expect(try f1.system(typeNames: ["Ni", "Cu"]).types == [1, 1, 0])
    }

    @Test("written frames read back equal, numbers bit for bit")
    func roundTrip() throws {
        let frames = try ExtXYZ.read(parsing: twoFrames, file: "two.extxyz")
        let text = try ExtXYZ.string(frames)
        let again = try ExtXYZ.read(parsing: text, file: "again.extxyz")
        #expect(again == frames)

        // A system with awkward numbers, forces, energy, virial and velocities (as momenta).
        var rng = Xoshiro256StarStar(seed: 7)
        let n = 5
        let x = (0..<(3 * n)).map { _ in rng.nextUniform() * 9.7 - 0.3 }
        let v = (0..<(3 * n)).map { _ in rng.nextNormal() }
        let f = (0..<(3 * n)).map { _ in rng.nextNormal() * 1e-7 }
        let box = try Box(vectors: [9.1, 0, 0, 0.3, 8.7, 0, -0.2, 0.1, 10.3])
        let system = try System(positions: x, types: [0, 1, 0, 0, 1], masses: [63.546, 58.6934],
                                typeNames: ["Cu", "Ni"], box: box, velocities: v)
        let virial = [1.5, 0.1, 0.2, 0.1, -2.5, 0.3, 0.2, 0.3, 1e-3]
        let frame = ExtXYZFrame(system: system, energy: -1234.5678901234567, forces: f, virial: virial,
                                includeMomenta: true)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rt-\(UUID().uuidString).extxyz")
        defer { try? FileManager.default.removeItem(at: url) }
        try ExtXYZ.write([frame, frame], to: url)
        let back = try ExtXYZ.read(url)
        #expect(back.count == 2 && back[0] == frame && back[1] == frame)
        #expect(back[0].positions == x && back[0].forces == f && back[0].energy == -1234.5678901234567)
        let w = try #require(back[0].virial)
        #expect(zip(w, virial).allSatisfy { abs($0 - $1) < 1e-12 })
        let restored = try back[0].system(typeNames: ["Cu", "Ni"], masses: [63.546, 58.6934])
        #expect(restored.positions == system.positions && restored.box == system.box && restored.types == system.types)
        #expect(zip(restored.velocities, v).allSatisfy { abs($0 - $1) <= 1e-14 * max(1, abs($1)) })
    }

    @Test("an open (non-periodic) frame without a lattice")
    func openFrame() throws {
        let text = "3\nProperties=species:S:1:pos:R:3\nH 0 0 0\nO 0.96 0 0\nH -0.24 0.93 0\n"
        let frame = try #require(try ExtXYZ.read(parsing: text, file: "water.xyz").first)
        #expect(frame.lattice == nil && frame.pbc == [false, false, false])
        let s = try frame.system()
        #expect(s.typeNames == ["H", "O"] && s.box.periodic == [false, false, false])
        #expect(s.masses == [Element(symbol: "H")!.mass, Element(symbol: "O")!.mass])
        let written = try ExtXYZ.string([ExtXYZFrame(system: s)])
        #expect(!written.contains("Lattice") && written.contains("pbc=\"F F F\""))
        // A plain XYZ comment line: the default properties species and pos.
        let plain = try ExtXYZ.read(parsing: "1\nmethane fragment\nC 1 2 3\n", file: "plain.xyz")
        #expect(plain[0].positions == [1, 2, 3] && plain[0].info["methane"] == .logical(true))
    }

    @Test("errors name the file, the line and what was expected")
    func errors() throws {
        let lines = twoFrames.components(separatedBy: "\n")
        func with(_ k: Int, _ newLine: String) -> String {
            var l = lines
            l[k - 1] = newLine
            return l.joined(separator: "\n")
        }
        func read(_ text: String) throws { _ = try ExtXYZ.read(parsing: text, file: "bad.extxyz") }

        let e1 = try #require(ioError { try read(with(5, "three")) })
        #expect(e1.line == 5 && e1.kind == .badNumber(expected: "the number of atoms of a frame", found: "three"))
        #expect(e1.description == "bad.extxyz:5: expected the number of atoms of a frame, found 'three'")

        let e2 = try #require(ioError { try read(with(4, "Ni 1.8 1.8 0.0 -0.1 0.2")) })
        #expect(e2.line == 4)
        guard case .unexpected(let expected2, let found2) = e2.kind else { Issue.record("\(e2)"); return }
        #expect(expected2.hasPrefix("7 columns") && expected2.contains("atom 2") && found2 == "6")

        let e3 = try #require(ioError { try read(with(8, "Cu 1.0 1.0 1.0e 1 F 63.5")) })
        #expect(e3.line == 8 && e3.kind == .badNumber(expected: "a real number in column 'pos'", found: "1.0e"))

        let e4 = try #require(ioError { try read(with(8, "Cu 1.0 1.0 1.0 1 maybe 63.5")) })
        #expect(e4.line == 8)

        let e5 = try #require(ioError { try read(lines.prefix(8).joined(separator: "\n")) })
        #expect(e5.line == 8 && e5.kind == .truncated(expected: "3 atom lines after the comment line, found 2"))

        let e6 = try #require(ioError { try read(with(2, "Lattice=\"5 0 0 0 5 0 0 0\" Properties=species:S:1:pos:R:3")) })
        #expect(e6.line == 2)

        let e7 = try #require(ioError { try read(with(2, "Properties=species:S:1:pos:Q:3")) })
        #expect(e7.line == 2 && e7.kind == .unexpected(expected: "a column type S, R, I or L for property 'pos'", found: "'Q'"))

        let e8 = try #require(ioError { try read(with(2, "Properties=species:S:1:position:R:3:forces:R:3")) })
        #expect(e8.line == 2 && e8.kind == .unexpected(expected: "a 'pos:R:3' property", found: "Properties=species:S:1:position:R:3:forces:R:3"))

        let e9 = try #require(ioError { try read(with(2, "Lattice=\"5 0 0 0 5 0 0 0 5 Properties=species:S:1:pos:R:3")) })
        #expect(e9.line == 2)

        // A species the caller's type map lacks names the atom's line.
        let frames = try ExtXYZ.read(parsing: twoFrames, file: "two.extxyz")
        let e10 = try #require(ioError { _ = try frames[1].system(typeNames: ["Cu"]) })
        #expect(e10.file == "two.extxyz" && e10.line == 9)
        let e11 = try #require(ioError { _ = try ExtXYZ.read(URL(fileURLWithPath: "/nonexistent/a.extxyz")) })
        guard case .unreadable = e11.kind else { Issue.record("\(e11)"); return }
    }
}

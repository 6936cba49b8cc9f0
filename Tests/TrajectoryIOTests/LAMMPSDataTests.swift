import Atomistics
import Foundation
import Testing
import TrajectoryIO

/// `Tests/TrajectoryIOTests/Fixtures/<name>` (found from this file's path).
func fixture(_ name: String) -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        .appendingPathComponent(name)
}

/// The thrown `TrajectoryIOError`, or nil.
func ioError(_ body: () throws -> Void) -> TrajectoryIOError? {
    do { try body() } catch let e as TrajectoryIOError { return e } catch { return nil }
    return nil
}

/// A triclinic write_data file: ids out of order, image flags, velocities, pair coefficients.
let triclinicData = """
LAMMPS data file via write_data, version 29 Sep 2021, timestep = 100, units = metal

4 atoms
2 atom types

-1.0 9.0 xlo xhi
0.0 8.0 ylo yhi
0.5 7.5 zlo zhi
1.5 -0.5 0.25 xy xz yz

Masses

1 63.546 # Cu
2 58.69 # Ni

Pair Coeffs # lj/cut

1 0.4 2.3
2 0.5 2.2

Atoms # atomic

3 2 1.0 2.0 3.0 0 1 -1
1 1 0.1 0.2 0.3 0 0 0
4 1 5.5 6.5 7.0 1 0 0
2 2 8.0 1.0 2.0 -1 0 2

Velocities

2 0.2 0.0 -0.2
1 0.1 0.0 0.0
4 0.4 0.0 0.0
3 0.3 0.3 0.3
"""

@Suite("LAMMPS data files")
struct LAMMPSDataTests {
    @Test("config.data and config.extxyz give identical systems")
    func dataEqualsExtXYZ() throws {
        let data = try LAMMPSData(contentsOf: fixture("cuni/config.data"))
        let frames = try ExtXYZ.read(fixture("cuni/config.extxyz"))
        #expect(frames.count == 1 && data.ids == Array(1...256) && data.atomStyle == "atomic")
        #expect(data.masses == [63.546, 58.69] && !data.hasImageFlags && data.velocities == nil)
        let fromData = try data.system(typeNames: ["Cu", "Ni"])
        let fromXYZ = try frames[0].system(typeNames: ["Cu", "Ni"], masses: data.masses)
        #expect(fromData == fromXYZ)
        #expect(fromData.positions == fromXYZ.positions && fromData.types == fromXYZ.types)
        #expect(fromData.box == fromXYZ.box && fromData.box.volume == 14.46 * 14.46 * 14.46)
        // The extxyz species alone (standard weights) give the same atoms, types and box.
        let plain = try frames[0].system(typeNames: ["Cu", "Ni"])
        #expect(plain.positions == fromData.positions && plain.masses == [Element(symbol: "Cu")!.mass, Element(symbol: "Ni")!.mass])
    }

    @Test("the structure read from config.data gives LAMMPS's EAM energy and forces")
    func endToEndEAM() throws {
        let system = try LAMMPSData(contentsOf: fixture("cuni/config.data")).system(typeNames: ["Cu", "Ni"])
        let potentials = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("potentials")
        let eam = try EAMPotential(contentsOf: potentials.appendingPathComponent("CuNi.eam.alloy"), typeElements: system.typeNames)
        let result = try eam.evaluate(system)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: fixture("cuni/reference.json"))) as! [String: Any]
        let energy = json["energy_eV"] as! Double
        let forces = (json["forces_eV_per_A"] as! [[Double]]).flatMap { $0 }
        let scale = forces.map(abs).max()!
        #expect(abs(result.energy - energy) < 1e-8 * abs(energy))
        #expect(zip(result.forces, forces).allSatisfy { abs($0 - $1) < 1e-8 * scale })
    }

    @Test("a triclinic box, atoms in any id order, image flags, velocities by id")
    func triclinic() throws {
        let data = try LAMMPSData(parsing: triclinicData, file: "tri.data")
        #expect(data.title.hasPrefix("LAMMPS data file via write_data"))
        #expect(data.ids == [1, 2, 3, 4] && data.types == [0, 1, 1, 0] && data.typeCount == 2)
        #expect(data.positions == [0.1, 0.2, 0.3, 8.0, 1.0, 2.0, 1.0, 2.0, 3.0, 5.5, 6.5, 7.0])
        #expect(data.images == [0, 0, 0, -1, 0, 2, 0, 1, -1, 1, 0, 0] && data.hasImageFlags)
        #expect(data.velocities == [0.1, 0, 0, 0.2, 0, -0.2, 0.3, 0.3, 0.3, 0.4, 0, 0])
        #expect(data.masses == [63.546, 58.69] && data.typeLabels == ["Cu", "Ni"])
        #expect(data.low == [-1, 0, 0.5] && data.high == [9, 8, 7.5] && data.tilt == [1.5, -0.5, 0.25])

        let system = try data.system()
        #expect(system.typeNames == ["Cu", "Ni"])
        #expect(system.box.vectors == [10, 0, 0, 1.5, 8, 0, -0.5, 0.25, 7])
        #expect(system.box.origin == [-1, 0, 0.5])
        #expect(system.velocities == data.velocities!)
        let unwrapped = try data.system(unwrapImages: true)
        // Atom id 2: image (−1, 0, 2) adds −a + 2c = (−10 − 1, 0.5, 14).
        #expect(Array(unwrapped.positions[3..<6]) == [8.0 - 10 - 1.0, 1.0 + 0.5, 2.0 + 14])
        #expect(Array(unwrapped.positions[0..<3]) == [0.1, 0.2, 0.3])
    }

    @Test("other atom styles: charge and full columns")
    func otherStyles() throws {
        let full = """
        title

        2 atoms
        1 atom types
        1 bonds
        1 bond types
        0 5 xlo xhi
        0 5 ylo yhi
        0 5 zlo zhi

        Masses

        1 15.999

        Atoms # full

        2 7 1 -0.8 1 1 1
        1 7 1 0.4 2 2 2

        Bonds

        1 1 1 2
        """
        let data = try LAMMPSData(parsing: full, file: "full.data")
        #expect(data.atomStyle == "full" && data.charges == [0.4, -0.8] && data.molecules == [7, 7])
        #expect(data.positions == [2, 2, 2, 1, 1, 1])
        // No comment after Atoms: the caller says the style.
        let charge = "t\n\n1 atoms\n1 atom types\n0 1 xlo xhi\n0 1 ylo yhi\n0 1 zlo zhi\n\nAtoms\n\n1 1 0.5 0.1 0.2 0.3\n"
        let c = try LAMMPSData(parsing: charge, file: "q.data", atomStyle: "charge")
        #expect(c.charges == [0.5] && c.positions == [0.1, 0.2, 0.3] && c.masses == nil)
        // No Masses section: masses from element type names.
        #expect(try c.system(typeNames: ["Cu"]).masses == [Element(symbol: "Cu")!.mass])
        #expect(ioError { _ = try c.system() } != nil)
    }

    @Test("errors name the file, the line and what was expected")
    func errors() throws {
        func replacing(_ old: String, _ new: String) -> String { triclinicData.replacingOccurrences(of: old, with: new) }

        // One atom line missing: the header says 4.
        let e1 = try #require(ioError { _ = try LAMMPSData(parsing: replacing("4 1 5.5 6.5 7.0 1 0 0\n", ""), file: "a.data") })
        #expect(e1.file == "a.data" && e1.line == 25)
        #expect(e1.kind == .truncated(expected: "4 atom lines in Atoms (header), found 3"))

        let e2 = try #require(ioError { _ = try LAMMPSData(parsing: replacing("5.5 6.5", "5.5 six"), file: "b.data") })
        #expect(e2.line == 25 && e2.kind == .badNumber(expected: "a real coordinate", found: "six"))
        #expect(e2.description == "b.data:25: expected a real coordinate, found 'six'")

        let e3 = try #require(ioError { _ = try LAMMPSData(parsing: replacing("4 1 5.5", "1 1 5.5"), file: "c.data") })
        guard case .duplicate(let what) = e3.kind else { Issue.record("\(e3)"); return }
        #expect(what.hasPrefix("atom id 1") && [24, 25].contains(e3.line))

        let e4 = try #require(ioError { _ = try LAMMPSData(parsing: replacing("Atoms # atomic", "Atoms # sphere"), file: "d.data") })
        #expect(e4.line == 21)
        guard case .unsupported = e4.kind else { Issue.record("\(e4)"); return }

        let e5 = try #require(ioError { _ = try LAMMPSData(parsing: replacing("1 1 0.1 0.2 0.3 0 0 0", "1 1 0.1 0.2 0.3 0"), file: "e.data") })
        #expect(e5.line == 24)
        guard case .unexpected(let expected, let found) = e5.kind else { Issue.record("\(e5)"); return }
        #expect(expected.contains("5 columns (id type x y z)") && found == "6")

        let e6 = try #require(ioError { _ = try LAMMPSData(parsing: replacing("2 atom types\n", ""), file: "f.data") })
        guard case .truncated(let what6) = e6.kind else { Issue.record("\(e6)"); return }
        #expect(what6.contains("atom types"))

        let e7 = try #require(ioError { _ = try LAMMPSData(parsing: replacing("3 2 1.0", "3 5 1.0"), file: "g.data") })
        #expect(e7.line == 23 && e7.kind == .unexpected(expected: "an atom type in 1...2", found: "5"))

        let e8 = try #require(ioError { _ = try LAMMPSData(parsing: replacing("Velocities", "Velocity"), file: "h.data") })
        #expect(e8.line == 28)

        let e9 = try #require(ioError { _ = try LAMMPSData(contentsOf: URL(fileURLWithPath: "/nonexistent/x.data")) })
        guard case .unreadable = e9.kind else { Issue.record("\(e9)"); return }
    }
}

@Test("a triclinic config.data (xy xz yz) and its extxyz Lattice give identical systems")
func triclinicDataEqualsExtXYZ() throws {
    let data = try LAMMPSData(contentsOf: fixture("triclinic/config.data"))
    let frame = try #require(try ExtXYZ.read(fixture("triclinic/config.extxyz")).first)
    let a = try data.system(typeNames: ["Cu", "Ni"])
    let b = try frame.system(typeNames: ["Cu", "Ni"], masses: data.masses)
    #expect(a == b)
    #expect(a.box.vectors == [10.9, 0, 0, 1.1, 10.8, 0, -0.7, 0.6, 10.85] && a.count == 108)
}

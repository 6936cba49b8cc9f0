import Atomistics
import Foundation
import Testing
import TrajectoryIO

/// A two-species trajectory with atoms outside the cell (so any wrapping would show).
func convertSample(frames count: Int = 3, velocities: Bool = true, box: Box? = nil) throws -> Trajectory {
    let cell = try box ?? Box(lengths: [10.5, 11.25, 12.125], anglesInDegrees: [90, 95.5, 100.25])
    let n = 6
    var frames = [AmberFrame]()
    for k in 0..<count {
        let shift: Double = Double(k) * 0.1 - 7.3
        let x: [Double] = (0..<(3 * n)).map { Double($0) * 1.731 + shift }
        let v: [Double]? = velocities ? (0..<(3 * n)).map { sin(Double($0 + k)) * 7.5 } : nil
        frames.append(AmberFrame(positions: x, velocities: v, box: cell, time: 0.25 * Double(k), potentialEnergy: -3.5 - Double(k)))
    }
    return Trajectory(species: ["Cu", "Ni", "Cu", "Cu", "Ni", "Cu"], frames: frames)
}

@Suite("Trajectory conversion between .nc, .extxyz and .data")
struct TrajectoryConvertTests {
    @Test("nc → extxyz → nc: positions, velocities, cell and time come back to float precision, nothing wrapped")
    func netcdfExtxyzRoundTrip() throws {
        let dir = try ncTempDir("conv-nc")
        let t = try convertSample()
        try t.write(to: dir.appendingPathComponent("a.nc"))
        let a = try Trajectory(contentsOf: dir.appendingPathComponent("a.nc"))
        #expect(a.species == t.species && a.frames.count == 3 && a.hasVelocities)
        for (x, y) in zip(a.frames, t.frames) {
            #expect(x.positions == y.positions.map { Double(Float($0)) })
            #expect(x.time == Double(Float(y.time)))
            #expect(x.box!.lengths.enumerated().allSatisfy { abs($1 - y.box!.lengths[$0]) < 1e-12 })
            for (u, v) in zip(x.velocities!, y.velocities!) { #expect(abs(u - v) <= 1e-6 * max(1, abs(v))) }
        }
        try a.write(to: dir.appendingPathComponent("b.extxyz"))
        let b = try Trajectory(contentsOf: dir.appendingPathComponent("b.extxyz"))
        #expect(b.hasTimes && b.species == a.species)
        for (x, y) in zip(b.frames, a.frames) {
            #expect(x.positions == y.positions && x.velocities == y.velocities && x.time == y.time)
            #expect(x.potentialEnergy == y.potentialEnergy)
        }
        try b.write(to: dir.appendingPathComponent("c.nc"))
        let c = try Trajectory(contentsOf: dir.appendingPathComponent("c.nc"))
        for (x, y) in zip(c.frames, a.frames) { #expect(x.positions == y.positions && x.time == y.time) }
        // Positions outside the cell stay outside: −7.3 Å is not wrapped.
        #expect(c.frames[0].positions[0] == Double(Float(-7.3)))
        // A PDB of the first frame sits beside each .nc.
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("c.pdb").path))
    }

    @Test("extxyz with ASE momenta and no time: velocities = p/m in Å/ps, times absent")
    func extxyzMomentaWithoutTime() throws {
        let dir = try ncTempDir("conv-mom")
        let box = try Box(lengths: [8, 8, 8])
        var s = try System(positions: [0, 0, 0, 1.5, 1.5, 0], types: [0, 1], masses: [63.546, 58.6934],
                           typeNames: ["Cu", "Ni"], box: box, units: .metal, velocities: [1, 2, 3, -4, 5, -6])
        s.time = 0
        let frame = ExtXYZFrame(system: s, includeMomenta: true)
        let url = dir.appendingPathComponent("m.extxyz")
        try ExtXYZ.write([frame, frame], to: url)
        #expect(!(try String(contentsOf: url, encoding: .utf8)).contains("time="))
        let t = try Trajectory(contentsOf: url)
        #expect(!t.hasTimes && t.frames.count == 2 && t.frames.allSatisfy { $0.time == 0 })
        for (u, v) in zip(t.frames[0].velocities!, s.velocities) { #expect(abs(u - v) < 1e-12) }
        try t.write(to: dir.appendingPathComponent("m.nc"))
        let back = try AmberNetCDFReader(dir.appendingPathComponent("m.nc"))
        #expect(back.frameCount == 2 && back.hasVelocities && back.atomicNumbers == [29, 28])
    }

    @Test("extxyz → LAMMPS data → extxyz: exact positions and velocities, type labels, masses; atoms in order")
    func lammpsDataRoundTrip() throws {
        let dir = try ncTempDir("conv-data")
        let box = try Box(lammpsLow: [-1, -2, -3], high: [9, 10, 11], xy: 0.5, xz: -0.25, yz: 0.75)
        let t = try convertSample(frames: 2, box: box)
        try t.write(to: dir.appendingPathComponent("t.extxyz"))
        let x = try Trajectory(contentsOf: dir.appendingPathComponent("t.extxyz"))
        try x.write(to: dir.appendingPathComponent("last.data"))  // the last frame
        let d = try LAMMPSData(contentsOf: dir.appendingPathComponent("last.data"))
        #expect(d.typeLabels == ["Cu", "Ni"] && d.masses?.count == 2)
        // extxyz has no cell origin: the bounds start at 0, the atoms stay where they were.
        #expect(d.low == [0, 0, 0] && d.high == [10, 12, 14] && d.tilt == [0.5, -0.25, 0.75])
        try t.write(to: dir.appendingPathComponent("direct.data"))
        let direct = try LAMMPSData(contentsOf: dir.appendingPathComponent("direct.data"))
        #expect(direct.low == [-1, -2, -3] && direct.high == [9, 10, 11] && direct.positions == t.frames[1].positions)
        let y = try Trajectory(contentsOf: dir.appendingPathComponent("last.data"))
        #expect(y.species == t.species)
        #expect(y.frames[0].positions == t.frames[1].positions)
        #expect(y.frames[0].velocities == t.frames[1].velocities)
        try x.write(to: dir.appendingPathComponent("first.lmp"), frame: 0)
        #expect(try Trajectory(contentsOf: dir.appendingPathComponent("first.lmp")).frames[0].positions == t.frames[0].positions)
    }

    @Test("a right-angled cell read from .nc is exactly orthorhombic (no 6e-17 tilt from cos 90°)")
    func rightAnglesAreOrthorhombic() throws {
        let dir = try ncTempDir("conv-ortho")
        let t = try convertSample(frames: 1, box: try Box(lengths: [5, 6, 7]))
        try t.write(to: dir.appendingPathComponent("o.nc"))
        let box = try #require(try Trajectory(contentsOf: dir.appendingPathComponent("o.nc")).frames[0].box)
        #expect(box.isOrthorhombic && box.vectors == [5, 0, 0, 0, 6, 0, 0, 0, 7])
    }

    @Test("LJ type names that are numbers: no type labels (LAMMPS refuses them), no masses")
    func ljTypesToData() throws {
        let dir = try ncTempDir("conv-lj")
        var t = try convertSample(frames: 1, box: try Box(lengths: [5, 5, 5]))
        t.species = [String](repeating: "1", count: 6)
        try t.write(to: dir.appendingPathComponent("lj.data"))
        let d = try LAMMPSData(contentsOf: dir.appendingPathComponent("lj.data"))
        #expect(d.typeLabels == nil && d.masses == nil && d.typeCount == 1)
        #expect(try Trajectory(contentsOf: dir.appendingPathComponent("lj.data")).species == t.species)
    }

    @Test("errors name the file: unknown extension, a cell LAMMPS cannot hold, no cell, no such frame")
    func errors() throws {
        let dir = try ncTempDir("conv-err")
        let t = try convertSample(frames: 1)
        let odd = dir.appendingPathComponent("x.dcd")
        let e1 = try #require(throws: TrajectoryFormatError.self) { try t.write(to: odd) }
        #expect(e1.description.hasPrefix(odd.path) && e1.description.contains(".dcd"))
        #expect(throws: TrajectoryFormatError.self) { _ = try Trajectory(contentsOf: odd) }
        // A general triclinic cell (b not in the xy plane) is not rotated silently.
        let general = try Box(vectors: [5, 0, 0, 0, 5, 1, 0, 0, 5])
        let data = dir.appendingPathComponent("g.data")
        let e2 = try #require(throws: TrajectoryIOError.self) { try convertSample(frames: 1, box: general).write(to: data) }
        #expect(e2.file == data.path && e2.description.contains("xy plane"))
        var open = t
        open.frames[0].box = nil
        let e3 = try #require(throws: TrajectoryIOError.self) { try open.write(to: data) }
        #expect(e3.description.contains("periodic cell"))
        let e4 = try #require(throws: TrajectoryIOError.self) { try t.write(to: data, frame: 5) }
        #expect(e4.description.contains("frame 5"))
        // An extxyz whose atoms change between frames.
        let bad = dir.appendingPathComponent("bad.extxyz")
        try "1\nProperties=species:S:1:pos:R:3\nCu 0 0 0\n1\nProperties=species:S:1:pos:R:3\nNi 0 0 0\n".write(to: bad, atomically: true, encoding: .utf8)
        let e5 = try #require(throws: TrajectoryIOError.self) { _ = try Trajectory(contentsOf: bad) }
        #expect(e5.file == bad.path && (4...6).contains(e5.line), "\(e5)")
    }
}

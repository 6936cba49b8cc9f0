import Atomistics
import Foundation
import Testing
@testable import TrajectoryIO

@Suite("LAMMPS dumps")
struct LAMMPSDumpTests {
    /// Unwrapped positions in a tilted cell go out wrapped with image flags and come back as they
    /// were; velocities, forces, species and the cell survive; a general cell is rotated into
    /// LAMMPS's orientation (distances kept).
    @Test func roundTripThroughATiltedCell() throws {
        let box = try Box(lammpsLow: [1, -2, 0.5], high: [8, 6, 9.5], xy: 1.5, xz: -2.0, yz: 0.7)
        var rng = Xoshiro256StarStar(seed: 5)
        let n = 7
        let frac = (0..<(3 * n)).map { _ in rng.nextUniform() * 3 - 1 }   // several cells away: unwrapped
        let x = box.cartesian(fromFractional: frac)
        let v = (0..<(3 * n)).map { _ in rng.nextNormal() }, f = (0..<(3 * n)).map { _ in rng.nextNormal() }
        let types = [0, 1, 0, 1, 1, 0, 0]
        let dir = try ncTempDir("dump")
        let url = dir.appendingPathComponent("t.lammpstrj")
        var text = ""
        for step in [0, 10] {
            text += try LAMMPSDump.frame(step: step, time: 0, box: box, positions: x, types: types, typeNames: ["Cu", "Au"],
                                         typeMasses: [63.546, 196.97], velocities: v, forces: f, atomEnergies: [Double](repeating: -1, count: n))
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
        #expect(text.contains("ITEM: BOX BOUNDS xy xz yz pp pp pp"))
        let t = try LAMMPSDump.read(url, timestep: 0.002)
        #expect(t.frames.count == 2 && t.species == ["Cu", "Au", "Cu", "Au", "Au", "Cu", "Cu"])
        #expect(t.frames[1].time == 0.02)
        for k in 0..<(3 * n) {
            #expect(abs(t.frames[1].positions[k] - x[k]) < 1e-12)
            #expect(t.frames[1].velocities![k] == v[k] && t.frames[1].forces![k] == f[k])
        }
        let back = t.frames[0].box!
        for k in 0..<9 { #expect(abs(back.vectors[k] - box.vectors[k]) < 1e-12) }
        for k in 0..<3 { #expect(abs(back.origin[k] - box.origin[k]) < 1e-12) }

        // A general (rotated) cell: written rotated into LAMMPS's orientation, distances kept.
        let general = try Box(vectors: [5, 1, 0.5, -1, 6, 0.3, 0.2, -0.4, 7])
        let y = general.cartesian(fromFractional: frac)
        try LAMMPSDump.frame(step: 0, time: 0, box: general, positions: y, types: types, typeNames: ["Cu", "Au"])
            .write(to: url, atomically: true, encoding: .utf8)
        let g = try LAMMPSDump.read(url).frames[0]
        #expect(g.box!.isLAMMPSRestricted)
        func d(_ p: [Double], _ i: Int, _ j: Int) -> Double {
            ((0..<3).map { p[3 * i + $0] - p[3 * j + $0] }.reduce(0) { $0 + $1 * $1 }).squareRoot()
        }
        for (i, j) in [(0, 1), (2, 5), (3, 6)] { #expect(abs(d(g.positions, i, j) - d(y, i, j)) < 1e-10) }
        #expect(abs(g.box!.volume - general.volume) < 1e-9)
    }

    /// Dumps written by LAMMPS itself (`dump custom` with `xu yu zu`, scaled `xs ys zs`, no element
    /// column): read as LAMMPS wrote them; bad input is refused naming the line.
    @Test func lammpsStyleColumnsAndBadInput() throws {
        let dir = try ncTempDir("dump-lammps")
        let url = dir.appendingPathComponent("l.dump")
        let text = """
            ITEM: TIMESTEP
            100
            ITEM: NUMBER OF ATOMS
            2
            ITEM: BOX BOUNDS pp pp pp
            0 10
            0 10
            0 10
            ITEM: ATOMS id type xs ys zs
            2 1 0.5 0.5 0.5
            1 2 0.1 0.2 0.3

            """
        try text.write(to: url, atomically: true, encoding: .utf8)
        let t = try Trajectory(contentsOf: url)
        #expect(t.species == ["2", "1"])
        #expect(t.frames[0].positions == [1, 2, 3, 5, 5, 5])
        try text.replacingOccurrences(of: "0.5 0.5 0.5", with: "0.5 x 0.5").write(to: url, atomically: true, encoding: .utf8)
        do {
            _ = try Trajectory(contentsOf: url)
            Issue.record("a bad number must be refused")
        } catch let e as TrajectoryIOError {
            #expect(e.line == 10)
        }
        try String(text.prefix(60)).write(to: url, atomically: true, encoding: .utf8)
        #expect(throws: TrajectoryIOError.self) { _ = try Trajectory(contentsOf: url) }
    }
}

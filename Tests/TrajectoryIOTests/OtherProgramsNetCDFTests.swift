import Foundation
import Testing
@testable import TrajectoryIO

/// NetCDF files written by other programs' conventions (Fixtures/netcdf, made by make_fixtures.py
/// with ASE 3.29 and netCDF4): read as their own tools read them.
@Suite("NetCDF from other programs")
struct OtherProgramsNetCDFTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/netcdf")
    static func matrix(_ set: String, _ key: String) -> [[Double]] {
        let data = (try? Data(contentsOf: dir.appendingPathComponent("expected.json"))) ?? Data()
        let expected = ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any]) ?? [:]
        let frames = (expected[set] as? [String: Any])?[key] as? [[[Double]]] ?? []
        return frames.map { $0.flatMap { $0 } }
    }

    /// ASE's NetCDFTrajectory: atom_types per (frame, atom) — once refused as "truncated" — no time,
    /// velocities in ASE's time unit.
    @Test func aseTrajectory() throws {
        let t = try Trajectory(contentsOf: Self.dir.appendingPathComponent("ase.nc"))
        #expect(t.species == ["Cu", "Cu", "Cu", "Cu"])
        #expect(!t.hasTimes)
        let x = Self.matrix("ase", "positions"), v = Self.matrix("ase", "velocities_A_per_ps")
        #expect(t.frames.count == 2 && x.count == 2)
        for k in 0..<2 {
            // ASE stores float32.
            for (a, b) in zip(t.frames[k].positions, x[k]) { #expect(abs(a - b) < 1e-6) }
            for (a, b) in zip(t.frames[k].velocities!, v[k]) { #expect(abs(a - b) < 1e-6 * max(1, abs(b))) }
            #expect(abs(t.frames[k].box!.vectors[0] - 3.61) < 1e-12)
        }
    }

    /// scale_factor applies to every variable (coordinates, cell lengths, time), and time units convert.
    @Test func scaleFactorOnEveryVariable() throws {
        let t = try Trajectory(contentsOf: Self.dir.appendingPathComponent("scaled.nc"))
        let x = Self.matrix("scaled", "positions")
        for k in 0..<2 { for (a, b) in zip(t.frames[k].positions, x[k]) { #expect(abs(a - b) < 1e-12) } }
        #expect(t.frames[0].box!.vectors == [5, 0, 0, 0, 6, 0, 0, 0, 7])
        #expect(t.frames.map(\.time) == [0, 0.002])
        #expect(t.hasTimes)
    }

    /// No time variable: times unknown (so `symmd convert --dt` sets them), not silently 0.
    @Test func noTimeVariable() throws {
        let t = try Trajectory(contentsOf: Self.dir.appendingPathComponent("notime.nc"))
        #expect(!t.hasTimes && t.frames.count == 3)
        #expect(t.frames[2].positions.allSatisfy { $0 == 2 })
    }

    /// Units symmd cannot convert are refused naming the variable, never guessed.
    @Test func unitConversions() {
        typealias V = AmberNetCDFVariable
        #expect(V.conversion("nanometer", .length) == 10)
        #expect(V.conversion("Angstrom/Femtosecond", .length) == 1)   // ASE's label on coordinates
        #expect(V.conversion("femtosecond", .time) == 0.001)
        #expect(V.conversion("angstrom/femtosecond", .velocity(aseUnits: false)) == 1000)
        #expect(V.conversion("nanometer/picosecond", .velocity(aseUnits: false)) == 10)
        #expect(abs(V.conversion(nil, .velocity(aseUnits: true))! - 98.22694788) < 1e-6)
        #expect(abs(V.conversion("kilojoule/mole/nanometer", .force)! - 0.1 / 96.485332) < 1e-15)
        #expect(V.conversion("furlong", .length) == nil)
    }
}

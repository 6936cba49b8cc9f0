import Foundation
import SymmdDeck
import Testing
import TrajectoryIO

/// An lj run says so in its NetCDF file, and the analyses label σ, τ, ε instead of Å, ps, eV.
@Suite("reduced units of lj runs in trajectories and analysis output")
struct ReducedUnitsTests {
    @Test("lj .nc: symmd_units = lj, reduced energy units; analyze rdf/vacf/thermo label σ, τ, ε", .timeLimit(.minutes(2)))
    func ljLabels() throws {
        let dir = try tempDir("lj-units")
        let output = """
            [output]
            thermo = { file = "thermo.csv", every = 2 }
            trajectory = { file = "traj.nc", every = 2, velocities = true }
            """
        try RunDriver(deck: try RunDeck(contentsOf: try writeDeck(ljDeck(cells: 3, output: output), in: dir))).run()
        let nc = dir.appendingPathComponent("traj.nc")
        let r = try AmberNetCDFReader(nc)
        #expect(r.unitStyle == .lj && r.attributes["symmd_units"] == "lj")
        #expect(try Trajectory(contentsOf: nc).units == .lj)

        let rdf = try runSymmd(["analyze", "rdf", nc.path, "--bins", "30", "--out", dir.appendingPathComponent("rdf").path])
        #expect(rdf.status == 0 && rdf.out.contains("σ") && !rdf.out.contains("Å"), "\(rdf.out)\(rdf.err)")
        let svg = try String(contentsOf: dir.appendingPathComponent("rdf.svg"), encoding: .utf8)
        #expect(svg.contains("r (σ)") && !svg.contains("Å"))
        let vacf = try runSymmd(["analyze", "vacf", nc.path, "--out", dir.appendingPathComponent("vacf").path])
        #expect(vacf.status == 0 && vacf.out.contains("τ") && !vacf.out.contains("ps"), "\(vacf.out)\(vacf.err)")
        #expect(try String(contentsOf: dir.appendingPathComponent("vacf.csv"), encoding: .utf8).hasPrefix("t_tau,"))
        let thermo = try runSymmd(["analyze", "thermo", dir.appendingPathComponent("thermo.csv").path, "--units", "lj", "--blocks", "2"])
        #expect(thermo.status == 0 && thermo.out.contains("ε") && !thermo.out.contains("eV"), "\(thermo.out)\(thermo.err)")
        // Converted to extxyz and back, the unit style travels along.
        let xyz = dir.appendingPathComponent("traj.extxyz")
        #expect(try runSymmd(["convert", nc.path, xyz.path]).status == 0)
        #expect(try Trajectory(contentsOf: xyz).units == .lj)
    }

    @Test("metal .nc keeps metal labels (Å, ps) and says symmd_units = metal")
    func metalLabels() throws {
        let dir = try tempDir("metal-units")
        let nc = dir.appendingPathComponent("m.nc")
        let w = try AmberNetCDFWriter(creating: nc, atomicNumbers: [29, 29], velocities: true)
        for k in 0..<3 {
            try w.write(AmberFrame(positions: [0, 0, 0, 1.2 + 0.1 * Double(k), 0, 0], velocities: [1, 0, 0, -1, 0, 0],
                                   box: try .init(lengths: [5, 5, 5]), time: Double(k)))
        }
        w.close()
        #expect(try AmberNetCDFReader(nc).unitStyle == .metal)
        let rdf = try runSymmd(["analyze", "rdf", nc.path, "--bins", "10"])
        #expect(rdf.status == 0 && rdf.out.contains("Å"), "\(rdf.out)\(rdf.err)")
    }
}

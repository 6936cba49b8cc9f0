import Analysis
import Atomistics
import Foundation
import TrajectoryIO

/// `symmd analyze rdf` on a 4 000-atom, 1 000-frame LJ trajectory against MDAnalysis `InterRDF`
/// on the same file in the same run.
enum RDFBench {
    /// Frames, MD steps between frames, and g(r) bins.
    static let frameCount = 1000, stride = 5, bins = 200

    /// Writes the trajectory (fcc 10×10×10 at ρ 0.8442, T 1.44, NVE from step 200 on, so no frame
    /// is the perfect lattice whose distances fall on bin edges) and its
    /// PDB; returns the cell's half width (σ), the rmax of both sides.
    static func makeTrajectory(_ url: URL) throws -> Double {
        var (s, f) = try LJBench.makeSystem(cells: 10)
        var vv = try VelocityVerlet(timestep: 0.005)
        for _ in 0..<200 { try vv.step(&s, forces: &f) }
        let w = try AmberNetCDFWriter(creating: url, atomicNumbers: [Int](repeating: 0, count: s.count), units: .lj)
        for k in 0..<frameCount {
            if k > 0 { for _ in 0..<stride { try vv.step(&s, forces: &f) } }
            try w.write(AmberFrame(positions: s.positions, box: s.box, time: s.time))
        }
        w.close()
        try PDB.write(positions: s.positions, names: [String](repeating: "LJ", count: s.count), box: s.box,
                      to: url.deletingPathExtension().appendingPathExtension("pdb"))
        return 0.5 * s.box.perpendicularWidths.min()!
    }

    /// What `symmd analyze rdf TRAJ --bins 200` does (read every frame, accumulate all-all g(r)):
    /// the seconds taken and g.
    static func symmdRDF(_ url: URL, rMax: Double) throws -> (seconds: Double, g: [Double]) {
        var result: [Double] = []
        var failure: Error?
        let t = seconds {
            do {
                let traj = try Trajectory(contentsOf: url)
                var rdf = RadialDistribution(rMax: rMax, bins: bins)
                let all = Array(0..<traj.atomCount)
                for f in traj.frames { try rdf.add(positions: f.positions, box: f.box!, a: all, b: all) }
                result = rdf.g
            } catch { failure = error }
        }
        if let failure { throw failure }
        return (t, result)
    }

    /// The MDAnalysis side: Universe + InterRDF (like pairs, exclusion_block (1, 1)), timed inside Python.
    static let anchorScript = """
        import json, sys, time
        import MDAnalysis as mda
        from MDAnalysis.analysis.rdf import InterRDF
        top, traj, rmax, bins = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
        t0 = time.perf_counter()
        u = mda.Universe(top, traj, format="NCDF")
        r = InterRDF(u.atoms, u.atoms, nbins=bins, range=(0.0, rmax), exclusion_block=(1, 1)).run()
        t = time.perf_counter() - t0
        print(json.dumps({"seconds": t, "g": r.results.rdf.tolist(), "version": mda.__version__}))
        """

    /// The first Python (`python3`, then the interop test's `.venv`) that imports MDAnalysis, or nil.
    static func pythonWithMDAnalysis() -> String? {
        for python in ["python3", ".venv/bin/python"] where runProcess(python, ["-c", "import MDAnalysis"]).status == 0 {
            return python
        }
        return nil
    }

    /// The benchmark entry.
    static func benchmarks() -> [Benchmark] {
        [Benchmark(name: "rdf-4k-1000f") { _ in
            let dir = try NetCDFBench.scratch("rdf")
            defer { try? FileManager.default.removeItem(at: dir) }
            let url = dir.appendingPathComponent("lj4k.nc")
            FileHandle.standardError.write(Data("  writing the 4000-atom, 1000-frame trajectory…\n".utf8))
            let rMax = try makeTrajectory(url)
            let ours = try symmdRDF(url, rMax: rMax)
            var note = String(format: "4000 LJ atoms (ρ 0.8442), 1000 frames, all-all, rmax %.3f σ (half the box), %d bins; reading included on both sides; symmd 1 thread", rMax, bins)
            guard let python = pythonWithMDAnalysis() else {
                note += "; MDAnalysis not importable by python3 or .venv/bin/python: anchor skipped"
                return BenchResult(name: "rdf-4k-1000f", unit: "s", symmd: ours.seconds, anchor: nil, anchor_value: nil, ratio: nil, note: note)
            }
            let pdb = url.deletingPathExtension().appendingPathExtension("pdb")
            let r = runProcess(python, ["-c", anchorScript, pdb.path, url.path, String(rMax), String(bins)],
                               environment: ["OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"])
            guard r.status == 0, let line = r.output.split(separator: "\n").last,
                  let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let theirs = obj["seconds"] as? Double, let g = obj["g"] as? [Double] else {
                note += "; the MDAnalysis run failed (status \(r.status)): anchor skipped"
                return BenchResult(name: "rdf-4k-1000f", unit: "s", symmd: ours.seconds, anchor: nil, anchor_value: nil, ratio: nil, note: note)
            }
            let diff = zip(ours.g, g).map { abs($0 - $1) }.max() ?? .nan
            note += String(format: "; MDAnalysis %@ (%@); max |Δg| %.2g", obj["version"] as? String ?? "?", python, diff)
            return BenchResult(name: "rdf-4k-1000f", unit: "s", symmd: ours.seconds, anchor: "mdanalysis",
                               anchor_value: theirs, ratio: ours.seconds / theirs, note: note)
        }]
    }
}

import Atomistics
import Foundation
import TrajectoryIO

/// NetCDF trajectory output on the `bench/in.lj` system: write speed (32 000 atoms, with and
/// without velocities) and the cost of a frame every 10 steps as a fraction of an lj-bench step.
enum NetCDFBench {
    /// Frames timed per configuration (median reported), after `warmupFrames` untimed ones.
    static let frames = 40, warmupFrames = 3

    /// A fresh scratch folder under the system's temporary directory.
    static func scratch(_ name: String) throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("symmd-bench-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    /// Median seconds per frame and bytes per frame of writing the in.lj system (32 000 atoms)
    /// with `AmberNetCDFWriter` (coordinates, cell, time, four energies; velocities if asked),
    /// each frame synced to disk as a run does.
    static func writeSecondsPerFrame(velocities: Bool) throws -> (seconds: Double, bytes: Double) {
        let (s, _) = try LJBench.makeSystem()
        let dir = try scratch("nc-write")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("w.nc")
        let w = try AmberNetCDFWriter(creating: url, atomicNumbers: [Int](repeating: 0, count: s.count),
                                      velocities: velocities, units: .lj)
        var frame = AmberFrame(positions: s.positions, velocities: velocities ? s.velocities : nil, box: s.box,
                               potentialEnergy: -6.77, kineticEnergy: 2.16, temperature: 1.44, pressure: -5.0)
        var times = [Double]()
        var failure: Error?
        for k in 0..<(warmupFrames + frames) {
            frame.time = Double(k) * 0.05
            frame.positions[0] += 1e-3  // a changing frame
            let t = seconds { do { try w.write(frame) } catch { failure = error } }
            if let failure { throw failure }
            if k >= warmupFrames { times.append(t) }
        }
        w.close()
        let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        return (median(times), Double(size) / Double(warmupFrames + frames))
    }

    /// Seconds of one 100-step in.lj loop that writes a frame with velocities every `every`
    /// steps (energy and virial computed on those steps, as `symmd run` does), or none (`every` nil).
    static func loopSeconds(writingEvery every: Int?) throws -> Double {
        var (s, f) = try LJBench.makeSystem()
        var vv = try VelocityVerlet(timestep: 0.005)
        let dir = try scratch("nc-loop")
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = try every.map { _ in
            try AmberNetCDFWriter(creating: dir.appendingPathComponent("loop.nc"),
                                  atomicNumbers: [Int](repeating: 0, count: s.count), velocities: true, units: .lj)
        }
        var failure: Error?
        let t = seconds {
            do {
                for k in 1...100 {
                    let frameDue = every.map { k % $0 == 0 } ?? false
                    f.forcesOnly = !(k == 100 || frameDue)
                    try vv.step(&s, forces: &f)
                    if frameDue, let w {
                        try w.write(AmberFrame(positions: s.positions, velocities: s.velocities, box: s.box, time: s.time,
                                               potentialEnergy: f.potentialEnergy, kineticEnergy: s.kineticEnergy,
                                               pressure: s.pressure(virial: f.virial)))
                    }
                }
            } catch { failure = error }
        }
        w?.close()
        if let failure { throw failure }
        return t
    }

    /// The benchmark entries.
    static func benchmarks() -> [Benchmark] {
        let writes = [false, true].map { withVelocities in
            let name = "netcdf-write-32k" + (withVelocities ? "-vel" : "")
            return Benchmark(name: name) { _ in
                let (t, bytes) = try writeSecondsPerFrame(velocities: withVelocities)
                let note = String(format: "%.1f frames/s, %.0f MB/s (%.2f MB/frame: float coordinates%@, cell, time, 4 energies; nc_sync per frame (to the page cache, no fsync); ext4 /tmp); median of %d",
                                  1 / t, bytes / t / 1e6, bytes / 1e6, withVelocities ? " and velocities" : "", frames)
                return BenchResult(name: name, unit: "s/frame", symmd: t, anchor: "none", anchor_value: nil, ratio: nil, note: note)
            }
        }
        let cost = Benchmark(name: "netcdf-every-10-cost") { _ in
            let (write, _) = try writeSecondsPerFrame(velocities: true)
            _ = try loopSeconds(writingEvery: nil)  // warm-up
            var plain = [Double](), writing = [Double]()
            for _ in 0..<3 {
                plain.append(try loopSeconds(writingEvery: nil))
                writing.append(try loopSeconds(writingEvery: 10))
            }
            let step = median(plain) / 100
            let fraction = write / (10 * step)
            let direct = median(writing) / median(plain) - 1
            let note = String(format: "one 32k-atom frame with velocities (%.2f ms) per 10 lj-bench steps (%.2f ms/step): %.1f %% (target ≤ 5 %%); the whole loop with a frame every 10 steps (energies on those steps) against without: %+.1f %% (median of 3 each, ±~5 %% noise)",
                                  write * 1e3, step * 1e3, 100 * fraction, 100 * direct)
            return BenchResult(name: "netcdf-every-10-cost", unit: "fraction of step time", symmd: fraction,
                               anchor: "none", anchor_value: nil, ratio: nil, note: note)
        }
        return writes + [cost]
    }
}

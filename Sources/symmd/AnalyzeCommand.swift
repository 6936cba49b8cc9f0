import Analysis
import ArgumentParser
import Atomistics
import Foundation
import TrajectoryIO

/// `symmd analyze …`: analyses of a trajectory.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Analyse a trajectory (AMBER NetCDF .nc, extxyz, LAMMPS data) or a thermo log.",
        discussion: prose("""
            Examples (after `make demo`, which writes out/cu-md/):
              symmd analyze rdf out/cu-md/traj.nc --bins 100 --frames 21: --out out/cu-md/rdf
              symmd analyze msd out/cu-md/traj.nc --frames 21: --out out/cu-md/msd
              symmd analyze thermo out/cu-md/thermo.csv
            """),
        subcommands: [RDFCommand.self, MSDCommand.self, VACFCommand.self, VDOSCommand.self, ThermoCommand.self, LearningCurveCommand.self])
}

/// `START:STOP:STEP` frame selection (each part optional, Python slice semantics, STOP exclusive).
struct FrameSelection: ExpressibleByArgument {
    var start: Int?
    var stop: Int?
    var step: Int

    init?(argument: String) {
        let parts = argument.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (1...3).contains(parts.count) else { return nil }
        func int(_ s: String) -> Int?? { s.isEmpty ? .some(nil) : Int(s).map { .some($0) } }
        guard let a = int(parts[0]) else { return nil }
        start = a
        if parts.count == 1 {
            guard let a else { return nil }
            stop = a + 1
            step = 1
            return
        }
        guard let b = int(parts[1]) else { return nil }
        stop = b
        if parts.count == 3 {
            guard let c = int(parts[2]), let c, c > 0 else { return nil }
            step = c
        } else {
            step = 1
        }
    }

    /// The selected indices of `count` frames.
    func indices(_ count: Int) -> [Int] {
        func norm(_ v: Int?, _ d: Int) -> Int { v.map { $0 < 0 ? max(0, count + $0) : min($0, count) } ?? d }
        return Array(stride(from: norm(start, 0), to: norm(stop, count), by: step))
    }
}

/// `symmd analyze rdf TRAJ`: g(r) of a species pair.
struct RDFCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rdf",
        abstract: "Radial distribution function g(r) of a species pair, averaged over frames.",
        discussion: prose("""
            Normalised with N(N−1) for like pairs (N_A·N_B otherwise), as LAMMPS compute rdf and
            MDAnalysis InterRDF. When the cell changes (NPT) the default is InterRDF's normalisation
            (mean counts × mean volume); --normalization per-frame is LAMMPS's (each frame by its own
            volume). The default --rmax is half the narrowest cell width over all chosen frames.
            Writes PREFIX.csv with columns r,g,coordination and PREFIX.svg.
            Example:
              symmd analyze rdf out/lj-liquid/traj.nc --rmax 4 --bins 100 --frames 51: --out out/lj-liquid/rdf
            """))

    @Argument(help: "Trajectory file (.nc AMBER NetCDF, .extxyz/.xyz, .data/.lmp).") var trajectory: String
    @Option(help: "Species pair A-B (default: all atoms with all atoms).") var pairs: String?
    @Option(help: "Outer radius in length units (default: half the narrowest perpendicular cell width of any chosen frame).") var rmax: Double?
    @Option(help: "average-volume (MDAnalysis InterRDF, default) or per-frame (LAMMPS compute rdf) when the volume changes.")
    var normalization: String = "average-volume"
    @Option(help: "Number of bins.") var bins: Int = 200
    @Option(help: "Frames START:STOP:STEP (Python slice, STOP exclusive; default: every frame).") var frames: FrameSelection?
    @Option(help: "Output file prefix: writes PREFIX.csv and PREFIX.svg (default: print the summary only, write nothing).") var out: String?
    @Option(help: "A reference g(r) to draw over ours: a CSV whose first two columns are r and g (e.g. examples/reference/cu-emt-rdf-800K.csv).")
    var reference: String?
    @Option(help: "Legend name of --reference (default: its file name).") var referenceLabel: String?
    @OptionGroup var reading: ReadingOptions

    func run() throws {
        try userFacing {
            guard bins > 0 else { throw ValidationError("--bins must be positive, got \(bins)") }
            let traj = try reading.read(trajectory)
            guard !traj.frames.isEmpty else { throw ValidationError("\(trajectory): no frames") }
            let chosen = (frames?.indices(traj.frames.count) ?? Array(0..<traj.frames.count))
            guard !chosen.isEmpty else { throw ValidationError("--frames selects no frame of \(traj.frames.count)") }
            let names = traj.typeNames, types = traj.types
            var a = Array(0..<traj.atomCount), b = a
            if let pairs {
                let p = pairs.split(separator: "-").map(String.init)
                guard p.count == 2 else { throw ValidationError("--pairs: expected A-B, found '\(pairs)'") }
                func members(_ s: String) throws -> [Int] {
                    guard let t = names.firstIndex(of: s) else { throw AnalysisError.unknownSpecies(s, available: names) }
                    return types.indices.filter { types[$0] == t }
                }
                a = try members(p[0])
                b = try members(p[1])
            }
            func box(_ k: Int) throws -> Box {
                guard let box = traj.frames[k].box else {
                    throw ValidationError("\(trajectory): frame \(k): expected a periodic cell for g(r), found none")
                }
                return box
            }
            guard let norm = RadialDistribution.Normalization(rawValue: normalization) else {
                throw ValidationError("--normalization: expected average-volume or per-frame, found '\(normalization)'")
            }
            // The default range fits every chosen frame (an NPT cell shrinks and grows).
            var half = Double.infinity
            for k in chosen { half = min(half, 0.5 * (try box(k).perpendicularWidths.min() ?? 0)) }
            guard (rmax ?? half) > 0 else { throw ValidationError("--rmax must be positive, got \(rmax ?? half)") }
            var rdf = RadialDistribution(rMax: rmax ?? half, bins: bins)
            rdf.normalization = norm
            for k in chosen { try rdf.add(positions: traj.frames[k].positions, box: try box(k), a: a, b: b) }
            let peak = rdf.firstPeak
            let length = UnitLabels(traj.units).length
            print(String(format: "g(r) over %d frames, %d bins to r = %.4g %@: first peak g = %.4f at r = %.4f %@",
                         rdf.frames, bins, rdf.rMax, length, peak.g, peak.r, length))
            if let out {
                let label = pairs ?? "all-all"
                var series: [LinePlot.Series] = [.init(name: "g(r), symmd", x: rdf.r, y: rdf.g)]
                if let reference {
                    let table = try ThermoTable(parsing: String(contentsOfFile: reference, encoding: .utf8), file: reference)
                    guard table.columns.count >= 2 else { throw ValidationError("--reference \(reference): expected columns r,g") }
                    series.append(.init(name: referenceLabel ?? URL(fileURLWithPath: reference).deletingPathExtension().lastPathComponent,
                                        x: table.columns[0], y: table.columns[1]))
                }
                let plot = LinePlot(title: "Radial distribution function g(r), \(label)", xLabel: "r (\(UnitLabels(traj.units).length))", yLabel: "g(r)",
                                    series: series)
                let paths = try AnalysisOutput.write(prefix: out, header: ["r", "g", "coordination"],
                                                     columns: [rdf.r, rdf.g, rdf.coordination], plot: plot, inputs: [trajectory])
                print("written: \(paths.joined(separator: ", "))")
            }
        }
    }
}

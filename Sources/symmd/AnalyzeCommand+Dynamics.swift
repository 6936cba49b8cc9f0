import Analysis
import ArgumentParser
import Atomistics
import Foundation
import TrajectoryIO

/// The selected frames of a trajectory (any format `Trajectory` reads) and the time between them (ps).
struct SelectedFrames {
    /// The frames chosen by `--frames`, in order.
    var frames: [AmberFrame]
    /// Atoms per frame.
    var atomCount: Int
    /// Time between successive selected frames (ps, τ in lj): from the frames' times, or `--dt`.
    var dt: Double
    /// Unit labels of the trajectory's numbers.
    var units: UnitLabels
    /// Each atom's species.
    var species: [String]

    /// Reads `path`, applies the selection, and finds the frame spacing (ps).
    init(path: String, selection: FrameSelection?, dt: Double?, minimum: Int = 2) throws {
        let traj = try readTrajectory(path)
        let all = traj.frames
        let chosen = selection?.indices(all.count) ?? Array(0..<all.count)
        guard chosen.count >= minimum else {
            throw ValidationError("\(path): expected at least \(minimum) selected frames, found \(chosen.count) of \(all.count)")
        }
        frames = chosen.map { all[$0] }
        atomCount = traj.atomCount
        units = UnitLabels(traj.units)
        species = traj.species
        if let dt {
            guard dt > 0 else { throw ValidationError("--dt must be positive, got \(dt)") }
            self.dt = dt
            return
        }
        guard traj.hasTimes else {
            throw ValidationError("\(path): expected a 'time' key (ps) on every frame or --dt, found none")
        }
        let times = frames.map(\.time)
        // NetCDF stores times as floats: the mean spacing, and a tolerance of 1e-3 of it.
        let spacing = (times.last! - times[0]) / Double(times.count - 1)
        guard spacing > 0 else { throw ValidationError("\(path): expected increasing frame times, found \(times[0]) then \(times[1])") }
        for k in 1..<times.count where abs((times[k] - times[k - 1]) - spacing) > 1e-3 * spacing {
            throw ValidationError("\(path): expected evenly spaced frame times (\(spacing) ps), found a gap at selected frame \(k)")
        }
        self.dt = spacing
    }
}

/// `symmd analyze msd TRAJ`: mean square displacement and diffusion coefficient.
struct MSDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "msd",
        abstract: "Mean square displacement (Å²) and the diffusion coefficient D (Å²/ps).",
        discussion: prose("""
            Positions are unwrapped through the periodic boundaries from successive frames by the
            minimum-image displacement (frames must be saved before any atom moves half a box),
            and the MSD is averaged over atoms and all time origins (FFT algorithm). The drift of
            the centre of mass (mass-weighted) is removed first, as LAMMPS compute msd com yes
            (--keep-drift keeps it). D comes from a least-squares line MSD = 6 D t + b over the
            printed fit range; few frames or a non-positive slope are warned about.
            Writes PREFIX.csv (t_ps,msd_A2) and PREFIX.svg.
            Example:
              symmd analyze msd out/cu-md/traj.nc --frames 21: --fit 0.2:0.8 --out out/cu-md/msd
            """))

    @Argument(help: "Trajectory file (.nc, .extxyz/.xyz; metal units).") var trajectory: String
    @Option(help: "Frames START:STOP:STEP (Python slice, STOP exclusive; default: every frame).") var frames: FrameSelection?
    @Option(help: "Time between selected frames in ps (default: from the frames' time keys).") var dt: Double?
    @Option(help: "Fit range as fractions of the longest lag, LO:HI.") var fit: String = "0.2:0.8"
    @Flag(help: "Keep the drift of the centre of mass (by default it is removed, as LAMMPS compute msd com yes).")
    var keepDrift = false
    @Option(help: "Output file prefix: writes PREFIX.csv and PREFIX.svg (default: print the summary only, write nothing).") var out: String?

    func run() throws {
        try userFacing {
            let parts = fit.split(separator: ":").compactMap { Double($0) }
            guard parts.count == 2, parts[0] >= 0, parts[1] <= 1, parts[0] < parts[1] else {
                throw ValidationError("--fit: expected LO:HI with 0 ≤ LO < HI ≤ 1, found '\(fit)'")
            }
            let sel = try SelectedFrames(path: trajectory, selection: frames, dt: dt)
            var positions = [[Double]](), boxes = [Box]()
            for f in sel.frames {
                positions.append(f.positions)
                boxes.append(try f.box ?? Box(lengths: [1, 1, 1], periodic: [false, false, false]))
            }
            // Masses from the species when they are elements, else equal weights.
            let weights = sel.species.map { Element(symbol: $0)?.mass ?? 1 }
            let msd = MeanSquareDisplacement(wrapped: positions, boxes: boxes, dt: sel.dt, driftWeights: keepDrift ? nil : weights)
            guard let d = msd.diffusion(fraction: parts[0]...parts[1]) else {
                throw ValidationError("--fit \(fit) holds fewer than two lags of \(msd.msd.count)")
            }
            let u = sel.units
            if msd.msd.count < 20 {
                printError("warning: only \(msd.msd.count) frames: the MSD at long lags rests on few time origins and D is rough; write frames more often or run longer")
            }
            if d.coefficient <= 0 {
                printError("warning: the fitted slope is not positive (D = \(String(format: "%.3g", d.coefficient))): no diffusion is resolved over these lags (a solid, or too few frames); D is not meaningful here")
            }
            let si = u.style == .metal ? String(format: " (%.4g × 10⁻⁹ m²/s)", d.coefficient * 0.1) : ""
            print(String(format: "MSD over %d frames (dt = %g %@), %d atoms: D = %.6g %@²/%@%@, fit MSD = 6Dt + b over t = %g–%g %@",
                         msd.msd.count, sel.dt, u.time, positions[0].count / 3, d.coefficient, u.length, u.time, si,
                         d.fitRange.lowerBound, d.fitRange.upperBound, u.time))
            if let out {
                let fitTimes = [d.fitRange.lowerBound, d.fitRange.upperBound]
                let plot = LinePlot(title: "Mean square displacement: D = \(String(format: "%.4g", d.coefficient)) \(u.length)²/\(u.time)",
                                    xLabel: "t (\(u.time))", yLabel: "MSD (\(u.length)²)",
                                    series: [.init(name: "MSD", x: msd.lagTimes, y: msd.msd),
                                             .init(name: "fit 6Dt + b", x: fitTimes, y: fitTimes.map { d.slope * $0 + d.intercept })])
                let paths = try AnalysisOutput.write(prefix: out, header: ["t_\(u.ascii.time)", "msd_\(u.ascii.length)2"],
                                                     columns: [msd.lagTimes, msd.msd], plot: plot, inputs: [trajectory])
                print("written: \(paths.joined(separator: ", "))")
            }
        }
    }
}

/// The VACF of a trajectory's selected frames.
func trajectoryVACF(path: String, selection: FrameSelection?, dt: Double?) throws -> (VelocityAutocorrelation, atoms: Int, units: UnitLabels) {
    let sel = try SelectedFrames(path: path, selection: selection, dt: dt, minimum: 3)
    var v = [[Double]]()
    for (k, f) in sel.frames.enumerated() {
        guard let x = f.velocities else {
            throw ValidationError("\(path): selected frame \(k): expected velocities (NetCDF 'velocities', extxyz 'vel:R:3' or 'velocities:R:3' in Å/ps, or ASE 'momenta:R:3'), found none")
        }
        v.append(x)
    }
    return (VelocityAutocorrelation(velocities: v, dt: sel.dt), sel.atomCount, sel.units)
}

/// `symmd analyze vacf TRAJ`: velocity autocorrelation function.
struct VACFCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vacf",
        abstract: "Velocity autocorrelation ⟨v(0)·v(t)⟩, the full dot product (Å²/ps²), by FFT.",
        discussion: prose("""
            The full dot product, so C(0) = ⟨v·v⟩ = 3k_BT/m (as MDAnalysis and LAMMPS compute vacf),
            averaged over atoms and all time origins (Wiener–Khinchin, zero-padded: the linear
            correlation, lag m divided by its T−m origins). Velocities come from a
            NetCDF 'velocities', an extxyz 'vel' or 'velocities' column (Å/ps), or ASE 'momenta'.
            Writes PREFIX.csv (t_ps,vacf_normalized,vacf_vdotv_A2_per_ps2) and PREFIX.svg.
            Example:
              symmd analyze vacf out/cu-md/traj.nc --frames 21: --out out/cu-md/vacf
            """))

    @Argument(help: "Trajectory file with velocities (.nc, or .extxyz with vel or momenta; metal units).") var trajectory: String
    @Option(help: "Frames START:STOP:STEP (Python slice, STOP exclusive; default: every frame).") var frames: FrameSelection?
    @Option(help: "Time between selected frames in ps (default: from the frames' time keys).") var dt: Double?
    @Option(help: "Output file prefix: writes PREFIX.csv and PREFIX.svg (default: print the summary only, write nothing).") var out: String?

    func run() throws {
        try userFacing {
            let (vacf, atoms, u) = try trajectoryVACF(path: trajectory, selection: frames, dt: dt)
            let norm = vacf.normalized
            let zero = norm.firstIndex { $0 <= 0 }.map { vacf.lagTimes[$0] }
            print(String(format: "VACF over %d frames (dt = %g %@), %d atoms: C(0) = ⟨v·v⟩ = %.6g %@²/%@², first zero ",
                         vacf.c.count, vacf.lagTimes[1], u.time, atoms, vacf.c[0], u.length, u.time)
                + (zero.map { String(format: "at t = %g %@", $0, u.time) } ?? "not reached"))
            if let out {
                let plot = LinePlot(title: "Velocity autocorrelation", xLabel: "t (\(u.time))", yLabel: "C(t)/C(0)",
                                    series: [.init(name: "VACF", x: vacf.lagTimes, y: norm)])
                let paths = try AnalysisOutput.write(prefix: out, header: ["t_\(u.ascii.time)", "vacf_normalized", "vacf_vdotv_\(u.ascii.length)2_per_\(u.ascii.time)2"],
                                                     columns: [vacf.lagTimes, norm, vacf.c], plot: plot, inputs: [trajectory])
                print("written: \(paths.joined(separator: ", "))")
            }
        }
    }
}

/// `symmd analyze vdos TRAJ`: vibrational density of states.
struct VDOSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vdos",
        abstract: "Vibrational density of states: the cosine transform of the VACF (THz and cm⁻¹).",
        discussion: prose("""
            g(ν) = 4 ∫ w(t) C(t)/C(0) cos 2πνt dt over the first half of the lags with a Hann
            window w, normalised so ∫ g dν = 1 (ν in THz; 1 THz = 33.35641 cm⁻¹).
            Writes PREFIX.csv (nu_THz,vdos_per_THz,wavenumber_cm-1) and PREFIX.svg.
            Example:
              symmd analyze vdos out/cu-md/traj.nc --frames 21: --out out/cu-md/vdos
            """))

    @Argument(help: "Trajectory file with velocities (.nc, or .extxyz with vel or momenta; metal units).") var trajectory: String
    @Option(help: "Frames START:STOP:STEP (Python slice, STOP exclusive; default: every frame).") var frames: FrameSelection?
    @Option(help: "Time between selected frames in ps (default: from the frames' time keys).") var dt: Double?
    @Option(help: "Output file prefix: writes PREFIX.csv and PREFIX.svg (default: print the summary only, write nothing).") var out: String?

    func run() throws {
        try userFacing {
            let (vacf, atoms, u) = try trajectoryVACF(path: trajectory, selection: frames, dt: dt)
            let g = vacf.densityOfStates()
            guard let peak = g.peakFrequency else { throw ValidationError("\(trajectory): too few frames for a VDOS") }
            let f = u.frequency, metal = u.style == .metal
            let wavenumber = metal ? String(format: " (%.4g cm⁻¹)", peak * VibrationalDensityOfStates.wavenumbersPerTHz) : ""
            print(String(format: "VDOS over %d frames (dt = %g %@), %d atoms: resolution %.4g %@, up to %.4g %@; main peak at %.4g %@%@",
                         vacf.c.count, vacf.lagTimes[1], u.time, atoms, g.frequencies[1], f, g.frequencies.last!, f, peak, f, wavenumber))
            if let out {
                let plot = LinePlot(title: "Vibrational density of states", xLabel: "ν (\(f))", yLabel: "g(ν) (1/\(f))",
                                    series: [.init(name: "VDOS", x: g.frequencies, y: g.dos)])
                let header = metal ? ["nu_THz", "vdos_per_THz", "wavenumber_cm-1"] : ["nu_per_tau", "vdos_tau"]
                let columns = metal ? [g.frequencies, g.dos, g.wavenumbers] : [g.frequencies, g.dos]
                let paths = try AnalysisOutput.write(prefix: out, header: header, columns: columns, plot: plot, inputs: [trajectory])
                print("written: \(paths.joined(separator: ", "))")
            }
        }
    }
}

/// `symmd analyze thermo CSV`: block-averaged means of a thermo log.
struct ThermoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thermo",
        abstract: "Block-averaged means and statistical errors of a thermo CSV's columns.",
        discussion: prose("""
            Each column after step and time is cut into N equal blocks (leading rows that do not
            fill a block are dropped; --skip T leaves out the rows before time T, an equilibration); the error is the standard deviation of the block means
            over √N. Units as written by symmd run: metal (K, eV, bar) or, with --units lj, reduced.
            Writes PREFIX.csv (time_ps,temperature_K,…) and PREFIX.svg (temperature against time).
            Example:
              symmd analyze thermo out/cu-md/thermo.csv --blocks 5 --out out/cu-md/thermo-blocks
            """))

    @Argument(help: "Thermo CSV written by symmd run.") var csv: String
    @Option(help: "Number of blocks.") var blocks: Int = 5
    @Option(help: "Leave out rows before this time (ps in metal, τ in lj): the equilibration.") var skip: Double = 0
    @Option(help: "Unit style of the run that wrote the CSV: metal (K, eV, bar) or lj (reduced: ε/k_B, ε, ε/σ³).") var units: String = "metal"
    @Option(help: "Output file prefix: writes PREFIX.csv and PREFIX.svg (default: print the summary only, write nothing).") var out: String?

    func run() throws {
        try userFacing {
            guard blocks >= 2 else { throw ValidationError("--blocks must be at least 2, got \(blocks)") }
            guard let style = UnitStyle(rawValue: units) else { throw ValidationError("--units: expected metal or lj, found '\(units)'") }
            let u = UnitLabels(style)
            guard FileManager.default.fileExists(atPath: csv) else { throw ValidationError("\(csv): no such file") }
            let text: String
            do { text = try String(contentsOfFile: csv, encoding: .utf8) } catch {
                throw ValidationError("\(csv): cannot read: \(error.localizedDescription)")
            }
            var table = try ThermoTable(parsing: text, file: csv)
            if skip > 0, let t = table.column("time") {
                // Equilibration left out: only rows at time ≥ --skip.
                let keep = t.indices.filter { t[$0] >= skip }
                guard !keep.isEmpty else { throw ValidationError("--skip \(skip): no row at or after that time (the CSV ends at \(t.last ?? 0))") }
                table.columns = table.columns.map { c in keep.map { c[$0] } }
            }
            guard let time = table.column("time"), let temperature = table.column("temperature") else {
                throw ValidationError("\(csv): expected the columns 'time' and 'temperature', found \(table.names)")
            }
            guard time.count >= blocks else {
                throw ValidationError("\(csv): expected at least \(blocks) rows for \(blocks) blocks, found \(time.count)")
            }
            var names = ["temperature": u.temperature, "potential_energy": u.energy, "kinetic_energy": u.energy,
                         "total_energy": u.energy, "pressure": u.pressure, "conserved": u.energy,
                         "volume": u.length + "³", "vol": u.length + "³", "density": style == .metal ? "g/cm³" : "m/σ³"]
            for c in ["lx", "ly", "lz", "xy", "xz", "yz"] { names[c] = u.length }
            for c in ["pxx", "pyy", "pzz", "pxy", "pxz", "pyz"] { names[c] = u.pressure }
            let ascii = ["temperature": u.ascii.temperature, "potential_energy": u.ascii.energy, "kinetic_energy": u.ascii.energy,
                         "total_energy": u.ascii.energy, "pressure": u.ascii.pressure, "conserved": u.ascii.energy]
            print(String(format: "thermo over %d rows (t = %g–%g %@), %d blocks (units %@):",
                         time.count, time.first!, time.last!, u.time, blocks, style.rawValue))
            for (name, column) in zip(table.names, table.columns) where name != "step" && name != "time" {
                guard let b = BlockAverage(column, blocks: blocks) else { continue }
                let padded = name.padding(toLength: max(17, name.count), withPad: " ", startingAt: 0)
                print("  " + padded + String(format: " %.8g ± %.2g ", b.mean, b.error ?? .nan) + (names[name] ?? ""))
            }
            if let out {
                let kept = table.names.indices.filter { table.names[$0] != "step" && table.names[$0] != "time" }
                let header = ["time_\(u.ascii.time)"] + kept.map { table.names[$0] + (ascii[table.names[$0]].map { "_" + $0 } ?? "") }
                let mean = BlockAverage(temperature, blocks: blocks)!.mean
                var plot = LinePlot(title: "Temperature (mean \(String(format: "%.4g", mean)) \(u.temperature))", xLabel: "t (\(u.time))",
                                    yLabel: "T (\(u.temperature))",
                                    series: [.init(name: "T", x: time, y: temperature),
                                             .init(name: "block mean", x: [time.first!, time.last!], y: [mean, mean])])
                plot.yFromZero = false   // the fluctuations are the point, not the distance from 0 K
                let paths = try AnalysisOutput.write(prefix: out, header: header,
                                                     columns: [time] + kept.map { table.columns[$0] }, plot: plot, inputs: [csv])
                print("written: \(paths.joined(separator: ", "))")
            }
        }
    }
}

/// `symmd analyze lcurve CSV`: the learning-curve plot of a fit's CSV, drawn again.
struct LearningCurveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lcurve",
        abstract: "Draw a fit's learning curve (the CSV symmd fit writes) as SVG beside it.",
        discussion: prose("""
            The same plot symmd fit writes at its end: energy (eV/atom) and force (eV/Å) RMSE of the
            training batches and the validation sample against the step, on a log axis. Useful after
            an interrupted fit or to redraw old curves.
            Example:
              symmd analyze lcurve examples/fit-cu.lcurve.csv
            """))

    @Argument(help: "The learning-curve CSV (step,lr,rmse_e_trn,rmse_f_trn,rmse_e_val,rmse_f_val).") var csv: String

    func run() throws {
        try userFacing {
            guard FileManager.default.fileExists(atPath: csv) else { throw ValidationError("\(csv): no such file") }
            let svg = try FitCommand.plotLearningCurve(URL(fileURLWithPath: csv))
            print("written: \(svg.path)")
        }
    }
}

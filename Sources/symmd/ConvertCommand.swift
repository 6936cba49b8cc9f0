import Analysis
import ArgumentParser
import Foundation
import TrajectoryIO

/// `symmd convert IN OUT`: between AMBER NetCDF, extxyz and LAMMPS data, by extension.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert between AMBER NetCDF (.nc), extxyz (.extxyz/.xyz), LAMMPS data (.data/.lmp) and LAMMPS dumps (.lammpstrj, dump.*).",
        discussion: prose("""
            Formats are chosen by extension. Atoms are never wrapped or reordered: positions come
            out as they went in (to float precision through .nc). Velocities (Å/ps) go along:
            NetCDF 'velocities', extxyz 'vel' (ASE 'momenta' are read too), LAMMPS 'Velocities'.
            An extxyz without 'time' keys gets times from --dt (ps per frame), else 0.
            A LAMMPS data file holds one frame (--frame, default the last) and needs a cell with
            a along x and b in the xy plane. Writing .nc also writes a PDB of the first frame beside it.
            Examples:
              symmd convert out/cu-eam/traj.nc out/cu-eam/traj.extxyz
              symmd convert data.extxyz data.nc --dt 0.01
              symmd convert out/cu-eam/traj.nc last.data --frame -1
            """))

    @Argument(help: "Input file (.nc, .extxyz/.xyz, .data/.lmp).") var input: String
    @Argument(help: "Output file (.nc, .extxyz/.xyz, .data/.lmp), replaced if it exists.") var output: String
    @Option(help: "Time between frames (ps) for an input without times (default: time 0 on every frame, said so).") var dt: Double?
    @Option(help: "The frame a LAMMPS data output holds (0-based; negative counts from the end).") var frame: Int = -1
    @OptionGroup var reading: ReadingOptions

    func run() throws {
        try userFacing {
            let inURL = URL(fileURLWithPath: input), outURL = URL(fileURLWithPath: output)
            // Check the output's extension before reading a large input.
            let format = try TrajectoryFormat(url: outURL)
            try AnalysisOutput.refuseOverwriting([input], with: [outURL])
            var traj = try reading.read(inURL.path)
            guard !traj.frames.isEmpty else { throw ValidationError("\(input): no frames") }
            if dt == nil && !traj.hasTimes && traj.frames.count > 1 {
                printError("note: \(input) gives no frame times; every frame gets time 0 (give --dt PS for the spacing)")
            }
            if let dt {
                guard dt > 0 else { throw ValidationError("--dt must be positive, got \(dt)") }
                if !traj.hasTimes {
                    for k in traj.frames.indices { traj.frames[k].time = Double(k) * dt }
                    traj.hasTimes = true
                }
            }
            let index = frame < 0 ? traj.frames.count + frame : frame
            if format == .lammpsData, !traj.frames.indices.contains(index) {
                throw ValidationError("--frame \(frame): \(input) has \(traj.frames.count) frames")
            }
            try traj.write(to: outURL, frame: index)
            let what = format == .lammpsData ? "frame \(index) of \(traj.frames.count)" : "\(traj.frames.count) frames"
            print("\(input) → \(output): \(what), \(traj.atomCount) atoms\(traj.hasVelocities ? ", velocities" : "")")
        }
    }
}

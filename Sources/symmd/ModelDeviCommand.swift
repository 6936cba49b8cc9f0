import Analysis
import ArgumentParser
import Atomistics
import Foundation
import NeuralPotentials
import TrajectoryIO

/// `symmd model devi -m A.sdp B.sdp … -s TRAJ -o model_devi.out`: DeePMD-kit's `dp model-devi`.
struct ModelDeviCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devi",
        abstract: "Model deviation of a committee on every frame of a trajectory (DeePMD-kit's dp model-devi).",
        discussion: prose("""
            Each model evaluates every frame; the deviations are DeePMD-kit's (population standard
            deviation over the models): per-atom force deviation ε_F,i = ‖std F_i‖ with its max, min
            and mean (eV/Å), the virial per atom per component with its max, min and norm/3 (eV), and
            std(E/N) (eV). The file has DeePMD-kit's model_devi.out layout (header, step %12d, values
            %19.6e), so DP-GEN-style tools read it; step = frame index × --frequency. The models must
            share a type map and a cutoff. Under mpirun.openmpi -np N the frames are split over the
            ranks; rank 0 writes the same file.
            Example:
              symmd model devi -m a.sdp b.sdp c.sdp d.sdp -s out/run/traj.extxyz -o out/run/model_devi.out
              mpirun.openmpi -np 2 symmd model devi -m a.sdp b.sdp c.sdp d.sdp -s out/run/traj.extxyz -o out/run/model_devi.out
            """))

    @Option(name: [.customShort("m"), .customLong("models")], parsing: .upToNextOption, help: "Two or more model files; the first is the one a run would be driven by.")
    var models: [String]
    @Option(name: [.customShort("s"), .customLong("system")], help: "A trajectory or data set (extxyz, .nc, LAMMPS data or dump).") var system: String
    @Option(name: [.customShort("o"), .customLong("out")], help: "The model_devi.out file to write.") var out: String
    @Option(help: "Steps between frames of the trajectory (step = frame index × frequency).") var frequency: Int = 1
    @Flag(help: "Append each atom's force deviation (eV/Å) to every row, as dp model-devi --atomic.") var atomic = false
    @Option(help: "DeePMD-kit's relative level (eV/Å): each atom's force deviation divided by ‖⟨F_i⟩‖ + this (default: absolute deviations).")
    var relative: Double?
    @Option(help: "DeePMD-kit's relative_v level (eV): the virial deviation divided by ‖⟨W⟩/N‖ + this (default: absolute).")
    var relativeV: Double?
    @OptionGroup var reading: ReadingOptions
    @Option(help: "Threads (default: SYMMD_THREADS or 1).") var threads: Int?
    @Option(help: "Network precision of every model: float64, mixed (float32 nets, float64 geometry and sums) or float32 (rows and their derivatives too).")
    var precision: NetworkPrecision = .float64

    func run() throws {
        let group = try Ranks.start()
        try userFacing(on: group) {
            try applyThreads(threads)
            guard frequency >= 1 else { throw ValidationError("--frequency: expected a whole number ≥ 1, found \(frequency)") }
            try AnalysisOutput.refuseOverwriting(models + [system], with: [URL(fileURLWithPath: out)])
            let potentials = try models.map { try DeepPotential(contentsOf: $0, warn: printError) }
            for p in potentials { p.model.precision = precision }
            let committee = try Committee(potentials, names: models)
            let traj = try reading.read(system)
            for (name, v) in [("--relative", relative), ("--relative-v", relativeV)] where v.map({ !($0 > 0) }) ?? false {
                throw ValidationError("\(name): expected a positive level, found \(v!)")
            }
            let mine = try ModelDeviCommand.deviations(committee, trajectory: traj, frames: group.share(of: traj.frames.count),
                                                       frequency: frequency, atomic: atomic, relative: relative, relativeVirial: relativeV)
            let parts = group.gather(Array(mine.utf8))
            guard group.isRoot else { return }
            let text = ModelDeviation.header + "\n" + parts.map { String(decoding: $0, as: UTF8.self) }.joined()
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: out).deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(toFile: out, atomically: true, encoding: .utf8)
            print("model deviation of \(models.count) models on \(traj.frames.count) frames → \(out)")
        }
    }

    /// The model_devi.out rows (no header) of `committee` over `frames` of `trajectory`.
    static func deviations(_ committee: Committee, trajectory traj: Trajectory, frames: Range<Int>, frequency: Int, atomic: Bool,
                           relative: Double? = nil, relativeVirial: Double? = nil) throws -> String {
        var text = ""
        let masses = traj.typeNames.map { Element(symbol: $0)?.mass ?? 1 }
        for k in frames {
            let f = traj.frames[k]
            guard let box = f.box else {
                throw ValidationError("frame \(k): expected a cell (the models were trained on periodic frames), found none")
            }
            let s = try System(positions: f.positions, types: traj.types, masses: masses, typeNames: traj.typeNames, box: box)
            let d = try committee.deviation(s, relative: relative, relativeVirial: relativeVirial)
            text += d.line(step: k * frequency) + (atomic ? d.atomForce.map { String(format: "%19.6e", $0) }.joined() : "") + "\n"
        }
        return text
    }
}

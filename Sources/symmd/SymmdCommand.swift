import ArgumentParser
import NNCore

/// The `symmd` command line: molecular modeling with symmetry-preserving neural potentials.
@main
struct SymmdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "symmd",
        abstract: "Molecular dynamics with symmetry-preserving neural-network potentials.",
        discussion: prose("""
            Examples:
              symmd run examples/quickstart.toml
              symmd run examples/quickstart.toml --restart out/quickstart/run.ckpt
              symmd eval --deck examples/cu-eam.toml --structure config.extxyz --json
              symmd analyze rdf out/cu-eam/traj.nc --out out/cu-eam/rdf
              symmd convert out/cu-eam/traj.nc out/cu-eam/traj.extxyz
            """),
        version: SymmdVersion.string,
        subcommands: [RunCommand.self, EvalCommand.self, AnalyzeCommand.self, ConvertCommand.self, FitCommand.self, TestCommand.self,
                      ModelCommand.self, SelectCommand.self, LearnCommand.self, LabelCommand.self, CheckSymmetryCommand.self, KIMCommand.self])
}

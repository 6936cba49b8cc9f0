import ArgumentParser
import NNCore

/// The `symmd` command line: molecular modeling with symmetry-preserving neural potentials.
@main
struct SymmdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "symmd",
        abstract: "Molecular dynamics with symmetry-preserving neural-network potentials.",
        discussion: """
            Subcommands for MD runs, fitting and analysis arrive with their issues.
            Examples:
              symmd --version
              swift run -c release two-layer --out out/two-layer
            """,
        version: SymmdVersion.string,
        subcommands: [])
}

import ArgumentParser
import NNCore

/// The `symmd` command line: molecular modeling with symmetry-preserving neural potentials.
@main
struct SymmdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "symmd",
        abstract: "Molecular dynamics with symmetry-preserving neural-network potentials.",
        discussion: """
            Examples:
              symmd --version
              swift run -c release two-layer     # the universal-approximation demo
            """,
        version: SymmdVersion.string,
        subcommands: [])
}

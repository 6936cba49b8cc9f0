import ArgumentParser
import Foundation

/// The command-line options of the `deep-sets` example, parsed by swift-argument-parser.
struct Options: ParsableCommand {
    /// The name shown in the usage and help text.
    static let configuration = CommandConfiguration(commandName: "deep-sets")

    /// Folder for deep-sets.csv (`--out DIR`).
    @Option(name: .customLong("out"),
            help: ArgumentHelp("write deep-sets.csv into DIR (created if missing)", valueName: "DIR"))
    var outDirectory = "out/deep-sets"

    /// Seed of every random number in the run (`--seed N`, default 1).
    @Option(help: ArgumentHelp("seed of configurations, initial weights, batches and permutations (integer ≥ 0)",
                               valueName: "N"))
    var seed: UInt64 = 1

    /// A short run (`--quick`): fewer steps, sizes 30 and 300, a smaller test set.
    @Flag(help: "a short run (a few seconds): 400 steps, training sets of 30 and 300")
    var quick = false

    /// Rejects an empty `--out` folder name.
    func validate() throws {
        if outDirectory.isEmpty { throw ValidationError("--out needs a non-empty folder name") }
    }
}

/// Prints `message` to standard error and exits with status 1 (an unwritable output folder).
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("deep-sets: error: \(message)\n".utf8))
    exit(1)
}

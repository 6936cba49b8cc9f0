import ArgumentParser
import Foundation

/// The command-line options of the `resnet-depth` example, parsed by swift-argument-parser.
struct Options: ParsableCommand {
    /// The name shown in the usage and help text.
    static let configuration = CommandConfiguration(commandName: "resnet-depth")

    /// Training epochs (`--epochs N`).
    @Option(help: ArgumentHelp("training epochs (integer ≥ 1)", valueName: "N"))
    var epochs = 30

    /// Hidden layers (`--depth L`).
    @Option(help: ArgumentHelp("hidden layers of each network (integer ≥ 1)", valueName: "L"))
    var depth = 30

    /// Seed of data and initial weights (`--seed N`).
    @Option(help: ArgumentHelp("seed of data, initial weights and batch order (integer ≥ 0)", valueName: "N"))
    var seed: UInt64 = 1

    /// Folder for the CSV of per-epoch losses (`--out DIR`); nothing is written when nil.
    @Option(name: .customLong("out"),
            help: ArgumentHelp("also write loss.csv (per epoch, both networks) into DIR (created if missing)",
                               valueName: "DIR"))
    var outDirectory: String?

    /// Rejects `--epochs` or `--depth` below 1 and an empty `--out` folder name.
    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs expects an integer ≥ 1, got '\(epochs)'") }
        guard depth >= 1 else { throw ValidationError("--depth expects an integer ≥ 1, got '\(depth)'") }
        if outDirectory?.isEmpty == true { throw ValidationError("--out needs a non-empty folder name") }
    }
}

/// Prints `message` to standard error and exits with status 1 (bad input files, unwritable output).
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("resnet-depth: error: \(message)\n".utf8))
    exit(1)
}

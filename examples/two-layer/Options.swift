import ArgumentParser

/// The command-line options of the `two-layer` example, parsed by swift-argument-parser.
struct Options: ParsableCommand {
    /// The name shown in the usage and help text.
    static let configuration = CommandConfiguration(commandName: "two-layer")

    /// Folder for the CSV files (`--out DIR`); no files are written when nil.
    @Option(name: .customLong("out"),
            help: ArgumentHelp("also write rmse.csv and fit-1d.csv into DIR (created if missing)", valueName: "DIR"))
    var outDirectory: String?

    /// Seed of every random number in the run (`--seed N`, default 1).
    @Option(help: ArgumentHelp("seed for data, initial weights and random features (integer ≥ 0)", valueName: "N"))
    var seed: UInt64 = 1

    /// Rejects an empty `--out` folder name.
    func validate() throws {
        if outDirectory?.isEmpty == true { throw ValidationError("--out needs a non-empty folder name") }
    }
}

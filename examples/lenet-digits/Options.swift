import ArgumentParser
import Foundation

/// The command-line options of the `lenet-digits` example, parsed by swift-argument-parser.
struct Options: ParsableCommand {
    /// The name shown in the usage and help text.
    static let configuration = CommandConfiguration(commandName: "lenet-digits")

    /// Training epochs per seed (`--epochs N`).
    @Option(help: ArgumentHelp("training epochs per seed (integer ≥ 1)", valueName: "N"))
    var epochs = 40

    /// Seeds of the runs as given (`--seeds 1,2,3`); see `seeds`.
    @Option(name: .customLong("seeds"),
            help: ArgumentHelp("comma-separated seeds (integers ≥ 0); one run each", valueName: "LIST"))
    var seedList = SeedList([1, 2, 3])

    /// Folder holding `train.csv` and `test.csv` (`--data DIR`); searched for when nil.
    @Option(name: .customLong("data"),
            help: ArgumentHelp("folder with train.csv and test.csv (default: examples/lenet-digits/data "
                               + "under the current directory, else the data folder next to this source)",
                               valueName: "DIR"))
    var dataDirectory: String?

    /// Folder for the CSV of per-epoch metrics (`--out DIR`); nothing is written when nil.
    @Option(name: .customLong("out"),
            help: ArgumentHelp("also write metrics.csv (per seed and epoch) into DIR (created if missing)",
                               valueName: "DIR"))
    var outDirectory: String?

    /// Seeds of the runs; the result is the median over them.
    var seeds: [UInt64] { seedList.values }

    /// Rejects `--epochs` below 1 and empty folder names.
    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs expects an integer ≥ 1, got '\(epochs)'") }
        if dataDirectory?.isEmpty == true { throw ValidationError("--data needs a non-empty folder name") }
        if outDirectory?.isEmpty == true { throw ValidationError("--out needs a non-empty folder name") }
    }
}

/// A comma-separated list of non-negative integer seeds, as `--seeds` takes it.
struct SeedList: ExpressibleByArgument {
    /// The seeds, in the order given.
    let values: [UInt64]

    /// The given seeds.
    init(_ values: [UInt64]) { self.values = values }

    /// Parses `1,2,3` (spaces around the numbers allowed); nil when any part is not an integer ≥ 0.
    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
        let seeds = parts.compactMap { UInt64($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, seeds.count == parts.count else { return nil }
        values = seeds
    }

    /// The list as it is written on the command line, for the default shown by `--help`.
    var defaultValueDescription: String { values.map(String.init).joined(separator: ",") }
}

/// Prints `message` to standard error and exits with status 1 (bad input files, unwritable output).
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("lenet-digits: error: \(message)\n".utf8))
    exit(1)
}

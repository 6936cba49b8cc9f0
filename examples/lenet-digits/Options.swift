import Foundation

/// The command-line options of the `lenet-digits` example, parsed by hand from
/// `CommandLine.arguments` (the examples depend on NNCore only).
struct Options {
    /// Training epochs per seed (`--epochs N`).
    var epochs = 40
    /// Seeds of the runs; the result is the median over them (`--seeds 1,2,3`).
    var seeds: [UInt64] = [1, 2, 3]
    /// Folder holding `train.csv` and `test.csv` (`--data DIR`); searched for when nil.
    var dataDirectory: String?
    /// Folder for the CSV of per-epoch metrics (`--out DIR`); nothing is written when nil.
    var outDirectory: String?

    /// The usage text printed by `--help` and after an argument error.
    static let usage = """
        usage: lenet-digits [--epochs N] [--seeds 1,2,3] [--data DIR] [--out DIR]

          --epochs N     training epochs per seed (integer ≥ 1, default 40)
          --seeds LIST   comma-separated seeds (integers ≥ 0, default 1,2,3); one run each
          --data DIR     folder with train.csv and test.csv (default: examples/lenet-digits/data
                         under the current directory, else the data folder next to this source)
          --out DIR      also write metrics.csv (per seed and epoch) into DIR (created if missing)
          -h, --help     show this help
        """

    /// An argument the parser could not accept, with a message for the user.
    struct ArgumentError: Error {
        /// What was wrong, in one line.
        let message: String
    }

    /// Options from the arguments after the program name; `--name=value` and `--name value`
    /// are both accepted. Returns nil when help was asked for.
    static func parse(_ arguments: [String]) throws(ArgumentError) -> Options? {
        var options = Options()
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            var name = argument
            var inlineValue: String? = nil
            if argument.hasPrefix("--"), let eq = argument.firstIndex(of: "=") {
                name = String(argument[..<eq])
                inlineValue = String(argument[argument.index(after: eq)...])
            }
            func value() throws(ArgumentError) -> String {
                if let inlineValue { return inlineValue }
                guard let next = rest.popFirst(), !next.hasPrefix("--") else {
                    throw ArgumentError(message: "\(name) needs a value")
                }
                return next
            }
            switch name {
            case "-h", "--help":
                return nil
            case "--epochs":
                let text = try value()
                guard let n = Int(text), n >= 1 else {
                    throw ArgumentError(message: "--epochs expects an integer ≥ 1, got '\(text)'")
                }
                options.epochs = n
            case "--seeds":
                let text = try value()
                let parts = text.split(separator: ",", omittingEmptySubsequences: false)
                let seeds = parts.compactMap { UInt64($0.trimmingCharacters(in: .whitespaces)) }
                guard !parts.isEmpty, seeds.count == parts.count else {
                    throw ArgumentError(message: "--seeds expects comma-separated non-negative integers, got '\(text)'")
                }
                options.seeds = seeds
            case "--data":
                let dir = try value()
                guard !dir.isEmpty else { throw ArgumentError(message: "--data needs a non-empty folder name") }
                options.dataDirectory = dir
            case "--out":
                let dir = try value()
                guard !dir.isEmpty else { throw ArgumentError(message: "--out needs a non-empty folder name") }
                options.outDirectory = dir
            default:
                throw ArgumentError(message: "unknown argument '\(argument)'")
            }
        }
        return options
    }

    /// The parsed command line of this process; prints help and exits 0 for `--help`, prints
    /// the error and usage to standard error and exits 2 for a bad argument.
    static func fromCommandLine() -> Options {
        do {
            guard let options = try parse(Array(CommandLine.arguments.dropFirst())) else {
                print(usage)
                exit(0)
            }
            return options
        } catch {
            FileHandle.standardError.write(Data("lenet-digits: error: \(error.message)\n\n\(usage)\n".utf8))
            exit(2)
        }
    }
}

/// Prints `message` to standard error and exits with status 1 (bad input files, unwritable output).
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("lenet-digits: error: \(message)\n".utf8))
    exit(1)
}

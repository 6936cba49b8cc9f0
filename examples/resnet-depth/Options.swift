import Foundation

/// The command-line options of the `resnet-depth` example, parsed by hand from
/// `CommandLine.arguments` (the examples depend on NNCore only).
struct Options {
    /// Training epochs (`--epochs N`).
    var epochs = 30
    /// Hidden layers (`--depth L`).
    var depth = 30
    /// Seed of data and initial weights (`--seed N`).
    var seed: UInt64 = 1
    /// Folder for the CSV of per-epoch losses (`--out DIR`); nothing is written when nil.
    var outDirectory: String?

    /// The usage text printed by `--help` and after an argument error.
    static let usage = """
        usage: resnet-depth [--epochs N] [--depth L] [--seed N] [--out DIR]

          --epochs N   training epochs (integer ≥ 1, default 30)
          --depth L    hidden layers of each network (integer ≥ 1, default 30)
          --seed N     seed of data, initial weights and batch order (integer ≥ 0, default 1)
          --out DIR    also write loss.csv (per epoch, both networks) into DIR (created if missing)
          -h, --help   show this help
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
            case "--epochs", "--depth":
                let text = try value()
                guard let n = Int(text), n >= 1 else {
                    throw ArgumentError(message: "\(name) expects an integer ≥ 1, got '\(text)'")
                }
                if name == "--epochs" { options.epochs = n } else { options.depth = n }
            case "--seed":
                let text = try value()
                guard let seed = UInt64(text) else {
                    throw ArgumentError(message: "--seed expects a non-negative integer, got '\(text)'")
                }
                options.seed = seed
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
            FileHandle.standardError.write(Data("resnet-depth: error: \(error.message)\n\n\(usage)\n".utf8))
            exit(2)
        }
    }
}

/// Prints `message` to standard error and exits with status 1 (bad input files, unwritable output).
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("resnet-depth: error: \(message)\n".utf8))
    exit(1)
}

import Foundation

/// The command-line options of the `two-layer` example, parsed by hand from
/// `CommandLine.arguments` (the examples depend on NNCore only).
struct Options {
    /// Folder for the CSV files (`--out DIR`); no files are written when nil.
    var outDirectory: String?
    /// Seed of every random number in the run (`--seed N`, default 1).
    var seed: UInt64 = 1

    /// The usage text printed by `--help` and after an argument error.
    static let usage = """
        usage: two-layer [--out DIR] [--seed N]

          --out DIR   also write rmse.csv and fit-1d.csv into DIR (created if missing)
          --seed N    seed for data, initial weights and random features (integer ≥ 0, default 1)
          -h, --help  show this help
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
            case "--out":
                let dir = try value()
                guard !dir.isEmpty else { throw ArgumentError(message: "--out needs a non-empty folder name") }
                options.outDirectory = dir
            case "--seed":
                let text = try value()
                guard let seed = UInt64(text) else {
                    throw ArgumentError(message: "--seed expects a non-negative integer, got '\(text)'")
                }
                options.seed = seed
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
            FileHandle.standardError.write(Data("two-layer: error: \(error.message)\n\n\(usage)\n".utf8))
            exit(2)
        }
    }
}

import Foundation

/// One training run: its settings, history and end state.
struct Run {
    /// "ReLU" or "leaky ReLU".
    let activationName: String
    /// The activation's name in the CSV file ("relu", "leaky_relu").
    var csvName: String { activationName == "ReLU" ? "relu" : "leaky_relu" }
    /// The constant SGD learning rate.
    let learningRate: Double
    /// The seed of the initial weights.
    let seed: UInt64
    /// Training error and dead fraction at the checkpoints (the last one is the end).
    let history: [Checkpoint]
    /// Largest gradient entry on a dead unit's (B_j, c_j) at the end (nil: none dead or diverged).
    let deadUnitGradient: Double?

    /// The last checkpoint.
    var final: Checkpoint { history.last! }
    /// Whether the loss overflowed.
    var diverged: Bool { !final.rmse.isFinite }
    /// The checkpoint at `step`, if the run got there.
    func at(_ step: Int) -> Checkpoint? { history.first { $0.step == step } }
}

/// Fixed-width text columns.
enum Table {
    /// `text` padded with spaces to `width` characters (on the left when `right`).
    static func pad(_ text: String, _ width: Int, right: Bool = true) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }

    /// One line of cells padded to `widths` (the first left-aligned, the rest right-aligned).
    static func line(_ cells: [String], _ widths: [Int]) -> String {
        "  " + zip(cells, widths).enumerated().map { k, cw in pad(cw.0, cw.1, right: k > 0) }.joined(separator: " ")
    }

    /// A number as "12.3%".
    static func percent(_ v: Double) -> String { String(format: "%.0f%%", 100 * v) }

    /// An error as "1.234e-02", or "diverged".
    static func error(_ v: Double?) -> String {
        guard let v else { return "—" }
        return v.isFinite ? String(format: "%.3e", v) : "diverged"
    }
}

/// Writes `dying-relu.csv` (one row per run × checkpoint) into `directory`.
func writeCSV(_ runs: [Run], to directory: URL) throws {
    var lines = ["seed,activation,learning_rate,step,train_rmse,dead_fraction"]
    for r in runs {
        for c in r.history {
            lines.append("\(r.seed),\(r.csvName),\(r.learningRate),\(c.step),\(c.rmse),\(c.deadFraction)")
        }
    }
    try (lines.joined(separator: "\n") + "\n").write(to: directory.appendingPathComponent("dying-relu.csv"),
                                                   atomically: true, encoding: .utf8)
}

/// Prints `message` to standard error and exits with status 1.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("dying-relu: error: \(message)\n".utf8))
    exit(1)
}

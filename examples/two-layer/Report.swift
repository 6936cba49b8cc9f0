import Foundation

/// The errors of one width on one target: the trained network and the random-feature model.
struct WidthResult {
    /// The target's short name ("1-D", "2-D").
    let target: String
    /// The width m.
    let width: Int
    /// Trained network: RMSE on the training and the test points.
    let trainedTrain: Double, trainedTest: Double
    /// Random-feature model: RMSE on the training and the test points.
    let randomTrain: Double, randomTest: Double
    /// Seconds spent training the network.
    let seconds: Double
}

/// Fixed-width text table of the results, printed a row at a time as widths finish.
enum Table {
    /// The two header lines, aligned with ``row(_:)``.
    static var header: String {
        let groups = "  " + pad("", 12) + " " + pad("trained network", 25) + "  " + "random features"
        let names = "  " + [pad("target", 6), pad("m", 5, right: true), pad("train RMSE", 11, right: true),
                            pad("test RMSE", 11, right: true), pad("train RMSE", 14, right: true),
                            pad("test RMSE", 11, right: true), pad("train time", 11, right: true)].joined(separator: " ")
        return groups + "\n" + names
    }

    /// One row of the table.
    static func row(_ r: WidthResult) -> String {
        func e(_ v: Double) -> String { String(format: "%.3e", v) }
        let cells = [pad(r.target, 6), pad(String(r.width), 5, right: true),
                     pad(e(r.trainedTrain), 11, right: true), pad(e(r.trainedTest), 11, right: true),
                     pad(e(r.randomTrain), 14, right: true), pad(e(r.randomTest), 11, right: true),
                     pad(String(format: "%.1f s", r.seconds), 11, right: true)]
        return "  " + cells.joined(separator: " ")
    }

    /// `text` padded with spaces to `width` characters (on the left when `right`).
    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }
}

/// Writes the CSV files of a run into one folder.
struct CSVWriter {
    /// The folder the files go to.
    let directory: URL

    /// A writer for `path`, creating the folder (and its parents) now, so that a bad path
    /// fails before any training.
    init(path: String) throws {
        directory = URL(fileURLWithPath: path, isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Writes `rows` (each already a list of cells) under `header` to `name` in the folder.
    func write(_ name: String, header: [String], rows: [[String]]) throws {
        let lines = [header.joined(separator: ",")] + rows.map { $0.joined(separator: ",") }
        try (lines.joined(separator: "\n") + "\n").write(to: directory.appendingPathComponent(name),
                                                       atomically: true, encoding: .utf8)
    }
}

/// Prints `message` to standard error and exits with status 1.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("two-layer: error: \(message)\n".utf8))
    exit(1)
}

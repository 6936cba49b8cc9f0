import Foundation

/// The per-epoch loss table.
enum Table {
    /// The header line, aligned with ``row(_:_:_:)``.
    static let header = "  epoch     plain loss   residual loss"

    /// One epoch's row (epoch 0 = before training).
    static func row(_ epoch: Int, _ plain: Double, _ residual: Double) -> String {
        String(format: "  %5d  %13.4e  %14.4e", epoch, plain, residual)
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

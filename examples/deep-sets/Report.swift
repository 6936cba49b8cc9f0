import Foundation

/// The result of one model at one training-set size.
struct Result {
    /// Training configurations.
    let trainSize: Int
    /// The model's name.
    let model: String
    /// Trainable numbers.
    let parameters: Int
    /// RMSE (ε) on the training set.
    let train: Double
    /// RMSE (ε) on the test set, atoms in their generated order.
    let test: Double
    /// RMSE (ε) on the same test set, each configuration's atoms randomly reordered.
    let permuted: Double
}

/// The table printed as the run goes.
enum Table {
    /// The two header lines for `models`.
    static func header(_ models: [String]) -> String {
        "  " + String(repeating: " ", count: 7) + models.map { "  " + $0.padding(toLength: 24, withPad: " ", startingAt: 0) }.joined()
            + "\n  train N" + models.map { _ in "      test  permuted train" }.joined()
    }

    /// One training-set size: test, permuted-test and train RMSE of each model.
    static func row(_ results: [Result]) -> String {
        String(format: "  %7d", results[0].trainSize)
            + results.map { String(format: "  %8.4f  %8.4f %5.3f", $0.test, $0.permuted, $0.train) }.joined()
    }
}

/// Writes the results to `directory/deep-sets.csv`, creating the folder.
func writeCSV(_ results: [Result], to directory: String) throws -> String {
    let url = URL(fileURLWithPath: directory, isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    let file = url.appendingPathComponent("deep-sets.csv")
    let lines = ["train_size,model,parameters,rmse_train,rmse_test,rmse_test_permuted"]
        + results.map { "\($0.trainSize),\($0.model),\($0.parameters),\($0.train),\($0.test),\($0.permuted)" }
    try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
    return file.path
}

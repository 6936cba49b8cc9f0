import Foundation

/// A set of 8×8 grey-scale digit images with their labels.
struct Digits {
    /// Pixels scaled to [0, 1] (raw 0…16 divided by 16), 64 per image in row-major order.
    var pixels: [Double]
    /// The digit of each image, 0…9.
    var labels: [Int]
    /// The number of images.
    var count: Int { labels.count }

    /// Image side in pixels.
    static let side = 8

    /// What went wrong reading a data file, naming the file and line.
    struct ReadError: Error, CustomStringConvertible {
        /// The message, "FILE:LINE: what".
        let description: String
    }

    /// Reads a CSV with a header line `label,p0,…,p63` and one image per line: the label
    /// (0…9) and 64 pixels (integers 0…16).
    init(csv url: URL) throws(ReadError) {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ReadError(description: "\(url.path): cannot read the file (\(error.localizedDescription))")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        while let last = lines.last, last.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { lines.removeLast() }
        guard let header = lines.first, header.hasPrefix("label") else {
            throw ReadError(description: "\(url.path):1: expected the header 'label,p0,…,p63'")
        }
        pixels = []
        labels = []
        pixels.reserveCapacity(64 * lines.count)
        for (k, line) in lines.enumerated().dropFirst() {
            let fields = line.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 65 else {
                throw ReadError(description: "\(url.path):\(k + 1): expected 65 comma-separated integers (label and 64 pixels), got \(fields.count) fields")
            }
            guard let label = Int(fields[0]), (0...9).contains(label) else {
                throw ReadError(description: "\(url.path):\(k + 1): label '\(fields[0])' is not an integer 0…9")
            }
            labels.append(label)
            for (j, f) in fields.dropFirst().enumerated() {
                guard let v = Int(f), (0...16).contains(v) else {
                    throw ReadError(description: "\(url.path):\(k + 1): pixel p\(j) '\(f)' is not an integer 0…16")
                }
                pixels.append(Double(v) / 16)
            }
        }
        guard !labels.isEmpty else { throw ReadError(description: "\(url.path): no images after the header") }
    }

    /// The images at `indices` as a batch [n, 1, 8, 8], each shifted by (dy, dx) pixels from
    /// `shifts` (zeros move in at the edges) when given.
    func batch(_ indices: ArraySlice<Int>, shifts: [(dy: Int, dx: Int)]? = nil) -> (x: [Double], labels: [Int]) {
        let s = Digits.side
        var out = [Double](repeating: 0, count: indices.count * s * s)
        for (b, i) in indices.enumerated() {
            let (dy, dx) = shifts?[b] ?? (0, 0)
            for r in 0..<s {
                let sr = r - dy
                guard sr >= 0 && sr < s else { continue }
                for c in 0..<s {
                    let sc = c - dx
                    guard sc >= 0 && sc < s else { continue }
                    out[(b * s + r) * s + c] = pixels[(i * s + sr) * s + sc]
                }
            }
        }
        return (out, indices.map { labels[$0] })
    }
}

/// The folder with `train.csv` and `test.csv`: `--data DIR` if given, else
/// `examples/lenet-digits/data` under the current directory, else the `data` folder next to
/// this source file; exits with a clear message when none has the files.
func locateData(_ explicit: String?) -> URL {
    let fm = FileManager.default
    func hasFiles(_ dir: URL) -> Bool {
        fm.fileExists(atPath: dir.appendingPathComponent("train.csv").path)
            && fm.fileExists(atPath: dir.appendingPathComponent("test.csv").path)
    }
    if let explicit {
        let dir = URL(fileURLWithPath: explicit, isDirectory: true)
        guard hasFiles(dir) else { fail("--data \(explicit): the folder must hold train.csv and test.csv") }
        return dir
    }
    let candidates = [
        URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent("examples/lenet-digits/data"),
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("data"),
    ]
    if let found = candidates.first(where: hasFiles) { return found }
    fail("cannot find the digits data (train.csv, test.csv); looked in \(candidates.map(\.path).joined(separator: " and ")). "
         + "Run from the repository root or pass --data DIR.")
}

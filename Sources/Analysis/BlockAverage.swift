import Foundation

/// The mean of a correlated series and its statistical error by block averaging.
public struct BlockAverage: Sendable, Equatable {
    /// Mean of the samples used (units of the series).
    public var mean: Double
    /// Standard error of the mean: the standard deviation of the block means over √(blocks)
    /// (units of the series); nil with fewer than two blocks.
    public var error: Double?
    /// Number of blocks.
    public var blocks: Int
    /// Samples per block.
    public var blockSize: Int
    /// Leading samples dropped so the blocks are equal (`count mod blocks`, from the start,
    /// where equilibration transients are).
    public var dropped: Int

    /// Block-averages `series` into `blocks` equal blocks (the error is reliable when each block is
    /// longer than the correlation time; compare a few block counts).
    ///
    /// - Returns: nil when the series has fewer samples than blocks or `blocks` < 1.
    public init?(_ series: [Double], blocks: Int) {
        guard blocks >= 1, series.count >= blocks else { return nil }
        let size = series.count / blocks
        let start = series.count - size * blocks
        var means = [Double]()
        for b in 0..<blocks {
            let lo = start + b * size
            means.append(series[lo..<(lo + size)].reduce(0, +) / Double(size))
        }
        let mean = means.reduce(0, +) / Double(blocks)
        self.mean = mean
        self.blocks = blocks
        blockSize = size
        dropped = start
        if blocks >= 2 {
            let v = means.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(blocks - 1)
            error = (v / Double(blocks)).squareRoot()
        } else {
            error = nil
        }
    }
}

/// The columns of a symmd thermo CSV (header `step,time,temperature,potential_energy,
/// kinetic_energy,total_energy,pressure,conserved`; metal units: ps, K, eV, bar).
public struct ThermoTable: Sendable {
    /// Column names in file order.
    public let names: [String]
    /// Values by column, one per row (units of that column).
    public var columns: [[Double]]

    /// The column named `name`, if present.
    public func column(_ name: String) -> [Double]? { names.firstIndex(of: name).map { columns[$0] } }

    /// Parses CSV text with a header line; every other non-empty line must hold one number per column.
    ///
    /// - Throws: `AnalysisError.badTable` naming the file, line and what was expected.
    public init(parsing text: String, file: String) throws(AnalysisError) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .filter { !$0.element.trimmingCharacters(in: .whitespaces).isEmpty }.makeIterator()
        guard let header = lines.next() else {
            throw .badTable(file: file, line: 1, expected: "a CSV header line", found: "an empty file")
        }
        names = header.element.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var cols = [[Double]](repeating: [], count: names.count)
        while let (i, line) = lines.next() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == names.count else {
                throw .badTable(file: file, line: i + 1, expected: "\(names.count) fields", found: "\(fields.count)")
            }
            for (c, f) in fields.enumerated() {
                guard let v = Double(f.trimmingCharacters(in: .whitespaces)) else {
                    throw .badTable(file: file, line: i + 1, expected: "a number for '\(names[c])'", found: "'\(f)'")
                }
                cols[c].append(v)
            }
        }
        columns = cols
    }
}

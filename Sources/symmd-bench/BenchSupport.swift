import Foundation

/// Settings shared by every benchmark of one run.
struct BenchContext: Sendable {
    /// Where the anchor scripts live.
    var anchorsDirectory: String
    /// Timed repetitions.
    var steps: Int
    /// Untimed warm-up repetitions.
    var warmup: Int
}

/// One benchmark: a name and how to measure it (symmd and its anchor).
struct Benchmark: Sendable {
    /// Name as in DESIGN.md §6, e.g. `mlp-train-f64-1t`.
    var name: String
    /// Runs it.
    var run: @Sendable (BenchContext) throws -> BenchResult
}

/// One benchmark's figures, as written to the JSON report (DESIGN.md §6).
struct BenchResult: Codable {
    var name: String
    var unit: String
    var symmd: Double
    var anchor: String?
    var anchor_value: Double?
    var ratio: Double?
    var note: String?
}

/// The whole run's report.
struct BenchReport: Codable {
    var machine: String
    var date: String
    var benchmarks: [BenchResult]

    /// A Markdown table of the figures.
    func table() -> String {
        var lines = ["| benchmark | unit | symmd | anchor | anchor value | ratio | note |", "|---|---|---|---|---|---|---|"]
        for b in benchmarks {
            let a = b.anchor ?? "(not installed)"
            let av = b.anchor_value.map { fmt($0) } ?? "–"
            let r = b.ratio.map { String(format: "%.2f", $0) } ?? "–"
            lines.append("| \(b.name) | \(b.unit) | \(fmt(b.symmd)) | \(a) | \(av) | \(r) | \(b.note ?? "") |")
        }
        return "machine: \(machine)\ndate: \(date)\n\n" + lines.joined(separator: "\n")
    }
}

private func fmt(_ v: Double) -> String { String(format: "%.4g", v) }

/// Median of some timings.
func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
}

/// Wall-clock seconds of a closure.
func seconds(_ body: () -> Void) -> Double {
    let t0 = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
}

/// The median seconds per call of `step` after warm-up.
func timeSteps(_ context: BenchContext, _ step: () -> Void) -> Double {
    for _ in 0..<context.warmup { step() }
    return median((0..<context.steps).map { _ in seconds(step) })
}

/// The processor model and core count.
func machineDescription() -> String {
    let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
        .split(separator: "\n").first { $0.hasPrefix("model name") }?
        .split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
    return "\(cpu), \(ProcessInfo.processInfo.activeProcessorCount) cores"
}

/// Today's date, ISO 8601.
func isoDate() -> String {
    let f = DateFormatter()
    f.dateFormat = "yyyy-MM-dd HH:mm"
    f.timeZone = TimeZone(identifier: "UTC")
    return f.string(from: Date()) + " UTC"
}

/// Runs a program and returns its exit status and standard output (standard error passes through),
/// with extra `environment` variables and in `directory` when given.
func runProcess(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                directory: String? = nil) -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [executable] + arguments
    if !environment.isEmpty {
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let pipe = Pipe()
    p.standardOutput = pipe
    do { try p.run() } catch { return (-1, "") }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

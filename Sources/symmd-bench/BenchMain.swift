import ArgumentParser
import Foundation
import NNCore

/// `symmd-bench`: release benchmarks of symmd against the anchor programs, measured in one run.
@main
struct SymmdBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "symmd-bench",
        abstract: "Time symmd against its anchors (PyTorch, LAMMPS) in the same run and print ratios.",
        discussion: """
            Examples:
              symmd-bench                       # every benchmark
              symmd-bench --only mlp --json out.json
            ratio = symmd time / anchor time (below 1 means symmd is faster).
            """)

    @Option(name: .customLong("only"), parsing: .upToNextOption,
            help: "Run only the benchmarks whose names contain one of these texts.")
    var only: [String] = []

    @Option(help: "Folder with the anchor scripts (torch_bench.py, lammps/…).")
    var anchors: String = "../shared/anchors"

    @Option(help: "Write the figures as JSON to this path.")
    var json: String?

    @Option(help: "Timed steps per benchmark (median reported).")
    var steps: Int = 50

    @Option(help: "Untimed warm-up steps.")
    var warmup: Int = 10

    func run() throws {
        Allocator.tuneForTensors()
        let selected = allBenchmarks.filter { b in only.isEmpty || only.contains { b.name.contains($0) } }
        if selected.isEmpty {
            throw ValidationError("no benchmark name contains any of \(only); names: \(allBenchmarks.map(\.name).joined(separator: ", "))")
        }
        let context = BenchContext(anchorsDirectory: anchors, steps: steps, warmup: warmup)
        var results: [BenchResult] = []
        for b in selected {
            FileHandle.standardError.write(Data("running \(b.name)…\n".utf8))
            results.append(try b.run(context))
        }
        let report = BenchReport(machine: machineDescription(), date: isoDate(), benchmarks: results)
        print(report.table())
        if let path = json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            try enc.encode(report).write(to: URL(fileURLWithPath: path))
            print("figures written to \(path)")
        }
    }
}

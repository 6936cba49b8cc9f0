import ArgumentParser
import Foundation
import NNCore

/// `symmd model diff A B [--tolerance T] [--json]`: how far apart two model files' tensors are.
struct ModelDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare the tensors of two model files or checkpoints (weights, statistics, optimiser moments).",
        discussion: prose("""
            For every tensor both files hold: the largest absolute difference and the relative one,
            max|a − b| / max|a| (a from the first file). Tensors only one file holds are listed. With
            --tolerance the command exits 1 when a relative difference exceeds it (or the tensors differ
            in name or shape), so scripts can check that two fits agree: that 2 MPI ranks at batch 1
            give the weights of 1 rank at batch 2, say. With --json, one object on stdout.
            Example:
              symmd model diff out/a/model.sdp out/b/model.sdp --tolerance 1e-10
            """))

    @Argument(help: "The first model file (the reference of the relative difference).") var first: String
    @Argument(help: "The second model file.") var second: String
    @Option(help: "Exit 1 when a tensor's relative difference exceeds this.") var tolerance: Double?
    @Flag(help: "Print one JSON object on stdout.") var json = false

    func run() throws {
        var fail = false
        try userFacing {
            if let tolerance, !(tolerance >= 0) { throw ValidationError("--tolerance: expected a number ≥ 0, found \(tolerance)") }
            let a = try ParameterFile.read(from: first), b = try ParameterFile.read(from: second)
            let other = Dictionary(b.tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { x, _ in x })
            let mine = Set(a.tensors.map(\.name))
            var rows: [(name: String, absolute: Double, relative: Double)] = []
            var problems: [String] = []
            for (name, t) in a.tensors {
                guard let u = other[name] else { problems.append("only in \(first): \(name)"); continue }
                guard u.shape == t.shape else { problems.append("\(name): shape \(t.shape) against \(u.shape)"); continue }
                var diff = 0.0, scale = 0.0
                for (x, y) in zip(t.scalars, u.scalars) {
                    diff = max(diff, abs(x - y).isNaN ? .infinity : abs(x - y))
                    scale = max(scale, abs(x))
                }
                rows.append((name, diff, scale > 0 ? diff / scale : (diff > 0 ? .infinity : 0)))
            }
            for (name, _) in b.tensors where !mine.contains(name) { problems.append("only in \(second): \(name)") }
            let worst = rows.max { $0.relative < $1.relative }
            fail = !problems.isEmpty || (tolerance.map { t in rows.contains { !($0.relative <= t) } } ?? false)
            if json {
                func num(_ x: Double) -> String { x.isFinite ? "\(x)" : "null" }
                let tensors = rows.map { "{\"name\":\"\($0.name)\",\"max_abs\":\(num($0.absolute)),\"max_rel\":\(num($0.relative))}" }
                let probs = problems.map { "\"\($0.replacingOccurrences(of: "\"", with: "'"))\"" }
                print("{\"max_rel\":\(num(worst?.relative ?? 0)),\"max_abs\":\(num(rows.map(\.absolute).max() ?? 0)),"
                      + "\"tensors\":[\(tensors.joined(separator: ","))],\"problems\":[\(probs.joined(separator: ","))]}")
                return
            }
            for r in rows {
                print(r.name.padding(toLength: 40, withPad: " ", startingAt: 0) + String(format: "  max|a-b| %10.3e   relative %10.3e", r.absolute, r.relative))
            }
            for p in problems { print("# \(p)") }
            if let worst {
                print("# largest relative difference \(String(format: "%.3e", worst.relative)) (\(worst.name)) over \(rows.count) tensors"
                      + (tolerance.map { fail ? " > tolerance \($0): DIFFERENT" : " ≤ tolerance \($0): same" } ?? ""))
            }
        }
        if fail { throw ExitCode(1) }
    }
}

import CBLAS
import Foundation
import NNCore

/// The PyTorch anchor: `torch_bench.py` from the anchors folder, run on the same work.
enum PyTorchAnchor {
    /// PyTorch's median seconds per step for one case (`mlp`, `lenet5`, `lstm`), dtype
    /// (`float64`, `float32`) and thread count; nil when torch is not importable or the script
    /// is missing.
    static func medianSeconds(_ context: BenchContext, case name: String, dtype: String, threads: Int) -> Double? {
        let script = (context.anchorsDirectory as NSString).appendingPathComponent("torch_bench.py")
        guard FileManager.default.fileExists(atPath: script),
              runProcess("python3", ["-c", "import torch"]).status == 0 else { return nil }
        let out = NSTemporaryDirectory() + "symmd-torch-\(getpid())-\(name)-\(dtype)-\(threads).json"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let r = runProcess("python3", [script, "--json", out, "--cases", name, "--dtypes", dtype,
                                       "--threads", String(threads),
                                       "--steps", String(context.steps), "--warmup", String(context.warmup)])
        guard r.status == 0, let data = FileManager.default.contents(atPath: out),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let results = obj["results"] as? [[String: Any]],
              let ms = results.first?["median_ms"] as? Double else { return nil }
        return ms / 1000
    }
}

extension PyTorchAnchor {
    /// Entries `<prefix>-f64-1t`, `-f64-2t`, `-f32-1t`, `-f32-2t`: symmd's step built by `makeStep`
    /// in each dtype, timed at 1 and 2 threads beside PyTorch's same case in the same dtype.
    static func entries(prefix: String, case name: String, makeStep: @escaping @Sendable (DType) -> () -> Void) -> [Benchmark] {
        [DType.float64, .float32].flatMap { dtype in
            [1, 2].map { threads in
                let entry = "\(prefix)-\(dtype == .float64 ? "f64" : "f32")-\(threads)t"
                return Benchmark(name: entry) { context in
                    openblas_set_num_threads(Int32(threads))
                    Parallel.threads = threads
                    defer { openblas_set_num_threads(1); Parallel.threads = 1 }
                    let step = makeStep(dtype)
                    let ours = timeSteps(context, step)
                    let anchor = medianSeconds(context, case: name, dtype: dtype.rawValue, threads: threads)
                    return BenchResult(name: entry, unit: "s/step", symmd: ours,
                                       anchor: anchor == nil ? nil : "pytorch", anchor_value: anchor,
                                       ratio: anchor.map { ours / $0 },
                                       note: anchor == nil ? "PyTorch not importable: anchor skipped" : nil)
                }
            }
        }
    }
}

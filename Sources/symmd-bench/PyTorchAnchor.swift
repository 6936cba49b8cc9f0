import Foundation

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

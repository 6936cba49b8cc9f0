import Analysis
import Foundation

/// One model trained on one training-set size, and its validation errors.
struct RunResult {
    var model: String
    var frames: Int
    var steps: Int
    /// Force RMSE (eV/Å) and energy RMSE per atom (eV/atom) on the validation frames as stored,
    /// randomly rotated, and with atoms permuted.
    var force = 0.0, energyPerAtom = 0.0
    var forceRotated = 0.0, energyPerAtomRotated = 0.0
    var forcePermuted = 0.0, energyPerAtomPermuted = 0.0
    /// Wall time of training and evaluation (s).
    var seconds = 0.0
    /// Force RMSE on the training frames themselves (eV/Å).
    var forceTrain = 0.0
}

/// The table, the CSV and the plot.
enum Report {
    static func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count), withPad: " ", startingAt: 0) }
    static func lpad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }

    static let header = pad("model", 16) + lpad("frames", 7) + lpad("F RMSE", 10) + lpad("E RMSE/atom", 13)
        + lpad("F rotated", 11) + lpad("E rot./atom", 13) + lpad("F permuted", 12) + lpad("E perm./atom", 14) + lpad("F train", 9) + lpad("time", 8)
        + "\n" + pad("", 16) + lpad("", 7) + lpad("eV/Å", 10) + lpad("eV/atom", 13) + lpad("eV/Å", 11) + lpad("eV/atom", 13)
        + lpad("eV/Å", 12) + lpad("eV/atom", 14) + lpad("eV/Å", 9) + lpad("s", 8)

    static func row(_ r: RunResult) -> String {
        func g(_ x: Double) -> String { String(format: "%.4f", x) }
        func e(_ x: Double) -> String { String(format: "%.5f", x) }
        return pad(r.model, 16) + lpad("\(r.frames)", 7) + lpad(g(r.force), 10) + lpad(e(r.energyPerAtom), 13)
            + lpad(g(r.forceRotated), 11) + lpad(e(r.energyPerAtomRotated), 13) + lpad(g(r.forcePermuted), 12)
            + lpad(e(r.energyPerAtomPermuted), 14) + lpad(g(r.forceTrain), 9) + lpad(String(format: "%.1f", r.seconds), 8)
    }

    /// Writes `symmetry-effect.csv` and `symmetry-effect.svg` into `folder`; returns their paths.
    /// `zeroForce`: the force RMSE of predicting F = 0 (the RMS of the validation forces), drawn
    /// as a flat reference line.
    static func write(_ results: [RunResult], models: [String], sizes: [Int], zeroForce: Double, to folder: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var csv = "model,train_frames,steps,force_rmse,energy_rmse_per_atom,force_rmse_rotated,energy_rmse_per_atom_rotated,"
            + "force_rmse_permuted,energy_rmse_per_atom_permuted,force_rmse_train,seconds\n"
        for r in results {
            csv += "\(r.model),\(r.frames),\(r.steps),\(r.force),\(r.energyPerAtom),\(r.forceRotated),\(r.energyPerAtomRotated),"
                + "\(r.forcePermuted),\(r.energyPerAtomPermuted),\(r.forceTrain),\(String(format: "%.2f", r.seconds))\n"
        }
        let csvPath = (folder as NSString).appendingPathComponent("symmetry-effect.csv")
        try csv.write(toFile: csvPath, atomically: true, encoding: .utf8)
        var series = models.map { m in
            let rs = results.filter { $0.model == m }
            return LinePlot.Series(name: m, x: rs.map { Double($0.frames) }, y: rs.map(\.force))
        }
        // The plain MLP on rotated validation frames, where its lack of invariance shows.
        let plain = results.filter { $0.model == "MLP" }
        if !plain.isEmpty {
            series.append(LinePlot.Series(name: "MLP, rotated valid.", x: plain.map { Double($0.frames) }, y: plain.map(\.forceRotated)))
        }
        // The reference dashed and drawn over the lines, so the augmented MLP lying on it cannot hide it.
        if let lo = sizes.min(), let hi = sizes.max() {
            series.append(LinePlot.Series(name: "F = 0 (data RMS)", x: [Double(lo), Double(hi)], y: [zeroForce, zeroForce], reference: true))
        }
        var plot = LinePlot(title: "Copper EMT: validation force error vs training frames (\(results.first?.steps ?? 0) steps each)",
                            xLabel: "training frames (32 atoms each)", yLabel: "force RMSE (eV/Å)", series: series)
        plot.logY = true
        plot.logX = true
        let svgPath = (folder as NSString).appendingPathComponent("symmetry-effect.svg")
        try plot.svg.write(toFile: svgPath, atomically: true, encoding: .utf8)
        return [csvPath, svgPath]
    }
}

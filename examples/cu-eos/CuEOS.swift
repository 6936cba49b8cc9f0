// cu-eos: the equation of state and vacancy formation energy of fcc copper with a deep potential,
// beside ASE's EMT (the calculator that labelled the training data; numbers from
// examples/reference/emt_reference.py).
//
//     swift run -c release cu-eos [--model potentials/cu-emt-se.sdp] [--out out/cu-eos]
//
// E/atom on the reference's grid of lattice constants (fcc, 3×3×3 conventional cells by
// default), a third-order Birch–Murnaghan fit → a₀ and B, and E_v = E(N−1) − (N−1)/N·E(N) with
// positions relaxed by FIRE (fmax 1e-3 eV/Å) at the model's own a₀, fixed cell. Prints a table
// with EMT's numbers and the differences; writes DIR/eos.csv and DIR/eos.svg.
import Analysis
import ArgumentParser
import Atomistics
import Foundation
import NeuralPotentials

/// 1 eV/Å³ in GPa.
let gpaPerEVA3 = 160.21766208

/// The parts of examples/reference/cu-emt-eos.json that are compared.
struct EMTReference {
    var a0: Double
    var bulkModulusGPa: Double
    var latticeConstants: [Double]
    var energyPerAtom: [Double]
    /// Relaxed vacancy formation energy (eV) by cells per side.
    var vacancy: [Int: Double]
    var vacancyUnrelaxed: [Int: Double]

    init(path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let top = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let eos = top["eos"] as? [String: Any],
              let a0 = eos["a0"] as? Double, let b = eos["bulk_modulus_GPa"] as? Double,
              let grid = eos["lattice_constants"] as? [Double], let e = eos["energy_per_atom"] as? [Double]
        else {
            throw ValidationError("\(path): expected eos.a0, eos.bulk_modulus_GPa, eos.lattice_constants, eos.energy_per_atom")
        }
        self.a0 = a0
        bulkModulusGPa = b
        latticeConstants = grid
        energyPerAtom = e
        vacancy = [:]
        vacancyUnrelaxed = [:]
        for c in ((top["vacancy"] as? [String: Any])?["cells"] as? [[String: Any]]) ?? [] {
            if let n = c["cells"] as? Int {
                vacancy[n] = c["formation_energy_relaxed"] as? Double
                vacancyUnrelaxed[n] = c["formation_energy_unrelaxed"] as? Double
            }
        }
    }
}

@main
struct CuEOS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cu-eos",
        abstract: "fcc copper equation of state and vacancy formation energy with a deep potential, beside EMT's.")

    @Option(help: "Deep potential model file.") var model = "potentials/cu-emt-se.sdp"
    @Option(help: "EMT reference JSON (examples/reference/emt_reference.py).") var reference = "examples/reference/cu-emt-eos.json"
    @Option(help: "Output folder for eos.csv and eos.svg.") var out = "out/cu-eos"
    @Option(help: "Conventional cells per side for the equation of state.") var cells = 3
    @Option(help: "Cells per side of the vacancy supercells, comma-separated (empty: skip).") var vacancyCells = "3,4"
    @Option(help: "FIRE force tolerance for the vacancy relaxation (eV/Å).") var fmax = 1e-3
    @Option(help: "FIRE iteration limit for the vacancy relaxation.") var maxSteps = 2000
    @Flag(help: "Exit non-zero when a₀ differs from EMT's by more than 0.01 Å or B by more than 5 %.") var strict = false

    func run() throws {
        let ref = try EMTReference(path: reference)
        let potential = try DeepPotential(contentsOf: model) { say("warning: \($0)") }
        guard potential.typeMap.contains("Cu") else {
            throw ValidationError("\(model): type map \(potential.typeMap) has no Cu")
        }
        let mass = 63.546
        func perfect(_ a: Double, _ n: Int) throws -> System {
            try Lattice.fcc.system(latticeConstant: a, cells: [n, n, n], mass: mass, typeName: "Cu")
        }
        let clock = ContinuousClock()
        let t0 = clock.now

        // equation of state on the reference's grid
        var energies: [Double] = []
        for a in ref.latticeConstants {
            let s = try perfect(a, cells)
            energies.append(try potential.evaluate(s).energy / Double(s.count))
        }
        let volumes = ref.latticeConstants.map { $0 * $0 * $0 / 4 }
        let fit = try BirchMurnaghan.fit(volumes: volumes, energies: energies)
        let a0 = Foundation.pow(4 * fit.v0, 1.0 / 3.0)
        let bGPa = fit.b0 * gpaPerEVA3
        let emtFit = try BirchMurnaghan.fit(volumes: volumes, energies: ref.energyPerAtom)
        say(String(format: "equation of state: %d lattice constants %.3f…%.3f Å, %d atoms, %.1f s",
                     energies.count, ref.latticeConstants.first ?? 0, ref.latticeConstants.last ?? 0,
                     4 * cells * cells * cells, (clock.now - t0).seconds))

        // vacancy formation energies at the model's a0
        var vacancyRows: [(n: Int, relaxed: Double, unrelaxed: Double, steps: Int, converged: Bool)] = []
        for n in vacancyCells.split(separator: ",").compactMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) {
            let t1 = clock.now
            let bulk = try perfect(a0, n)
            let eN = try potential.evaluate(bulk).energy
            let nat = Double(bulk.count)
            var vac = try System(positions: Array(bulk.positions.dropFirst(3)), types: Array(bulk.types.dropFirst()),
                                 masses: bulk.masses, typeNames: bulk.typeNames, box: bulk.box)
            let unrelaxed = try potential.evaluate(vac).energy
            var evaluator = try ForceEvaluator(potential: potential)
            let fire = try FIRE(forceTolerance: fmax, maxSteps: maxSteps)
            let r = try fire.minimize(&vac, forces: &evaluator)
            let scale = (nat - 1) / nat
            vacancyRows.append((n, r.energy - scale * eN, unrelaxed - scale * eN, r.steps, r.converged))
            say(String(format: "vacancy %d×%d×%d (%d sites): FIRE %d steps, max |F| %.2e eV/Å, %.1f s",
                         n, n, n, bulk.count, r.steps, r.maxForce, (clock.now - t1).seconds)
                  + (r.converged ? "" : " (NOT converged)"))
        }

        // the table
        say("")
        func row(_ label: String, _ m: Double, _ e: Double?, _ digits: Int, _ note: String = "") {
            let f = "%10.\(digits)f"
            let pad = label.padding(toLength: 24, withPad: " ", startingAt: 0)
            let diff = e.map { String(format: "%+10.\(digits)f", m - $0) } ?? "         —"
            say(pad + String(format: f, m) + " " + (e.map { String(format: f, $0) } ?? "         —") + " " + diff + note)
        }
        say("fcc Cu".padding(toLength: 24, withPad: " ", startingAt: 0) + "     model        EMT  model−EMT")
        let da = a0 - ref.a0, dbRel = bGPa / ref.bulkModulusGPa - 1
        let aOK = abs(da) <= 0.01, bOK = abs(dbRel) <= 0.05
        row("a0 (Å)", a0, ref.a0, 4, "   target |Δ| ≤ 0.01 Å: " + (aOK ? "ok" : "MISSED"))
        row("B (GPa)", bGPa, ref.bulkModulusGPa, 1,
            "   target |Δ| ≤ 5 %: " + (bOK ? "ok" : "MISSED") + String(format: " (%+.1f %%)", 100 * dbRel))
        row("B′", fit.b0Prime, emtFit.b0Prime, 2)
        row("E0 (eV/atom)", fit.e0, emtFit.e0, 5)
        for v in vacancyRows {
            row("E_v \(v.n)×\(v.n)×\(v.n) relaxed (eV)", v.relaxed, ref.vacancy[v.n], 4)
            row("E_v \(v.n)×\(v.n)×\(v.n) unrelaxed (eV)", v.unrelaxed, ref.vacancyUnrelaxed[v.n], 4)
        }
        let rmsGrid = (zip(energies, ref.energyPerAtom).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
                       / Double(max(energies.count, 1))).squareRoot()
        say(String(format: "E/atom over the grid: RMS model−EMT %.2f meV/atom", 1000 * rmsGrid))
        say(String(format: "(EMT's a0 and B refitted here from the reference grid: %.4f Å, %.1f GPa)",
                     Foundation.pow(4 * emtFit.v0, 1.0 / 3.0), emtFit.b0 * gpaPerEVA3))

        // CSV and plot
        let plot = LinePlot(title: "fcc Cu: energy per atom vs lattice constant", xLabel: "lattice constant a (Å)",
                            yLabel: "E/atom (eV)",
                            series: [.init(name: "model (\(URL(fileURLWithPath: model).lastPathComponent))",
                                           x: ref.latticeConstants, y: energies),
                                     .init(name: "EMT (ASE)", x: ref.latticeConstants, y: ref.energyPerAtom)])
        let paths = try AnalysisOutput.write(prefix: out + "/eos", header: ["a", "volume_per_atom", "e_model", "e_emt"],
                                             columns: [ref.latticeConstants, volumes, energies, ref.energyPerAtom], plot: plot, inputs: [model])
        say("written: \(paths.joined(separator: ", "))")
        if strict && !(aOK && bOK) { throw ExitCode(1) }
    }
}

/// Writes a line to standard output unbuffered (progress shows at once when piped).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

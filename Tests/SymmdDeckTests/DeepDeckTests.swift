import Atomistics
import Foundation
import NeuralPotentials
import NNCore
import Testing
@testable import SymmdDeck

/// Run decks with `[potential] kind = "deep"`, and fit decks (`[data]`, `[model.*]`, …).
@Suite struct DeepDeckTests {
    /// A small untrained copper model written to `dir/cu.sdp`.
    static func writeModel(in dir: URL, sel: Int = 40) throws -> URL {
        let spec = ModelSpec(typeMap: ["Cu"],
                             descriptor: DescriptorSpec(kind: .seE2A, rcut: 4.0, rcutSmooth: 3.0, sel: [sel], neuron: [4, 8],
                                                        axisNeuron: 4),
                             fitting: FittingSpec(neuron: [10, 10]))
        let m = try DeepPotentialModel(spec: spec, seed: 5)
        let w = m.fittings[0].layers.last!.weight
        w.value = w.value * 1000   // copper-sized forces
        let url = dir.appendingPathComponent("cu.sdp")
        try m.write(to: url.path)
        return url
    }

    static func deck(steps: Int = 40, output: String = "") -> String {
        """
        units = "metal"
        seed = 11
        [system]
        lattice = "fcc"
        a = 3.61
        cells = [2, 2, 2]
        element = "Cu"
        temperature = 500.0
        [potential]
        kind = "deep"
        file = "cu.sdp"
        [neighbors]
        skin = 1.0
        [[run]]
        integrator = "verlet"
        timestep = 0.001
        steps = \(steps)
        [output]
        thermo = { file = "thermo.csv", every = 10 }
        \(output)
        """
    }

    @Test func nveWithADeepPotentialFromADeck() throws {
        let dir = try tempDir("deep-run")
        _ = try Self.writeModel(in: dir)
        let url = try writeDeck(Self.deck(), in: dir)
        let d = try RunDeck(contentsOf: url)
        #expect(d.potential is DeepPotential)
        let driver = try RunDriver(deck: d)
        var rows: [ThermoRow] = []
        driver.onThermo = { rows.append($0) }
        try driver.run()
        let e = ([driver.initialRow!] + rows).map(\.totalEnergy)
        #expect(rows.count == 4)
        #expect(rows.allSatisfy { $0.diagnostics == [0] })
        let spread = (e.max()! - e.min()!)
        #expect(spread < 2e-3, "NVE total energy spread \(spread) eV over 40 fs")
        #expect(abs(rows.last!.potentialEnergy - rows.first!.potentialEnergy) > 1e-4, "the potential should do something")
        let csv = try String(contentsOf: dir.appendingPathComponent("thermo.csv"), encoding: .utf8)
        #expect(csv.hasPrefix(ThermoRow.csvHeader + ",sel_overflow\n"))
    }

    @Test func selOverflowShowsInThermo() throws {
        let dir = try tempDir("deep-sel")
        _ = try Self.writeModel(in: dir, sel: 10)
        let driver = try RunDriver(deck: try RunDeck(contentsOf: try writeDeck(Self.deck(steps: 10), in: dir)))
        #expect((driver.initialRow?.diagnostics.first ?? 0) >= 32, "every atom has 12 first neighbors > sel 10")
    }

    /// `symmd eval --model M --structure S --frame K --json`: the same JSON as with a deck, the
    /// numbers of the potential itself.
    @Test func evalWithAModel() throws {
        let dir = try tempDir("deep-eval")
        let url = try Self.writeModel(in: dir)
        let p = try DeepPotential(contentsOf: url.path)
        let structure = fixtures.appendingPathComponent("cu-emt-3.extxyz")
        let r = try EvalResult(potential: p, typeNames: p.typeMap, structure: structure, frame: 2)
        let system = try RunDeck.readStructure(structure, frame: 2, units: .metal, typeNames: ["Cu"], deckFile: structure.path, key: "--structure")
        let direct = try p.evaluate(system)
        #expect(r.natoms == 32 && r.energy == direct.energy && r.forces == direct.forces && r.virial == direct.virial)
        #expect(r.json.hasPrefix("{\"natoms\":32,\"energy\":\(direct.energy),"))
        // A species the model does not know is an error naming the file.
        let au = dir.appendingPathComponent("au.extxyz")
        try "1\nLattice=\"9 0 0 0 9 0 0 0 9\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\nAu 0 0 0\n".write(to: au, atomically: true, encoding: .utf8)
        #expect(throws: DeckError.self) { _ = try EvalResult(potential: p, typeNames: p.typeMap, structure: au) }
    }

    @Test func badModelFileIsADeckError() throws {
        let dir = try tempDir("deep-bad")
        try Data("garbage".utf8).write(to: dir.appendingPathComponent("cu.sdp"))
        let e = try deckError(Self.deck(), dir: dir)
        #expect(e.kind == .badFile && e.key == "potential.file")
        #expect("\(e)".contains("cu.sdp"))
        try FileManager.default.removeItem(at: dir.appendingPathComponent("cu.sdp"))
        #expect(try deckError(Self.deck(), dir: dir).kind == .missingFile)
    }

    static let fitDeckText = """
        [data]
        type_map = ["Cu"]
        train = ["train.extxyz"]
        [model.descriptor]
        kind = "se_e2_a"
        rcut = 4.0
        rcut_smth = 3.0
        sel = "auto"
        neuron = [4, 8]
        axis_neuron = 4
        [model.fitting]
        neuron = [8, 8]
        [training]
        steps = 10
        """

    @Test func fitDeckModelInitResolvesSelAndStatistics() throws {
        let dir = try tempDir("fit-init")
        // Training data: a few rattled fcc frames with energies.
        var text = ""
        var rng = Xoshiro256StarStar(seed: 1)
        for f in 0..<3 {
            var s = try Lattice.fcc.system(latticeConstant: 3.61, cells: [2, 2, 2], mass: 63.546, typeName: "Cu")
            for k in 0..<s.positions.count { s.positions[k] += 0.05 * rng.nextNormal() }
            text += "32\nLattice=\"7.22 0 0 0 7.22 0 0 0 7.22\" Properties=species:S:1:pos:R:3 energy=\(0.1 * Double(f + 1)) pbc=\"T T T\"\n"
            for i in 0..<32 { text += "Cu \(s.positions[3 * i]) \(s.positions[3 * i + 1]) \(s.positions[3 * i + 2])\n" }
        }
        try text.write(to: dir.appendingPathComponent("train.extxyz"), atomically: true, encoding: .utf8)
        let deck = try FitDeck(contentsOf: try writeDeck(Self.fitDeckText, in: dir, name: "fit.toml"))
        #expect(deck.selAuto && deck.training.steps == 10 && deck.fitting.neuron == [8, 8])
        let m = try deck.initialModel(seed: 3)
        // fcc within 4 Å: 12 + 6 neighbors (rattled: maybe a few more or fewer) → sel ≈ 18 × 1.1.
        #expect((19...24).contains(m.spec.descriptor.sel[0]), "sel \(m.spec.descriptor.sel)")
        #expect(m.statistics.mean[0] > 0.1 && m.statistics.stdRadial[0] > 0.01)
        #expect(abs(m.energyBias[0] - 0.2 / 32) < 1e-12)
    }

    @Test func fitDeckErrorsNameKeyAndLine() throws {
        let dir = try tempDir("fit-bad")
        func err(_ text: String) throws -> DeckError {
            do { _ = try FitDeck(parsing: text, url: dir.appendingPathComponent("fit.toml")) } catch let e as DeckError { return e }
            Issue.record("expected a DeckError")
            return DeckError(.syntax, file: "", key: "", expected: "", found: "")
        }
        let unknown = try err(Self.fitDeckText.replacingOccurrences(of: "axis_neuron = 4", with: "axis_neuron = 4\nbogus = 1"))
        #expect(unknown.kind == .unknownKey && unknown.key == "model.descriptor.bogus" && unknown.line == 11)
        let sel = try err(Self.fitDeckText.replacingOccurrences(of: "sel = \"auto\"", with: "sel = [10, 20]"))
        #expect(sel.kind == .nonPhysical && sel.key == "model.descriptor.sel")
        let axis = try err(Self.fitDeckText.replacingOccurrences(of: "axis_neuron = 4", with: "axis_neuron = 9"))
        #expect(axis.key == "model.descriptor.axis_neuron")
        let noData = try err("[model.descriptor]\nrcut = 4.0\n")
        #expect(noData.kind == .missingKey && noData.key == "data")
        // training precision: float64 or mixed; float32 training (float32 loss sums and moments) is refused
        let single = try err(Self.fitDeckText.replacingOccurrences(of: "[training]", with: "[training]\nprecision = \"float32\""))
        #expect(single.kind == .nonPhysical && single.key == "training.precision" && single.found.contains("float32"))
    }

    @Test func fitDeckTrainingPrecision() throws {
        let dir = try tempDir("fit-precision")
        let text = Self.fitDeckText.replacingOccurrences(of: "[training]", with: "[training]\nprecision = \"mixed\"")
        let deck = try FitDeck(parsing: text, url: dir.appendingPathComponent("fit.toml"))
        #expect(deck.training.precision == .mixed)
        #expect(try FitDeck(parsing: Self.fitDeckText, url: dir.appendingPathComponent("fit.toml")).training.precision == .float64)
    }
}

import Foundation
import NNCore
import Testing
@testable import NeuralPotentials

/// Model files: bit-identical round trip, and a clear error for every kind of bad file.
@Suite struct ModelFileTests {
    static func tmp(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("symmd-np-\(getpid())-\(name)").path
    }

    @Test(arguments: [DescriptorKind.seE2A, .seE2R])
    func roundTripIsBitIdentical(_ kind: DescriptorKind) throws {
        let sys = try NPFixtures.structure(seed: 2, n: 10, species: ["Cu", "Au"], box: "triclinic", length: 6)
        let m = try NPFixtures.model(kind: kind, species: ["Cu", "Au"], typeOneSide: false, seed: 3, calibration: sys)
        let path = Self.tmp("rt-\(kind.rawValue).sdp")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try m.write(to: path)
        let back = try DeepPotentialModel.load(from: path)
        #expect(back.spec == m.spec)
        #expect(back.statistics == m.statistics)
        #expect(back.energyBias.map(\.bitPattern) == m.energyBias.map(\.bitPattern))
        let a = m.namedParameters, b = back.namedParameters
        #expect(a.map(\.name) == b.map(\.name))
        for (x, y) in zip(a, b) {
            #expect(x.parameter.value.scalars.map(\.bitPattern) == y.parameter.value.scalars.map(\.bitPattern), "\(x.name)")
        }
        let env = try NPFixtures.environments(sys, m)
        #expect(back.evaluateFused(env).energy.bitPattern == m.evaluateFused(env).energy.bitPattern)
        #expect(back.summary.contains("parameters      \(m.parameterCount)"))
    }

    @Test func badFilesGiveClearErrors() throws {
        let m = try NPFixtures.model(seed: 4)
        let path = Self.tmp("bad.sdp")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try m.write(to: path)
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        func expectError(_ bytes: Data, _ fragment: String) {
            try? bytes.write(to: URL(fileURLWithPath: path))
            do {
                _ = try DeepPotentialModel.load(from: path)
                Issue.record("loading should fail (\(fragment))")
            } catch {
                #expect(error.description.hasPrefix(path + ": "), "\(error.description)")
                #expect(error.description.contains(fragment), "\(error.description)")
                #expect(!error.description.contains("\n"))
            }
        }
        expectError(good.prefix(good.count / 2), "truncated")
        var flipped = good
        flipped[good.count - 100] ^= 0x40
        expectError(flipped, "checksum")
        expectError(Data("not a model\n".utf8), "not a symmd parameter file")
        // A valid container of another kind, and a future model version.
        var pf = m.parameterFile()
        pf.metadata["format"] = "something-else"
        expectError(Data(pf.encoded()), "not a deep-potential model")
        pf = m.parameterFile()
        pf.metadata["model_version"] = "99"
        expectError(Data(pf.encoded()), "model version 99")
        pf = m.parameterFile()
        pf.tensors.removeLast()
        expectError(Data(pf.encoded()), "missing tensor")
        do {
            _ = try DeepPotentialModel.load(from: Self.tmp("does-not-exist.sdp"))
            Issue.record("a missing file should fail")
        } catch {
            #expect(error.description.contains("does-not-exist.sdp"))
        }
    }
}

/// sel overflow is never silent; the energy bias fit; species not in the type map.
@Suite struct EnvironmentTests {
    @Test func selOverflowIsReportedAndCounted() throws {
        let sys = try NPFixtures.structure(seed: 8, n: 20, box: "cubic", length: 6.5, minDistance: 1.8)
        let model = try NPFixtures.model(seed: 1, sel: 3, calibration: nil)
        let env = try NPFixtures.environments(sys, model)
        #expect(!env.overflows.isEmpty)
        #expect(env.maxNeighbors[0] > 3)
        // Slots hold the nearest neighbors, in order of distance.
        for k in 1..<3 {
            func r(_ k: Int) -> Double { (0..<3).map { env.displacement[3 * env.slot(0, k) + $0] }.reduce(0) { $0 + $1 * $1 } }
            #expect(r(k - 1) <= r(k))
        }
        let lines = LineSink()
        let pot = DeepPotential(model: model, maxWarnings: 2, warn: { lines.append($0) })
        _ = try pot.evaluate(sys)
        _ = try pot.evaluate(sys)
        #expect(pot.selOverflowCount == 2 * env.overflows.count)
        #expect(lines.count == 2)
        #expect(lines.first?.contains("sel allows 3") == true)
    }

    @Test func unknownSpeciesIsAnError() throws {
        let sys = try NPFixtures.structure(seed: 8, n: 4, species: ["Cu", "Ni"], box: "cubic", length: 6)
        let model = try NPFixtures.model(species: ["Cu", "Au"], seed: 1)
        #expect(throws: NeuralPotentialError.unknownElement(element: "Ni", typeMap: ["Cu", "Au"])) {
            _ = try model.typeIndices(for: ["Cu", "Ni"])
        }
        #expect(throws: NeuralPotentialError.self) { _ = try DeepPotential(model: model).evaluate(sys) }
    }

    @Test func energyBiasIsLeastSquares() {
        // Two species with varying composition: exact recovery of e = (−3.5, −1.25).
        let counts = [[10, 2], [4, 8], [7, 7], [12, 0]]
        let e = counts.map { -3.5 * Double($0[0]) - 1.25 * Double($0[1]) }
        let b = EnergyBias.leastSquares(counts: counts, energies: e, typeCount: 2)
        #expect(abs(b[0] + 3.5) < 1e-10 && abs(b[1] + 1.25) < 1e-10)
        // Fixed composition: the minimum-norm solution shares the energy per atom equally.
        let fixed = EnergyBias.leastSquares(counts: [[16, 16], [16, 16]], energies: [-64, -66], typeCount: 2)
        #expect(abs(fixed[0] - fixed[1]) < 1e-12 && abs(fixed[0] + 65.0 / 32) < 1e-10)
    }

    @Test func specValidationNamesTheKey() {
        let bad = ModelSpec(typeMap: ["Cu"], descriptor: DescriptorSpec(rcut: 5, rcutSmooth: 6, sel: [10]))
        #expect(throws: NeuralPotentialError.invalidSpec(key: "rcut_smth", expected: "0 ≤ rcut_smth < rcut = 5.0", found: "6.0")) {
            try bad.validate()
        }
    }
}

/// Collects warning lines from concurrent code.
final class LineSink: @unchecked Sendable {
    private var lines: [String] = []
    private let lock = NSLock()
    func append(_ s: String) { lock.lock(); lines.append(s); lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return lines.count }
    var first: String? { lock.lock(); defer { lock.unlock() }; return lines.first }
}

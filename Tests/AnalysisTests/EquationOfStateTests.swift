import Analysis
import Foundation
import Testing

@Suite struct EquationOfStateTests {
    /// Copper-like parameters (EMT: a₀ = 3.5898 Å, B = 134.3 GPa, B′ ≈ 4.2) in eV and Å³ per atom.
    static let truth = BirchMurnaghan(e0: -0.00703, v0: pow(3.5898, 3) / 4, b0: 134.3 / 160.21766208, b0Prime: 4.18)

    /// Points taken from an exact Birch–Murnaghan curve give its parameters back.
    @Test func recoversAnalyticCurve() throws {
        let lattice = stride(from: 3.50, through: 3.68, by: 0.01).map { $0 }
        let volumes = lattice.map { $0 * $0 * $0 / 4 }
        let energies = volumes.map { Self.truth.energy(volume: $0) }
        let fit = try BirchMurnaghan.fit(volumes: volumes, energies: energies)
        #expect(abs(fit.e0 - Self.truth.e0) < 1e-12)
        #expect(abs(fit.v0 / Self.truth.v0 - 1) < 1e-10)
        #expect(abs(fit.b0 / Self.truth.b0 - 1) < 1e-9)
        #expect(abs(fit.b0Prime - Self.truth.b0Prime) < 1e-7)
        #expect(abs(pow(4 * fit.v0, 1.0 / 3.0) - 3.5898) < 1e-10)
        #expect(abs(fit.b0 * 160.21766208 - 134.3) < 1e-7)
    }

    /// The minimum need not be at the centre of the range, and the order of points is free.
    @Test func asymmetricRangeAndShuffledPoints() throws {
        let volumes = [11.0, 12.4, 10.8, 11.3, 11.9, 12.2, 11.6].map { $0 }
        let energies = volumes.map { Self.truth.energy(volume: $0) }
        let fit = try BirchMurnaghan.fit(volumes: volumes, energies: energies)
        #expect(abs(fit.v0 / Self.truth.v0 - 1) < 1e-10)
        #expect(abs(fit.b0 / Self.truth.b0 - 1) < 1e-8)
    }

    /// Small symmetric noise (±10 µeV/atom) moves a₀ and B only slightly.
    @Test func toleratesNoise() throws {
        let lattice = stride(from: 3.50, through: 3.68, by: 0.01).map { $0 }
        let volumes = lattice.map { $0 * $0 * $0 / 4 }
        let energies = volumes.enumerated().map { k, v in Self.truth.energy(volume: v) + (k % 2 == 0 ? 1e-5 : -1e-5) }
        let fit = try BirchMurnaghan.fit(volumes: volumes, energies: energies)
        #expect(abs(pow(4 * fit.v0, 1.0 / 3.0) - 3.5898) < 1e-3)
        #expect(abs(fit.b0 / Self.truth.b0 - 1) < 0.01)
    }

    /// EMT's E/atom grid in examples/reference/cu-emt-eos.json gives back the a₀ and B that ASE's
    /// `EquationOfState(eos="birchmurnaghan")` fitted to it (a nonlinear fit of the same model).
    @Test func agreesWithASEOnTheEMTReference() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/reference/cu-emt-eos.json")
        let top = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let eos = try #require(top["eos"] as? [String: Any])
        let a = try #require(eos["lattice_constants"] as? [Double])
        let e = try #require(eos["energy_per_atom"] as? [Double])
        let fit = try BirchMurnaghan.fit(volumes: a.map { $0 * $0 * $0 / 4 }, energies: e)
        let aseA0 = try #require(eos["a0"] as? Double), aseB = try #require(eos["bulk_modulus_GPa"] as? Double)
        #expect(abs(pow(4 * fit.v0, 1.0 / 3.0) - aseA0) < 1e-6)
        #expect(abs(fit.b0 * 160.21766208 / aseB - 1) < 1e-5)
        #expect(abs(fit.e0 - (eos["e0_per_atom"] as? Double ?? .nan)) < 1e-8)
    }

    @Test func refusesBadInput() throws {
        #expect(throws: EquationOfStateError.self) { try BirchMurnaghan.fit(volumes: [1, 2, 3], energies: [0, 0, 0]) }
        #expect(throws: EquationOfStateError.self) { try BirchMurnaghan.fit(volumes: [1, 2, 3, 4], energies: [0, 0, 0]) }
        // monotonic (no minimum): E = −V
        let v = [10.0, 11, 12, 13, 14]
        #expect(throws: EquationOfStateError.self) { try BirchMurnaghan.fit(volumes: v, energies: v.map { -$0 }) }
    }
}

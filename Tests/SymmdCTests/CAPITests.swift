import Atomistics
import CSymmdAPI
import Foundation
import NeuralPotentials
import SymmdC
import Testing

/// A NUL-terminated C string held in an array.
func cText(_ a: [CChar]) -> String {
    String(decoding: a.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// The C API (include/symmd.h) called as a simulator would: explicit owned and ghost particles
/// with a full list that includes a skin, against the periodic evaluation of the same cell.
@Suite("C API")
struct CAPITests {
    static let copperModel = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../potentials/cu-emt-se.sdp").standardized.path

    /// A loaded handle or a test failure with the library's message.
    static func load(_ path: String) throws -> OpaquePointer {
        var handle: OpaquePointer? = nil
        var message = [CChar](repeating: 0, count: 512)
        let status = symmdModelLoad(path, &handle, &message, message.count)
        try #require(status == SYMMD_OK, "\(cText(message))")
        return try #require(handle)
    }

    /// Owned atoms in a periodic cell plus every periodic image within `reach` (Å) of one of them,
    /// as LAMMPS lays them out (owned first), with each ghost's owner.
    struct Particles {
        var positions: [Double]
        var owner: [Int]
        var owned: Int
        /// Full lists of the owned atoms: every particle within `listCutoff`, self excluded.
        var offsets: [Int] = [0]
        var neighbors: [Int32] = []
    }

    static func particles(_ system: System, reach: Double) -> Particles {
        let n = system.count, h = system.box.vectors
        var p = Particles(positions: system.positions, owner: Array(0..<n), owned: n)
        for a in -2...2 { for b in -2...2 { for c in -2...2 where a != 0 || b != 0 || c != 0 {
            let s = (0..<3).map { Double(a) * h[$0] + Double(b) * h[3 + $0] + Double(c) * h[6 + $0] }
            for i in 0..<n {
                let x = (0..<3).map { system.positions[3 * i + $0] + s[$0] }
                let near = (0..<n).contains { j in
                    let d = (0..<3).map { x[$0] - system.positions[3 * j + $0] }
                    return d[0] * d[0] + d[1] * d[1] + d[2] * d[2] < reach * reach
                }
                if near { p.positions += x; p.owner.append(i) }
            }
        } } }
        let total = p.owner.count
        for i in 0..<n {
            for j in 0..<total where j != i {
                let d = (0..<3).map { p.positions[3 * j + $0] - p.positions[3 * i + $0] }
                if d[0] * d[0] + d[1] * d[1] + d[2] * d[2] < reach * reach { p.neighbors.append(Int32(j)) }
            }
            p.offsets.append(p.neighbors.count)
        }
        return p
    }

    /// A distorted fcc copper cell (108 atoms) seeded for reproducibility.
    static func copper(seed: UInt64 = 7) throws -> System {
        var sys = try Lattice.fcc.system(latticeConstant: 3.61, cells: [3, 3, 3], mass: 63.546, typeName: "Cu")
        var g = Xoshiro256StarStar(seed: seed)
        for k in sys.positions.indices { sys.positions[k] += 0.15 * (g.nextUniform() - 0.5) }
        return sys
    }

    /// A CSR list in memory that C may point into for the lifetime of the object.
    final class NeighborContext {
        let offsets: [Int]
        let storage: UnsafeMutableBufferPointer<Int32>
        init(_ p: Particles) {
            offsets = p.offsets
            storage = .allocate(capacity: max(1, p.neighbors.count))
            _ = storage.initialize(from: p.neighbors)
        }
        deinit { storage.deallocate() }
    }

    /// The neighbor callback over a `NeighborContext` passed as context.
    static let callback: symmd_neighbor_fn = { context, i, count, list in
        let c = Unmanaged<NeighborContext>.fromOpaque(context!).takeUnretainedValue()
        let k = Int(i)
        count!.pointee = Int64(c.offsets[k + 1] - c.offsets[k])
        list!.pointee = UnsafePointer(c.storage.baseAddress! + c.offsets[k])
        return 0
    }

    /// Calls symmd_model_compute with every output requested.
    static func compute(_ h: OpaquePointer, _ p: Particles, types: [Int32], contributing: [Int32]?,
                        positions: [Double]? = nil) -> (status: symmd_status, message: String, energy: Double,
                                                        pe: [Double], f: [Double], w: [Double], pw: [Double]) {
        let total = types.count
        let ctx = NeighborContext(p)
        var energy = Double.nan
        var pe = [Double](repeating: .nan, count: total), f = [Double](repeating: .nan, count: 3 * total)
        var w = [Double](repeating: .nan, count: 9), pw = [Double](repeating: .nan, count: 9 * total)
        var message = [CChar](repeating: 0, count: 512)
        let status = withUnsafeMutablePointer(to: &energy) { e in
            pe.withUnsafeMutableBufferPointer { pe in
                f.withUnsafeMutableBufferPointer { f in
                    w.withUnsafeMutableBufferPointer { w in
                        pw.withUnsafeMutableBufferPointer { pw in
                            var out = symmd_outputs(energy: e, particle_energy: pe.baseAddress, forces: f.baseAddress,
                                                    virial: w.baseAddress, particle_virial: pw.baseAddress)
                            return withExtendedLifetime(ctx) {
                                symmdModelCompute(h, Int64(total), positions ?? p.positions, types, contributing,
                                                  callback, Unmanaged.passUnretained(ctx).toOpaque(), &out,
                                                  &message, message.count)
                            }
                        }
                    }
                }
            }
        }
        return (status, cText(message), energy, pe, f, w, pw)
    }

    @Test("Metadata: cutoff, type map, version; a missing or corrupt file is an error with a message")
    func metadataAndLoadErrors() throws {
        let h = try Self.load(Self.copperModel)
        defer { symmdModelFree(h) }
        #expect(symmdModelCutoff(h) == 6.0)
        #expect(symmdModelTypeCount(h) == 1)
        #expect(String(cString: symmdModelTypeName(h, 0)!) == "Cu")
        #expect(symmdModelTypeName(h, 1) == nil)
        #expect(symmdModelTypeIndex(h, "Cu") == 0)
        #expect(symmdModelTypeIndex(h, "Ag") == -1)
        #expect(String(cString: symmdVersion()).split(separator: ".").count == 3)

        var handle: OpaquePointer? = nil
        var message = [CChar](repeating: 0, count: 256)
        #expect(symmdModelLoad("/nonexistent/model.sdp", &handle, &message, message.count) == SYMMD_ERROR_MODEL_FILE)
        #expect(handle == nil)
        #expect(cText(message).contains("/nonexistent/model.sdp"))
        // A truncated copy of a real model.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.copperModel))
        let cut = FileManager.default.temporaryDirectory.appendingPathComponent("symmd-capi-truncated-\(getpid()).sdp")
        try bytes.prefix(bytes.count / 2).write(to: cut)
        defer { try? FileManager.default.removeItem(at: cut) }
        #expect(symmdModelLoad(cut.path, &handle, &message, message.count) == SYMMD_ERROR_MODEL_FILE)
        #expect(cText(message).contains(cut.lastPathComponent))
        // A message buffer too small is truncated, NUL-terminated.
        var tiny = [CChar](repeating: 1, count: 8)
        #expect(symmdModelLoad("/nonexistent/model.sdp", &handle, &tiny, tiny.count) == SYMMD_ERROR_MODEL_FILE)
        #expect(tiny[7] == 0)
        #expect(symmdModelLoad(nil, &handle, nil, 0) == SYMMD_ERROR_ARGUMENT)
    }

    @Test("Owned + ghost particles with a skinned full list equal the periodic evaluation")
    func ghostsEqualPeriodic() throws {
        let h = try Self.load(Self.copperModel)
        defer { symmdModelFree(h) }
        let sys = try Self.copper()
        let n = sys.count
        let parts = Self.particles(sys, reach: 6.0 + 1.0)
        let total = parts.owner.count
        #expect(total > 2 * n)
        let types = [Int32](repeating: 0, count: total)
        let contributing = (0..<total).map { Int32($0 < n ? 1 : 0) }
        let (status, message, energy, pe, f, w, pw) = Self.compute(h, parts, types: types, contributing: contributing)
        try #require(status == SYMMD_OK, "\(message)")

        // The periodic reference: symmd's own MD path.
        let model = try DeepPotentialModel.load(from: Self.copperModel)
        let reference = try model.evaluateCell(positions: sys.positions, types: [Int](repeating: 0, count: n),
                                               cell: sys.box.vectors, periodic: [true, true, true], particleVirials: true)
        #expect(abs(energy - reference.energy) <= 1e-10 * abs(reference.energy))
        for i in 0..<n { #expect(abs(pe[i] - reference.particleEnergies[i]) < 1e-11) }
        #expect(pe[n...].allSatisfy { $0 == 0 })
        // Ghost forces folded back onto their owners (LAMMPS's reverse communication).
        var folded = [Double](repeating: 0, count: 3 * n)
        for p in 0..<total { for a in 0..<3 { folded[3 * parts.owner[p] + a] += f[3 * p + a] } }
        let fmax = zip(folded, reference.forces).map { abs($0 - $1) }.max()!
        #expect(fmax < 1e-9, "max |ΔF| \(fmax) eV/Å")
        #expect(f[(3 * n)...].contains { abs($0) > 1e-3 }, "ghosts receive forces")
        for k in 0..<9 { #expect(abs(w[k] - reference.virial[k]) < 1e-9 * max(1, abs(reference.virial[k]))) }
        // Per-particle virials sum to the virial.
        for k in 0..<9 {
            let s = (0..<total).reduce(0.0) { $0 + pw[9 * $1 + k] }
            #expect(abs(s - w[k]) < 1e-9 * max(1, abs(w[k])))
        }
    }

    @Test("symmd_model_compress: tabulated nets change forces at the 1e-7 level; a bad stride is refused")
    func compression() throws {
        let sys = try Self.copper(seed: 9)
        let n = sys.count
        let types = [Int32](repeating: 0, count: n)
        var message = [CChar](repeating: 0, count: 256)
        func forces(_ h: OpaquePointer) throws -> [Double] {
            var f = [Double](repeating: 0, count: 3 * n)
            let status = f.withUnsafeMutableBufferPointer { fp in
                var out = symmd_outputs(energy: nil, particle_energy: nil, forces: fp.baseAddress, virial: nil, particle_virial: nil)
                return symmdModelComputeCell(h, Int64(n), sys.positions, types, sys.box.vectors, nil, &out, &message, message.count)
            }
            try #require(status == SYMMD_OK, "\(cText(message))")
            return f
        }
        let h = try Self.load(Self.copperModel)
        defer { symmdModelFree(h) }
        let exact = try forces(h)
        #expect(symmdModelCompress(h, 0, &message, message.count) == SYMMD_ERROR_ARGUMENT)
        #expect(cText(message).contains("stride 0.0"))
        #expect(symmdModelCompress(h, .nan, &message, message.count) == SYMMD_ERROR_ARGUMENT)
        #expect(symmdModelCompress(h, 0.01, &message, message.count) == SYMMD_OK)
        let tabulated = try forces(h)
        let d = zip(exact, tabulated).map { abs($0 - $1) }.max()!
        #expect(d > 0 && d < 1e-5, "max |ΔF| \(d) eV/Å")
    }

    @Test("Two threads give the ghosts the same forces as one (partial sums cover every particle)")
    func threadsCoverGhosts() throws {
        let model = try DeepPotentialModel.load(from: Self.copperModel)
        let sys = try Self.copper(seed: 5)
        let parts = Self.particles(sys, reach: 7)
        let total = parts.owner.count
        let flags = (0..<total).map { $0 < parts.owned }
        let types = [Int](repeating: 0, count: total)
        let one = try model.evaluateParticles(positions: parts.positions, types: types, contributing: flags,
                                              offsets: parts.offsets, neighbors: parts.neighbors,
                                              particleVirials: true, threads: 1)
        let two = try model.evaluateParticles(positions: parts.positions, types: types, contributing: flags,
                                              offsets: parts.offsets, neighbors: parts.neighbors,
                                              particleVirials: true, threads: 2)
        #expect(abs(one.energy - two.energy) < 1e-12 * abs(one.energy))
        #expect(zip(one.forces, two.forces).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(zip(one.particleVirials!, two.particleVirials!).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(one.forces[(3 * parts.owned)...].contains { abs($0) > 1e-3 })
    }

    @Test("The cell entry equals symmd's MD path (DeepPotential.compute) on a triclinic cell")
    func cellEntryEqualsMDPath() throws {
        let h = try Self.load(Self.copperModel)
        defer { symmdModelFree(h) }
        var sys = try Self.copper(seed: 3)
        sys.box = try Box(vectors: [10.83, 0, 0, 1.2, 10.83, 0, -0.8, 0.6, 10.83])
        let n = sys.count
        var energy = 0.0
        var f = [Double](repeating: 0, count: 3 * n), w = [Double](repeating: 0, count: 9)
        var message = [CChar](repeating: 0, count: 512)
        let types = [Int32](repeating: 0, count: n)
        let status = f.withUnsafeMutableBufferPointer { fp in
            w.withUnsafeMutableBufferPointer { wp in
                withUnsafeMutablePointer(to: &energy) { e in
                    var out = symmd_outputs(energy: e, particle_energy: nil, forces: fp.baseAddress, virial: wp.baseAddress,
                                            particle_virial: nil)
                    return symmdModelComputeCell(h, Int64(n), sys.positions, types, sys.box.vectors, nil, &out,
                                                 &message, message.count)
                }
            }
        }
        try #require(status == SYMMD_OK, "\(cText(message))")
        let potential = try DeepPotential(contentsOf: Self.copperModel)
        let r = try potential.evaluate(sys)
        #expect(abs(energy - r.energy) <= 1e-12 * abs(r.energy))
        #expect(zip(f, r.forces).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(zip(w, r.virial).allSatisfy { abs($0 - $1) < 1e-10 })
    }

    @Test("Bad input is an argument error with a message, never a trap")
    func badInput() throws {
        let h = try Self.load(Self.copperModel)
        defer { symmdModelFree(h) }
        let parts = Self.particles(try Self.copper(), reach: 7)
        let total = parts.owner.count
        let good = [Int32](repeating: 0, count: total)
        let owned = (0..<total).map { Int32($0 < parts.owned ? 1 : 0) }
        var bad = good
        bad[5] = 1
        let r1 = Self.compute(h, parts, types: bad, contributing: owned)
        #expect(r1.status == SYMMD_ERROR_ARGUMENT && r1.message.contains("particle 5 has type 1"), "\(r1.message)")
        var nanX = parts.positions
        nanX[7] = .nan
        let r2 = Self.compute(h, parts, types: good, contributing: owned, positions: nanX)
        #expect(r2.status == SYMMD_ERROR_ARGUMENT && r2.message.contains("particle 2") && r2.message.contains("non-finite"), "\(r2.message)")
        var outside = parts
        outside.neighbors[3] = Int32(total + 10)
        let r3 = Self.compute(h, outside, types: good, contributing: owned)
        #expect(r3.status == SYMMD_ERROR_ARGUMENT && r3.message.contains("outside"), "\(r3.message)")
        // Two particles at the same place: not a trap, an evaluation error.
        var onTop = parts.positions
        for a in 0..<3 { onTop[3 + a] = onTop[a] }
        let r4 = Self.compute(h, parts, types: good, contributing: owned, positions: onTop)
        #expect(r4.status == SYMMD_ERROR_EVALUATION, "\(r4.message)")
        var message = [CChar](repeating: 0, count: 512)
        var out = symmd_outputs()
        #expect(symmdModelCompute(h, -1, nil, nil, nil, Self.callback, nil, &out, &message, message.count) == SYMMD_ERROR_ARGUMENT)
        #expect(symmdModelCompute(h, 4, nil, nil, nil, nil, nil, &out, &message, message.count) == SYMMD_ERROR_ARGUMENT)
        #expect(symmdModelCompute(nil, 4, nil, nil, nil, Self.callback, nil, &out, &message, message.count) == SYMMD_ERROR_ARGUMENT)
    }
}

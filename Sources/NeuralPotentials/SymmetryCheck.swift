import Atomistics
import Foundation

/// The largest deviations seen under one kind of transformation.
public struct SymmetryDeviation: Sendable, Codable, Equatable {
    /// max |E(gx) − E(x)| over trials (eV).
    public var energyMaxAbs: Double = 0
    /// max over trials and components of |F(gx) − g·F(x)| (eV/Å).
    public var forceMaxAbs: Double = 0
    /// max over trials and components of |W(gx) − g·W(x)·gᵀ| (eV); a tensor's rule.
    public var virialMaxAbs: Double = 0
    /// Whether the transformation applies to the structure (lattice shifts need a periodic cell).
    public var applicable: Bool = true

    mutating func absorb(dE: Double, dF: Double, dW: Double) {
        energyMaxAbs = Swift.max(energyMaxAbs, dE)
        forceMaxAbs = Swift.max(forceMaxAbs, dF)
        virialMaxAbs = Swift.max(virialMaxAbs, dW)
    }
}

/// What `check-symmetry` reports: deviations per transformation and the verdict.
public struct SymmetryReport: Sendable, Codable, Equatable {
    /// Rigid translations x → x + t.
    public var translation = SymmetryDeviation()
    /// Proper rotations x → Ux (det U = +1), cell rotated with the atoms.
    public var rotation = SymmetryDeviation()
    /// Improper rotations (det U = −1): the cell becomes left-handed.
    public var reflection = SymmetryDeviation()
    /// Permutations of like atoms (same species).
    public var permutation = SymmetryDeviation()
    /// Atoms moved by random lattice vectors, then wrapped back into the cell.
    public var periodicShift = SymmetryDeviation()
    /// Energy scale used for the tolerance: max(1, |E|) (eV).
    public var energyScale: Double = 1
    /// Force scale used for the tolerance: max(1, max |F|) (eV/Å).
    public var forceScale: Double = 1
    /// Relative tolerance applied.
    public var tolerance: Double = 1e-8
    /// True when every deviation is within tolerance × scale.
    public var passed = true

    /// The five transformations by their JSON names.
    public var entries: [(name: String, deviation: SymmetryDeviation)] {
        [("translation", translation), ("rotation", rotation), ("reflection", reflection),
         ("permutation", permutation), ("periodic_shift", periodicShift)]
    }

    /// One JSON object: each transformation `{ "energy_max_abs", "force_max_abs", … }` and `passed`.
    public var json: String {
        func num(_ x: Double) -> String { x.isFinite ? "\(x)" : "null" }
        let parts = entries.map { e in
            "\"\(e.name)\":{\"energy_max_abs\":\(num(e.deviation.energyMaxAbs)),\"force_max_abs\":\(num(e.deviation.forceMaxAbs)),"
                + "\"virial_max_abs\":\(num(e.deviation.virialMaxAbs)),\"applicable\":\(e.deviation.applicable)}"
        }
        return "{" + parts.joined(separator: ",") + ",\"energy_scale\":\(num(energyScale)),\"force_scale\":\(num(forceScale)),"
            + "\"tolerance\":\(num(tolerance)),\"passed\":\(passed)}"
    }
}

/// Symmetry-invariance checks of any potential on any structure: energy invariant, forces
/// equivariant (F(gx) = g·F(x)) and virial a tensor under translations, rotations, reflections,
/// permutations of like atoms and lattice shifts with wrapping.
public enum SymmetryCheck {
    /// Runs `trials` random transformations of each kind (seeded) and compares.
    public static func run(potential: any Potential, system: System, trials: Int = 3, seed: UInt64 = 1,
                           tolerance: Double = 1e-8) throws -> SymmetryReport {
        var rng = Xoshiro256StarStar(seed: seed)
        let ref = try potential.evaluate(system)
        var report = SymmetryReport()
        report.tolerance = tolerance
        report.energyScale = Swift.max(1, abs(ref.energy))
        report.forceScale = Swift.max(1, ref.forces.map(abs).max() ?? 0)
        let n = system.count
        let periodic = system.box.periodic.contains(true)
        let identity = [1.0, 0, 0, 0, 1, 0, 0, 0, 1]

        func compare(_ s: System, u: [Double], perm: [Int]?, into dev: inout SymmetryDeviation) throws {
            let r = try potential.evaluate(s)
            var dF = 0.0
            for k in 0..<n {
                let src = perm?[k] ?? k
                let f = rotate(u, ref.forces[3 * src], ref.forces[3 * src + 1], ref.forces[3 * src + 2])
                dF = Swift.max(dF, abs(r.forces[3 * k] - f.0), abs(r.forces[3 * k + 1] - f.1), abs(r.forces[3 * k + 2] - f.2))
            }
            let w = conjugate(u, ref.virial)
            let dW = zip(r.virial, w).map { abs($0 - $1) }.max() ?? 0
            dev.absorb(dE: abs(r.energy - ref.energy), dF: dF, dW: dW)
        }

        for _ in 0..<trials {
            // Translation by up to a box length in each direction.
            var s = system
            let span = system.box.lengths.map { Swift.max($0, 1) }
            let t = (0..<3).map { a in (2 * rng.nextUniform() - 1) * span[a] }
            for i in 0..<n { for a in 0..<3 { s.positions[3 * i + a] += t[a] } }
            try compare(s, u: identity, perm: nil, into: &report.translation)

            // Proper and improper rotations, the cell rotated with the atoms.
            let u = randomRotation(&rng)
            try compare(try transformed(system, by: u), u: u, perm: nil, into: &report.rotation)
            let mirror = randomRotation(&rng).enumerated().map { $0.offset >= 6 ? -$0.element : $0.element }
            try compare(try transformed(system, by: mirror), u: mirror, perm: nil, into: &report.reflection)

            // Permutation of like atoms.
            var perm = Array(0..<n)
            for type in Set(system.types).sorted() {
                let members = (0..<n).filter { system.types[$0] == type }
                var shuffled = members
                for k in stride(from: shuffled.count - 1, to: 0, by: -1) {
                    let j = Int(rng.nextUniform() * Double(k + 1)) % (k + 1)
                    shuffled.swapAt(k, j)
                }
                for (dst, src) in zip(members, shuffled) { perm[dst] = src }
            }
            var p = system
            for k in 0..<n { for a in 0..<3 { p.positions[3 * k + a] = system.positions[3 * perm[k] + a] } }
            p.types = perm.map { system.types[$0] }
            try compare(p, u: identity, perm: perm, into: &report.permutation)

            // Lattice shifts of individual atoms, then wrapping into the cell.
            if periodic {
                var q = system
                let h = system.box.vectors
                for i in 0..<n {
                    for a in 0..<3 where system.box.periodic[a] {
                        let m = Double(Int(rng.nextUniform() * 5) - 2)
                        for b in 0..<3 { q.positions[3 * i + b] += m * h[3 * a + b] }
                    }
                }
                system.box.wrap(&q.positions)
                try compare(q, u: identity, perm: nil, into: &report.periodicShift)
            } else {
                report.periodicShift.applicable = false
            }
        }
        report.passed = report.entries.allSatisfy {
            $0.deviation.energyMaxAbs <= tolerance * report.energyScale
                && $0.deviation.forceMaxAbs <= tolerance * report.forceScale
                && $0.deviation.virialMaxAbs <= tolerance * report.energyScale
        }
        return report
    }

    /// A uniformly random proper rotation (row-major 3×3) from a random unit quaternion.
    public static func randomRotation(_ rng: inout Xoshiro256StarStar) -> [Double] {
        var q = [0.0, 0, 0, 0]
        var norm = 0.0
        repeat {
            for k in 0..<4 { q[k] = 2 * rng.nextUniform() - 1 }
            norm = q.reduce(0) { $0 + $1 * $1 }
        } while norm > 1 || norm < 1e-6
        let s = 1 / norm.squareRoot()
        let (w, x, y, z) = (q[0] * s, q[1] * s, q[2] * s, q[3] * s)
        return [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
                2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
                2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]
    }

    /// The system with positions and cell vectors mapped by the 3×3 matrix `u`.
    public static func transformed(_ system: System, by u: [Double]) throws -> System {
        var s = system
        for i in 0..<system.count {
            let r = rotate(u, system.positions[3 * i], system.positions[3 * i + 1], system.positions[3 * i + 2])
            s.positions[3 * i] = r.0
            s.positions[3 * i + 1] = r.1
            s.positions[3 * i + 2] = r.2
            let v = rotate(u, system.velocities[3 * i], system.velocities[3 * i + 1], system.velocities[3 * i + 2])
            s.velocities[3 * i] = v.0
            s.velocities[3 * i + 1] = v.1
            s.velocities[3 * i + 2] = v.2
        }
        let h = system.box.vectors
        var hv: [Double] = []
        for a in 0..<3 {
            let r = rotate(u, h[3 * a], h[3 * a + 1], h[3 * a + 2])
            hv += [r.0, r.1, r.2]
        }
        let o = rotate(u, system.box.origin[0], system.box.origin[1], system.box.origin[2])
        s.box = try Box(vectors: hv, origin: [o.0, o.1, o.2], periodic: system.box.periodic)
        return s
    }

    /// u·v for a 3-vector v.
    @inlinable
    public static func rotate(_ u: [Double], _ x: Double, _ y: Double, _ z: Double) -> (Double, Double, Double) {
        (u[0] * x + u[1] * y + u[2] * z, u[3] * x + u[4] * y + u[5] * z, u[6] * x + u[7] * y + u[8] * z)
    }

    /// u·W·uᵀ for a row-major 3×3 W.
    public static func conjugate(_ u: [Double], _ w: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: 9)
        for a in 0..<3 {
            for b in 0..<3 {
                var acc = 0.0
                for c in 0..<3 { for d in 0..<3 { acc += u[3 * a + c] * w[3 * c + d] * u[3 * b + d] } }
                out[3 * a + b] = acc
            }
        }
        return out
    }
}

import Atomistics
import Foundation
import Testing

/// One check of the potential conformance suite (LAMMPS runs one driver over every force style in
/// `unittest/force-styles`; this is ours, run over every potential).
public enum ConformanceCheck: String, CaseIterable, Sendable {
    /// Forces equal −∂E/∂x by central differences.
    case forces = "F = -dE/dx"
    /// The virial equals −∂E/∂ε for a homogeneous strain x_b → x_b + ε_ab·x_a of atoms and cell.
    case virial = "W = -dE/de"
    /// A half and a full neighbor list give the same result (when the potential takes both).
    case halfFull = "half = full"
    /// One and two threads give the same result.
    case threads = "1 = 2 threads"
    /// `forcesOnly` gives the same forces.
    case forcesOnly = "forcesOnly"
    /// Per-atom energies sum to the energy.
    case perAtom = "sum e_i = E"
    /// Per-atom virials sum to the virial, with a half and a full list alike.
    case perAtomVirial = "sum W_i = W"
    /// Translating every atom leaves energy and forces unchanged.
    case translation = "translation"
    /// Rotating atoms and cell leaves the energy unchanged and rotates the forces.
    case rotation = "rotation"
}

/// The outcome of one check: the worst deviation (relative to the quantity's scale) against its limit.
public struct ConformanceResult: Sendable {
    /// The check.
    public var check: ConformanceCheck
    /// Worst scaled deviation; nil when the check does not apply.
    public var deviation: Double?
    /// The limit it must stay under.
    public var limit: Double
    /// Why it does not apply, when it does not.
    public var skipped: String?
    /// Whether it passed (a skipped check passes).
    public var passed: Bool { deviation.map { $0 <= limit } ?? true }
}

/// The conformance suite: every ``ConformanceCheck`` for one potential on one configuration.
public enum PotentialConformance {
    /// Runs every check and records an issue for each failure.
    ///
    /// - Parameters:
    ///   - potential: the potential under test.
    ///   - system: a small, disordered, periodic configuration (finite differences cost 6N+18
    ///     evaluations).
    ///   - threadsSystem: a configuration large enough for two atom blocks (≥ 512 atoms); the
    ///     thread check is skipped without one.
    ///   - step: the finite-difference step (length units, also the strain step).
    ///   - derivativeLimit: limit on the scaled finite-difference deviations.
    ///   - exactLimit: limit on the deviations that only rounding should cause.
    public static func run(_ potential: some Potential, on system: System, threadsSystem: System? = nil,
                           step: Double = 1e-5, derivativeLimit: Double = 1e-6, exactLimit: Double = 1e-10,
                           sourceLocation: SourceLocation = #_sourceLocation) throws -> [ConformanceResult] {
        let base = try evaluate(potential, system, kind: nil, perAtom: true)
        let fScale = max(1, base.forces.map(abs).max() ?? 0)
        let eScale = max(1, abs(base.energy))
        var out: [ConformanceResult] = []
        func add(_ c: ConformanceCheck, _ d: Double?, _ limit: Double, skipped: String? = nil) {
            out.append(ConformanceResult(check: c, deviation: d, limit: limit, skipped: skipped))
        }

        // Forces by central differences.
        var worst = 0.0
        for k in 0..<(3 * system.count) {
            var plus = system, minus = system
            plus.positions[k] += step
            minus.positions[k] -= step
            let numeric = -(try evaluate(potential, plus).energy - evaluate(potential, minus).energy) / (2 * step)
            worst = max(worst, abs(numeric - base.forces[k]) / fScale)
        }
        add(.forces, worst, derivativeLimit)

        // Virial by strain, one convention: x_b += ε·(x_a − origin_a) for atoms and cell rows.
        let wScale = max(1, base.virial.map(abs).max() ?? 0)
        worst = 0
        for a in 0..<3 {
            for b in 0..<3 {
                let ep = try evaluate(potential, strained(system, a, b, step)).energy
                let em = try evaluate(potential, strained(system, a, b, -step)).energy
                worst = max(worst, abs(-(ep - em) / (2 * step) - base.virial[3 * a + b]) / wScale)
            }
        }
        add(.virial, worst, derivativeLimit)

        // Half against full lists.
        if potential.needsFullNeighborList {
            add(.halfFull, nil, exactLimit, skipped: "needs a full list")
        } else {
            let half = try evaluate(potential, system, kind: .half), full = try evaluate(potential, system, kind: .full)
            add(.halfFull, difference(half, full, fScale, eScale), exactLimit)
        }

        // One against two threads.
        if let big = threadsSystem {
            let one = try AtomisticsParallel.$threadOverride.withValue(1) { try evaluate(potential, big) }
            let two = try AtomisticsParallel.$threadOverride.withValue(2) { try evaluate(potential, big) }
            add(.threads, difference(one, two, max(1, one.forces.map(abs).max() ?? 0), max(1, abs(one.energy))), exactLimit)
        } else {
            add(.threads, nil, exactLimit, skipped: "no large configuration given")
        }

        // forcesOnly: the same forces.
        let lean = try evaluate(potential, system, forcesOnly: true)
        add(.forcesOnly, zip(lean.forces, base.forces).map { abs($0 - $1) / fScale }.max() ?? 0, exactLimit)

        // Per-atom energies.
        if let e = base.perAtomEnergy {
            add(.perAtom, abs(e.reduce(0, +) - base.energy) / eScale, exactLimit)
        } else {
            add(.perAtom, nil, exactLimit, skipped: "no per-atom energies")
        }
        // Per-atom virials, from each list kind the potential takes.
        var worstVirial: Double? = nil
        let atomVirialScale = max(1, base.virial.map(abs).max() ?? 0)
        for kind in potential.needsFullNeighborList ? [NeighborList.Kind.full] : [.half, .full] {
            let r = try evaluate(potential, system, kind: kind, perAtom: true)
            guard let w = r.perAtomVirial, w.count == 9 * system.count else { continue }
            var sum = [Double](repeating: 0, count: 9)
            for i in 0..<system.count { for c in 0..<9 { sum[c] += w[9 * i + c] } }
            let d = zip(sum, base.virial).map { abs($0 - $1) / atomVirialScale }.max() ?? 0
            worstVirial = max(worstVirial ?? 0, d)
        }
        if let worstVirial { add(.perAtomVirial, worstVirial, exactLimit) } else { add(.perAtomVirial, nil, exactLimit, skipped: "no per-atom virials") }

        // Translation (an arbitrary vector, not a lattice one).
        var moved = system
        let shift = [0.37, -1.21, 2.03]
        for k in moved.positions.indices { moved.positions[k] += shift[k % 3] }
        add(.translation, difference(try evaluate(potential, moved), base, fScale, eScale), exactLimit)

        // Rotation of atoms and cell rows by a fixed proper rotation.
        let u = rotation(axis: [0.3, -0.5, 0.8], angle: 0.9)
        var turned = system
        turned.positions = rotate(system.positions, u)
        turned.box = try Box(vectors: rotate(system.box.vectors, u), origin: rotate(system.box.origin, u), periodic: system.box.periodic)
        let r = try evaluate(potential, turned)
        var expected = base
        expected.forces = rotate(base.forces, u)
        add(.rotation, difference(r, expected, fScale, eScale), exactLimit)

        for c in out where !c.passed {
            Issue.record("\(c.check.rawValue): deviation \(c.deviation!) > \(c.limit)", sourceLocation: sourceLocation)
        }
        return out
    }

    /// A Markdown table, potential × check (scaled deviations; "–" where a check does not apply).
    public static func table(_ rows: [(potential: String, results: [ConformanceResult])]) -> String {
        var lines = ["| potential | " + ConformanceCheck.allCases.map(\.rawValue).joined(separator: " | ") + " |",
                     "|---|" + String(repeating: "---|", count: ConformanceCheck.allCases.count)]
        for (name, results) in rows {
            let cells = ConformanceCheck.allCases.map { c -> String in
                guard let r = results.first(where: { $0.check == c }) else { return "" }
                guard let d = r.deviation else { return "–" }
                return String(format: "%.1e %@", d, r.passed ? "ok" : "FAIL")
            }
            lines.append("| \(name) | " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    /// One evaluation with a fresh list of `kind` (the potential's own kind when nil).
    static func evaluate(_ potential: some Potential, _ system: System, kind: NeighborList.Kind? = nil,
                         perAtom: Bool = false, forcesOnly: Bool = false) throws -> ForceResult {
        var list = try NeighborList(cutoff: potential.cutoff, skin: 0,
                                    kind: kind ?? (potential.needsFullNeighborList ? .full : .half))
        try list.build(system)
        var result = ForceResult(atomCount: system.count, perAtomEnergy: perAtom)
        if perAtom { result.perAtomVirial = [Double](repeating: 0, count: 9 * system.count) }
        result.forcesOnly = forcesOnly
        try potential.compute(system, neighbors: list, into: &result)
        return result
    }

    /// Largest scaled difference of energy, forces and virial.
    static func difference(_ a: ForceResult, _ b: ForceResult, _ fScale: Double, _ eScale: Double) -> Double {
        let de = abs(a.energy - b.energy) / eScale
        let df = zip(a.forces, b.forces).map { abs($0 - $1) / fScale }.max() ?? 0
        return max(de, df)
    }

    /// `system` under the homogeneous strain x_b += e·(x_a − origin_a) (cell rows: x_b += e·x_a).
    static func strained(_ system: System, _ a: Int, _ b: Int, _ e: Double) throws -> System {
        var s = system
        var h = system.box.vectors
        for p in stride(from: 0, to: h.count, by: 3) { h[p + b] += h[p + a] * e }
        let o = system.box.origin
        for p in stride(from: 0, to: s.positions.count, by: 3) { s.positions[p + b] += (s.positions[p + a] - o[a]) * e }
        s.box = try system.box.withVectors(h)
        return s
    }

    /// The rotation matrix (row-major) about `axis` by `angle` (rad), Rodrigues' formula.
    static func rotation(axis: [Double], angle: Double) -> [Double] {
        let n = (axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]).squareRoot()
        let (x, y, z) = (axis[0] / n, axis[1] / n, axis[2] / n)
        let c = cos(angle), s = sin(angle), t = 1 - c
        let xx: Double = t * x * x + c, yy: Double = t * y * y + c, zz: Double = t * z * z + c
        let xy: Double = t * x * y, xz: Double = t * x * z, yz: Double = t * y * z
        return [xx, xy - s * z, xz + s * y,
                xy + s * z, yy, yz - s * x,
                xz - s * y, yz + s * x, zz]
    }

    /// Each consecutive triple of `v` multiplied by `u`.
    static func rotate(_ v: [Double], _ u: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: v.count)
        for k in stride(from: 0, to: v.count, by: 3) {
            for r in 0..<3 {
                let a: Double = u[3 * r] * v[k]
                let b: Double = u[3 * r + 1] * v[k + 1]
                let c: Double = u[3 * r + 2] * v[k + 2]
                out[k + r] = a + b + c
            }
        }
        return out
    }
}

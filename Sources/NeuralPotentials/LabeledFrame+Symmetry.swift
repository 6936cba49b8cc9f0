import Atomistics

/// Labelled frames moved by the symmetries of physics, labels moved with them: the bookkeeping
/// of rotation data augmentation and of symmetry tests on data.
extension LabeledFrame {
    /// The centre of the cell, origin + (a + b + c)/2 (Å).
    public var cellCentre: [Double] {
        let h = system.box.vectors, o = system.box.origin
        return (0..<3).map { (k: Int) -> Double in
            let sum: Double = h[k] + h[3 + k] + h[6 + k]
            return o[k] + 0.5 * sum
        }
    }

    /// The same configuration turned by the 3×3 matrix `u` (row-major, a proper rotation for a
    /// physical copy) about `centre`: positions x → u(x − c) + c, the cell vectors and origin
    /// with them (velocities and the system's force array too), forces F → uF, the virial W → uWuᵀ; the energy is unchanged.
    public func rotated(by u: [Double], about centre: [Double] = [0, 0, 0]) throws -> LabeledFrame {
        precondition(u.count == 9 && centre.count == 3, "rotated(by:about:): u must be 3×3 and centre a 3-vector")
        func turn(_ v: [Double], _ i: Int, shift: Bool) -> (Double, Double, Double) {
            let c = shift ? centre : [0, 0, 0]
            let r = SymmetryCheck.rotate(u, v[3 * i] - c[0], v[3 * i + 1] - c[1], v[3 * i + 2] - c[2])
            return (r.0 + c[0], r.1 + c[1], r.2 + c[2])
        }
        var s = system
        for i in 0..<system.count {
            (s.positions[3 * i], s.positions[3 * i + 1], s.positions[3 * i + 2]) = turn(system.positions, i, shift: true)
            (s.velocities[3 * i], s.velocities[3 * i + 1], s.velocities[3 * i + 2]) = turn(system.velocities, i, shift: false)
            (s.forces[3 * i], s.forces[3 * i + 1], s.forces[3 * i + 2]) = turn(system.forces, i, shift: false)
        }
        var h: [Double] = []
        for a in 0..<3 {
            let r = turn(system.box.vectors, a, shift: false)
            h += [r.0, r.1, r.2]
        }
        let o = turn(system.box.origin, 0, shift: true)
        s.box = try Box(vectors: h, origin: [o.0, o.1, o.2], periodic: system.box.periodic)
        var out = self
        out.system = s
        out.forces = forces.map { f in
            (0..<(f.count / 3)).flatMap { i -> [Double] in let r = turn(f, i, shift: false); return [r.0, r.1, r.2] }
        }
        out.virial = virial.map { SymmetryCheck.conjugate(u, $0) }
        return out
    }

    /// The same configuration with its atoms listed in another order: atom k of the result is
    /// atom `order[k]` of this frame (positions, velocities, types and forces reordered; energy and
    /// virial unchanged).
    public func permuted(_ order: [Int]) -> LabeledFrame {
        precondition(order.count == system.count && Set(order).count == order.count && order.allSatisfy { (0..<system.count).contains($0) },
                     "permuted(_:): order must be a permutation of 0..<\(system.count)")
        func reorder(_ v: [Double]) -> [Double] { order.flatMap { v[(3 * $0)..<(3 * $0 + 3)] } }
        var out = self
        out.system.positions = reorder(system.positions)
        out.system.velocities = reorder(system.velocities)
        out.system.forces = reorder(system.forces)
        out.system.types = order.map { system.types[$0] }
        out.forces = forces.map(reorder)
        return out
    }
}

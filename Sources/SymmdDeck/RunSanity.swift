import Atomistics

/// The run's loud sanity checks: warnings about a physically absurd start (step 0), and a cheap
/// every-step test that stops a run at the first step that is plainly wrong, before the
/// trajectory fills with garbage.
enum RunSanity {
    /// Warnings for the starting state: atoms closer than 0.5 Å (0.5σ in lj), |P| above 10⁵ bar
    /// (10³ in lj), a force above 100 eV/Å (10³ in lj). Each names what it saw and a likely cause.
    static func startWarnings(_ s: System, neighbors: NeighborList, virial: [Double]) -> [String] {
        let metal = s.units == .metal
        let names = s.units.names
        var out = [String]()
        var nearest = Double.infinity, pair = (0, 0)
        for i in 0..<neighbors.atomCount {
            for e in neighbors.entries(of: i) {
                let j = Int(neighbors.neighbors[e])
                let dx = s.positions[3 * j] + neighbors.shifts[3 * e] - s.positions[3 * i]
                let dy = s.positions[3 * j + 1] + neighbors.shifts[3 * e + 1] - s.positions[3 * i + 1]
                let dz = s.positions[3 * j + 2] + neighbors.shifts[3 * e + 2] - s.positions[3 * i + 2]
                let r = (dx * dx + dy * dy + dz * dz).squareRoot()
                if r < nearest { nearest = r; pair = (i, j) }
            }
        }
        if nearest < 0.5 {
            out.append("atoms \(pair.0 + 1) and \(pair.1 + 1) start \(fmt(nearest)) \(names.length) apart (closer than 0.5 \(names.length))"
                       + (metal ? ": is a length in nm or a lattice constant mistyped? symmd reads Å" : ": overlapping atoms explode"))
        }
        let p = s.pressure(virial: virial)
        if abs(p) > (metal ? 1e5 : 1e3) {
            out.append("the starting pressure is \(fmt(p)) \(names.pressure)" + (metal ? " (\(fmt(p / 1e4)) GPa)" : "")
                       + ": far from any equilibrium; check the lattice constant, the density or the cell, or relax with [minimize] relax_cell")
        }
        var fmax = 0.0, atom = 0
        for i in 0..<s.count {
            let f = (s.forces[3 * i] * s.forces[3 * i] + s.forces[3 * i + 1] * s.forces[3 * i + 1] + s.forces[3 * i + 2] * s.forces[3 * i + 2]).squareRoot()
            if f > fmax { fmax = f; atom = i }
        }
        if fmax > (metal ? 100 : 1e3) {
            out.append("atom \(atom + 1) starts with a force of \(fmt(fmax)) \(names.energy)/\(names.length): overlapping atoms or a wrong potential; the first steps may explode ([minimize] first)")
        }
        return out
    }

    /// Why the step from `before` to `after` is not physical, or nil: an atom that moved more than
    /// half the neighbor skin in one step (the list can no longer be trusted and the dynamics has
    /// blown up), or a kinetic energy that jumped more than a hundredfold.
    static func stepFailure(before: System, after: System, skin: Double, timestep: Double) -> String? {
        let names = after.units.names
        let limit = 0.5 * skin
        var worst = 0.0, atom = 0
        before.positions.withUnsafeBufferPointer { a in
            after.positions.withUnsafeBufferPointer { b in
                var k = 0
                while k < a.count {
                    let dx = b[k] - a[k], dy = b[k + 1] - a[k + 1], dz = b[k + 2] - a[k + 2]
                    let d = dx * dx + dy * dy + dz * dz
                    if d > worst { worst = d; atom = k / 3 }
                    k += 3
                }
            }
        }
        if (skin > 0 && worst.squareRoot() > limit) || worst.isNaN {
            return "atom \(atom + 1) moved \(fmt(worst.squareRoot())) \(names.length) in one step, more than half the neighbor skin of \(fmt(skin)) \(names.length); "
                + suggestion(timestep, after.units)
        }
        let k0 = before.kineticEnergy, k1 = after.kineticEnergy
        let floor = 1.5 * Double(max(1, after.count)) * after.units.boltzmann * (after.units == .metal ? 1 : 0.01)
        if k1 > 100 * max(k0, floor) || !k1.isFinite {
            return "the kinetic energy jumped from \(fmt(k0)) to \(fmt(k1)) \(names.energy) in one step; " + suggestion(timestep, after.units)
        }
        return nil
    }

    /// The advice closing a failed step's message (built only when a step fails).
    private static func suggestion(_ timestep: Double, _ units: UnitStyle) -> String {
        let time = units.names.time
        return "the timestep (\(fmt(timestep)) \(time)) is too large for these forces: try \(fmt(timestep / 10)) \(time)"
            + (units == .metal ? " (0.5–2 fs, 0.0005–0.002 ps, is usual for atoms)" : "")
    }

    private static func fmt(_ x: Double) -> String {
        let a = abs(x)
        if a != 0 && (a < 1e-3 || a >= 1e6) { return String(format: "%.3e", x) }
        return String(format: "%.4g", x)
    }
}

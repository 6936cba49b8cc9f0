import Foundation

/// Which parts of the cell a barostat moves (LAMMPS `fix npt` keywords).
public enum PressureCoupling: String, Sendable, Codable, Equatable, CaseIterable {
    /// One scale factor for the whole cell, driven by the hydrostatic pressure.
    case iso
    /// The three lengths independently, each driven by its diagonal pressure component.
    case aniso
    /// All six degrees of freedom of a LAMMPS restricted triclinic cell (lengths and tilts).
    case tri
}

extension System {
    /// Deforms the cell by μ (row-major 3×3, dimensionless): lattice vectors H ← H·μ, positions
    /// x ← o + (x − o)·μ (fractional coordinates unchanged), velocities v ← v·μ⁻ᵀ (the canonical
    /// momentum transformation, 1/μ_aa for a diagonal μ) unless `scalingVelocities` is false.
    ///
    /// - Throws: `AtomisticsError.degenerateBox` when μ collapses the cell.
    public mutating func deformCell(by mu: [Double], scalingVelocities: Bool = true) throws {
        precondition(mu.count == 9, "deformCell(by:): expected a 3×3 matrix, found \(mu.count) values")
        let h = box.vectors
        var newH = [Double](repeating: 0, count: 9)
        for r in 0..<3 { for c in 0..<3 { newH[3 * r + c] = h[3 * r] * mu[c] + h[3 * r + 1] * mu[3 + c] + h[3 * r + 2] * mu[6 + c] } }
        let newBox = try box.withVectors(newH)
        let inv = try Box(vectors: mu).inverse  // μ⁻¹, row-major
        let o = box.origin
        positions.withUnsafeMutableBufferPointer { x in
            velocities.withUnsafeMutableBufferPointer { v in
                var k = 0
                while k < x.count {
                    let p0 = x[k] - o[0], p1 = x[k + 1] - o[1], p2 = x[k + 2] - o[2]
                    x[k] = o[0] + p0 * mu[0] + p1 * mu[3] + p2 * mu[6]
                    x[k + 1] = o[1] + p0 * mu[1] + p1 * mu[4] + p2 * mu[7]
                    x[k + 2] = o[2] + p0 * mu[2] + p1 * mu[5] + p2 * mu[8]
                    // v·μ⁻ᵀ: component c is Σ_a v_a (μ⁻¹)_{c a}.
                    guard scalingVelocities else { k += 3; continue }
                    let w0 = v[k], w1 = v[k + 1], w2 = v[k + 2]
                    v[k] = w0 * inv[0] + w1 * inv[1] + w2 * inv[2]
                    v[k + 1] = w0 * inv[3] + w1 * inv[4] + w2 * inv[5]
                    v[k + 2] = w0 * inv[6] + w1 * inv[7] + w2 * inv[8]
                    k += 3
                }
            }
        }
        box = newBox
    }
}


extension PressureCoupling {
    /// Checks that `s`'s cell can move as this coupling moves it: periodic in x, y and z, and for
    /// `aniso` and `tri` in LAMMPS's restricted form (a along x, b in the xy plane). `name` says
    /// what asks (a barostat, `relax_cell`) in the error.
    ///
    /// - Throws: `AtomisticsError.invalidParameter` saying what the cell must be.
    public func requireMovableCell(_ s: System, name: String) throws {
        guard s.box.periodic.allSatisfy({ $0 }) else {
            throw AtomisticsError.invalidParameter(name: name, expected: "a cell periodic in x, y and z", found: "periodic \(s.box.periodic)")
        }
        if self != .iso && !s.box.isLAMMPSRestricted {
            throw AtomisticsError.invalidParameter(name: "\(name) coupling \"\(rawValue)\"",
                                                   expected: "a cell with a along x and b in the xy plane (LAMMPS's restricted triclinic form; `symmd convert` to .data writes one)",
                                                   found: "a general cell")
        }
    }
}

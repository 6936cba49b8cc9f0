/// The rows of the environment matrix R̃ and their derivatives with respect to r_ij.
///
/// Row of neighbor j of atom i: `(s, s·x/r, s·y/r, s·z/r)` with r_ij = (x, y, z) (Å), r = |r_ij|
/// and s = s(r) the smooth weight. An empty slot's row is zero.
public enum EnvironmentMatrix {
    /// The row for displacement d (Å), writing ∂row_k/∂r_b into `jacobian[offset + 3k + b]`, in
    /// the displacement's precision.
    @inlinable
    public static func rowAndJacobian<R: BinaryFloatingPoint>(_ dx: R, _ dy: R, _ dz: R, switch sw: SmoothSwitch,
                                                              jacobian: UnsafeMutablePointer<R>) -> (R, R, R, R) {
        let r2 = dx * dx + dy * dy + dz * dz
        let r = r2.squareRoot()
        let (w, dw) = sw.weight(r)
        let inv = 1 / r
        let s = w * inv
        let ds = dw * inv - w * inv * inv          // ds/dr
        let q = w * inv * inv                      // s/r
        let dq = dw * inv * inv - 2 * w * inv * inv * inv  // dq/dr
        let ux = dx * inv, uy = dy * inv, uz = dz * inv   // ∂r/∂d_b
        jacobian[0] = ds * ux
        jacobian[1] = ds * uy
        jacobian[2] = ds * uz
        jacobian[3] = q + dq * dx * ux
        jacobian[4] = dq * dx * uy
        jacobian[5] = dq * dx * uz
        jacobian[6] = dq * dy * ux
        jacobian[7] = q + dq * dy * uy
        jacobian[8] = dq * dy * uz
        jacobian[9] = dq * dz * ux
        jacobian[10] = dq * dz * uy
        jacobian[11] = q + dq * dz * uz
        return (s, q * dx, q * dy, q * dz)
    }

    /// Array-backed form of ``rowAndJacobian(_:_:_:switch:jacobian:)``.
    @inlinable
    public static func rowAndJacobian(_ dx: Double, _ dy: Double, _ dz: Double, switch sw: SmoothSwitch,
                                      jacobian: inout [Double], at offset: Int)
        -> (Double, Double, Double, Double) {
        jacobian.withUnsafeMutableBufferPointer { p in
            rowAndJacobian(dx, dy, dz, switch: sw, jacobian: p.baseAddress! + offset)
        }
    }

    /// The row only (1/Å) for displacement d (Å).
    @inlinable
    public static func row(_ dx: Double, _ dy: Double, _ dz: Double, switch sw: SmoothSwitch)
        -> (Double, Double, Double, Double) {
        let r = (dx * dx + dy * dy + dz * dz).squareRoot()
        let w = sw.weight(r).w
        let q = w / (r * r)
        return (w / r, q * dx, q * dy, q * dz)
    }
}

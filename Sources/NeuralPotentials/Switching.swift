/// DeePMD-kit's smooth switch: the weight s(r) of a neighbor at distance r and its derivative.
///
/// `s(r) = w(u)/r` with `u = (r − r_s)/(r_c − r_s)` clipped to [0, 1] and
/// `w(u) = u³(−6u² + 15u − 10) + 1`: 1/r below r_s, zero at and beyond r_c, C² everywhere.
public struct SmoothSwitch: Sendable, Equatable {
    /// Start of the switch r_s (Å).
    public let inner: Double
    /// Cutoff r_c (Å).
    public let outer: Double

    /// A switch from r_s = `inner` to r_c = `outer` (Å).
    public init(inner: Double, outer: Double) {
        self.inner = inner
        self.outer = outer
    }

    /// The polynomial switch w(r) and dw/dr (1/Å) at distance r (Å), in r's precision.
    @inlinable
    public func weight<R: BinaryFloatingPoint>(_ r: R) -> (w: R, dw: R) {
        let inner = R(self.inner), outer = R(self.outer)
        if r <= inner { return (1, 0) }
        if r >= outer { return (0, 0) }
        let h = outer - inner
        let u = (r - inner) / h
        let u2 = u * u
        let w = u2 * u * (-6 * u2 + 15 * u - 10) + 1
        let dwdu = -30 * u2 * (u - 1) * (u - 1)
        return (w, dwdu / h)
    }

    /// s(r) = w(r)/r (1/Å) and ds/dr (1/Å²).
    @inlinable
    public func value(_ r: Double) -> (s: Double, ds: Double) {
        let (w, dw) = weight(r)
        return (w / r, dw / r - w / (r * r))
    }
}

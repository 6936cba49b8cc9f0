import CVecMath

/// Low-level loops over contiguous storage shared by the tensor operations.
@usableFromInline
enum Kernels {
    /// A new array of `n` elements filled by `body` (no zero-fill first).
    @inlinable @inline(__always)
    static func fill(_ n: Int, _ body: (UnsafeMutableBufferPointer<Double>) -> Void) -> [Double] {
        [Double](unsafeUninitializedCapacity: n) { buf, count in
            body(buf)
            count = n
        }
    }

    /// `f` applied to every element.
    @inlinable @inline(__always)
    static func map(_ x: [Double], _ f: (Double) -> Double) -> [Double] {
        x.withUnsafeBufferPointer { xp in
            fill(xp.count) { out in
                Parallel.forEachChunk(xp.count) { r in
                    for k in r { out[k] = f(xp[k]) }
                }
            }
        }
    }

    /// A libmvec-vectorised elementary function applied to every element.
    @inlinable @inline(__always)
    static func vector(_ x: [Double],
                       _ f: (UnsafePointer<Double>?, UnsafeMutablePointer<Double>?, Int) -> Void) -> [Double] {
        x.withUnsafeBufferPointer { xp in
            fill(xp.count) { out in
                Parallel.forEachChunk(xp.count) { r in
                    f(xp.baseAddress! + r.lowerBound, out.baseAddress! + r.lowerBound, r.count)
                }
            }
        }
    }

    /// `f` applied to pairs of elements of two equal-length arrays.
    @inlinable @inline(__always)
    static func zip(_ a: [Double], _ b: [Double], _ f: (Double, Double) -> Double) -> [Double] {
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                fill(ap.count) { out in
                    Parallel.forEachChunk(ap.count) { r in
                        for k in r { out[k] = f(ap[k], bp[k]) }
                    }
                }
            }
        }
    }

    /// `f` applied to triples of elements of three equal-length arrays.
    @inlinable @inline(__always)
    static func zip3(_ a: [Double], _ b: [Double], _ c: [Double],
                     _ f: (Double, Double, Double) -> Double) -> [Double] {
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeBufferPointer { cp in
                    fill(ap.count) { out in
                        Parallel.forEachChunk(ap.count) { r in
                            for k in r { out[k] = f(ap[k], bp[k], cp[k]) }
                        }
                    }
                }
            }
        }
    }
}

/// The shape two shapes broadcast to (NumPy rules), or a trap naming both shapes.
@usableFromInline
func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
    let r = max(a.count, b.count)
    var out = [Int](repeating: 1, count: r)
    for k in 0..<r {
        let da = k < r - a.count ? 1 : a[k - (r - a.count)]
        let db = k < r - b.count ? 1 : b[k - (r - b.count)]
        precondition(da == db || da == 1 || db == 1, "broadcast: shapes \(a) and \(b) are incompatible")
        out[k] = da == 1 ? db : da
    }
    return out
}

/// Strides that read a tensor of `shape` as if it had `target` shape (0 on broadcast axes).
@usableFromInline
func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
    let s = Tensor.strides(of: shape)
    let off = target.count - shape.count
    return (0..<target.count).map { k in
        k < off ? 0 : (shape[k - off] == 1 && target[k] != 1 ? 0 : s[k - off])
    }
}

/// Visits every element of `shape` in row-major order, passing the flat offsets given by each
/// set of strides (one offset per stride vector).
@inlinable
func forEachOffset(_ shape: [Int], _ stridesA: [Int], _ stridesB: [Int],
                   _ body: (Int, Int, Int) -> Void) {
    let n = shape.reduce(1, *)
    if n == 0 { return }
    let r = shape.count
    if r == 0 { body(0, 0, 0); return }
    var idx = [Int](repeating: 0, count: r)
    var oa = 0, ob = 0
    let inner = shape[r - 1], ia = stridesA[r - 1], ib = stridesB[r - 1]
    var flat = 0
    while flat < n {
        var pa = oa, pb = ob
        for _ in 0..<inner {
            body(flat, pa, pb)
            pa += ia; pb += ib; flat += 1
        }
        // carry into the outer axes
        var k = r - 2
        while k >= 0 {
            idx[k] += 1
            oa += stridesA[k]; ob += stridesB[k]
            if idx[k] < shape[k] { break }
            oa -= stridesA[k] * shape[k]; ob -= stridesB[k] * shape[k]
            idx[k] = 0
            k -= 1
        }
        if k < 0 { break }
    }
}

extension Kernels {
    /// `f(a, b)` with NumPy broadcasting; returns the result shape and elements.
    @inlinable @inline(__always)
    static func broadcast(_ a: Tensor, _ b: Tensor, _ f: (Double, Double) -> Double) -> ([Int], [Double]) {
        if a.shape == b.shape { return (a.shape, zip(a.scalars, b.scalars, f)) }
        let shape = broadcastShape(a.shape, b.shape)
        let n = shape.reduce(1, *)
        if b.count == 1, shape == a.shape {
            let c = b.scalars[0]
            return (shape, map(a.scalars) { f($0, c) })
        }
        if a.count == 1, shape == b.shape {
            let c = a.scalars[0]
            return (shape, map(b.scalars) { f(c, $0) })
        }
        return a.scalars.withUnsafeBufferPointer { ap in
            b.scalars.withUnsafeBufferPointer { bp in
                // Row broadcast: b is a trailing block of a (e.g. [N, M] op [M]).
                if shape == a.shape, b.count > 0, n % b.count == 0,
                   Array(a.shape.suffix(b.shape.count)) == b.shape {
                    let m = b.count
                    return (shape, fill(n) { out in
                        var base = 0
                        while base < n {
                            for j in 0..<m { out[base + j] = f(ap[base + j], bp[j]) }
                            base += m
                        }
                    })
                }
                let sa = broadcastStrides(a.shape, to: shape)
                let sb = broadcastStrides(b.shape, to: shape)
                return (shape, fill(n) { out in
                    forEachOffset(shape, sa, sb) { flat, ia, ib in out[flat] = f(ap[ia], bp[ib]) }
                })
            }
        }
    }
}

import CVecMath

/// Low-level loops over contiguous storage shared by the tensor operations.
@usableFromInline
enum Kernels {
    /// A new array of `n` elements filled by `body` (no zero-fill first).
    @inlinable @inline(__always)
    static func fill<E>(_ n: Int, _ body: (UnsafeMutableBufferPointer<E>) -> Void) -> [E] {
        [E](unsafeUninitializedCapacity: n) { buf, count in
            body(buf)
            count = n
        }
    }

    /// A new float64 array of `n` elements filled by `body` (no zero-fill first).
    @inlinable @inline(__always)
    static func fill(_ n: Int, _ body: (UnsafeMutableBufferPointer<Double>) -> Void) -> [Double] {
        [Double](unsafeUninitializedCapacity: n) { buf, count in
            body(buf)
            count = n
        }
    }

    /// `f` applied to every element (float32 elements widened, and the result rounded back).
    @inlinable @inline(__always)
    static func map<E: TensorScalar>(_ x: [E], _ f: (Double) -> Double) -> [E] {
        x.withUnsafeBufferPointer { xp in
            fill(xp.count) { out in
                Parallel.forEachChunk(xp.count) { r in
                    for k in r { out[k] = E(f(Double(xp[k]))) }
                }
            }
        }
    }

    /// A libmvec-vectorised elementary function applied to every element.
    @inlinable @inline(__always)
    static func vector<E>(_ x: [E], _ f: (UnsafePointer<E>, UnsafeMutablePointer<E>, Int) -> Void) -> [E] {
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
    static func zip<E: TensorScalar>(_ a: [E], _ b: [E], _ f: (Double, Double) -> Double) -> [E] {
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                fill(ap.count) { out in
                    Parallel.forEachChunk(ap.count) { r in
                        for k in r { out[k] = E(f(Double(ap[k]), Double(bp[k]))) }
                    }
                }
            }
        }
    }

    /// `f` applied to triples of elements of three equal-length arrays.
    @inlinable @inline(__always)
    static func zip3<E: TensorScalar>(_ a: [E], _ b: [E], _ c: [E], _ f: (Double, Double, Double) -> Double) -> [E] {
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeBufferPointer { cp in
                    fill(ap.count) { out in
                        Parallel.forEachChunk(ap.count) { r in
                            for k in r { out[k] = E(f(Double(ap[k]), Double(bp[k]), Double(cp[k]))) }
                        }
                    }
                }
            }
        }
    }

    /// `f` on every element of a tensor, in its dtype.
    @inlinable @inline(__always)
    static func map(_ a: Tensor, _ f: (Double) -> Double) -> Tensor {
        a.dtype == .float64 ? Tensor(shape: a.shape, scalars: map(a.f64, f)) : Tensor(shape: a.shape, floats: map(a.f32, f))
    }

    /// A vectorised elementary function on every element of a tensor: `f64` for float64; `f32`
    /// for float32 where given, else `f64` on widened elements, rounded back.
    @inlinable @inline(__always)
    static func vector(_ a: Tensor, _ f64: (UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int) -> Void,
                       _ f32: ((UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void)? = nil) -> Tensor {
        switch a.dtype {
        case .float64: return Tensor(shape: a.shape, scalars: vector(a.f64, f64))
        case .float32:
            if let f32 { return Tensor(shape: a.shape, floats: vector(a.f32, f32)) }
            return Tensor(shape: a.shape, scalars: vector(a.scalars, f64)).converted(to: .float32)
        }
    }

    /// `f` on pairs of elements of two tensors of equal shape, in the dtype they promote to.
    @inlinable @inline(__always)
    static func zip(_ a: Tensor, _ b: Tensor, _ f: (Double, Double) -> Double) -> Tensor {
        if a.dtype == .float32 && b.dtype == .float32 { return Tensor(shape: a.shape, floats: zip(a.f32, b.f32, f)) }
        return Tensor(shape: a.shape, scalars: zip(a.scalars, b.scalars, f))
    }

    /// `f` on triples of elements of three tensors of equal shape, in the dtype they promote to.
    @inlinable @inline(__always)
    static func zip3(_ a: Tensor, _ b: Tensor, _ c: Tensor, _ f: (Double, Double, Double) -> Double) -> Tensor {
        if a.dtype == .float32 && b.dtype == .float32 && c.dtype == .float32 {
            return Tensor(shape: a.shape, floats: zip3(a.f32, b.f32, c.f32, f))
        }
        return Tensor(shape: a.shape, scalars: zip3(a.scalars, b.scalars, c.scalars, f))
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
    /// `f(a, b)` with NumPy broadcasting, in the dtype the two promote to.
    @inlinable @inline(__always)
    static func broadcast(_ a: Tensor, _ b: Tensor, _ f: (Double, Double) -> Double) -> Tensor {
        if a.dtype == .float32 && b.dtype == .float32 {
            let (shape, out) = broadcast(a.shape, a.f32, b.shape, b.f32, f)
            return Tensor(shape: shape, floats: out)
        }
        let (shape, out) = broadcast(a.shape, a.scalars, b.shape, b.scalars, f)
        return Tensor(shape: shape, scalars: out)
    }

    /// `f(a, b)` with NumPy broadcasting on arrays of one element type; the result shape and elements.
    @inlinable @inline(__always)
    static func broadcast<E: TensorScalar>(_ aShape: [Int], _ a: [E], _ bShape: [Int], _ b: [E],
                                           _ f: (Double, Double) -> Double) -> ([Int], [E]) {
        if aShape == bShape { return (aShape, zip(a, b, f)) }
        let shape = broadcastShape(aShape, bShape)
        let n = shape.reduce(1, *)
        if b.count == 1, shape == aShape {
            let c = Double(b[0])
            return (shape, map(a) { f($0, c) })
        }
        if a.count == 1, shape == bShape {
            let c = Double(a[0])
            return (shape, map(b) { f(c, $0) })
        }
        return a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                // Row broadcast: b is a trailing block of a (e.g. [N, M] op [M]).
                if shape == aShape, b.count > 0, n % b.count == 0,
                   Array(aShape.suffix(bShape.count)) == bShape {
                    let m = b.count
                    return (shape, fill(n) { out in
                        var base = 0
                        while base < n {
                            for j in 0..<m { out[base + j] = E(f(Double(ap[base + j]), Double(bp[j]))) }
                            base += m
                        }
                    })
                }
                let sa = broadcastStrides(aShape, to: shape)
                let sb = broadcastStrides(bShape, to: shape)
                return (shape, fill(n) { out in
                    forEachOffset(shape, sa, sb) { flat, ia, ib in out[flat] = E(f(Double(ap[ia]), Double(bp[ib]))) }
                })
            }
        }
    }
}

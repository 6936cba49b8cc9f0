import CBLAS

extension Tensor {
    /// Matrix product op(a)·op(b) via `cblas_dgemm`, where op transposes the last two axes
    /// when asked. Rank-2 × rank-2, or batched rank-3 × rank-3 (equal batch), or rank-3 × rank-2
    /// (the right matrix shared by every batch entry), or rank-2 × rank-3 (the left matrix
    /// shared by every batch entry, as in a convolution W·im2col(x)).
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false,
                              transposeB: Bool = false) -> Tensor {
        precondition((a.rank == 2 || a.rank == 3) && (b.rank == 2 || b.rank == 3),
                     "matmul: unsupported ranks \(a.shape) × \(b.shape)")
        let batch = a.rank == 3 ? a.shape[0] : (b.rank == 3 ? b.shape[0] : 1)
        if a.rank == 3 && b.rank == 3 {
            precondition(b.shape[0] == batch, "matmul: batch sizes differ in \(a.shape) × \(b.shape)")
        }
        let ar = a.shape[a.rank - 2], ac = a.shape[a.rank - 1]
        let br = b.shape[b.rank - 2], bc = b.shape[b.rank - 1]
        let m = transposeA ? ac : ar, k = transposeA ? ar : ac
        let k2 = transposeB ? bc : br, n = transposeB ? br : bc
        precondition(k == k2, "matmul: inner extents differ: \(a.shape)\(transposeA ? "ᵀ" : "") × \(b.shape)\(transposeB ? "ᵀ" : "")")
        let aStride = a.rank == 3 ? ar * ac : 0
        let bStride = b.rank == 3 ? br * bc : 0
        let shape = a.rank == 3 || b.rank == 3 ? [batch, m, n] : [m, n]
        let (a, b) = promotedPair(a, b)
        let geometry = ProductGeometry(batch: batch, m: m, n: n, k: k, lda: ac, ldb: bc, aStride: aStride, bStride: bStride,
                                       transposeA: transposeA, transposeB: transposeB)
        let value = a.dtype == .float64
            ? Tensor(shape: shape, scalars: batchedProduct(a.f64, b.f64, geometry))
            : Tensor(shape: shape, floats: batchedProduct(a.f32, b.f32, geometry))
        if a.rank == 2 && b.rank == 3 {
            return record("matmul", value: value, inputs: [a, b]) { _, g, need in
                // the shared left matrix collects the gradient of every batch entry
                let ga: Tensor? = need[0]
                    ? (transposeA ? matmulSummed(b, g, transposeA: transposeB, transposeB: true)
                                  : matmulSummed(g, b, transposeA: false, transposeB: !transposeB))
                    : nil
                let gb: Tensor? = need[1]
                    ? (transposeB ? matmul(g, a, transposeA: true, transposeB: transposeA)
                                  : matmul(a, g, transposeA: !transposeA, transposeB: false))
                    : nil
                return [ga, gb]
            }
        }
        return record("matmul", value: value, inputs: [a, b]) { _, g, need in
            var ga: Tensor? = nil, gb: Tensor? = nil
            if need[0] {
                if !transposeA {
                    ga = matmul(g, b, transposeA: false, transposeB: !transposeB)
                } else if b.rank == 2 && a.rank == 3 {
                    // op(B)·gᵀ would be rank 2 × rank 3 (unsupported): use (g·op(B)ᵀ)ᵀ
                    ga = matmul(g, b, transposeA: false, transposeB: !transposeB).transposed()
                } else {
                    ga = matmul(b, g, transposeA: transposeB, transposeB: true)
                }
            }
            if need[1] {
                let gFull = transposeB ? matmul(g, a, transposeA: true, transposeB: transposeA)
                                       : matmul(a, g, transposeA: !transposeA, transposeB: false)
                // a matrix shared by every batch entry collects the gradient of each entry
                gb = b.rank == 2 && a.rank == 3 ? gFull.sum(axis: 0) : gFull
            }
            return [ga, gb]
        }
    }

    /// The batch-summed product Σ_q op(a_q)·op(b_q) of two rank-3 tensors with equal batch
    /// (one dgemm per entry accumulating into one matrix): the gradient of a matrix shared by
    /// every entry of a batched product.
    public static func matmulSummed(_ a: Tensor, _ b: Tensor, transposeA: Bool = false,
                                    transposeB: Bool = false) -> Tensor {
        precondition(a.rank == 3 && b.rank == 3 && a.shape[0] == b.shape[0],
                     "matmulSummed: needs rank-3 tensors of equal batch, got \(a.shape) × \(b.shape)")
        let batch = a.shape[0]
        let ar = a.shape[1], ac = a.shape[2], br = b.shape[1], bc = b.shape[2]
        let m = transposeA ? ac : ar, k = transposeA ? ar : ac
        let k2 = transposeB ? bc : br, n = transposeB ? br : bc
        precondition(k == k2, "matmulSummed: inner extents differ: \(a.shape)\(transposeA ? "ᵀ" : "") × \(b.shape)\(transposeB ? "ᵀ" : "")")
        let (a, b) = promotedPair(a, b)
        let geometry = ProductGeometry(batch: batch, m: m, n: n, k: k, lda: ac, ldb: bc, aStride: ar * ac, bStride: br * bc,
                                       transposeA: transposeA, transposeB: transposeB)
        let value = a.dtype == .float64
            ? Tensor(shape: [m, n], scalars: summedProduct(a.f64, b.f64, geometry))
            : Tensor(shape: [m, n], floats: summedProduct(a.f32, b.f32, geometry))
        return record("matmulSummed", value: value, inputs: [a, b]) { _, g, need in
            let ga: Tensor? = need[0]
                ? (transposeA ? matmul(b, g, transposeA: transposeB, transposeB: true)
                              : matmul(g, b, transposeA: false, transposeB: !transposeB))
                : nil
            let gb: Tensor? = need[1]
                ? (transposeB ? matmul(g, a, transposeA: true, transposeB: transposeA)
                              : matmul(a, g, transposeA: !transposeA, transposeB: false))
                : nil
            return [ga, gb]
        }
    }

    /// How many fixed groups ``matmulSummed(_:_:transposeA:transposeB:)`` splits a batch into.
    static let summedGroups = 8

    /// Calls `body` on disjoint ranges of 0..<batch (items of `entriesPerItem` dgemms each),
    /// concurrently when `Parallel.threads` > 1 and each m×n×k product is too small for BLAS to
    /// thread by itself (each is one single-threaded dgemm either way, so results do not depend
    /// on the split). OpenBLAS runs a dgemm of m·n·k ≤ 65536·4 on the calling thread.
    @inline(__always)
    static func forEachBatchEntry(_ batch: Int, m: Int, n: Int, k: Int, entriesPerItem: Int = 1,
                                  _ body: (Range<Int>) -> Void) {
        let work = m * n * k
        if batch > 1 && Parallel.threads > 1 && work <= 262_144 && batch * entriesPerItem * work >= 100_000 {
            SampleParallel.forEach(batch, workPerItem: Parallel.minimumParallelCount, body)
        } else {
            body(0..<batch)
        }
    }

    /// The matrix product self·other.
    public func matmul(_ other: Tensor) -> Tensor { Tensor.matmul(self, other) }

    /// Dense affine map x·W + b for x [N, in], W [in, out], b [out] (one dgemm, bias fused).
    public static func affine(_ x: Tensor, _ w: Tensor, _ b: Tensor) -> Tensor {
        precondition(x.rank == 2 && w.rank == 2 && b.rank == 1 && x.shape[1] == w.shape[0] && w.shape[1] == b.shape[0],
                     "affine: shapes x \(x.shape), W \(w.shape), b \(b.shape) do not fit")
        let rows = x.shape[0], inW = w.shape[0], outW = w.shape[1]
        let dtype = DType.promoted([x, w, b])
        let value = dtype == .float64
            ? Tensor(shape: [rows, outW], scalars: affineValue(x.scalars, w.scalars, b.scalars, rows: rows, inW: inW, outW: outW))
            : Tensor(shape: [rows, outW], floats: affineValue(x.f32, w.f32, b.f32, rows: rows, inW: inW, outW: outW))
        return record("affine", value: value, inputs: [x, w, b]) { _, g, need in
            [need[0] ? matmul(g, w, transposeB: true) : nil,
             need[1] ? matmul(x, g, transposeA: true) : nil,
             need[2] ? g.sum(toShape: [outW]) : nil]
        }
    }
}

/// The extents and layout of a (batched) matrix product op(A_q)·op(B_q).
@usableFromInline
struct ProductGeometry {
    let batch: Int, m: Int, n: Int, k: Int
    /// Leading dimensions (row lengths) of A and B as stored.
    let lda: Int, ldb: Int
    /// Elements between batch entries (0 for a matrix shared by every entry).
    let aStride: Int, bStride: Int
    let transposeA: Bool, transposeB: Bool
}

extension Tensor {
    /// Both tensors in the dtype they promote to (float64 unless both are float32); the originals
    /// when they already share a dtype.
    static func promotedPair(_ a: Tensor, _ b: Tensor) -> (Tensor, Tensor) {
        if a.dtype == b.dtype { return (a, b) }
        return (a.dtype == .float64 ? a : a.cast(to: .float64), b.dtype == .float64 ? b : b.cast(to: .float64))
    }

    /// op(A_q)·op(B_q) for every batch entry q (one gemm each, entries spread over threads).
    static func batchedProduct<E: TensorScalar>(_ a: [E], _ b: [E], _ p: ProductGeometry) -> [E] {
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                Kernels.fill(p.batch * p.m * p.n) { (c: UnsafeMutableBufferPointer<E>) in
                    guard p.batch > 0 && p.m > 0 && p.n > 0 else { return }
                    if p.k == 0 {
                        for i in 0..<(p.batch * p.m * p.n) { c[i] = 0 }
                        return
                    }
                    let (pa, pb, pc) = (UncheckedSendable(ap.baseAddress!), UncheckedSendable(bp.baseAddress!),
                                        UncheckedSendable(c.baseAddress!))
                    forEachBatchEntry(p.batch, m: p.m, n: p.n, k: p.k) { entries in
                        for q in entries {
                            E.gemm(p.transposeA ? CblasTrans : CblasNoTrans, p.transposeB ? CblasTrans : CblasNoTrans,
                                   p.m, p.n, p.k, 1, pa.value + q * p.aStride, p.lda, pb.value + q * p.bStride, p.ldb,
                                   0, pc.value + q * p.m * p.n, p.n)
                        }
                    }
                }
            }
        }
    }

    /// Σ_q op(A_q)·op(B_q): fixed groups of entries, each summed in order into its own partial,
    /// then the partials added in order, so the result is the same at any thread count.
    static func summedProduct<E: TensorScalar>(_ a: [E], _ b: [E], _ p: ProductGeometry) -> [E] {
        let (batch, m, n, k) = (p.batch, p.m, p.n, p.k)
        return a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                Kernels.fill(m * n) { (c: UnsafeMutableBufferPointer<E>) in
                    guard m > 0 && n > 0 else { return }
                    if k == 0 || batch == 0 {
                        for i in 0..<(m * n) { c[i] = 0 }
                        return
                    }
                    let size = (batch + summedGroups - 1) / summedGroups
                    let groups = (batch + size - 1) / size  // each group non-empty
                    var partials = [E](repeating: 0, count: groups > 1 ? groups * m * n : 0)
                    partials.withUnsafeMutableBufferPointer { pp in
                        let (pa, pb) = (UncheckedSendable(ap.baseAddress!), UncheckedSendable(bp.baseAddress!))
                        let pc = UncheckedSendable(groups > 1 ? pp.baseAddress! : c.baseAddress!)
                        forEachBatchEntry(groups, m: m, n: n, k: k, entriesPerItem: size) { range in
                            for grp in range {
                                for q in (grp * size)..<Swift.min(batch, (grp + 1) * size) {
                                    E.gemm(p.transposeA ? CblasTrans : CblasNoTrans, p.transposeB ? CblasTrans : CblasNoTrans,
                                           m, n, k, 1, pa.value + q * p.aStride, p.lda, pb.value + q * p.bStride, p.ldb,
                                           q == grp * size ? 0 : 1, pc.value + grp * m * n, n)
                                }
                            }
                        }
                        if groups > 1 { addPartials(pp, groups: groups, size: m * n, into: c) }
                    }
                }
            }
        }
    }

    /// c = Σ_g partials[g] (each `size` elements), added in group order: the fixed-order reduction
    /// of the batch-summed products.
    @inline(__always)
    static func addPartials<E: TensorScalar>(_ partials: UnsafeMutableBufferPointer<E>, groups: Int, size: Int,
                                             into c: UnsafeMutableBufferPointer<E>) {
        for i in 0..<size { c[i] = partials[i] }
        for grp in 1..<groups {
            let part = partials.baseAddress! + grp * size
            for i in 0..<size { c[i] += part[i] }
        }
    }

    /// x·W + b for x [rows, inW], W [inW, outW], b [outW] (bias copied in, then one gemm).
    static func affineValue<E: TensorScalar>(_ x: [E], _ w: [E], _ b: [E], rows: Int, inW: Int, outW: Int) -> [E] {
        x.withUnsafeBufferPointer { xp in
            w.withUnsafeBufferPointer { wp in
                b.withUnsafeBufferPointer { bp in
                    Kernels.fill(rows * outW) { (c: UnsafeMutableBufferPointer<E>) in
                        guard rows > 0 && outW > 0 else { return }
                        for r in 0..<rows {
                            for j in 0..<outW { c[r * outW + j] = bp[j] }
                        }
                        if inW > 0 {
                            E.gemm(CblasNoTrans, CblasNoTrans, rows, outW, inW, 1, xp.baseAddress!, inW, wp.baseAddress!, outW,
                                   1, c.baseAddress!, outW)
                        }
                    }
                }
            }
        }
    }
}

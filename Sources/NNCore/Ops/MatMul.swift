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
        let out: [Double] = a.scalars.withUnsafeBufferPointer { ap in
            b.scalars.withUnsafeBufferPointer { bp in
                Kernels.fill(batch * m * n) { c in
                    guard batch > 0 && m > 0 && n > 0 else { return }
                    if k == 0 {
                        for i in 0..<(batch * m * n) { c[i] = 0 }
                        return
                    }
                    let (pa, pb, pc) = (UncheckedSendable(ap.baseAddress!), UncheckedSendable(bp.baseAddress!),
                                        UncheckedSendable(c.baseAddress!))
                    forEachBatchEntry(batch, m: m, n: n, k: k) { entries in
                        for q in entries {
                            cblas_dgemm(CblasRowMajor,
                                        transposeA ? CblasTrans : CblasNoTrans,
                                        transposeB ? CblasTrans : CblasNoTrans,
                                        Int32(m), Int32(n), Int32(k), 1.0,
                                        pa.value + q * aStride, Int32(ac),
                                        pb.value + q * bStride, Int32(bc),
                                        0.0, pc.value + q * m * n, Int32(n))
                        }
                    }
                }
            }
        }
        let shape = a.rank == 3 || b.rank == 3 ? [batch, m, n] : [m, n]
        if a.rank == 2 && b.rank == 3 {
            return record("matmul", shape: shape, scalars: out, inputs: [a, b]) { _, g, need in
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
        return record("matmul", shape: shape, scalars: out, inputs: [a, b]) { _, g, need in
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
        let out: [Double] = a.scalars.withUnsafeBufferPointer { ap in
            b.scalars.withUnsafeBufferPointer { bp in
                Kernels.fill(m * n) { c in
                    guard m > 0 && n > 0 else { return }
                    if k == 0 || batch == 0 {
                        for i in 0..<(m * n) { c[i] = 0 }
                        return
                    }
                    // Fixed groups of entries, each summed in order into its own partial, then the
                    // partials added in order: the same result at any thread count.
                    let size = (batch + summedGroups - 1) / summedGroups
                    let groups = (batch + size - 1) / size  // each group non-empty
                    var partials = [Double](repeating: 0, count: groups > 1 ? groups * m * n : 0)
                    partials.withUnsafeMutableBufferPointer { pp in
                        let (pa, pb) = (UncheckedSendable(ap.baseAddress!), UncheckedSendable(bp.baseAddress!))
                        let pc = UncheckedSendable(groups > 1 ? pp.baseAddress! : c.baseAddress!)
                        forEachBatchEntry(groups, m: m, n: n, k: k, entriesPerItem: size) { range in
                            for grp in range {
                                for q in (grp * size)..<Swift.min(batch, (grp + 1) * size) {
                                    cblas_dgemm(CblasRowMajor,
                                                transposeA ? CblasTrans : CblasNoTrans,
                                                transposeB ? CblasTrans : CblasNoTrans,
                                                Int32(m), Int32(n), Int32(k), 1.0,
                                                pa.value + q * ar * ac, Int32(ac),
                                                pb.value + q * br * bc, Int32(bc),
                                                q == grp * size ? 0.0 : 1.0, pc.value + grp * m * n, Int32(n))
                                }
                            }
                        }
                        if groups > 1 {
                            for i in 0..<(m * n) { c[i] = pp[i] }
                            for grp in 1..<groups {
                                let part = pp.baseAddress! + grp * m * n
                                for i in 0..<(m * n) { c[i] += part[i] }
                            }
                        }
                    }
                }
            }
        }
        return record("matmulSummed", shape: [m, n], scalars: out, inputs: [a, b]) { _, g, need in
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
        let out: [Double] = x.scalars.withUnsafeBufferPointer { xp in
            w.scalars.withUnsafeBufferPointer { wp in
                b.scalars.withUnsafeBufferPointer { bp in
                    Kernels.fill(rows * outW) { c in
                        guard rows > 0 && outW > 0 else { return }
                        for r in 0..<rows {
                            for j in 0..<outW { c[r * outW + j] = bp[j] }
                        }
                        if inW > 0 {
                            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(outW), Int32(inW),
                                        1.0, xp.baseAddress!, Int32(inW), wp.baseAddress!, Int32(outW),
                                        1.0, c.baseAddress!, Int32(outW))
                        }
                    }
                }
            }
        }
        return record("affine", shape: [rows, outW], scalars: out, inputs: [x, w, b]) { _, g, need in
            [need[0] ? matmul(g, w, transposeB: true) : nil,
             need[1] ? matmul(x, g, transposeA: true) : nil,
             need[2] ? g.sum(toShape: [outW]) : nil]
        }
    }
}

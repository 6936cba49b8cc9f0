import CBLAS
import CVecMath

// The per-step operations of the recurrent layers (RNN, LSTM, GRU).
//
// Each is one recorded op over a whole [N, ·] batch whose forward is a fused unsafe-buffer
// kernel. Their backward closures have two paths:
// - first-order backward (grad mode off inside `grad`, i.e. `createGraph: false`): fused
//   kernels over saved activations, no tape;
// - `createGraph: true`: the same formulas written with differentiable tensor ops
//   (`narrowed`, `sigmoid`, `*`, …), so the gradient can be differentiated again.
// Tests check both paths against finite differences (gradcheck, gradgradcheck).

/// Which LSTM cell equations a layer uses (see ``LSTM``).
public enum LSTMVariant: Sendable, Equatable, Codable {
    /// The standard cell: c = f⊙c₋ + i⊙g, h = o⊙tanh(c).
    case standard
    /// The lecture-notes cell: c = (1 − f)⊙c₋ + i⊙g, h = o⊙c.
    case lectureNotes
}

// MARK: - Activation kernels

/// Logistic sigmoid of `n` values from `x` into `y` (libmvec exp of −x, then 1/(1 + e)); x and y may alias.
@inline(__always)
private func vectorSigmoid<E: TensorScalar>(_ x: UnsafePointer<E>, _ y: UnsafeMutablePointer<E>, _ n: Int) {
    for k in 0..<n { y[k] = -x[k] }
    E.exp(y, y, n)
    for k in 0..<n { y[k] = 1 / (1 + y[k]) }
}

/// Activated gates of a row-major [rows, gates·hidden] pre-activation matrix: sigmoid on each
/// block whose flag in `sigmoidBlocks` is true, tanh on the others.
private func activateGates<E: TensorScalar>(_ z: [E], rows: Int, hidden: Int, sigmoidBlocks: [Bool]) -> [E] {
    let width = sigmoidBlocks.count * hidden
    return z.withUnsafeBufferPointer { zp in
        Kernels.fill(rows * width) { (a: UnsafeMutableBufferPointer<E>) in
            guard rows * width > 0 else { return }
            for r in 0..<rows {
                var k = 0
                while k < sigmoidBlocks.count {
                    // neighbouring blocks of the same kind in one call
                    var e = k + 1
                    while e < sigmoidBlocks.count && sigmoidBlocks[e] == sigmoidBlocks[k] { e += 1 }
                    let off = r * width + k * hidden, len = (e - k) * hidden
                    if sigmoidBlocks[k] {
                        vectorSigmoid(zp.baseAddress! + off, a.baseAddress! + off, len)
                    } else {
                        E.tanh(zp.baseAddress! + off, a.baseAddress! + off, len)
                    }
                    k = e
                }
            }
        }
    }
}

// MARK: - LSTM cell

extension Tensor {
    /// The LSTM cell and hidden update from gate pre-activations z = [i | f | g | o] ([N, 4H],
    /// PyTorch's order) and the previous cell state c₋ [N, H]: returns (h, c).
    static func lstmCell(_ z: Tensor, _ cPrev: Tensor, variant: LSTMVariant) -> (h: Tensor, c: Tensor) {
        precondition(z.shape == [cPrev.shape[0], 4 * cPrev.shape[1]] && cPrev.rank == 2,
                     "lstmCell: gates \(z.shape) for state \(cPrev.shape)")
        if z.dtype == .float32 && cPrev.dtype == .float32 { return lstmCell(z, cPrev, z.f32, cPrev.f32, variant: variant) }
        return lstmCell(z, cPrev, z.scalars, cPrev.scalars, variant: variant)
    }

    /// ``lstmCell(_:_:variant:)`` on the elements of z and c₋ in E.
    private static func lstmCell<E: TensorScalar>(_ z: Tensor, _ cPrev: Tensor, _ zv: [E], _ cv: [E],
                                                  variant: LSTMVariant) -> (h: Tensor, c: Tensor) {
        let n = cPrev.shape[0], hd = cPrev.shape[1]
        let a = activateGates(zv, rows: n, hidden: hd, sigmoidBlocks: [true, true, false, true])
        let count = n * hd
        var cOut = Kernels.fill(count) { (_: UnsafeMutableBufferPointer<E>) in }  // every element is written below
        var hOut = Kernels.fill(count) { (_: UnsafeMutableBufferPointer<E>) in }
        var tcOut = [E]()  // tanh(c), standard cell only
        a.withUnsafeBufferPointer { ap in
            cv.withUnsafeBufferPointer { cp in
                cOut.withUnsafeMutableBufferPointer { c in
                    hOut.withUnsafeMutableBufferPointer { h in
                        for r in 0..<n {
                            let ar = ap.baseAddress! + r * 4 * hd, o = r * hd
                            for j in 0..<hd {
                                let i = ar[j], f = ar[hd + j], g = ar[2 * hd + j]
                                c[o + j] = (variant == .standard ? f : 1 - f) * cp[o + j] + i * g
                            }
                        }
                        if variant == .standard {
                            tcOut = Kernels.fill(count) { (_: UnsafeMutableBufferPointer<E>) in }
                            tcOut.withUnsafeMutableBufferPointer { tc in
                                if count > 0 { E.tanh(c.baseAddress!, tc.baseAddress!, count) }
                                for r in 0..<n {
                                    let ar = ap.baseAddress! + r * 4 * hd + 3 * hd, o = r * hd
                                    for j in 0..<hd { h[o + j] = ar[j] * tc[o + j] }
                                }
                            }
                        } else {
                            for r in 0..<n {
                                let ar = ap.baseAddress! + r * 4 * hd + 3 * hd, o = r * hd
                                for j in 0..<hd { h[o + j] = ar[j] * c[o + j] }
                            }
                        }
                    }
                }
            }
        }
        let cT = record("lstmCellState", value: E.tensor(shape: [n, hd], cOut), inputs: [z, cPrev]) { _, gc, need in
            if GradMode.isEnabled { return lstmStateBackwardGraph(gc, z, cPrev, variant: variant, need: need) }
            return lstmStateBackwardFast(gc, a, cPrev, variant: variant, need: need)
        }
        let cValues = cOut, tc = tcOut
        let hT = record("lstmHidden", value: E.tensor(shape: [n, hd], hOut), inputs: [z, cT]) { _, gh, need in
            if GradMode.isEnabled { return lstmHiddenBackwardGraph(gh, z, cT, variant: variant, need: need) }
            return lstmHiddenBackwardFast(gh, a, variant == .standard ? tc : cValues, variant: variant, need: need)
        }
        return (hT, cT)
    }

    /// ∂L/∂z and ∂L/∂c₋ of the cell state c from the saved activations (fused kernel, no tape).
    private static func lstmStateBackwardFast<E: TensorScalar>(_ gc: Tensor, _ a: [E], _ cPrev: Tensor, variant: LSTMVariant,
                                                               need: [Bool]) -> [Tensor?] {
        let n = cPrev.shape[0], hd = cPrev.shape[1]
        let std = variant == .standard
        var dz: Tensor? = nil, dc: Tensor? = nil
        E.elements(of: gc).withUnsafeBufferPointer { gp in
            a.withUnsafeBufferPointer { ap in
                E.elements(of: cPrev).withUnsafeBufferPointer { cp in
                    if need[0] {
                        let out = Kernels.fill(n * 4 * hd) { (d: UnsafeMutableBufferPointer<E>) in
                            for r in 0..<n {
                                let ar = ap.baseAddress! + r * 4 * hd, dr = d.baseAddress! + r * 4 * hd, o = r * hd
                                for j in 0..<hd {
                                    let gv = gp[o + j], i = ar[j], f = ar[hd + j], g = ar[2 * hd + j]
                                    dr[j] = gv * g * i * (1 - i)
                                    let df = gv * cp[o + j] * f * (1 - f)
                                    dr[hd + j] = std ? df : -df
                                    dr[2 * hd + j] = gv * i * (1 - g * g)
                                }
                                (dr + 3 * hd).initialize(repeating: 0, count: hd)
                            }
                        }
                        dz = E.tensor(shape: [n, 4 * hd], out)
                    }
                    if need[1] {
                        let out = Kernels.fill(n * hd) { (d: UnsafeMutableBufferPointer<E>) in
                            for r in 0..<n {
                                let ar = ap.baseAddress! + r * 4 * hd + hd, o = r * hd
                                for j in 0..<hd { d[o + j] = gp[o + j] * (std ? ar[j] : 1 - ar[j]) }
                            }
                        }
                        dc = E.tensor(shape: [n, hd], out)
                    }
                }
            }
        }
        return [dz, dc]
    }

    /// ∂L/∂z (o block only) and ∂L/∂c of h = o⊙tanh(c) (or o⊙c) from saved values (no tape);
    /// `s` is tanh(c) for the standard cell and c for the lecture-notes cell.
    private static func lstmHiddenBackwardFast<E: TensorScalar>(_ gh: Tensor, _ a: [E], _ s: [E], variant: LSTMVariant,
                                                                need: [Bool]) -> [Tensor?] {
        let n = gh.shape[0], hd = gh.shape[1]
        let std = variant == .standard
        var dz: Tensor? = nil, dc: Tensor? = nil
        E.elements(of: gh).withUnsafeBufferPointer { gp in
            a.withUnsafeBufferPointer { ap in
                s.withUnsafeBufferPointer { sp in
                    if need[0] {
                        let out = Kernels.fill(n * 4 * hd) { (d: UnsafeMutableBufferPointer<E>) in
                            for r in 0..<n {
                                let ar = ap.baseAddress! + r * 4 * hd + 3 * hd, dr = d.baseAddress! + r * 4 * hd
                                let o0 = r * hd
                                dr.initialize(repeating: 0, count: 3 * hd)
                                for j in 0..<hd {
                                    let o = ar[j]
                                    dr[3 * hd + j] = gp[o0 + j] * sp[o0 + j] * o * (1 - o)
                                }
                            }
                        }
                        dz = E.tensor(shape: [n, 4 * hd], out)
                    }
                    if need[1] {
                        let out = Kernels.fill(n * hd) { (d: UnsafeMutableBufferPointer<E>) in
                            for r in 0..<n {
                                let ar = ap.baseAddress! + r * 4 * hd + 3 * hd, o0 = r * hd
                                for j in 0..<hd {
                                    let t = sp[o0 + j]
                                    d[o0 + j] = std ? gp[o0 + j] * ar[j] * (1 - t * t) : gp[o0 + j] * ar[j]
                                }
                            }
                        }
                        dc = E.tensor(shape: [n, hd], out)
                    }
                }
            }
        }
        return [dz, dc]
    }

    /// One gate block of z ([N, k·H]) as a tensor op: columns block·H..<(block+1)·H.
    private func gateBlock(_ block: Int, _ hd: Int) -> Tensor {
        narrowed(axis: 1, start: block * hd, length: hd)
    }

    /// The cell-state backward written with differentiable ops (used under `createGraph`).
    private static func lstmStateBackwardGraph(_ gc: Tensor, _ z: Tensor, _ cPrev: Tensor, variant: LSTMVariant,
                                               need: [Bool]) -> [Tensor?] {
        let hd = cPrev.shape[1]
        let i = z.gateBlock(0, hd).sigmoid(), f = z.gateBlock(1, hd).sigmoid(), g = z.gateBlock(2, hd).tanh()
        var dz: Tensor? = nil, dc: Tensor? = nil
        if need[0] {
            let di: Tensor = gc * g * i * (1 - i)
            var df: Tensor = gc * cPrev * f * (1 - f)
            if variant == .lectureNotes { df = -df }
            let dg = tanhBackward(gc * i, g)
            dz = concatenate([di, df, dg, Tensor.zeros(cPrev.shape)], axis: 1)
        }
        if need[1] { dc = variant == .standard ? gc * f : gc * (1 - f) }
        return [dz, dc]
    }

    /// The hidden-output backward written with differentiable ops (used under `createGraph`).
    private static func lstmHiddenBackwardGraph(_ gh: Tensor, _ z: Tensor, _ c: Tensor, variant: LSTMVariant,
                                                need: [Bool]) -> [Tensor?] {
        let hd = c.shape[1]
        let o = z.gateBlock(3, hd).sigmoid()
        let s = variant == .standard ? c.tanh() : c
        var dz: Tensor? = nil, dc: Tensor? = nil
        if need[0] {
            let dOut: Tensor = gh * s * o * (1 - o)
            dz = dOut.padded(axis: 1, start: 3 * hd, fullLength: 4 * hd)
        }
        if need[1] { dc = variant == .standard ? tanhBackward(gh * o, s) : gh * o }
        return [dz, dc]
    }
}

// MARK: - GRU cell

extension Tensor {
    /// PyTorch's GRU update from the input projection xp = x·W_i + b_i and the recurrent
    /// projection hu = h₋·W_h + b_h (both [N, 3H], blocks r | z | n) and h₋ [N, H]:
    /// r = σ(xp_r + hu_r), z = σ(xp_z + hu_z), n = tanh(xp_n + r⊙hu_n), h = (1 − z)⊙n + z⊙h₋.
    static func gruCell(_ xp: Tensor, _ hu: Tensor, _ hPrev: Tensor) -> Tensor {
        let n = hPrev.shape[0], hd = hPrev.shape[1]
        precondition(xp.shape == [n, 3 * hd] && hu.shape == [n, 3 * hd],
                     "gruCell: projections \(xp.shape), \(hu.shape) for state \(hPrev.shape)")
        let w = 3 * hd
        // a = activated [r | z | n]
        var a = [Double](repeating: 0, count: n * w)
        var hOut = [Double](repeating: 0, count: n * hd)
        xp.scalars.withUnsafeBufferPointer { xq in
            hu.scalars.withUnsafeBufferPointer { uq in
                hPrev.scalars.withUnsafeBufferPointer { hq in
                    a.withUnsafeMutableBufferPointer { ap in
                        hOut.withUnsafeMutableBufferPointer { h in
                            for r in 0..<n {
                                let b = r * w
                                for k in 0..<(2 * hd) { ap[b + k] = xq[b + k] + uq[b + k] }
                                vectorSigmoid(ap.baseAddress! + b, ap.baseAddress! + b, 2 * hd)
                                for k in 0..<hd { ap[b + 2 * hd + k] = xq[b + 2 * hd + k] + ap[b + k] * uq[b + 2 * hd + k] }
                                symmd_vtanh(ap.baseAddress! + b + 2 * hd, ap.baseAddress! + b + 2 * hd, hd)
                                for k in 0..<hd {
                                    let z = ap[b + hd + k], nv = ap[b + 2 * hd + k]
                                    h[r * hd + k] = (1 - z) * nv + z * hq[r * hd + k]
                                }
                            }
                        }
                    }
                }
            }
        }
        let act = a
        return record("gruCell", shape: [n, hd], scalars: hOut, inputs: [xp, hu, hPrev]) { _, gh, need in
            if GradMode.isEnabled { return gruBackwardGraph(gh, xp, hu, hPrev, need: need) }
            return gruBackwardFast(gh, act, hu, hPrev, need: need)
        }
    }

    /// The GRU backward from saved activations (fused kernel, no tape).
    private static func gruBackwardFast(_ gh: Tensor, _ a: [Double], _ hu: Tensor, _ hPrev: Tensor,
                                        need: [Bool]) -> [Tensor?] {
        let n = hPrev.shape[0], hd = hPrev.shape[1], w = 3 * hd
        var dxp = [Double](repeating: 0, count: n * w)
        var dhu = [Double](repeating: 0, count: need[1] ? n * w : 0)
        var dh = [Double](repeating: 0, count: need[2] ? n * hd : 0)
        gh.scalars.withUnsafeBufferPointer { gp in
            a.withUnsafeBufferPointer { ap in
                hu.scalars.withUnsafeBufferPointer { uq in
                    hPrev.scalars.withUnsafeBufferPointer { hq in
                        dxp.withUnsafeMutableBufferPointer { dx in
                            dhu.withUnsafeMutableBufferPointer { du in
                                dh.withUnsafeMutableBufferPointer { dhp in
                                    for r in 0..<n {
                                        let b = r * w, o = r * hd
                                        for k in 0..<hd {
                                            let g = gp[o + k]
                                            let rv = ap[b + k], z = ap[b + hd + k], nv = ap[b + 2 * hd + k]
                                            let dzPre = g * (hq[o + k] - nv) * z * (1 - z)
                                            let dnPre = g * (1 - z) * (1 - nv * nv)
                                            let hn = uq[b + 2 * hd + k]
                                            let drPre = dnPre * hn * rv * (1 - rv)
                                            dx[b + k] = drPre
                                            dx[b + hd + k] = dzPre
                                            dx[b + 2 * hd + k] = dnPre
                                            if need[1] {
                                                du[b + k] = drPre
                                                du[b + hd + k] = dzPre
                                                du[b + 2 * hd + k] = dnPre * rv
                                            }
                                            if need[2] { dhp[o + k] = g * z }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return [need[0] ? Tensor(shape: [n, w], scalars: dxp) : nil,
                need[1] ? Tensor(shape: [n, w], scalars: dhu) : nil,
                need[2] ? Tensor(shape: [n, hd], scalars: dh) : nil]
    }

    /// The GRU backward written with differentiable ops (used under `createGraph`).
    private static func gruBackwardGraph(_ gh: Tensor, _ xp: Tensor, _ hu: Tensor, _ hPrev: Tensor,
                                         need: [Bool]) -> [Tensor?] {
        let hd = hPrev.shape[1]
        let r = (xp.gateBlock(0, hd) + hu.gateBlock(0, hd)).sigmoid()
        let z = (xp.gateBlock(1, hd) + hu.gateBlock(1, hd)).sigmoid()
        let hn = hu.gateBlock(2, hd)
        let nv = (xp.gateBlock(2, hd) + r * hn).tanh()
        let dzPre: Tensor = gh * (hPrev - nv) * z * (1 - z)
        let dnPre = tanhBackward(gh * (1 - z), nv)
        let drPre: Tensor = dnPre * hn * r * (1 - r)
        return [need[0] ? concatenate([drPre, dzPre, dnPre], axis: 1) : nil,
                need[1] ? concatenate([drPre, dzPre, dnPre * r], axis: 1) : nil,
                need[2] ? gh * z : nil]
    }
}

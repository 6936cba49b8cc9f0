import CBLAS
import CVecMath
import NNCore

/// One dense layer's weights in the form the fused path uses (tanh or linear, DeePMD skips).
struct FusedLayer {
    /// How a layer adds its input: not at all, as is (equal widths), or doubled (width doubles).
    enum Skip { case none, add, concat }
    let weight: [Double]      // [nin, nout] row-major
    let bias: [Double]        // [nout]
    let timestep: [Double]?   // [nout]
    let nin: Int
    let nout: Int
    let tanh: Bool
    let skip: Skip
}

/// An MLP's weights read once per evaluation, with a forward pass that keeps what the
/// hand-written backward pass needs (no tape).
struct FusedNet {
    let layers: [FusedLayer]

    /// The weights of `mlp` (tanh hidden layers; the last linear when `linearOutput`).
    init(_ mlp: MLP) {
        var ls: [FusedLayer] = []
        for (k, d) in mlp.layers.enumerated() {
            let hidden = !(k == mlp.layers.count - 1 && mlp.linearOutput)
            var skip = FusedLayer.Skip.none
            if mlp.skip && hidden {
                if d.outputs == d.inputs { skip = .add } else if d.outputs == 2 * d.inputs { skip = .concat }
            }
            ls.append(FusedLayer(weight: d.weight.value.scalars, bias: d.bias.value.scalars,
                                 timestep: mlp.timesteps[k]?.value.scalars, nin: d.inputs, nout: d.outputs,
                                 tanh: hidden, skip: skip))
        }
        layers = ls
    }

    /// Output width.
    var outputs: Int { layers.last!.nout }

    /// Forward pass over `rows` inputs. `acts[l]` receives the tanh outputs of layer l and
    /// `outs[l]` its outputs (the next layer's input); the network output is `outs.last`.
    func forward(_ input: UnsafePointer<Double>, rows: Int, acts: inout [[Double]], outs: inout [[Double]]) {
        if acts.count != layers.count {
            acts = [[Double]](repeating: [], count: layers.count)
            outs = [[Double]](repeating: [], count: layers.count)
        }
        for (l, L) in layers.enumerated() {
            let size = rows * L.nout
            if acts[l].count != size { acts[l] = [Double](repeating: 0, count: size) }
            if outs[l].count != size { outs[l] = [Double](repeating: 0, count: size) }
            let prev = l == 0 ? nil : outs[l - 1]
            acts[l].withUnsafeMutableBufferPointer { z in
                L.bias.withUnsafeBufferPointer { b in
                    for r in 0..<rows { (z.baseAddress! + r * L.nout).update(from: b.baseAddress!, count: L.nout) }
                }
                func gemm(_ h: UnsafePointer<Double>) {
                    L.weight.withUnsafeBufferPointer { w in
                        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(L.nout), Int32(L.nin),
                                    1, h, Int32(L.nin), w.baseAddress!, Int32(L.nout), 1, z.baseAddress!, Int32(L.nout))
                    }
                }
                if let prev { prev.withUnsafeBufferPointer { gemm($0.baseAddress!) } } else { gemm(input) }
                if L.tanh { symmd_vtanh(z.baseAddress!, z.baseAddress!, size) }
            }
            outs[l].withUnsafeMutableBufferPointer { o in
                acts[l].withUnsafeBufferPointer { y in
                    if let t = L.timestep {
                        for r in 0..<rows {
                            for c in 0..<L.nout { o[r * L.nout + c] = y[r * L.nout + c] * t[c] }
                        }
                    } else {
                        o.baseAddress!.update(from: y.baseAddress!, count: size)
                    }
                }
                func addSkip(_ h: UnsafePointer<Double>) {
                    switch L.skip {
                    case .none: break
                    case .add:
                        for k in 0..<size { o[k] += h[k] }
                    case .concat:
                        for r in 0..<rows {
                            for c in 0..<L.nin {
                                let v = h[r * L.nin + c]
                                o[r * L.nout + c] += v
                                o[r * L.nout + L.nin + c] += v
                            }
                        }
                    }
                }
                if L.skip != .none {
                    if let prev { prev.withUnsafeBufferPointer { addSkip($0.baseAddress!) } } else { addSkip(input) }
                }
            }
        }
    }

    /// Backward pass: from ∂E/∂output (`gradOut`, rows × outputs, consumed) to ∂E/∂input written
    /// into `gradIn` (rows × nin of the first layer), using the forward pass's `acts`.
    func backward(gradOut: inout [Double], rows: Int, acts: [[Double]], gradIn: UnsafeMutablePointer<Double>,
                  scratch: inout [Double]) {
        var g = gradOut
        for l in stride(from: layers.count - 1, through: 0, by: -1) {
            let L = layers[l]
            let nextSize = rows * L.nin
            // dz = dOut ⊙ t ⊙ (1 − y²) for tanh layers, dOut for the linear one.
            if scratch.count < rows * L.nout { scratch = [Double](repeating: 0, count: rows * L.nout) }
            scratch.withUnsafeMutableBufferPointer { dz in
                g.withUnsafeBufferPointer { go in
                    acts[l].withUnsafeBufferPointer { y in
                        if L.tanh {
                            if let t = L.timestep {
                                for r in 0..<rows {
                                    for c in 0..<L.nout {
                                        let k = r * L.nout + c, yv = y[k]
                                        dz[k] = go[k] * t[c] * (1 - yv * yv)
                                    }
                                }
                            } else {
                                for k in 0..<(rows * L.nout) { let yv = y[k]; dz[k] = go[k] * (1 - yv * yv) }
                            }
                        } else {
                            dz.baseAddress!.update(from: go.baseAddress!, count: rows * L.nout)
                        }
                    }
                }
            }
            var gin = [Double](repeating: 0, count: nextSize)
            gin.withUnsafeMutableBufferPointer { gi in
                g.withUnsafeBufferPointer { go in
                    switch L.skip {
                    case .none: break
                    case .add: gi.baseAddress!.update(from: go.baseAddress!, count: nextSize)
                    case .concat:
                        for r in 0..<rows {
                            for c in 0..<L.nin { gi[r * L.nin + c] = go[r * L.nout + c] + go[r * L.nout + L.nin + c] }
                        }
                    }
                }
                scratch.withUnsafeBufferPointer { dz in
                    L.weight.withUnsafeBufferPointer { w in
                        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(L.nin), Int32(L.nout),
                                    1, dz.baseAddress!, Int32(L.nout), w.baseAddress!, Int32(L.nout), 1,
                                    gi.baseAddress!, Int32(L.nin))
                    }
                }
            }
            g = gin
        }
        g.withUnsafeBufferPointer { gp in gradIn.update(from: gp.baseAddress!, count: gp.count) }
    }
}

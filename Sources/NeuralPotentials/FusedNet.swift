import CBLAS
import CVecMath
import NNCore

/// An element type the fused networks run in: float64 (`Double`) or, for mixed and float32
/// precision, float32 (`Float`). NNCore's `TensorScalar` gives the BLAS product and vectorised tanh;
/// this adds the steps the fused path does its own way.
protocol FusedScalar: TensorScalar {
    /// out[r] = Σ_j a[r·width + j]·b[r·width + j] for r < rows.
    static func rowDot(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, rows: Int, width: Int, into out: UnsafeMutablePointer<Self>)
    /// float64 values (weights) in this type: the same array for Double, rounded for Float.
    static func rounded(_ values: [Double]) -> [Self]
    /// A compressed embedding table's g and dg/ds at `count` inputs in this type.
    static func evaluate(_ table: EmbeddingTable, _ s: UnsafePointer<Self>, count: Int, g: UnsafeMutablePointer<Self>,
                         dg: UnsafeMutablePointer<Self>)
}

extension Double: FusedScalar {
    @inline(__always) static func rounded(_ values: [Double]) -> [Double] { values }
    @inline(__always) static func evaluate(_ table: EmbeddingTable, _ s: UnsafePointer<Double>, count: Int,
                                           g: UnsafeMutablePointer<Double>, dg: UnsafeMutablePointer<Double>) {
        table.evaluate(s, count: count, g: g, dg: dg)
    }
    /// Swift's loop (float64 keeps the order and rounding it always had).
    @inline(__always) static func rowDot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, rows: Int, width: Int,
                                         into out: UnsafeMutablePointer<Double>) {
        for r in 0..<rows {
            var acc = 0.0
            for j in 0..<width { acc += a[r * width + j] * b[r * width + j] }
            out[r] = acc
        }
    }
}

extension Float: FusedScalar {
    @inline(__always) static func rounded(_ values: [Double]) -> [Float] { values.map { Float($0) } }
    @inline(__always) static func evaluate(_ table: EmbeddingTable, _ s: UnsafePointer<Float>, count: Int,
                                           g: UnsafeMutablePointer<Float>, dg: UnsafeMutablePointer<Float>) {
        table.evaluate(s, count: count, g: g, dg: dg)
    }
    /// The C kernel with AVX-512 or AVX2+FMA chosen at run time.
    @inline(__always) static func rowDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, rows: Int, width: Int,
                                         into out: UnsafeMutablePointer<Float>) {
        symmd_rowdot_f32(a, b, rows, width, out)
    }
}

/// One dense layer's weights in the form the fused path uses (tanh or linear, DeePMD skips), in
/// the element type the net runs in.
struct FusedLayer<E: FusedScalar> {
    /// How a layer adds its input: not at all, as is (equal widths), or doubled (width doubles).
    enum Skip { case none, add, concat }
    let weight: [E]      // [nin, nout] row-major
    let bias: [E]        // [nout]
    let timestep: [E]?   // [nout]
    let nin: Int
    let nout: Int
    let tanh: Bool
    let skip: Skip
}

/// An MLP's weights read once per evaluation (rounded to `E` for a float32 net), with a forward
/// pass that keeps what the hand-written backward pass needs (no tape).
struct FusedNet<E: FusedScalar> {
    let layers: [FusedLayer<E>]

    /// The weights of `mlp` (tanh hidden layers; the last linear when `linearOutput`).
    init(_ mlp: MLP) {
        var ls: [FusedLayer<E>] = []
        for (k, d) in mlp.layers.enumerated() {
            let hidden = !(k == mlp.layers.count - 1 && mlp.linearOutput)
            var skip = FusedLayer<E>.Skip.none
            if mlp.skip && hidden {
                if d.outputs == d.inputs { skip = .add } else if d.outputs == 2 * d.inputs { skip = .concat }
            }
            ls.append(FusedLayer(weight: E.rounded(d.weight.value.scalars), bias: E.rounded(d.bias.value.scalars),
                                 timestep: mlp.timesteps[k].map { E.rounded($0.value.scalars) }, nin: d.inputs, nout: d.outputs,
                                 tanh: hidden, skip: skip))
        }
        layers = ls
    }

    /// Output width.
    var outputs: Int { layers.last!.nout }

    /// Whether layer l's output is its tanh output itself (no timestep, no skip): then the
    /// forward pass does not copy it and `outs[l]` is unused.
    @inline(__always) func outputIsActivation(_ l: Int) -> Bool {
        layers[l].timestep == nil && layers[l].skip == .none
    }

    /// Where layer l's output lies after ``forward(_:rows:acts:outs:)``.
    @inline(__always) func output(_ l: Int, acts: [ScratchBuffer<E>], outs: [ScratchBuffer<E>]) -> UnsafeMutablePointer<E> {
        outputIsActivation(l) ? acts[l].base! : outs[l].base!
    }

    /// Forward pass over `rows` inputs. `acts[l]` receives the tanh outputs of layer l and
    /// `outs[l]` its outputs (the next layer's input) unless they are the same numbers; returns
    /// the network output (rows × outputs). Buffers only grow, so batches of varying size reuse them.
    @discardableResult
    func forward(_ input: UnsafePointer<E>, rows: Int, acts: inout [ScratchBuffer<E>], outs: inout [ScratchBuffer<E>])
        -> UnsafeMutablePointer<E> {
        if acts.count != layers.count {
            acts = [ScratchBuffer<E>](repeating: ScratchBuffer<E>(), count: layers.count)
            outs = [ScratchBuffer<E>](repeating: ScratchBuffer<E>(), count: layers.count)
        }
        var h = input
        for (l, L) in layers.enumerated() {
            let size = rows * L.nout
            let z = acts[l].ensure(size)
            L.bias.withUnsafeBufferPointer { b in
                L.weight.withUnsafeBufferPointer { w in
                    if L.nin == 1 {
                        // A scalar input (the embedding net's first layer): an outer product, no GEMM.
                        for r in 0..<rows {
                            let x = h[r], zr = z + r * L.nout
                            for c in 0..<L.nout { zr[c] = x * w[c] + b[c] }
                        }
                    } else {
                        for r in 0..<rows { (z + r * L.nout).update(from: b.baseAddress!, count: L.nout) }
                        E.gemm(CblasNoTrans, CblasNoTrans, rows, L.nout, L.nin, 1, h, L.nin, w.baseAddress!, L.nout, 1, z, L.nout)
                    }
                }
            }
            if L.tanh { E.tanh(z, z, size) }
            if outputIsActivation(l) {
                h = UnsafePointer(z)
                continue
            }
            let o = outs[l].ensure(size)
            if let t = L.timestep {
                t.withUnsafeBufferPointer { tp in
                    for r in 0..<rows {
                        let zr = z + r * L.nout, orow = o + r * L.nout
                        for c in 0..<L.nout { orow[c] = zr[c] * tp[c] }
                    }
                }
                switch L.skip {
                case .none: break
                case .add:
                    for k in 0..<size { o[k] += h[k] }
                case .concat:
                    for r in 0..<rows {
                        let hr = h + r * L.nin, orow = o + r * L.nout
                        for c in 0..<L.nin {
                            let v = hr[c]
                            orow[c] += v
                            orow[L.nin + c] += v
                        }
                    }
                }
            } else {
                // One pass: o = y + skip(h).
                switch L.skip {
                case .none: o.update(from: z, count: size)
                case .add:
                    for k in 0..<size { o[k] = z[k] + h[k] }
                case .concat:
                    for r in 0..<rows {
                        let hr = h + r * L.nin, zr = z + r * L.nout, orow = o + r * L.nout
                        for c in 0..<L.nin {
                            let v = hr[c]
                            orow[c] = zr[c] + v
                            orow[L.nin + c] = zr[L.nin + c] + v
                        }
                    }
                }
            }
            h = UnsafePointer(o)
        }
        return UnsafeMutablePointer(mutating: h)
    }

    /// Backward pass: from ∂E/∂output (`gradOut`, rows × outputs, read only) to ∂E/∂input written
    /// into `gradIn` (rows × nin of the first layer), using the forward pass's `acts`; `dz`,
    /// `ping` and `pong` are scratch.
    func backward(gradOut: UnsafePointer<E>, rows: Int, acts: [ScratchBuffer<E>], gradIn: UnsafeMutablePointer<E>,
                  dz dzBuffer: inout ScratchBuffer<E>, ping: inout ScratchBuffer<E>, pong: inout ScratchBuffer<E>) {
        var g = gradOut
        var usePing = true
        for l in stride(from: layers.count - 1, through: 0, by: -1) {
            let L = layers[l]
            let nextSize = rows * L.nin
            let count = rows * L.nout
            // dz = dOut ⊙ t ⊙ (1 − y²) for tanh layers, dOut for the linear one.
            let dz = dzBuffer.ensure(count)
            let y = acts[l].base!
            if L.tanh {
                if let t = L.timestep {
                    t.withUnsafeBufferPointer { tp in
                        for r in 0..<rows {
                            let k0 = r * L.nout
                            for c in 0..<L.nout {
                                let k = k0 + c, yv = y[k]
                                dz[k] = g[k] * tp[c] * (1 - yv * yv)
                            }
                        }
                    }
                } else {
                    for k in 0..<count { let yv = y[k]; dz[k] = g[k] * (1 - yv * yv) }
                }
            } else {
                dz.update(from: g, count: count)
            }
            let gin: UnsafeMutablePointer<E>
            if l == 0 {
                gin = gradIn
            } else {
                gin = usePing ? ping.ensure(nextSize) : pong.ensure(nextSize)
                usePing.toggle()
            }
            switch L.skip {
            case .none: break
            case .add: gin.update(from: g, count: nextSize)
            case .concat:
                for r in 0..<rows {
                    let gr = g + r * L.nout, ir = gin + r * L.nin
                    for c in 0..<L.nin { ir[c] = gr[c] + gr[L.nin + c] }
                }
            }
            L.weight.withUnsafeBufferPointer { w in
                if L.nin == 1 {
                    // Scalar input: one dot product per row.
                    let keep = L.skip != .none
                    for r in 0..<rows {
                        let dzr = dz + r * L.nout
                        var acc: E = 0
                        for c in 0..<L.nout { acc += dzr[c] * w[c] }
                        gin[r] = keep ? gin[r] + acc : acc
                    }
                } else {
                    E.gemm(CblasNoTrans, CblasTrans, rows, L.nin, L.nout, 1, dz, L.nout, w.baseAddress!, L.nout,
                           L.skip == .none ? 0 : 1, gin, L.nin)
                }
            }
            g = UnsafePointer(gin)
        }
    }
}



/// A growable scratch buffer owned by a ``FusedWorkspace`` (freed by it). Contents are undefined
/// after it grows; callers overwrite what they read.
struct ScratchBuffer<E> {
    private(set) var base: UnsafeMutablePointer<E>? = nil
    private(set) var capacity = 0

    /// A pointer to at least `count` elements.
    @inline(__always) mutating func ensure(_ count: Int) -> UnsafeMutablePointer<E> {
        if count > capacity || base == nil {
            base?.deallocate()
            capacity = Swift.max(count, 1)
            base = .allocate(capacity: capacity)
        }
        return base!
    }

    /// Frees the storage.
    mutating func free() {
        base?.deallocate()
        base = nil
        capacity = 0
    }
}

/// The precision the deep potential's networks run in on the fused path (DeePMD-kit's `precision`).
/// Environment geometry, the deep-set contractions, per-atom energy sums, forces and the virial stay
/// float64 in both; "mixed" runs the embedding and fitting nets in float32 (weights rounded at load,
/// inputs and outputs converted at each net's boundary). A compressed model's embedding is a table,
/// not a net, and stays float64.
public enum NetworkPrecision: String, Sendable, CaseIterable {
    /// Everything in float64.
    case float64
    /// Networks in float32, everything around them in float64.
    case mixed
}

/// A fitting or embedding net as the fused path runs it: on float64 rows in and out, whatever
/// precision it computes in. One call per batch of atoms (never per atom).
protocol FusedRunnableNet {
    /// Forward pass over `rows` inputs; returns the outputs (rows × width), valid until the next
    /// forward with the same scratch, and kept for ``lastOutput(_:)`` and the backward pass.
    func forward(_ input: UnsafePointer<Double>, rows: Int, scratch: NetScratch) -> UnsafeMutablePointer<Double>
    /// The outputs of the last forward pass with `scratch`.
    func lastOutput(_ scratch: NetScratch) -> UnsafeMutablePointer<Double>
    /// ∂E/∂input (rows × input width, written into `gradIn`) from ∂E/∂output.
    func backward(gradOut: UnsafePointer<Double>, rows: Int, scratch: NetScratch, gradIn: UnsafeMutablePointer<Double>,
                  shared: SharedScratch)
}

/// One use of a net (a neighbor type's embedding, the empty-slot input, the fitting): the forward
/// pass's activations in either precision and the float64 copies of a float32 net's output.
final class NetScratch {
    var acts: [RawBuffer] = [], outs: [RawBuffer] = []
    var acts32: [ScratchBuffer<Float>] = [], outs32: [ScratchBuffer<Float>] = []
    var input32 = ScratchBuffer<Float>(), output64 = RawBuffer()

    deinit {
        for k in acts.indices { acts[k].free() }
        for k in outs.indices { outs[k].free() }
        for k in acts32.indices { acts32[k].free() }
        for k in outs32.indices { outs32[k].free() }
        input32.free(); output64.free()
    }
}

/// Scratch shared by every backward pass of one thread.
final class SharedScratch {
    var dz = RawBuffer(), ping = RawBuffer(), pong = RawBuffer()
    var dz32 = ScratchBuffer<Float>(), ping32 = ScratchBuffer<Float>(), pong32 = ScratchBuffer<Float>()
    var gradOut32 = ScratchBuffer<Float>(), gradIn32 = ScratchBuffer<Float>()

    deinit {
        dz.free(); ping.free(); pong.free(); dz32.free(); ping32.free(); pong32.free(); gradOut32.free(); gradIn32.free()
    }
}

extension FusedNet: FusedRunnableNet where E == Double {
    func forward(_ input: UnsafePointer<Double>, rows: Int, scratch: NetScratch) -> UnsafeMutablePointer<Double> {
        forward(input, rows: rows, acts: &scratch.acts, outs: &scratch.outs)
    }

    func lastOutput(_ scratch: NetScratch) -> UnsafeMutablePointer<Double> {
        output(layers.count - 1, acts: scratch.acts, outs: scratch.outs)
    }

    func backward(gradOut: UnsafePointer<Double>, rows: Int, scratch: NetScratch, gradIn: UnsafeMutablePointer<Double>,
                  shared: SharedScratch) {
        backward(gradOut: gradOut, rows: rows, acts: scratch.acts, gradIn: gradIn, dz: &shared.dz, ping: &shared.ping,
                 pong: &shared.pong)
    }
}

/// A float32 net on float64 rows: inputs rounded to float32 on the way in, outputs and gradients
/// widened to float64 on the way out.
struct MixedPrecisionNet: FusedRunnableNet {
    let net: FusedNet<Float>

    var inputs: Int { net.layers[0].nin }

    func forward(_ input: UnsafePointer<Double>, rows: Int, scratch: NetScratch) -> UnsafeMutablePointer<Double> {
        let nin = inputs, nout = net.outputs
        let x = scratch.input32.ensure(rows * nin)
        for k in 0..<(rows * nin) { x[k] = Float(input[k]) }
        let y = net.forward(x, rows: rows, acts: &scratch.acts32, outs: &scratch.outs32)
        let out = scratch.output64.ensure(rows * nout)
        for k in 0..<(rows * nout) { out[k] = Double(y[k]) }
        return out
    }

    func lastOutput(_ scratch: NetScratch) -> UnsafeMutablePointer<Double> { scratch.output64.base! }

    func backward(gradOut: UnsafePointer<Double>, rows: Int, scratch: NetScratch, gradIn: UnsafeMutablePointer<Double>,
                  shared: SharedScratch) {
        let nin = inputs, nout = net.outputs
        let g = shared.gradOut32.ensure(rows * nout)
        for k in 0..<(rows * nout) { g[k] = Float(gradOut[k]) }
        let gin = shared.gradIn32.ensure(rows * nin)
        net.backward(gradOut: g, rows: rows, acts: scratch.acts32, gradIn: gin, dz: &shared.dz32, ping: &shared.ping32,
                     pong: &shared.pong32)
        for k in 0..<(rows * nin) { gradIn[k] = Double(gin[k]) }
    }
}

extension DeepPotentialModel {
    /// The embedding and fitting nets in `precision`, read once per evaluation.
    func runnableNets(_ precision: NetworkPrecision) -> (embeddings: [any FusedRunnableNet], fittings: [any FusedRunnableNet]) {
        switch precision {
        case .float64:
            (embeddings.map { FusedNet<Double>($0) }, fittings.map { FusedNet<Double>($0) })
        case .mixed:
            (embeddings.map { MixedPrecisionNet(net: FusedNet<Float>($0)) }, fittings.map { MixedPrecisionNet(net: FusedNet<Float>($0)) })
        }
    }
}

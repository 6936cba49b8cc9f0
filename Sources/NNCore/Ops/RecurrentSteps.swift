import CBLAS
import Synchronization

#if canImport(Glibc)
import Glibc
/// An identifier of the calling thread (a backward pass runs on one thread).
private func currentThreadKey() -> UInt { UInt(pthread_self()) }
#elseif canImport(Darwin)
import Darwin
/// An identifier of the calling thread (a backward pass runs on one thread).
private func currentThreadKey() -> UInt { UInt(bitPattern: pthread_self()) }
#endif

// How a recurrent layer's loop sits on the tape.
//
// The weights W, U, the biases and the input sequence x are the inputs of one "weights" node
// recorded before the loop (a scalar standing for all of them). Each step's matmul op takes
// that node and h_{t−1} as inputs: its value is x_t·W + b + h_{t−1}·U, with x·W taken from one
// dgemm over all steps. In the backward pass a step op returns dh = dz·Uᵀ at once and hands
// its dz (with h_{t−1}) to a stash; the weights node, whose backward runs after the backward of
// every step op that consumes it (as in any reverse sweep: a node's gradient is complete only
// then), turns the stash into dW = Xᵀ·dZ, dU = H₋ᵀ·dZ, db = Σ dZ and dx = dZ·Wᵀ, one dgemm each
// with inner extent T·N instead of T small ones, and without T accumulations of [H, G].
//
// Everything in those backward closures is a differentiable tensor op (matmul, concatenate,
// sum), so under `createGraph` the gradient is itself on the tape and can be differentiated
// again. The stash is kept per thread, so backward passes through the same forward graph on
// different threads do not mix; it is emptied by the weights node at the end of each pass.

/// Per-step gradients of a recurrent run collected during one backward pass (per thread).
final class StepGradientStash: @unchecked Sendable {
    /// One pass's gradients by step: of the input projection, of the recurrent projection
    /// (nil when shared with the input one), and the h_{t−1} each recurrent one multiplies.
    struct Entry {
        var input: [Tensor?]
        var recurrent: [Tensor?]
        var hPrev: [Tensor?]
    }

    private let entries = Mutex<[UInt: Entry]>([:])
    private let steps: Int

    /// An empty stash for a sequence of `steps` steps.
    init(steps: Int) { self.steps = steps }

    /// Stores step t's gradients for the calling thread's pass.
    func put(step t: Int, input: Tensor? = nil, recurrent: Tensor? = nil, hPrev: Tensor? = nil) {
        let key = currentThreadKey(), n = steps
        entries.withLock { e in
            if e[key] == nil {
                e[key] = Entry(input: .init(repeating: nil, count: n), recurrent: .init(repeating: nil, count: n),
                               hPrev: .init(repeating: nil, count: n))
            }
            if let input { e[key]!.input[t] = input }
            if let recurrent { e[key]!.recurrent[t] = recurrent }
            if let hPrev { e[key]!.hPrev[t] = hPrev }
        }
    }

    /// The calling thread's gradients, removed from the stash (nil when no step stored any).
    func take() -> Entry? {
        let key = currentThreadKey()
        return entries.withLock { $0.removeValue(forKey: key) }
    }
}

/// One run of a recurrent layer over a sequence: the precomputed input projection, the
/// weights node and the per-step matmul ops (see the comment at the top of this file).
struct RecurrentRun {
    /// T, N, H and the gate width G (4H for an LSTM, 3H for a GRU, H for an RNN).
    let steps: Int, batch: Int, hidden: Int, gates: Int
    /// x·W for every step, [T·N, G] row-major (no bias), in the sequence's dtype.
    let pre: Tensor
    /// b (added to each step's input projection), or nil.
    let inputBias: Tensor?
    /// U, [H, G].
    let recurrentWeight: Tensor
    /// GRU's b_h (added to each step's recurrent projection), or nil.
    let recurrentBias: Tensor?
    /// The node standing for x, W, U and the biases.
    let weights: Tensor
    /// Where step ops leave their gradients for the weights node.
    let stash: StepGradientStash

    /// Projects every step's input in one dgemm and records the weights node.
    ///
    /// - Parameters:
    ///   - shared: true when each step has one preactivation x_t·W + b + h·U (LSTM, RNN); false
    ///     when the input and recurrent projections stay apart (GRU).
    init(_ seq: SequenceInput, w: Tensor, inputBias: Tensor?, u: Tensor, recurrentBias: Tensor?, shared: Bool) {
        let t = seq.steps, n = seq.batch, f = seq.features, g = w.shape[1], hd = u.shape[0]
        precondition(w.shape == [f, g] && u.shape == [hd, g] && (inputBias == nil || inputBias!.shape == [g])
                     && (recurrentBias == nil || recurrentBias!.shape == [g]),
                     "RecurrentRun: W \(w.shape), U \(u.shape) do not fit inputs of width \(f)")
        steps = t
        batch = n
        hidden = hd
        gates = g
        self.inputBias = inputBias
        recurrentWeight = u
        self.recurrentBias = recurrentBias
        pre = withNoGrad { Tensor.matmul(seq.values, w.detached()) }
        let stash = StepGradientStash(steps: t)
        self.stash = stash
        let xs = seq.tapeInputs, single = seq.isSingleTensor
        var inputs = xs + [w, u]
        if let inputBias { inputs.append(inputBias) }
        if let recurrentBias { inputs.append(recurrentBias) }
        let dtype = seq.dtype
        weights = Tensor.record("recurrentWeights", value: Tensor.zeros([], dtype: dtype), inputs: inputs) { _, _, need in
            guard let e = stash.take() else { return need.map { _ in nil } }
            let zIn = Tensor.concatenate((0..<t).map { e.input[$0] ?? Tensor.zeros([n, g], dtype: dtype) }, axis: 0)
            let zRec = shared ? zIn : Tensor.concatenate((0..<t).map { e.recurrent[$0] ?? Tensor.zeros([n, g], dtype: dtype) }, axis: 0)
            var grads: [Tensor?] = []
            let nx = xs.count
            if need[0..<nx].contains(true) {
                let dx = Tensor.matmul(zIn, w, transposeB: true)  // [T·N, F]
                if single {
                    grads.append(dx.reshaped([t, n, f]))
                } else {
                    for s in 0..<t { grads.append(need[s] ? dx.narrowed(axis: 0, start: s * n, length: n) : nil) }
                }
            } else {
                grads += [Tensor?](repeating: nil, count: nx)
            }
            if need[nx] {
                let x = single ? xs[0].reshaped([t * n, f]) : Tensor.concatenate(xs, axis: 0)
                grads.append(Tensor.matmul(x, zIn, transposeA: true))
            } else {
                grads.append(nil)
            }
            if need[nx + 1] {
                let hPrev = Tensor.concatenate((0..<t).map { e.hPrev[$0] ?? Tensor.zeros([n, hd], dtype: dtype) }, axis: 0)
                grads.append(Tensor.matmul(hPrev, zRec, transposeA: true))
            } else {
                grads.append(nil)
            }
            var k = nx + 2
            if inputBias != nil {
                grads.append(need[k] ? zIn.sum(toShape: [g]) : nil)
                k += 1
            }
            if recurrentBias != nil { grads.append(need[k] ? zRec.sum(toShape: [g]) : nil) }
            return grads
        }
    }

    /// `pre` rows of step t plus `bias` (when given), then `+= h·U` (when `h` is given), as a new
    /// tensor in the run's dtype.
    private func stepValues(_ t: Int, fromPre: Bool, bias: Tensor?, h: Tensor?) -> Tensor {
        let n = batch, g = gates, hd = hidden, off = t * n * g
        let u = recurrentWeight
        func run<E: TensorScalar>(_ pre: [E], _ bias: [E]?, _ h: [E]?, _ u: [E]) -> [E] {
            Kernels.fill(n * g) { (c: UnsafeMutableBufferPointer<E>) in
                guard n * g > 0 else { return }
                let cp = c.baseAddress!
                pre.withUnsafeBufferPointer { pp in
                    let src = pp.baseAddress! + off
                    switch (fromPre, bias) {
                    case (true, nil): cp.update(from: src, count: n * g)
                    case (true, let b?):
                        b.withUnsafeBufferPointer { bp in
                            for r in 0..<n {
                                for j in 0..<g { cp[r * g + j] = src[r * g + j] + bp[j] }
                            }
                        }
                    case (false, nil): cp.initialize(repeating: 0, count: n * g)
                    case (false, let b?):
                        b.withUnsafeBufferPointer { bp in
                            for r in 0..<n { (cp + r * g).update(from: bp.baseAddress!, count: g) }
                        }
                    }
                }
                if let h, hd > 0 {
                    h.withUnsafeBufferPointer { hp in
                        u.withUnsafeBufferPointer { up in
                            E.gemm(CblasNoTrans, CblasNoTrans, n, g, hd, 1, hp.baseAddress!, hd, up.baseAddress!, g, 1, cp, g)
                        }
                    }
                }
            }
        }
        if pre.dtype == .float32 && u.dtype == .float32 && (bias?.dtype ?? .float32) == .float32 && (h?.dtype ?? .float32) == .float32 {
            return Tensor(shape: [n, g], floats: run(pre.f32, bias?.f32, h?.f32, u.f32))
        }
        return Tensor(shape: [n, g], scalars: run(pre.scalars, bias?.scalars, h?.scalars, u.scalars))
    }

    /// Step t's preactivation x_t·W + b + h_{t−1}·U, [N, G] (LSTM, RNN).
    func preactivation(step t: Int, h: Tensor) -> Tensor {
        precondition(h.shape == [batch, hidden], "RecurrentRun: state \(h.shape) is not [\(batch), \(hidden)]")
        let out = stepValues(t, fromPre: true, bias: inputBias, h: h)
        let u = recurrentWeight, stash = stash
        return Tensor.record("recurrentStep", value: out, inputs: [weights, h]) { _, dz, need in
            if need[0] { stash.put(step: t, input: dz, hPrev: h) }
            return [need[0] ? Tensor(0.0) : nil, need[1] ? Tensor.matmul(dz, u, transposeB: true) : nil]
        }
    }

    /// Step t's input projection x_t·W + b, [N, G] (GRU).
    func inputProjection(step t: Int) -> Tensor {
        let out = stepValues(t, fromPre: true, bias: inputBias, h: nil)
        let stash = stash
        return Tensor.record("recurrentInputStep", value: out, inputs: [weights]) { _, dz, _ in
            stash.put(step: t, input: dz)
            return [Tensor(0.0)]
        }
    }

    /// Step t's recurrent projection h_{t−1}·U + b_h, [N, G] (GRU).
    func recurrentProjection(step t: Int, h: Tensor) -> Tensor {
        precondition(h.shape == [batch, hidden], "RecurrentRun: state \(h.shape) is not [\(batch), \(hidden)]")
        let out = stepValues(t, fromPre: false, bias: recurrentBias, h: h)
        let u = recurrentWeight, stash = stash
        return Tensor.record("recurrentHiddenStep", value: out, inputs: [weights, h]) { _, dz, need in
            if need[0] { stash.put(step: t, recurrent: dz, hPrev: h) }
            return [need[0] ? Tensor(0.0) : nil, need[1] ? Tensor.matmul(dz, u, transposeB: true) : nil]
        }
    }
}

/// A gated recurrent unit layer (Cho et al. 2014) over time-major sequences [T, N, F], with
/// PyTorch's equations.
///
/// With x_t [N, F], h [N, H], the input projection x_t·W + b_i and the recurrent projection
/// h_{t−1}·U + b_h (each [N, 3H], blocks r | z | n):
///
///     r = σ(x·W_r + b_ir + h·U_r + b_hr)
///     z = σ(x·W_z + b_iz + h·U_z + b_hz)
///     n = tanh(x·W_n + b_in + r ⊙ (h·U_n + b_hn))
///     h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
///
/// The inputs of all steps are projected in one dgemm before the loop; each step then does one
/// dgemm (h·U + b_h) and a fused gate kernel.
public final class GRU: Layer {
    /// Input weights W, [F, 3H] (blocks r, z, n).
    public let inputWeight: Parameter
    /// Recurrent weights U, [H, 3H] (blocks r, z, n).
    public let recurrentWeight: Parameter
    /// Input bias b_i, [3H], or nil.
    public let inputBias: Parameter?
    /// Recurrent bias b_h, [3H], or nil (it sits inside r ⊙ (·) for the n block).
    public let recurrentBias: Parameter?

    /// A GRU with weights and biases drawn from U(−1/√H, 1/√H) (PyTorch's initialisation).
    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true, using rng: inout RandomGenerator) {
        precondition(inputSize >= 0 && hiddenSize > 0, "GRU: sizes must be positive, got \(inputSize), \(hiddenSize)")
        inputWeight = Parameter(recurrentUniform([inputSize, 3 * hiddenSize], hidden: hiddenSize, using: &rng))
        recurrentWeight = Parameter(recurrentUniform([hiddenSize, 3 * hiddenSize], hidden: hiddenSize, using: &rng))
        inputBias = bias ? Parameter(recurrentUniform([3 * hiddenSize], hidden: hiddenSize, using: &rng)) : nil
        recurrentBias = bias ? Parameter(recurrentUniform([3 * hiddenSize], hidden: hiddenSize, using: &rng)) : nil
    }

    /// A GRU with the given W [F, 3H], U [H, 3H] and optional biases b_i, b_h [3H].
    public init(inputWeight: Tensor, recurrentWeight: Tensor, inputBias: Tensor?, recurrentBias: Tensor?) {
        let h = recurrentWeight.shape.first ?? 0
        precondition(inputWeight.rank == 2 && inputWeight.shape[1] == 3 * h && recurrentWeight.shape == [h, 3 * h] && h > 0
                     && (inputBias == nil || inputBias!.shape == [3 * h])
                     && (recurrentBias == nil || recurrentBias!.shape == [3 * h]),
                     "GRU: W \(inputWeight.shape), U \(recurrentWeight.shape), biases \(inputBias?.shape ?? []), \(recurrentBias?.shape ?? []) do not fit")
        self.inputWeight = Parameter(inputWeight)
        self.recurrentWeight = Parameter(recurrentWeight)
        self.inputBias = inputBias.map { Parameter($0) }
        self.recurrentBias = recurrentBias.map { Parameter($0) }
    }

    /// Input width F.
    public var inputSize: Int { inputWeight.shape[0] }
    /// Hidden width H.
    public var hiddenSize: Int { recurrentWeight.shape[0] }

    /// The hidden states [T, N, H] of a sequence [T, N, F] from the zero state.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        self(x, initialState: nil).states
    }

    /// Every hidden state [T, N, H] and the final h of a sequence [T, N, F] (zero initial state when nil).
    public func callAsFunction(_ x: Tensor, initialState: Tensor?) -> RecurrentOutput<Tensor> {
        let seq = SequenceInput(x, features: inputSize, layer: "GRU")
        let (hs, final) = run(seq, initialState)
        return RecurrentOutput(states: stackStates(hs, batch: seq.batch, hidden: hiddenSize, dtype: seq.dtype), final: final)
    }

    /// The hidden state after each of the per-step inputs `steps` (each [N, F]) and the final h.
    public func callAsFunction(steps: [Tensor], initialState: Tensor?) -> (states: [Tensor], final: Tensor) {
        run(SequenceInput(steps: steps, features: inputSize, layer: "GRU"), initialState)
    }

    /// The recurrent loop.
    private func run(_ seq: SequenceInput, _ h0: Tensor?) -> ([Tensor], Tensor) {
        let n = seq.batch, hd = hiddenSize
        var h = initialState(h0, batch: n, hidden: hd, layer: "GRU", name: "initial h", dtype: seq.dtype)
        guard seq.steps > 0 else { return ([], h) }
        let tape = RecurrentRun(seq, w: inputWeight.value(as: seq.dtype), inputBias: inputBias?.value(as: seq.dtype),
                                u: recurrentWeight.value(as: seq.dtype), recurrentBias: recurrentBias?.value(as: seq.dtype),
                                shared: false)
        var hs: [Tensor] = []
        hs.reserveCapacity(seq.steps)
        for t in 0..<seq.steps {
            h = Tensor.gruCell(tape.inputProjection(step: t), tape.recurrentProjection(step: t, h: h), h)
            hs.append(h)
        }
        return (hs, h)
    }
}

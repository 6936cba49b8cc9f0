/// The (h, c) state of an LSTM, each [N, H].
public struct LSTMState {
    /// Hidden state h.
    public var hidden: Tensor
    /// Cell state c.
    public var cell: Tensor

    /// A state from its two parts.
    public init(hidden: Tensor, cell: Tensor) {
        self.hidden = hidden
        self.cell = cell
    }

    /// The zero state for a batch of `batch` and width `hidden`.
    public static func zeros(batch: Int, hidden: Int) -> LSTMState {
        LSTMState(hidden: .zeros([batch, hidden]), cell: .zeros([batch, hidden]))
    }
}

/// A long short-term memory layer (Hochreiter & Schmidhuber 1997, with a forget gate) over
/// time-major sequences [T, N, F].
///
/// With x_t [N, F], h, c [N, H] and the gate pre-activations
/// z = x_t·W + h_{t−1}·U + b = [z_i | z_f | z_g | z_o] (PyTorch's block order, each [N, H]),
/// i = σ(z_i), f = σ(z_f), g = tanh(z_g), o = σ(z_o), the ``LSTMVariant/standard`` cell is
///
///     c_t = f ⊙ c_{t−1} + i ⊙ g,    h_t = o ⊙ tanh(c_t),
///
/// and the ``LSTMVariant/lectureNotes`` cell is
///
///     c_t = (1 − f) ⊙ c_{t−1} + i ⊙ g,    h_t = o ⊙ c_t.
///
/// The lecture-notes cell is *not* the standard cell: its f is a "forget" gate in the literal
/// sense (f = 1 erases the memory, f = 0 keeps it), and h = o ⊙ c has no tanh, so h is not
/// confined to (−1, 1) but follows c. It is also not Greff et al.'s coupled input–forget gate
/// (CIFG) cell (“LSTM: A Search Space Odyssey”, 2017), which ties the *input* gate to the
/// forget gate, c_t = f ⊙ c_{t−1} + (1 − f) ⊙ g, and keeps h = o ⊙ tanh(c): here i and f stay
/// independent.
///
/// The inputs of all steps are projected by W in one dgemm before the loop; each step is then
/// one recorded matmul op (adds h·U, one dgemm) and two recorded fused-kernel ops (c_t, then
/// h_t). Backpropagation through time is the tape's: the weight gradients of all steps are
/// gathered into one dgemm each (see `RecurrentSteps.swift`), and under `createGraph` the
/// backward is built from differentiable ops (gate blocks sliced with `narrowed`), so
/// gradients can be differentiated again.
///
/// - Complexity: O(T·N·H·(F + H)) per forward and backward pass.
public final class LSTM: Layer {
    /// Input weights W, [F, 4H] (blocks i, f, g, o).
    public let inputWeight: Parameter
    /// Recurrent weights U, [H, 4H] (blocks i, f, g, o).
    public let recurrentWeight: Parameter
    /// Bias b, [4H], or nil for a layer without bias.
    public let bias: Parameter?
    /// Which cell equations the layer uses.
    public let variant: LSTMVariant

    /// An LSTM with weights and bias drawn from U(−1/√H, 1/√H) (PyTorch's initialisation).
    public init(inputSize: Int, hiddenSize: Int, variant: LSTMVariant = .standard, bias: Bool = true,
                using rng: inout RandomGenerator) {
        precondition(inputSize >= 0 && hiddenSize > 0, "LSTM: sizes must be positive, got \(inputSize), \(hiddenSize)")
        inputWeight = Parameter(recurrentUniform([inputSize, 4 * hiddenSize], hidden: hiddenSize, using: &rng))
        recurrentWeight = Parameter(recurrentUniform([hiddenSize, 4 * hiddenSize], hidden: hiddenSize, using: &rng))
        self.bias = bias ? Parameter(recurrentUniform([4 * hiddenSize], hidden: hiddenSize, using: &rng)) : nil
        self.variant = variant
    }

    /// An LSTM with the given W [F, 4H], U [H, 4H] and optional b [4H].
    public init(inputWeight: Tensor, recurrentWeight: Tensor, bias: Tensor?, variant: LSTMVariant = .standard) {
        let h = recurrentWeight.shape.first ?? 0
        precondition(inputWeight.rank == 2 && inputWeight.shape[1] == 4 * h && recurrentWeight.shape == [h, 4 * h]
                     && (bias == nil || bias!.shape == [4 * h]) && h > 0,
                     "LSTM: W \(inputWeight.shape), U \(recurrentWeight.shape), b \(bias?.shape ?? []) do not fit")
        self.inputWeight = Parameter(inputWeight)
        self.recurrentWeight = Parameter(recurrentWeight)
        self.bias = bias.map { Parameter($0) }
        self.variant = variant
    }

    /// Input width F.
    public var inputSize: Int { inputWeight.shape[0] }
    /// Hidden width H.
    public var hiddenSize: Int { recurrentWeight.shape[0] }

    /// The hidden states [T, N, H] of a sequence [T, N, F] from the zero state.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        self(x, initialState: nil).states
    }

    /// Every hidden state [T, N, H] and the final (h, c) of a sequence [T, N, F] (zero initial state when nil).
    public func callAsFunction(_ x: Tensor, initialState: LSTMState?) -> RecurrentOutput<LSTMState> {
        let seq = SequenceInput(x, features: inputSize, layer: "LSTM")
        let (hs, final) = run(seq, initialState)
        return RecurrentOutput(states: stackStates(hs, batch: seq.batch, hidden: hiddenSize, dtype: seq.dtype), final: final)
    }

    /// The hidden state after each of the per-step inputs `steps` (each [N, F]) and the final (h, c).
    public func callAsFunction(steps: [Tensor], initialState: LSTMState?) -> (states: [Tensor], final: LSTMState) {
        run(SequenceInput(steps: steps, features: inputSize, layer: "LSTM"), initialState)
    }

    /// One time step: the state after input x_t [N, F] from `state`.
    public func step(_ x: Tensor, state: LSTMState?) -> LSTMState {
        self(steps: [x], initialState: state).final
    }

    /// The recurrent loop.
    private func run(_ seq: SequenceInput, _ s0: LSTMState?) -> ([Tensor], LSTMState) {
        let n = seq.batch, hd = hiddenSize
        var h = initialState(s0?.hidden, batch: n, hidden: hd, layer: "LSTM", name: "initial h", dtype: seq.dtype)
        var c = initialState(s0?.cell, batch: n, hidden: hd, layer: "LSTM", name: "initial c", dtype: seq.dtype)
        guard seq.steps > 0 else { return ([], LSTMState(hidden: h, cell: c)) }
        let tape = RecurrentRun(seq, w: inputWeight.value(as: seq.dtype), inputBias: bias?.value(as: seq.dtype),
                                u: recurrentWeight.value(as: seq.dtype),
                                recurrentBias: nil, shared: true)
        var hs: [Tensor] = []
        hs.reserveCapacity(seq.steps)
        for t in 0..<seq.steps {
            (h, c) = Tensor.lstmCell(tape.preactivation(step: t, h: h), c, variant: variant)
            hs.append(h)
        }
        return (hs, LSTMState(hidden: h, cell: c))
    }
}

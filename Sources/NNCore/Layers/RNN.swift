/// An Elman (vanilla) recurrent layer over time-major sequences [T, N, F], with an optional
/// linear output projection.
///
/// In the column-vector notation of the lecture notes, h_t = tanh(W_hh h_{t−1} + W_hx x_t + b)
/// and y_t = W_yh h_t. Batches are rows here, so the layer stores the transposes:
/// h_t = tanh(x_t·W + h_{t−1}·U + b) with W = W_hxᵀ [F, H], U = W_hhᵀ [H, H], and
/// y_t = h_t·V with V = W_yhᵀ [H, O].
///
/// The inputs of all steps are projected in one dgemm before the loop; each step then adds
/// h·U (one dgemm) and applies tanh. The output projection is one dgemm over all steps.
public final class RNN: Layer {
    /// Input weights W = W_hxᵀ, [F, H].
    public let inputWeight: Parameter
    /// Recurrent weights U = W_hhᵀ, [H, H].
    public let recurrentWeight: Parameter
    /// Bias b, [H], or nil for a layer without bias.
    public let bias: Parameter?
    /// Output projection V = W_yhᵀ, [H, O], or nil for a layer that returns its hidden states.
    public let outputWeight: Parameter?

    /// An RNN with weights and bias drawn from U(−1/√H, 1/√H) (PyTorch's initialisation); the
    /// output projection (when `outputSize` is given) is Glorot-uniform.
    public init(inputSize: Int, hiddenSize: Int, outputSize: Int? = nil, bias: Bool = true,
                using rng: inout RandomGenerator) {
        precondition(inputSize >= 0 && hiddenSize > 0 && (outputSize ?? 1) > 0,
                     "RNN: sizes must be positive, got \(inputSize), \(hiddenSize), \(outputSize.map(String.init) ?? "nil")")
        inputWeight = Parameter(recurrentUniform([inputSize, hiddenSize], hidden: hiddenSize, using: &rng))
        recurrentWeight = Parameter(recurrentUniform([hiddenSize, hiddenSize], hidden: hiddenSize, using: &rng))
        self.bias = bias ? Parameter(recurrentUniform([hiddenSize], hidden: hiddenSize, using: &rng)) : nil
        outputWeight = outputSize.map {
            Parameter(Initializer.glorotUniform.make([hiddenSize, $0], fanIn: hiddenSize, fanOut: $0, using: &rng))
        }
    }

    /// An RNN with the given W [F, H], U [H, H], optional b [H] and optional V [H, O].
    public init(inputWeight: Tensor, recurrentWeight: Tensor, bias: Tensor?, outputWeight: Tensor? = nil) {
        let h = recurrentWeight.shape.first ?? 0
        precondition(inputWeight.rank == 2 && inputWeight.shape[1] == h && recurrentWeight.shape == [h, h] && h > 0
                     && (bias == nil || bias!.shape == [h])
                     && (outputWeight == nil || (outputWeight!.rank == 2 && outputWeight!.shape[0] == h)),
                     "RNN: W \(inputWeight.shape), U \(recurrentWeight.shape), b \(bias?.shape ?? []), V \(outputWeight?.shape ?? []) do not fit")
        self.inputWeight = Parameter(inputWeight)
        self.recurrentWeight = Parameter(recurrentWeight)
        self.bias = bias.map { Parameter($0) }
        self.outputWeight = outputWeight.map { Parameter($0) }
    }

    /// Input width F.
    public var inputSize: Int { inputWeight.shape[0] }
    /// Hidden width H.
    public var hiddenSize: Int { recurrentWeight.shape[0] }
    /// Output width O (H when there is no output projection).
    public var outputSize: Int { outputWeight?.shape[1] ?? hiddenSize }

    /// The outputs y_t [T, N, O] of a sequence [T, N, F] from the zero state (the hidden states
    /// [T, N, H] when there is no output projection).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        project(self(x, initialState: nil).states)
    }

    /// Every hidden state [T, N, H] and the final h of a sequence [T, N, F] (zero initial state when nil).
    public func callAsFunction(_ x: Tensor, initialState: Tensor?) -> RecurrentOutput<Tensor> {
        let seq = SequenceInput(x, features: inputSize, layer: "RNN")
        let (hs, final) = run(seq, initialState)
        return RecurrentOutput(states: stackStates(hs, batch: seq.batch, hidden: hiddenSize, dtype: seq.dtype), final: final)
    }

    /// The hidden state after each of the per-step inputs `steps` (each [N, F]) and the final h.
    public func callAsFunction(steps: [Tensor], initialState: Tensor?) -> (states: [Tensor], final: Tensor) {
        run(SequenceInput(steps: steps, features: inputSize, layer: "RNN"), initialState)
    }

    /// y = h·V for hidden states [..., H] (one dgemm over all steps); `states` unchanged without projection.
    public func project(_ states: Tensor) -> Tensor {
        guard let v = outputWeight?.value else { return states }
        precondition(states.shape.last == hiddenSize, "RNN.project: states \(states.shape) are not [..., \(hiddenSize)]")
        let lead = Array(states.shape.dropLast())
        let flat = states.reshaped([lead.reduce(1, *), hiddenSize])
        return Tensor.matmul(flat, v).reshaped(lead + [v.shape[1]])
    }

    /// The recurrent loop.
    private func run(_ seq: SequenceInput, _ h0: Tensor?) -> ([Tensor], Tensor) {
        let n = seq.batch, hd = hiddenSize
        var h = initialState(h0, batch: n, hidden: hd, layer: "RNN", name: "initial h", dtype: seq.dtype)
        guard seq.steps > 0 else { return ([], h) }
        let tape = RecurrentRun(seq, w: inputWeight.value(as: seq.dtype), inputBias: bias?.value(as: seq.dtype),
                                u: recurrentWeight.value(as: seq.dtype),
                                recurrentBias: nil, shared: true)
        var hs: [Tensor] = []
        hs.reserveCapacity(seq.steps)
        for t in 0..<seq.steps {
            h = tape.preactivation(step: t, h: h).tanh()
            hs.append(h)
        }
        return (hs, h)
    }
}

import RealModule

/// What a recurrent layer returns for a whole sequence: every hidden state and the final state.
public struct RecurrentOutput<State> {
    /// The hidden state after each step, time-major [T, N, H].
    public var states: Tensor
    /// The state after the last step (h, or (h, c) for an LSTM); the initial state when T = 0.
    public var final: State

    /// An output from its parts.
    public init(states: Tensor, final: State) {
        self.states = states
        self.final = final
    }
}

/// A sequence seen by the recurrent layers: its values as one [T·N, F] matrix for the input
/// projection (one dgemm before the loop) and the tensors the weights node records as inputs.
struct SequenceInput {
    /// T, N, F.
    let steps: Int, batch: Int, features: Int
    /// Every step's input, row-major [T·N, F], in `dtype` (the sequence's, or float64 for steps of
    /// both dtypes).
    let values: Tensor
    /// The element type the layer computes in: the input's.
    var dtype: DType { values.dtype }
    /// The sequence as tape inputs: one [T, N, F] tensor, or T tensors [N, F].
    let tapeInputs: [Tensor]
    /// Whether `tapeInputs` is one [T, N, F] tensor.
    let isSingleTensor: Bool

    /// A time-major tensor [T, N, F].
    init(_ x: Tensor, features: Int, layer: String) {
        precondition(x.rank == 3 && x.shape[2] == features,
                     "\(layer): input must be time-major [T, N, \(features)], got \(x.shape)")
        steps = x.shape[0]
        batch = x.shape[1]
        self.features = features
        values = x.detached().reshaped([steps * batch, features])
        tapeInputs = [x]
        isSingleTensor = true
    }

    /// Per-step tensors, each [N, F].
    init(steps xs: [Tensor], features: Int, layer: String) {
        precondition(!xs.isEmpty, "\(layer): empty list of steps (pass a [0, N, \(features)] tensor instead)")
        let n = xs[0].shape.first ?? 0
        for x in xs {
            precondition(x.shape == [n, features], "\(layer): every step must be [N, \(features)] = [\(n), \(features)], got \(x.shape)")
        }
        steps = xs.count
        batch = n
        self.features = features
        values = withNoGrad { Tensor.concatenate(xs.map { $0.detached() }, axis: 0) }
        tapeInputs = xs
        isSingleTensor = false
    }
}

/// Stacks per-step hidden states [N, H] into [T, N, H] (zeros [0, N, H] for none).
func stackStates(_ hs: [Tensor], batch: Int, hidden: Int, dtype: DType = .float64) -> Tensor {
    hs.isEmpty ? Tensor.zeros([0, batch, hidden], dtype: dtype) : Tensor.stack(hs, axis: 0)
}

/// A state given by the caller, checked against [N, H], or zeros.
func initialState(_ s: Tensor?, batch: Int, hidden: Int, layer: String, name: String, dtype: DType = .float64) -> Tensor {
    guard let s else { return Tensor.zeros([batch, hidden], dtype: dtype) }
    precondition(s.shape == [batch, hidden], "\(layer): \(name) must be [N, H] = [\(batch), \(hidden)], got \(s.shape)")
    return s
}

/// PyTorch's recurrent-layer initialisation: every weight and bias from U(−1/√H, 1/√H).
func recurrentUniform(_ shape: [Int], hidden: Int, using rng: inout RandomGenerator) -> Tensor {
    let k = 1 / Double.sqrt(Double(Swift.max(hidden, 1)))
    return Tensor.randomUniform(shape, low: -k, high: k, using: &rng)
}

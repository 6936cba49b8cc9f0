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

/// A sequence seen by the recurrent layers: its per-step inputs and all of its values as one
/// [T·N, F] matrix for the input projection (one dgemm before the loop).
struct SequenceInput {
    /// T, N, F.
    let steps: Int, batch: Int, features: Int
    /// Every step's input, row-major [T·N, F].
    let values: [Double]
    /// The input of step t as a tape tensor [N, F].
    let step: (Int) -> Tensor

    /// A time-major tensor [T, N, F]. A per-step slice is a `narrowed` copy; when `x` requires
    /// grad each slice's backward pads to [T, N, F], so its gradient costs O(T²·N·F): pass the
    /// steps as an array (``init(steps:features:)``) to avoid that for long sequences.
    init(_ x: Tensor, features: Int, layer: String) {
        precondition(x.rank == 3 && x.shape[2] == features,
                     "\(layer): input must be time-major [T, N, \(features)], got \(x.shape)")
        steps = x.shape[0]
        batch = x.shape[1]
        self.features = features
        values = x.scalars
        let n = x.shape[1]
        if x.requiresGrad {
            step = { t in x.narrowed(axis: 0, start: t, length: 1).reshaped([n, features]) }
        } else {
            step = { t in Tensor(shape: [n, features], scalars: Array(x.scalars[(t * n * features)..<((t + 1) * n * features)])) }
        }
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
        var v = [Double]()
        v.reserveCapacity(xs.count * n * features)
        for x in xs { v.append(contentsOf: x.scalars) }
        values = v
        step = { xs[$0] }
    }

    /// x·W + b for every step at once ([T·N, G] values, no tape).
    func projected(_ w: Tensor, _ b: Tensor?) -> [Double] {
        values.withUnsafeBufferPointer { Tensor.projectedValues($0, rows: steps * batch, w: w, b: b) }
    }
}

/// Stacks per-step hidden states [N, H] into [T, N, H] (zeros [0, N, H] for none).
func stackStates(_ hs: [Tensor], batch: Int, hidden: Int) -> Tensor {
    hs.isEmpty ? Tensor.zeros([0, batch, hidden]) : Tensor.stack(hs, axis: 0)
}

/// A state given by the caller, checked against [N, H], or zeros.
func initialState(_ s: Tensor?, batch: Int, hidden: Int, layer: String, name: String) -> Tensor {
    guard let s else { return Tensor.zeros([batch, hidden]) }
    precondition(s.shape == [batch, hidden], "\(layer): \(name) must be [N, H] = [\(batch), \(hidden)], got \(s.shape)")
    return s
}

/// PyTorch's recurrent-layer initialisation: every weight and bias from U(−1/√H, 1/√H).
func recurrentUniform(_ shape: [Int], hidden: Int, using rng: inout RandomGenerator) -> Tensor {
    let k = 1 / Double.sqrt(Double(Swift.max(hidden, 1)))
    return Tensor.randomUniform(shape, low: -k, high: k, using: &rng)
}

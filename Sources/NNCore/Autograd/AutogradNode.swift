import Synchronization

/// The global creation counter that orders tape nodes (inputs are always older than outputs).
private let nodeCounter = Atomic<UInt64>(0)

/// How an operation maps the gradient of its output to gradients of its inputs.
///
/// Arguments: the node itself (to rebuild the output tensor when the formula needs it), the
/// incoming gradient, and which inputs need a gradient. Returns one entry per input (`nil`
/// where none is needed). Written with differentiable tensor operations, so that it can be
/// recorded and differentiated again.
public typealias BackwardFunction = @Sendable (AutogradNode, Tensor, [Bool]) -> [Tensor?]

/// One recorded operation (or a leaf) of the reverse-mode tape.
public final class AutogradNode: @unchecked Sendable {
    /// Creation order; a valid topological order of the tape.
    public let id: UInt64
    /// The op's name, for error messages and debugging.
    public let name: String
    /// The nodes of the inputs (`nil` for inputs that do not require grad).
    public let inputs: [AutogradNode?]
    /// The shape of the op's output.
    public let shape: [Int]
    /// The element type of the op's output (gradients reaching this node are kept in it).
    public let dtype: DType
    /// The output values (off the tape), kept only when the backward formula needs them.
    let saved: Tensor?
    let backward: BackwardFunction?

    /// A leaf: a tensor that requires grad and was not computed by a recorded op.
    public init(leafShape: [Int], dtype: DType = .float64) {
        id = nodeCounter.wrappingAdd(1, ordering: .relaxed).newValue
        name = "leaf"
        inputs = []
        shape = leafShape
        self.dtype = dtype
        saved = nil
        backward = nil
    }

    @usableFromInline
    init(name: String, inputs: [AutogradNode?], value: Tensor, save: Bool, backward: @escaping BackwardFunction) {
        id = nodeCounter.wrappingAdd(1, ordering: .relaxed).newValue
        self.name = name
        self.inputs = inputs
        self.shape = value.shape
        self.dtype = value.dtype
        self.saved = save ? value.with(node: nil) : nil
        self.backward = backward
    }

    /// The output values as float64, when they were kept.
    public var savedOutput: [Double]? { saved?.scalars }

    /// Whether this node is a leaf (no recorded op behind it).
    public var isLeaf: Bool { backward == nil }

    /// The op's output as a differentiable tensor (needs `savedOutput`).
    public var output: Tensor {
        guard let saved else {
            preconditionFailure("AutogradNode(\(name)): output was not saved")
        }
        return saved.with(node: self)
    }
}

/// Whether operations are being recorded on the tape (PyTorch's grad mode); task-local.
public enum GradMode {
    /// True when ops record backward information.
    @TaskLocal public static var isEnabled: Bool = true
}

/// Runs `body` without recording operations (PyTorch's `torch.no_grad()`).
@inlinable
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$isEnabled.withValue(false) { try body() }
}

extension Tensor {
    /// Builds the result of an op, recording it on the tape when grad mode is on and any
    /// input requires grad. `value` is the result off the tape, in the dtype the op chose.
    @inlinable
    static func record(
        _ name: String, value: Tensor, inputs: [Tensor],
        saveOutput: Bool = false, backward: @escaping BackwardFunction
    ) -> Tensor {
        guard inputs.contains(where: { $0.node != nil }), GradMode.isEnabled else {
            return value.with(node: nil)
        }
        let node = AutogradNode(name: name, inputs: inputs.map { $0.node }, value: value, save: saveOutput,
                                backward: backward)
        return value.with(node: node)
    }

    /// Builds the result of an op computed in float64 (`scalars`), stored in the dtype its inputs
    /// promote to (rounded when they are all float32), and records it as above.
    @inlinable
    static func record(
        _ name: String, shape: [Int], scalars: [Double], inputs: [Tensor],
        saveOutput: Bool = false, backward: @escaping BackwardFunction
    ) -> Tensor {
        var value = Tensor(shape: shape, scalars: scalars)
        if DType.promoted(inputs) == .float32 { value = value.converted(to: .float32) }
        return record(name, value: value, inputs: inputs, saveOutput: saveOutput, backward: backward)
    }
}

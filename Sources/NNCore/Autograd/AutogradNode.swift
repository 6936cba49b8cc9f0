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
    /// The output values, kept only when the backward formula needs them.
    public let savedOutput: [Double]?
    let backward: BackwardFunction?

    /// A leaf: a tensor that requires grad and was not computed by a recorded op.
    public init(leafShape: [Int]) {
        id = nodeCounter.wrappingAdd(1, ordering: .relaxed).newValue
        name = "leaf"
        inputs = []
        shape = leafShape
        savedOutput = nil
        backward = nil
    }

    @usableFromInline
    init(name: String, inputs: [AutogradNode?], shape: [Int], savedOutput: [Double]?,
         backward: @escaping BackwardFunction) {
        id = nodeCounter.wrappingAdd(1, ordering: .relaxed).newValue
        self.name = name
        self.inputs = inputs
        self.shape = shape
        self.savedOutput = savedOutput
        self.backward = backward
    }

    /// Whether this node is a leaf (no recorded op behind it).
    public var isLeaf: Bool { backward == nil }

    /// The op's output as a differentiable tensor (needs `savedOutput`).
    public var output: Tensor {
        guard let saved = savedOutput else {
            preconditionFailure("AutogradNode(\(name)): output was not saved")
        }
        return Tensor(shape: shape, scalars: saved, node: self)
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
    /// input requires grad.
    @inlinable
    static func record(
        _ name: String, shape: [Int], scalars: [Double], inputs: [Tensor],
        saveOutput: Bool = false, backward: @escaping BackwardFunction
    ) -> Tensor {
        guard inputs.contains(where: { $0.node != nil }), GradMode.isEnabled else {
            return Tensor(shape: shape, scalars: scalars, node: nil)
        }
        let node = AutogradNode(
            name: name, inputs: inputs.map { $0.node }, shape: shape,
            savedOutput: saveOutput ? scalars : nil, backward: backward)
        return Tensor(shape: shape, scalars: scalars, node: node)
    }
}

/// An n-dimensional array of `Double` in contiguous row-major storage, with value
/// (copy-on-write) semantics and an optional link into the autodiff tape.
///
/// A tensor that `requiresGrad` carries an ``AutogradNode``; operations on it record how to
/// differentiate their results (see ``grad(of:wrt:seed:createGraph:)``).
public struct Tensor: @unchecked Sendable {
    /// The extent of each axis; `[]` for a scalar.
    public internal(set) var shape: [Int]
    /// The elements in row-major order (`shape.reduce(1, *)` of them).
    public var scalars: [Double]
    /// The tape node that produced this tensor, or the leaf node of a tensor that requires grad.
    @usableFromInline internal var node: AutogradNode?

    /// A tensor of the given shape holding `scalars` in row-major order.
    ///
    /// Traps with a message when the element count does not match the shape (a programmer error).
    public init(shape: [Int], scalars: [Double]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
        precondition(
            shape.reduce(1, *) == scalars.count,
            "Tensor: shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
        self.node = nil
    }

    @usableFromInline
    internal init(shape: [Int], scalars: [Double], node: AutogradNode?) {
        self.shape = shape
        self.scalars = scalars
        self.node = node
    }

    /// A rank-0 tensor holding one number.
    public init(_ value: Double) { self.init(shape: [], scalars: [value]) }

    /// A rank-1 tensor from an array.
    public init(_ values: [Double]) { self.init(shape: [values.count], scalars: values) }

    /// A rank-2 tensor from an array of equal-length rows.
    public init(_ rows: [[Double]]) {
        let cols = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == cols }, "Tensor: rows of unequal length")
        self.init(shape: [rows.count, cols], scalars: rows.flatMap { $0 })
    }

    /// The number of axes.
    @inlinable public var rank: Int { shape.count }
    /// The number of elements.
    @inlinable public var count: Int { scalars.count }

    /// The single element of a one-element tensor.
    public var scalar: Double {
        precondition(scalars.count == 1, "Tensor.scalar: tensor of shape \(shape) has \(scalars.count) elements")
        return scalars[0]
    }

    /// Whether gradients with respect to this tensor are tracked.
    @inlinable public var requiresGrad: Bool { node != nil }

    /// This tensor as a leaf of the autodiff tape (a new identity), or detached when `flag` is false.
    public func requiringGrad(_ flag: Bool = true) -> Tensor {
        Tensor(shape: shape, scalars: scalars, node: flag ? AutogradNode(leafShape: shape) : nil)
    }

    /// The same values cut off from the tape (PyTorch's `detach`).
    public func detached() -> Tensor { Tensor(shape: shape, scalars: scalars, node: nil) }

    /// Row-major strides of `shape` (elements, not bytes).
    @inlinable public static func strides(of shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for k in stride(from: shape.count - 1, through: 0, by: -1) {
            s[k] = acc
            acc *= shape[k]
        }
        return s
    }

    /// The element at a multi-index.
    public subscript(_ index: Int...) -> Double {
        get { scalars[flatIndex(index)] }
        set { scalars[flatIndex(index)] = newValue }
    }

    internal func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "Tensor: index \(index) for shape \(shape)")
        var flat = 0
        for k in 0..<shape.count {
            precondition(index[k] >= 0 && index[k] < shape[k], "Tensor: index \(index) out of range for shape \(shape)")
            flat = flat * shape[k] + index[k]
        }
        return flat
    }
}

extension Tensor: CustomStringConvertible {
    /// A short summary: shape and the first elements.
    public var description: String {
        let head = scalars.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(head)\(scalars.count > 8 ? ", …" : "")]\(requiresGrad ? ", requiresGrad" : ""))"
    }
}

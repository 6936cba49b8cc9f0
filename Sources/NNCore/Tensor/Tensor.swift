/// An n-dimensional array of `Double` or `Float` (its ``dtype``) in contiguous row-major
/// storage, with value (copy-on-write) semantics and an optional link into the autodiff tape.
///
/// A tensor that `requiresGrad` carries an ``AutogradNode``; operations on it record how to
/// differentiate their results (see ``grad(of:wrt:seed:createGraph:)``).
public struct Tensor: @unchecked Sendable {
    /// The extent of each axis; `[]` for a scalar.
    public internal(set) var shape: [Int]
    /// The element type of the storage.
    public internal(set) var dtype: DType
    /// The elements of a float64 tensor (empty for float32).
    @usableFromInline internal var f64: [Double]
    /// The elements of a float32 tensor (empty for float64).
    @usableFromInline internal var f32: [Float]
    /// The tape node that produced this tensor, or the leaf node of a tensor that requires grad.
    @usableFromInline internal var node: AutogradNode?

    /// The elements in row-major order as float64 (`shape.reduce(1, *)` of them): the storage of
    /// a float64 tensor; for a float32 tensor a converted copy, and values set are rounded.
    public var scalars: [Double] {
        get { dtype == .float64 ? f64 : f32.map { Double($0) } }
        set {
            if dtype == .float64 { f64 = newValue } else { f32 = newValue.map { Float($0) } }
        }
        _modify {
            if dtype == .float64 {
                yield &f64
            } else {
                var wide = f32.map { Double($0) }
                yield &wide
                f32 = wide.map { Float($0) }
            }
        }
    }

    /// The elements in row-major order as float32: the storage of a float32 tensor; for a
    /// float64 tensor a rounded copy, and values set are widened.
    public var floats: [Float] {
        get { dtype == .float32 ? f32 : f64.map { Float($0) } }
        set {
            if dtype == .float32 { f32 = newValue } else { f64 = newValue.map { Double($0) } }
        }
        _modify {
            if dtype == .float32 {
                yield &f32
            } else {
                var narrow = f64.map { Float($0) }
                yield &narrow
                f64 = narrow.map { Double($0) }
            }
        }
    }

    /// A float64 tensor of the given shape holding `scalars` in row-major order.
    ///
    /// Traps with a message when the element count does not match the shape (a programmer error).
    public init(shape: [Int], scalars: [Double]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
        precondition(
            shape.reduce(1, *) == scalars.count,
            "Tensor: shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.shape = shape
        self.dtype = .float64
        self.f64 = scalars
        self.f32 = []
        self.node = nil
    }

    /// A float32 tensor of the given shape holding `floats` in row-major order.
    public init(shape: [Int], floats: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
        precondition(
            shape.reduce(1, *) == floats.count,
            "Tensor: shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(floats.count)")
        self.shape = shape
        self.dtype = .float32
        self.f64 = []
        self.f32 = floats
        self.node = nil
    }

    @usableFromInline
    internal init(shape: [Int], scalars: [Double], node: AutogradNode?) {
        self.shape = shape
        self.dtype = .float64
        self.f64 = scalars
        self.f32 = []
        self.node = node
    }

    /// The same storage and shape with another tape link.
    @usableFromInline
    internal func with(node: AutogradNode?) -> Tensor {
        var t = self
        t.node = node
        return t
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
    @inlinable public var count: Int { dtype == .float64 ? f64.count : f32.count }

    /// The single element of a one-element tensor.
    public var scalar: Double {
        precondition(count == 1, "Tensor.scalar: tensor of shape \(shape) has \(count) elements")
        return dtype == .float64 ? f64[0] : Double(f32[0])
    }

    /// Whether gradients with respect to this tensor are tracked.
    @inlinable public var requiresGrad: Bool { node != nil }

    /// This tensor as a leaf of the autodiff tape (a new identity), or detached when `flag` is false.
    public func requiringGrad(_ flag: Bool = true) -> Tensor {
        with(node: flag ? AutogradNode(leafShape: shape, dtype: dtype) : nil)
    }

    /// The same values cut off from the tape (PyTorch's `detach`).
    public func detached() -> Tensor { with(node: nil) }

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
        get { dtype == .float64 ? f64[flatIndex(index)] : Double(f32[flatIndex(index)]) }
        set {
            if dtype == .float64 { f64[flatIndex(index)] = newValue } else { f32[flatIndex(index)] = Float(newValue) }
        }
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
        let head = (dtype == .float64 ? f64.prefix(8).map { String($0) } : f32.prefix(8).map { String($0) })
            .joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(head)\(count > 8 ? ", …" : "")]\(dtype == .float32 ? ", float32" : "")"
            + "\(requiresGrad ? ", requiresGrad" : ""))"
    }
}

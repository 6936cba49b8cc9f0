/// A trainable tensor with an identity: layers hold parameters, optimizers update them in place.
public final class Parameter {
    /// The current value (a leaf of the autodiff tape).
    public var value: Tensor

    /// A parameter starting at `value`.
    public init(_ value: Tensor) { self.value = value.requiringGrad() }

    /// The shape of the value.
    public var shape: [Int] { value.shape }

    /// The value for a computation in `dtype`: itself, or a differentiable cast of it (float64
    /// master weights used in a float32 computation receive float64 gradients).
    @inlinable
    public func value(as dtype: DType) -> Tensor { value.dtype == dtype ? value : value.cast(to: dtype) }

    /// Stores the value as `dtype` from now on (a new leaf; rounded when narrowing).
    public func cast(to dtype: DType) { value = value.converted(to: dtype).requiringGrad() }
}

/// Something with trainable parameters that maps a tensor to a tensor.
///
/// A layer computes in its input's dtype: parameters stored in the other dtype are cast on each
/// call (differentiably), so float64 parameters applied to float32 inputs are mixed-precision
/// training's float64 master weights with float32 arithmetic.
///
/// Parameters are found by reflection: every stored property that is a ``Parameter``, a
/// ``Layer``, or an array/optional of them is visited, so no layer lists its parameters by hand.
public protocol Layer: AnyObject {
    /// The layer applied to a batch.
    func callAsFunction(_ x: Tensor) -> Tensor
}

extension Layer {
    /// Every parameter with a dotted path name ("layers.0.weight"), in declaration order.
    public var namedParameters: [(name: String, parameter: Parameter)] {
        var out: [(String, Parameter)] = []
        var seen = Set<ObjectIdentifier>()
        collectParameters(of: self, prefix: "", into: &out, seen: &seen)
        return out
    }

    /// Every parameter, in declaration order.
    public var parameters: [Parameter] { namedParameters.map(\.parameter) }

    /// The total number of trainable numbers.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Stores every parameter as `dtype` (the layer then computes in it; inputs of the other
    /// dtype are promoted to float64). Returns the layer, so a model can be built and cast in one line.
    @discardableResult
    public func cast(to dtype: DType) -> Self {
        for p in parameters { p.cast(to: dtype) }
        return self
    }

    /// The dtype of the parameters (float64 for a layer without any).
    public var dtype: DType { parameters.first?.value.dtype ?? .float64 }
}

private func collectParameters(of value: Any, prefix: String, into out: inout [(String, Parameter)],
                               seen: inout Set<ObjectIdentifier>) {
    if let p = value as? Parameter {
        if seen.insert(ObjectIdentifier(p)).inserted { out.append((prefix, p)) }
        return
    }
    var mirror: Mirror? = Mirror(reflecting: value)
    guard let style = mirror?.displayStyle, [.class, .struct, .collection, .optional].contains(style) else { return }
    if value is Tensor { return }
    if style == .class, !(value is Layer) { return }  // among classes, only layers are searched
    var index = 0
    while let m = mirror {
        for child in m.children {
            let label = child.label ?? String(index)
            index += 1
            let name = style == .optional ? prefix : (prefix.isEmpty ? label : prefix + "." + label)
            collectParameters(of: child.value, prefix: name, into: &out, seen: &seen)
        }
        mirror = m.superclassMirror
    }
}

extension Tensor {
    /// Elementwise sum with broadcasting.
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let out = Kernels.broadcast(a, b, +)
        let sa = a.shape, sb = b.shape
        return record("add", value: out, inputs: [a, b]) { _, g, need in
            [need[0] ? g.sum(toShape: sa) : nil, need[1] ? g.sum(toShape: sb) : nil]
        }
    }

    /// Elementwise difference with broadcasting.
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let out = Kernels.broadcast(a, b, -)
        let sa = a.shape, sb = b.shape
        return record("sub", value: out, inputs: [a, b]) { _, g, need in
            [need[0] ? g.sum(toShape: sa) : nil, need[1] ? (-g).sum(toShape: sb) : nil]
        }
    }

    /// Elementwise product with broadcasting.
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let out = Kernels.broadcast(a, b, *)
        return record("mul", value: out, inputs: [a, b]) { _, g, need in
            [need[0] ? (g * b).sum(toShape: a.shape) : nil,
             need[1] ? (g * a).sum(toShape: b.shape) : nil]
        }
    }

    /// Elementwise quotient with broadcasting.
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let out = Kernels.broadcast(a, b, /)
        return record("div", value: out, inputs: [a, b]) { _, g, need in
            [need[0] ? (g / b).sum(toShape: a.shape) : nil,
             need[1] ? (-(g * a) / (b * b)).sum(toShape: b.shape) : nil]
        }
    }

    /// Elementwise negation.
    public static prefix func - (a: Tensor) -> Tensor {
        let out = Kernels.map(a) { -$0 }
        return record("neg", value: out, inputs: [a]) { _, g, _ in [-g] }
    }

    /// Adds a number to every element.
    public static func + (a: Tensor, c: Double) -> Tensor {
        let out = Kernels.map(a) { $0 + c }
        return record("addScalar", value: out, inputs: [a]) { _, g, _ in [g] }
    }
    /// Adds a number to every element.
    public static func + (c: Double, a: Tensor) -> Tensor { a + c }
    /// Subtracts a number from every element.
    public static func - (a: Tensor, c: Double) -> Tensor { a + (-c) }
    /// A number minus every element.
    public static func - (c: Double, a: Tensor) -> Tensor {
        let out = Kernels.map(a) { c - $0 }
        return record("rsubScalar", value: out, inputs: [a]) { _, g, _ in [-g] }
    }

    /// Multiplies every element by a number.
    public static func * (a: Tensor, c: Double) -> Tensor {
        let out = Kernels.map(a) { $0 * c }
        return record("mulScalar", value: out, inputs: [a]) { _, g, _ in [g * c] }
    }
    /// Multiplies every element by a number.
    public static func * (c: Double, a: Tensor) -> Tensor { a * c }
    /// Divides every element by a number.
    public static func / (a: Tensor, c: Double) -> Tensor { a * (1 / c) }
    /// A number divided by every element.
    public static func / (c: Double, a: Tensor) -> Tensor {
        let out = Kernels.map(a) { c / $0 }
        return record("rdivScalar", value: out, inputs: [a]) { _, g, _ in
            [-(g * c) / (a * a)]
        }
    }

    /// In-place sum (records a new tape node; the old value is kept for backward).
    public static func += (a: inout Tensor, b: Tensor) { a = a + b }
    /// In-place difference.
    public static func -= (a: inout Tensor, b: Tensor) { a = a - b }
    /// In-place product.
    public static func *= (a: inout Tensor, b: Tensor) { a = a * b }

    /// Named twin of `+` (for long expressions the type checker finds slow).
    public func adding(_ b: Tensor) -> Tensor { self + b }
    /// Named twin of `-`.
    public func subtracting(_ b: Tensor) -> Tensor { self - b }
    /// Named twin of `*`.
    public func multiplying(_ b: Tensor) -> Tensor { self * b }
    /// Named twin of `/`.
    public func dividing(by b: Tensor) -> Tensor { self / b }
}

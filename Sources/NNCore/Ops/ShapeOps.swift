extension Tensor {
    /// The same elements with a new shape (one extent may be −1, inferred).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var s = newShape
        if let k = s.firstIndex(of: -1) {
            let rest = s.enumerated().filter { $0.offset != k }.reduce(1) { $0 * $1.element }
            precondition(rest > 0 && count % rest == 0, "reshaped: cannot infer −1 in \(newShape) for \(count) elements")
            s[k] = count / rest
        }
        precondition(s.reduce(1, *) == count, "reshaped: \(shape) (\(count) elements) cannot become \(newShape)")
        if s == shape { return self }
        let inShape = shape
        var value = with(node: nil)
        value.shape = s
        return .record("reshape", value: value, inputs: [self]) { _, g, _ in [g.reshaped(inShape)] }
    }

    /// A new axis of extent 1 at `axis`.
    public func unsqueezed(axis: Int) -> Tensor {
        let a = axis < 0 ? axis + rank + 1 : axis
        precondition(a >= 0 && a <= rank, "unsqueezed: axis \(axis) out of range for shape \(shape)")
        var s = shape
        s.insert(1, at: a)
        return reshaped(s)
    }

    /// The axis `axis` (of extent 1) removed.
    public func squeezed(axis: Int) -> Tensor {
        let a = normalizedAxes([axis])[0]
        precondition(shape[a] == 1, "squeezed: axis \(axis) of \(shape) has extent \(shape[a])")
        var s = shape
        s.remove(at: a)
        return reshaped(s)
    }

    /// All axes flattened into one.
    public func flattened() -> Tensor { reshaped([count]) }

    /// Axes reordered: result axis k is input axis `axes[k]`.
    public func permuted(_ axes: [Int]) -> Tensor {
        let p = normalizedAxes(axes)
        precondition(p.sorted() == Array(0..<rank), "permuted: \(axes) is not a permutation of the axes of \(shape)")
        if p == Array(0..<rank) { return self }
        let inShape = shape, r = inShape.count
        let outShape = p.map { inShape[$0] }
        let inStrides = Tensor.strides(of: inShape)
        let readStrides = p.map { inStrides[$0] }
        let n = count
        func move<E: TensorScalar>(_ x: [E]) -> [E] {
            x.withUnsafeBufferPointer { xp in
                if r == 2 {
                    let rows = inShape[0], c = inShape[1]
                    return Kernels.fill(n) { (o: UnsafeMutableBufferPointer<E>) in
                        // blocked 2-D transpose
                        let bs = 32
                        var i0 = 0
                        while i0 < rows {
                            var j0 = 0
                            while j0 < c {
                                for i in i0..<Swift.min(i0 + bs, rows) {
                                    for j in j0..<Swift.min(j0 + bs, c) { o[j * rows + i] = xp[i * c + j] }
                                }
                                j0 += bs
                            }
                            i0 += bs
                        }
                    }
                }
                return Kernels.fill(n) { (o: UnsafeMutableBufferPointer<E>) in
                    forEachOffset(outShape, readStrides, readStrides) { flat, ia, _ in o[flat] = xp[ia] }
                }
            }
        }
        let value = dtype == .float64 ? Tensor(shape: outShape, scalars: move(f64)) : Tensor(shape: outShape, floats: move(f32))
        var inverse = [Int](repeating: 0, count: rank)
        for (k, a) in p.enumerated() { inverse[a] = k }
        let inv = inverse
        return .record("permute", value: value, inputs: [self]) { _, g, _ in
            [g.permuted(inv)]
        }
    }

    /// The matrix transpose of a rank-2 tensor (or the last two axes swapped).
    public func transposed() -> Tensor {
        precondition(rank >= 2, "transposed: needs rank ≥ 2, got \(shape)")
        var p = Array(0..<rank)
        p.swapAt(rank - 1, rank - 2)
        return permuted(p)
    }

    /// Two axes swapped.
    public func transposed(_ a: Int, _ b: Int) -> Tensor {
        var p = Array(0..<rank)
        p.swapAt(normalizedAxes([a])[0], normalizedAxes([b])[0])
        return permuted(p)
    }

    /// The elements `start..<start+length` along `axis` (PyTorch's `narrow`).
    public func narrowed(axis: Int, start: Int, length: Int) -> Tensor {
        let a = normalizedAxes([axis])[0]
        precondition(start >= 0 && length >= 0 && start + length <= shape[a],
                     "narrowed: \(start)..<\(start + length) out of range for axis \(a) of \(shape)")
        let outer = shape[..<a].reduce(1, *), n = shape[a], inner = shape[(a + 1)...].reduce(1, *)
        var outShape = shape
        outShape[a] = length
        func cut<E: TensorScalar>(_ x: [E]) -> [E] {
            x.withUnsafeBufferPointer { xp in
                Kernels.fill(outer * length * inner) { (o: UnsafeMutableBufferPointer<E>) in
                    for q in 0..<outer {
                        let src = (q * n + start) * inner, dst = q * length * inner
                        for k in 0..<(length * inner) { o[dst + k] = xp[src + k] }
                    }
                }
            }
        }
        let value = dtype == .float64 ? Tensor(shape: outShape, scalars: cut(f64)) : Tensor(shape: outShape, floats: cut(f32))
        let full = shape[a]
        return .record("narrow", value: value, inputs: [self]) { _, g, _ in
            [g.padded(axis: a, start: start, fullLength: full)]
        }
    }

    /// Rows `range` of the first axis.
    public subscript(range: Range<Int>) -> Tensor {
        narrowed(axis: 0, start: range.lowerBound, length: range.count)
    }

    /// This tensor placed at `start` along `axis` inside zeros of extent `fullLength` (the
    /// adjoint of ``narrowed(axis:start:length:)``).
    public func padded(axis: Int, start: Int, fullLength: Int) -> Tensor {
        let a = normalizedAxes([axis])[0]
        precondition(start >= 0 && start + shape[a] <= fullLength,
                     "padded: \(shape[a]) elements at \(start) do not fit in \(fullLength) along axis \(a) of \(shape)")
        let outer = shape[..<a].reduce(1, *), len = shape[a], inner = shape[(a + 1)...].reduce(1, *)
        var outShape = shape
        outShape[a] = fullLength
        func place<E: TensorScalar>(_ x: [E]) -> [E] {
            var out = [E](repeating: 0, count: outer * fullLength * inner)
            x.withUnsafeBufferPointer { xp in
                out.withUnsafeMutableBufferPointer { o in
                    for q in 0..<outer {
                        let dst = (q * fullLength + start) * inner, src = q * len * inner
                        for k in 0..<(len * inner) { o[dst + k] = xp[src + k] }
                    }
                }
            }
            return out
        }
        let value = dtype == .float64 ? Tensor(shape: outShape, scalars: place(f64)) : Tensor(shape: outShape, floats: place(f32))
        return .record("pad", value: value, inputs: [self]) { _, g, _ in
            [g.narrowed(axis: a, start: start, length: len)]
        }
    }

    /// Tensors joined along an existing axis.
    public static func concatenate(_ parts: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!parts.isEmpty, "concatenate: no tensors")
        let a = parts[0].normalizedAxes([axis])[0]
        for p in parts {
            precondition(p.rank == parts[0].rank
                && p.shape.enumerated().allSatisfy { $0.offset == a || $0.element == parts[0].shape[$0.offset] },
                "concatenate: shapes \(parts.map(\.shape)) differ off axis \(a)")
        }
        let outer = parts[0].shape[..<a].reduce(1, *), inner = parts[0].shape[(a + 1)...].reduce(1, *)
        let lens = parts.map { $0.shape[a] }
        let total = lens.reduce(0, +)
        var outShape = parts[0].shape
        outShape[a] = total
        func join<E: TensorScalar>(_ arrays: [[E]]) -> [E] {
            var out = [E]()
            out.reserveCapacity(outer * total * inner)
            for q in 0..<outer {
                for (p, len) in zip(arrays, lens) {
                    out.append(contentsOf: p[(q * len * inner)..<((q + 1) * len * inner)])
                }
            }
            return out
        }
        let value = DType.promoted(parts) == .float32 ? Tensor(shape: outShape, floats: join(parts.map(\.f32)))
                                                     : Tensor(shape: outShape, scalars: join(parts.map(\.scalars)))
        return record("concat", value: value, inputs: parts) { _, g, need in
            var start = 0
            return lens.enumerated().map { k, len in
                defer { start += len }
                return need[k] ? g.narrowed(axis: a, start: start, length: len) : nil
            }
        }
    }

    /// Tensors of equal shape stacked along a new axis.
    public static func stack(_ parts: [Tensor], axis: Int = 0) -> Tensor {
        concatenate(parts.map { $0.unsqueezed(axis: axis) }, axis: axis)
    }
}

extension Tensor {
    /// Slices of the first axis picked by `indices` (repeats allowed): result[k] = self[indices[k]].
    /// PyTorch's `index_select(0, …)`; the gather step of neighbor operations.
    public func indexSelect(_ indices: [Int]) -> Tensor {
        precondition(rank >= 1, "indexSelect: needs rank ≥ 1")
        let n = shape[0], inner = count / Swift.max(n, 1)
        var outShape = shape
        outShape[0] = indices.count
        func gather<E: TensorScalar>(_ x: [E]) -> [E] {
            x.withUnsafeBufferPointer { xp in
                Kernels.fill(indices.count * inner) { (o: UnsafeMutableBufferPointer<E>) in
                    for (k, i) in indices.enumerated() {
                        precondition(i >= 0 && i < n, "indexSelect: index \(i) out of range 0..<\(n)")
                        for j in 0..<inner { o[k * inner + j] = xp[i * inner + j] }
                    }
                }
            }
        }
        let value = dtype == .float64 ? Tensor(shape: outShape, scalars: gather(f64)) : Tensor(shape: outShape, floats: gather(f32))
        let inShape = shape, dtype = self.dtype
        return .record("indexSelect", value: value, inputs: [self]) { _, g, _ in
            [Tensor.zeros(inShape, dtype: dtype).indexAdd(indices, g)]
        }
    }

    /// Slices along `axis` picked by `indices`.
    public func indexSelect(axis: Int, _ indices: [Int]) -> Tensor {
        let a = normalizedAxes([axis])[0]
        if a == 0 { return indexSelect(indices) }
        return transposed(0, a).indexSelect(indices).transposed(0, a)
    }

    /// This tensor with `source[k]` added to slice `indices[k]` of the first axis (repeats
    /// accumulate): PyTorch's `index_add(0, …)`; the scatter step of neighbor operations.
    public func indexAdd(_ indices: [Int], _ source: Tensor) -> Tensor {
        precondition(source.rank == rank && source.shape[0] == indices.count && Array(source.shape.dropFirst()) == Array(shape.dropFirst()),
                     "indexAdd: source \(source.shape) does not fit \(indices.count) slices of \(shape)")
        let n = shape[0], inner = count / Swift.max(n, 1)
        func accumulate<E: TensorScalar>(_ base: [E], _ src: [E]) -> [E] {
            var out = base
            out.withUnsafeMutableBufferPointer { o in
                src.withUnsafeBufferPointer { sp in
                    for (k, i) in indices.enumerated() {
                        precondition(i >= 0 && i < n, "indexAdd: index \(i) out of range 0..<\(n)")
                        for j in 0..<inner { o[i * inner + j] += sp[k * inner + j] }
                    }
                }
            }
            return out
        }
        let value = DType.promoted([self, source]) == .float32 ? Tensor(shape: shape, floats: accumulate(f32, source.f32))
                                                              : Tensor(shape: shape, scalars: accumulate(scalars, source.scalars))
        return .record("indexAdd", value: value, inputs: [self, source]) { _, g, need in
            [need[0] ? g : nil, need[1] ? g.indexSelect(indices) : nil]
        }
    }

    /// Zeros of `shape` with `source` rows summed into the rows named by `indices` (scatter-add).
    public static func scatterAdd(_ source: Tensor, indices: [Int], into shape: [Int]) -> Tensor {
        Tensor.zeros(shape, dtype: source.dtype).indexAdd(indices, source)
    }

    /// Elementwise choice: `a` where `condition` is non-zero, `b` elsewhere (`a`, `b` broadcast
    /// to the condition's shape). Gradients flow only to the chosen side.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        let shape = broadcastShape(broadcastShape(condition.shape, a.shape), b.shape)
        let c = condition.broadcast(to: shape).scalars
        let ab = a.broadcast(to: shape), bb = b.broadcast(to: shape)
        let out = Kernels.zip3(c, ab.scalars, bb.scalars) { $0 != 0 ? $1 : $2 }
        let cond = Tensor(shape: shape, scalars: c)
        return record("where", shape: shape, scalars: out, inputs: [ab, bb]) { _, g, need in
            let z = g.zerosLike()
            return [need[0] ? Tensor.where(cond, g, z) : nil, need[1] ? Tensor.where(cond, z, g) : nil]
        }
    }

    /// A constant 0/1 tensor: 1 where self > other (broadcasting).
    public func greater(_ other: Tensor) -> Tensor {
        Kernels.broadcast(self, other) { $0 > $1 ? 1 : 0 }
    }

    /// A constant 0/1 tensor: 1 where self < other (broadcasting).
    public func less(_ other: Tensor) -> Tensor { other.greater(self) }
}

extension Tensor {
    /// This tensor repeated along new leading axes and size-1 axes to `shape` (NumPy broadcasting).
    public func broadcast(to shape: [Int]) -> Tensor {
        if self.shape == shape { return self }
        precondition(broadcastShape(self.shape, shape) == shape,
                     "broadcast(to:): cannot broadcast \(self.shape) to \(shape)")
        let n = shape.reduce(1, *)
        let s = broadcastStrides(self.shape, to: shape)
        func spread<E: TensorScalar>(_ x: [E]) -> [E] {
            x.withUnsafeBufferPointer { xp in
                Kernels.fill(n) { (o: UnsafeMutableBufferPointer<E>) in
                    forEachOffset(shape, s, s) { flat, ia, _ in o[flat] = xp[ia] }
                }
            }
        }
        let value = dtype == .float64 ? Tensor(shape: shape, scalars: spread(f64)) : Tensor(shape: shape, floats: spread(f32))
        let inShape = self.shape
        return .record("broadcast", value: value, inputs: [self]) { _, g, _ in
            [g.sum(toShape: inShape)]
        }
    }

    /// The sum of this tensor over the axes that broadcasting to its shape from `shape` would
    /// add or stretch: the adjoint of ``broadcast(to:)``.
    public func sum(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        precondition(broadcastShape(target, shape) == shape,
                     "sum(toShape:): \(shape) is not a broadcast of \(target)")
        let m = target.reduce(1, *)
        let shape = self.shape
        let rowBlock = shape.suffix(target.drop(while: { $0 == 1 }).count).elementsEqual(target.drop(while: { $0 == 1 }))
        // Sums into float64 accumulators whatever the dtype (float32 totals rounded once at the end).
        func total<E: TensorScalar>(_ x: [E]) -> [Double] {
            x.withUnsafeBufferPointer { xp in
                var acc = [Double](repeating: 0, count: m)
                acc.withUnsafeMutableBufferPointer { o in
                    if m == 1 {
                        var s = 0.0
                        for v in xp { s += Double(v) }
                        o[0] = s
                    } else if rowBlock {
                        // target is a trailing block: sum rows
                        var base = 0
                        while base < xp.count {
                            for j in 0..<m { o[j] += Double(xp[base + j]) }
                            base += m
                        }
                    } else {
                        let s = broadcastStrides(target, to: shape)
                        forEachOffset(shape, s, s) { flat, io, _ in o[io] += Double(xp[flat]) }
                    }
                }
                return acc
            }
        }
        let out = dtype == .float64 ? total(f64) : total(f32)
        let inShape = shape
        return .record("sumTo", shape: target, scalars: out, inputs: [self]) { _, g, _ in
            [g.broadcast(to: inShape)]
        }
    }
}

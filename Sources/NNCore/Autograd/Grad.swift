/// Reverse-mode gradients of `output` with respect to each tensor in `inputs`.
///
/// - Parameters:
///   - output: the tensor to differentiate; a one-element tensor unless `seed` is given.
///   - inputs: tensors that require grad (leaves or intermediate results).
///   - seed: the vector in the vector–Jacobian product (default: ones of output's shape).
///   - createGraph: record the backward pass itself so the returned gradients can be
///     differentiated again (PyTorch's `create_graph=True`). Needed for force training.
/// - Returns: one gradient per input, of that input's shape; zeros where `output` does not
///   depend on it.
public func grad(of output: Tensor, wrt inputs: [Tensor], seed: Tensor? = nil,
                 createGraph: Bool = false) -> [Tensor] {
    if seed == nil {
        precondition(output.count == 1, "grad(of:): output of shape \(output.shape) is not a scalar; pass a seed")
    } else {
        precondition(seed!.shape == output.shape, "grad(of:): seed shape \(seed!.shape) ≠ output shape \(output.shape)")
    }
    guard let root = output.node else { return inputs.map { $0.zerosLike() } }

    // All nodes reachable from the root.
    var order: [AutogradNode] = []
    var seen = Set<ObjectIdentifier>()
    var stack = [root]
    seen.insert(ObjectIdentifier(root))
    while let n = stack.popLast() {
        order.append(n)
        for case let i? in n.inputs where seen.insert(ObjectIdentifier(i)).inserted {
            stack.append(i)
        }
    }
    order.sort { $0.id > $1.id }  // outputs before inputs

    // Which nodes lead to a requested input (only those get gradients).
    let targets = Set(inputs.compactMap { $0.node.map(ObjectIdentifier.init) })
    var needed = Set<ObjectIdentifier>()
    for n in order.reversed() {
        let key = ObjectIdentifier(n)
        if targets.contains(key) || n.inputs.contains(where: { $0.map { needed.contains(ObjectIdentifier($0)) } ?? false }) {
            needed.insert(key)
        }
    }

    var grads: [ObjectIdentifier: Tensor] = [:]
    grads[ObjectIdentifier(root)] = (seed ?? Tensor.ones(output.shape)).cast(to: root.dtype)
    GradMode.$isEnabled.withValue(createGraph) {
        for n in order {
            let key = ObjectIdentifier(n)
            guard needed.contains(key), let backward = n.backward, let g = grads[key] else { continue }
            if !targets.contains(key) { grads[key] = nil }  // free interior gradients early
            let mask = n.inputs.map { $0.map { needed.contains(ObjectIdentifier($0)) } ?? false }
            let gIn = backward(n, g, mask)
            for (k, input) in n.inputs.enumerated() where mask[k] {
                guard let input, var gi = gIn[k] else { continue }
                // an op that promoted a float32 input to float64 hands back a float64 gradient
                if gi.dtype != input.dtype { gi = gi.cast(to: input.dtype) }
                precondition(gi.shape == input.shape,
                             "backward of \(n.name): gradient shape \(gi.shape) ≠ input shape \(input.shape)")
                let ik = ObjectIdentifier(input)
                if let acc = grads[ik] { grads[ik] = acc + gi } else { grads[ik] = gi }
            }
        }
    }
    return inputs.map { x in
        guard let node = x.node, let g = grads[ObjectIdentifier(node)] else { return x.zerosLike() }
        return createGraph ? g : g.detached()
    }
}

/// The gradient of `output` with respect to one tensor.
public func grad(of output: Tensor, wrt input: Tensor, seed: Tensor? = nil,
                 createGraph: Bool = false) -> Tensor {
    grad(of: output, wrt: [input], seed: seed, createGraph: createGraph)[0]
}

/// The value of `f(x)` and its gradient with respect to `x` (a one-element output).
public func valueWithGradient(at x: Tensor, of f: (Tensor) -> Tensor) -> (value: Tensor, gradient: Tensor) {
    let xg = x.requiresGrad ? x : x.requiringGrad()
    let y = GradMode.$isEnabled.withValue(true) { f(xg) }
    return (y.detached(), grad(of: y, wrt: xg))
}

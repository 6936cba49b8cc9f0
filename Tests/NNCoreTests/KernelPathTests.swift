import NNCore
import SymmdTestSupport
import Testing

/// The elementwise kernels' special paths: empty tensors and the threaded loops that large
/// tensors take when `Parallel.threads > 1`.
@Suite(.serialized) struct KernelPathTests {
    @Test func emptyTensorsPassThroughEveryElementwiseKernel() {
        let e = Tensor.zeros([0, 3])
        let outputs: [Tensor] = [
            e.exp(), e.log(), e.log1p(), e.expm1(), e.tanh(), e.sin(), e.cos(), e.erf(), e.sqrt(), e.abs(),
            e.sigmoid(), e.softplus(), e.gelu(), e.silu(), e.relu(), e + e, e * 2, 2 - e, e / Tensor(2.0),
        ]
        for y in outputs { #expect(y.shape == [0, 3]) }
        let x = e.requiringGrad()
        let g = grad(of: (x.tanh() * x).sum(), wrt: x)
        #expect(g.shape == [0, 3])
    }

    @Test func threadedLoopsGiveTheSingleThreadedResults() {
        let n = Parallel.minimumParallelCount + 1001  // uneven chunks
        let x = randomTensor([n], seed: 91), y = positiveTensor([n], seed: 92)
        func run() -> [Tensor] {
            let xg = x.requiringGrad()
            let f = (xg.tanh() * y).sum() + xg.sigmoid().sum() + (xg.exp() / y).sum()
            return [x.tanh(), x.exp(), x.erf(), x.sigmoid(), x.gelu(), x * y, x / y, Tensor.where(x.greater(Tensor(0.0)), x, y),
                    grad(of: f, wrt: xg)]
        }
        let single = run()
        let saved = Parallel.threads
        Parallel.threads = 3
        let threaded = run()
        Parallel.threads = saved
        for (a, b) in zip(threaded, single) { expectClose(a, b, rtol: 0, atol: 0) }
    }
}

import NNCore
import SymmdTestSupport
import Testing

/// The Tensor value type itself: storage order, indexing, copy-on-write, creation.
@Suite struct TensorTests {
    @Test func rowMajorIndexingAndStrides() {
        let t = Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Double.init))
        #expect(Tensor.strides(of: [2, 3, 4]) == [12, 4, 1])
        #expect(t[1, 2, 3] == 23)
        #expect(t[0, 1, 2] == 6)
        #expect(t.rank == 3 && t.count == 24)
    }

    @Test func copiesAreIndependentValues() {
        let a = Tensor([1.0, 2, 3])
        var b = a
        b[1] = 20
        #expect(a.scalars == [1, 2, 3])
        #expect(b.scalars == [1, 20, 3])
    }

    @Test func creationHelpers() {
        #expect(Tensor.eye(3).scalars == [1, 0, 0, 0, 1, 0, 0, 0, 1])
        #expect(Tensor.linspace(0, 1, count: 5).scalars == [0, 0.25, 0.5, 0.75, 1])
        #expect(Tensor.arange(0, 1, step: 0.25).scalars == [0, 0.25, 0.5, 0.75])
        #expect(Tensor([[1.0, 2], [3, 4]]).shape == [2, 2])
        #expect(Tensor(repeating: 7, shape: [2, 2]).scalars == [7, 7, 7, 7])
    }

    @Test func seededRandomTensorsRepeat() {
        var r1 = RandomGenerator(seed: 5), r2 = RandomGenerator(seed: 5)
        let a = Tensor.randomNormal([4, 4], using: &r1), b = Tensor.randomNormal([4, 4], using: &r2)
        #expect(a.scalars == b.scalars)
        var r3 = RandomGenerator(seed: 6)
        #expect(Tensor.randomNormal([4, 4], using: &r3).scalars != a.scalars)
    }

    @Test func requiringGradAndDetaching() {
        let x = Tensor([1.0, 2]).requiringGrad()
        #expect(x.requiresGrad)
        #expect(!x.detached().requiresGrad)
        #expect(x.detached().scalars == x.scalars)
        #expect(Tensor(3.0).scalar == 3)
    }
}

import Foundation
import NNCore

/// A regression problem: a target function sampled at training and test points.
struct Problem {
    /// Short name used in the table and the CSV files.
    let name: String
    /// The formula, for the header.
    let formula: String
    /// Training inputs [N, d] and targets [N, 1].
    let trainX: Tensor, trainY: Tensor
    /// Test inputs [M, d] and targets [M, 1].
    let testX: Tensor, testY: Tensor
    /// The input domain as one interval per coordinate (the random features' kinks are placed in it).
    let domain: [ClosedRange<Double>]

    /// Input dimension d.
    var dimension: Int { trainX.shape[1] }
}

/// The 1-D target sin(2πx) + 0.3·cos(7x).
func target1D(_ x: Double) -> Double {
    sin(2 * Double.pi * x) + 0.3 * cos(7 * x)
}

/// The 2-D target sin(πx₁)·cos(πx₂) + 0.5·x₁x₂.
func target2D(_ x1: Double, _ x2: Double) -> Double {
    sin(Double.pi * x1) * cos(Double.pi * x2) + 0.5 * x1 * x2
}

/// Problem (a): 256 evenly spaced training points and a 1000-point test grid, both on [0, 1]
/// with its ends, so every test point lies between two training points.
func makeProblem1D(trainCount: Int = 256, testCount: Int = 1000) -> Problem {
    let xs = Tensor.linspace(0, 1, count: trainCount).scalars
    let grid = Tensor.linspace(0, 1, count: testCount).scalars
    return Problem(
        name: "1-D", formula: "sin(2πx) + 0.3·cos(7x) on [0,1]",
        trainX: Tensor(shape: [trainCount, 1], scalars: xs),
        trainY: Tensor(shape: [trainCount, 1], scalars: xs.map(target1D)),
        testX: Tensor(shape: [testCount, 1], scalars: grid),
        testY: Tensor(shape: [testCount, 1], scalars: grid.map(target1D)),
        domain: [0...1])
}

/// Problem (b): 2048 training and 4096 test points, seeded uniform on [−1, 1]².
func makeProblem2D(trainCount: Int = 2048, testCount: Int = 4096, using rng: inout RandomGenerator) -> Problem {
    func sample(_ n: Int) -> (Tensor, Tensor) {
        let x = Tensor.randomUniform([n, 2], low: -1, high: 1, using: &rng)
        let y = (0..<n).map { target2D(x.scalars[2 * $0], x.scalars[2 * $0 + 1]) }
        return (x, Tensor(shape: [n, 1], scalars: y))
    }
    let (trainX, trainY) = sample(trainCount)
    let (testX, testY) = sample(testCount)
    return Problem(
        name: "2-D", formula: "sin(πx₁)·cos(πx₂) + 0.5·x₁x₂ on [−1,1]²",
        trainX: trainX, trainY: trainY, testX: testX, testY: testY,
        domain: [-1...1, -1...1])
}

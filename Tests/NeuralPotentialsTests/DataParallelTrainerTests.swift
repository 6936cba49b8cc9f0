import Foundation
import NNCore
import SymmdBase
import Testing
@testable import NeuralPotentials

/// Ranks as threads of this process: the same collectives as MPI's (sums added in rank order, so
/// every rank gets the same bits), for testing the data-parallel trainer without `mpirun`.
final class ThreadGroup: @unchecked Sendable {
    let size: Int
    private let condition = NSCondition()
    private var deposits: [[Double]?]
    private var result: [Double] = []
    private var arrived = 0, generation = 0

    init(size: Int) {
        self.size = size
        deposits = Array(repeating: nil, count: size)
    }

    /// Rank `rank`'s view of the group.
    func member(_ rank: Int) -> Member { Member(group: self, rank: rank) }

    fileprivate func sum(_ values: [Double], rank: Int) -> [Double] {
        condition.lock()
        defer { condition.unlock() }
        let mine = generation
        deposits[rank] = values
        arrived += 1
        if arrived == size {
            result = deposits[0]!
            for r in 1..<size { for i in result.indices { result[i] += deposits[r]![i] } }
            arrived = 0
            generation += 1
            condition.broadcast()
        } else {
            while generation == mine { condition.wait() }
        }
        return result
    }

    /// One rank.
    final class Member: ProcessGroup, @unchecked Sendable {
        let group: ThreadGroup
        let rank: Int
        var size: Int { group.size }
        init(group: ThreadGroup, rank: Int) { (self.group, self.rank) = (group, rank) }
        func allReduceSum(_ values: inout [Double]) { values = group.sum(values, rank: rank) }
        func gather(_ bytes: [UInt8]) -> [[UInt8]] { fatalError("not used by the trainer") }
        func abort(code: Int32) -> Never { fatalError("abort \(code)") }
    }
}

/// The data-parallel trainer: N ranks at batch b are one rank at batch N·b (issue 16's definition of
/// correctness), and ranks share frames in contiguous blocks.
@Suite struct DataParallelTrainerTests {
    /// Trains `ranks` trainers on threads (batch `batch` each) for `steps`; returns rank 0's weights
    /// and every rank's.
    static func train(ranks: Int, batch: Int, steps: Int, scaling: TrainingConfig.WorkerScaling = .none) throws -> [[Double]] {
        let frames = try TrainerTests.morseFrames(6, seed: 70)
        var config = TrainerTests.config(steps: steps)
        config.batchSize = batch
        config.scaleByWorker = scaling
        let trainers = try (0..<ranks).map { _ in
            try Trainer(model: try NPFixtures.model(species: ["Cu"], seed: 6, sel: 30), train: frames, valid: [], config: config)
        }
        let group = ThreadGroup(size: ranks)
        for (r, t) in trainers.enumerated() { t.group = group.member(r) }
        // One thread per rank (a pool narrower than the group would never bring all ranks together).
        let box = UncheckedSendable(trainers)
        let done = DispatchGroup()
        for r in 0..<ranks {
            done.enter()
            Thread.detachNewThread {
                for _ in 0..<steps { box.value[r].trainStep() }
                done.leave()
            }
        }
        done.wait()
        return trainers.map { $0.model.parameters.flatMap(\.value.scalars) }
    }

    static func relative(_ a: [Double], _ b: [Double]) -> Double {
        NPFixtures.maxAbsDiff(a, b) / NPFixtures.maxAbs(a)
    }

    @Test func twoRanksAtBatchOneAreOneRankAtBatchTwo() throws {
        let one = try Self.train(ranks: 1, batch: 2, steps: 100)[0]
        let two = try Self.train(ranks: 2, batch: 1, steps: 100)
        #expect(two[0] == two[1], "the ranks' weights must stay identical, bit for bit")
        #expect(Self.relative(one, two[0]) < 1e-10, "relative weight difference \(Self.relative(one, two[0]))")
        // The comparison can fail: one rank at batch 1 trains on other frames.
        let single = try Self.train(ranks: 1, batch: 1, steps: 100)[0]
        #expect(Self.relative(single, two[0]) > 1e-3)
    }

    @Test func threeRanksAtBatchTwoAreOneRankAtBatchSix() throws {
        let one = try Self.train(ranks: 1, batch: 6, steps: 20)[0]
        let three = try Self.train(ranks: 3, batch: 2, steps: 20)
        #expect(three[0] == three[2])
        #expect(Self.relative(one, three[0]) < 1e-10, "relative weight difference \(Self.relative(one, three[0]))")
    }

    @Test func linearScalingIsTheLearningRateTimesTheRanks() throws {
        let frames = try TrainerTests.morseFrames(2, seed: 70)
        var config = TrainerTests.config(steps: 10)
        config.scaleByWorker = .linear
        let t = try Trainer(model: try NPFixtures.model(species: ["Cu"], seed: 6, sel: 30), train: frames, valid: [], config: config)
        let group = ThreadGroup(size: 4)
        t.group = group.member(0)
        #expect(t.effectiveLearningRate == 4 * t.learningRate)
        config.scaleByWorker = .sqrt
        #expect(config.scaleByWorker.factor(workers: 4) == 2)
        #expect(TrainingConfig.WorkerScaling.none.factor(workers: 4) == 1)
    }

    @Test func sharesAreContiguousBlocksCoveringEveryFrame() {
        for size in 1...5 {
            for count in [0, 1, 4, 7, 100] {
                let group = ThreadGroup(size: size)
                let blocks = (0..<size).map { group.member($0).share(of: count) }
                #expect(blocks.flatMap { Array($0) } == Array(0..<count))
                #expect((blocks.map(\.count).max() ?? 0) - (blocks.map(\.count).min() ?? 0) <= 1)
            }
        }
    }
}

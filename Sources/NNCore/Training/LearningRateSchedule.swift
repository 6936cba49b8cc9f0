import RealModule

/// A learning rate as a function of the step number (0-based).
public protocol LearningRateSchedule: Sendable {
    /// The learning rate at `step`.
    func rate(at step: Int) -> Double
}

/// The same rate at every step.
public struct ConstantLR: LearningRateSchedule {
    /// The rate.
    public let value: Double
    /// A constant schedule.
    public init(_ value: Double) { self.value = value }
    /// `value`.
    public func rate(at step: Int) -> Double { value }
}

/// DeePMD-kit's stepped exponential decay lr₀·r^⌊t/decaySteps⌋, with r chosen so the rate
/// reaches `stop` at `totalSteps`: r = (stop/start)^(decaySteps/totalSteps).
public struct ExponentialDecayLR: LearningRateSchedule {
    /// Initial rate lr₀.
    public let start: Double
    /// Rate reached at `totalSteps`.
    public let stop: Double
    /// Steps between decays.
    public let decaySteps: Int
    /// Steps over which the rate falls from `start` to `stop`.
    public let totalSteps: Int
    /// The per-decay factor r.
    public var decayRate: Double {
        Double.pow(stop / start, Double(decaySteps) / Double(Swift.max(totalSteps, 1)))
    }
    /// A decay from `start` to `stop` over `totalSteps`.
    public init(start: Double, stop: Double, decaySteps: Int, totalSteps: Int) {
        precondition(start > 0 && stop > 0 && decaySteps > 0, "ExponentialDecayLR: rates and decaySteps must be positive")
        self.start = start
        self.stop = stop
        self.decaySteps = decaySteps
        self.totalSteps = totalSteps
    }
    /// lr₀·r^⌊t/decaySteps⌋.
    public func rate(at step: Int) -> Double {
        start * Double.pow(decayRate, Double(step / decaySteps))
    }
}

/// Cosine annealing from `start` to `minimum` over `totalSteps` (then held at `minimum`).
public struct CosineLR: LearningRateSchedule {
    /// Initial rate.
    public let start: Double
    /// Final rate.
    public let minimum: Double
    /// Length of the anneal.
    public let totalSteps: Int
    /// A cosine anneal.
    public init(start: Double, minimum: Double = 0, totalSteps: Int) {
        self.start = start
        self.minimum = minimum
        self.totalSteps = totalSteps
    }
    /// min + ½(start − min)(1 + cos(π t/T)).
    public func rate(at step: Int) -> Double {
        let t = Double(Swift.min(step, totalSteps)) / Double(Swift.max(totalSteps, 1))
        return minimum + 0.5 * (start - minimum) * (1 + Double.cos(Double.pi * t))
    }
}

import NNCore

/// How to train a deep potential (DeePMD-kit's names and defaults).
public struct TrainingConfig: Sendable, Equatable {
    /// Optimiser steps.
    public var steps = 1000
    /// Frames per step.
    public var batchSize = 1
    /// Seed of the frame order.
    public var seed: UInt64 = 1
    /// Learning rate at step 0.
    public var startLR = 1e-3
    /// Learning rate reached at the last step.
    public var stopLR = 3.5e-8
    /// Steps between learning-rate decays.
    public var decaySteps = 5000
    /// Energy prefactor at the start and its limit.
    public var startPrefE = 0.02, limitPrefE = 1.0
    /// Force prefactors.
    public var startPrefF = 1000.0, limitPrefF = 1.0
    /// Virial prefactors.
    public var startPrefV = 0.0, limitPrefV = 0.0
    /// How the learning rate grows with the number of data-parallel workers (DeePMD-kit's
    /// `scale_by_worker`); `batchSize` is per worker.
    public var scaleByWorker = WorkerScaling.linear
    /// The arithmetic of the training step: float64, or mixed (the networks, contractions and
    /// their derivatives in float32; float64 master weights, Adam, geometry and loss sums).
    public var precision = NetworkPrecision.float64

    /// DeePMD-kit's `scale_by_worker`: the optimiser's rate is lr·N ("linear"), lr·√N ("sqrt") or lr
    /// ("none") with N workers; the loss prefactors follow the unscaled rate.
    public enum WorkerScaling: String, Sendable, Equatable, CaseIterable {
        case linear, sqrt, none

        /// The factor for `workers` workers.
        public func factor(workers: Int) -> Double {
            switch self {
            case .linear: Double(workers)
            case .sqrt: Double(workers).squareRoot()
            case .none: 1
            }
        }
    }

    /// Defaults.
    public init() {}

    /// The stepped exponential learning rate lr₀·r^⌊t/decay_steps⌋ reaching `stopLR` at `steps`.
    public var schedule: ExponentialDecayLR {
        ExponentialDecayLR(start: startLR, stop: stopLR, decaySteps: decaySteps, totalSteps: steps)
    }

    /// Loss prefactors at learning rate `lr`: p = p_limit + (p_start − p_limit)·lr/lr₀.
    public func prefactors(learningRate lr: Double) -> (energy: Double, force: Double, virial: Double) {
        let x = lr / startLR
        return (limitPrefE + (startPrefE - limitPrefE) * x, limitPrefF + (startPrefF - limitPrefF) * x,
                limitPrefV + (startPrefV - limitPrefV) * x)
    }
}

/// Errors of a model on a set of frames (energies per atom, forces per component).
public struct ErrorMetrics: Sendable, Equatable, Codable {
    /// Frames evaluated.
    public var frames = 0
    /// Energy MAE and RMSE per atom (eV/atom).
    public var energyMAEPerAtom = 0.0, energyRMSEPerAtom = 0.0
    /// Total-energy MAE and RMSE (eV).
    public var energyMAE = 0.0, energyRMSE = 0.0
    /// Force-component MAE and RMSE (eV/Å).
    public var forceMAE = 0.0, forceRMSE = 0.0
    /// Virial MAE and RMSE per atom (eV/atom), over frames with a reference virial (nil if none).
    public var virialMAEPerAtom: Double? = nil, virialRMSEPerAtom: Double? = nil
}

/// Per-type normalisation of the environment matrix: `(R̃ − avg)/std` with avg row
/// `[mean_s, 0, 0, 0]` and std row `[std_s, std_a, std_a, std_a]` for each (centre type,
/// neighbor type) block, over every slot of the data (empty slots count as zeros), std ≥ 0.01.
public struct EnvironmentStatistics: Sendable, Codable, Equatable {
    /// Number of species.
    public let typeCount: Int
    /// Mean of s over slots, index `c·typeCount + t` (1/Å).
    public var mean: [Double]
    /// Standard deviation of s, same indexing (1/Å).
    public var stdRadial: [Double]
    /// Root mean square of the three angular columns, same indexing (1/Å).
    public var stdAngular: [Double]

    /// No normalisation (mean 0, std 1) for `typeCount` species.
    public init(identityFor typeCount: Int) {
        self.typeCount = typeCount
        mean = [Double](repeating: 0, count: typeCount * typeCount)
        stdRadial = [Double](repeating: 1, count: typeCount * typeCount)
        stdAngular = stdRadial
    }

    /// Statistics from the environments of a data set (DeePMD-kit's rule; std floored at 0.01).
    public init(environments: [AtomEnvironments], switch sw: SmoothSwitch, typeCount: Int) {
        self.typeCount = typeCount
        let nb = typeCount * typeCount
        var n = [Double](repeating: 0, count: nb)
        var sumS = n, sumS2 = n, sumA2 = n
        for env in environments {
            for i in 0..<env.atomCount {
                let c = env.types[i]
                for t in 0..<env.sel.count {
                    let b = c * typeCount + t
                    n[b] += Double(env.sel[t])
                    for k in env.blockStart[t]..<env.blockStart[t + 1] {
                        let sl = env.slot(i, k)
                        guard env.neighbor[sl] >= 0 else { continue }
                        let (s, a, bb, cc) = EnvironmentMatrix.row(env.displacement[3 * sl], env.displacement[3 * sl + 1],
                                                                  env.displacement[3 * sl + 2], switch: sw)
                        sumS[b] += s
                        sumS2[b] += s * s
                        sumA2[b] += a * a + bb * bb + cc * cc
                    }
                }
            }
        }
        mean = [Double](repeating: 0, count: nb)
        stdRadial = [Double](repeating: 1, count: nb)
        stdAngular = [Double](repeating: 1, count: nb)
        for b in 0..<nb where n[b] > 0 {
            let m = sumS[b] / n[b]
            mean[b] = m
            stdRadial[b] = Swift.max(0.01, (Swift.max(0, sumS2[b] / n[b] - m * m)).squareRoot())
            stdAngular[b] = Swift.max(0.01, (sumA2[b] / (3 * n[b])).squareRoot())
        }
    }
}

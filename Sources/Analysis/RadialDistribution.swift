import Atomistics

/// The radial distribution function g(r) of a species pair, accumulated over frames.
///
/// For bin k, g(r_k) = V · n_k / (N_A · N_B′ · 4/3 π (r_{k+1}³ − r_k³)), where n_k counts ordered
/// pairs (i in A, j in B, i ≠ j) per frame and N_B′ = N_B − 1 for like pairs, N_B otherwise. When
/// the volume changes (NPT) the two codes differ, and ``Normalization`` names which is used:
/// MDAnalysis `InterRDF` averages the counts and multiplies by the mean volume (the default);
/// LAMMPS `compute rdf` normalises each frame by its own volume and averages the g's.
/// Distances use the minimum image, which is exact for r_max up to half the shortest
/// perpendicular box width; a larger r_max is refused.
public struct RadialDistribution: Sendable {
    /// How frames of different volume are combined.
    public enum Normalization: String, Sendable, CaseIterable {
        /// MDAnalysis `InterRDF`: ⟨n_k⟩ · ⟨V⟩ / (N_A N_B′ shell_k).
        case averageVolume = "average-volume"
        /// LAMMPS `compute rdf` averaged over frames: ⟨V n_k⟩ / (N_A N_B′ shell_k).
        case perFrame = "per-frame"
    }

    /// Outer radius (length units, Å in metal).
    public let rMax: Double
    /// Number of bins of width rMax/bins on [0, rMax].
    public let bins: Int
    /// How frames of different volume are combined (``Normalization/averageVolume`` by default).
    public var normalization: Normalization = .averageVolume
    /// Summed per-bin values of V·n_k/(N_A N_B′) over frames (per-frame normalisation).
    private var sum: [Double]
    /// Summed per-bin values of n_k/(N_A N_B′) over frames, and the summed volume (InterRDF's).
    private var countSum: [Double]
    private var volumeSum = 0.0
    /// Summed density N_B′/V over frames (for the coordination number).
    private var densitySum = 0.0
    /// Frames accumulated.
    public private(set) var frames = 0

    /// An empty accumulator.
    public init(rMax: Double, bins: Int) {
        precondition(rMax > 0 && bins > 0, "RadialDistribution: rMax \(rMax) and bins \(bins) must be positive")
        self.rMax = rMax
        self.bins = bins
        sum = [Double](repeating: 0, count: bins)
        countSum = [Double](repeating: 0, count: bins)
    }

    /// Bin centres (length units).
    public var r: [Double] { (0..<bins).map { (Double($0) + 0.5) * rMax / Double(bins) } }

    /// g(r) averaged over the frames so far.
    public var g: [Double] {
        let dr = rMax / Double(bins)
        return (0..<bins).map { k in
            let shell = 4.0 / 3.0 * Double.pi * (pow3(Double(k + 1) * dr) - pow3(Double(k) * dr))
            guard frames > 0 else { return 0 }
            switch normalization {
            case .perFrame: return sum[k] / (Double(frames) * shell)
            case .averageVolume: return countSum[k] * (volumeSum / Double(frames)) / (Double(frames) * shell)
            }
        }
    }

    /// The running coordination number ∫₀^r ρ′ g 4πr² dr at each bin's outer edge (ρ′ = N_B′/V):
    /// the mean number of B neighbours of an A atom within r.
    public var coordination: [Double] {
        let dr = rMax / Double(bins)
        let rho = frames == 0 ? 0 : densitySum / Double(frames)
        var acc = 0.0
        return g.enumerated().map { k, gk in
            acc += rho * gk * 4.0 / 3.0 * Double.pi * (pow3(Double(k + 1) * dr) - pow3(Double(k) * dr))
            return acc
        }
    }

    /// Adds one frame: positions (3N, length units) in `box`, the atoms of species A and B.
    ///
    /// - Throws: `AnalysisError.rMaxTooLarge` when rMax exceeds half the shortest periodic
    ///   perpendicular width of the box.
    public mutating func add(positions: [Double], box: Box, a: [Int], b: [Int]) throws(AnalysisError) {
        guard box.periodic.allSatisfy({ $0 }) else { throw .notPeriodic(periodic: box.periodic) }
        let half = 0.5 * (box.perpendicularWidths.min() ?? 0)
        guard rMax <= half * (1 + 1e-12) else { throw .rMaxTooLarge(rMax: rMax, halfWidth: half) }
        let like = Set(a) == Set(b)
        let pairsNorm = Double(a.count) * Double(like ? b.count - 1 : b.count)
        guard pairsNorm > 0 else { return }
        let scale = box.volume / pairsNorm
        let inv = Double(bins) / rMax
        let r2max = rMax * rMax
        var counts = [Double](repeating: 0, count: bins)
        // orthorhombic: per-axis rounding is the exact minimum image for r < half the box
        let ortho = box.isOrthorhombic
        let len = [box.vectors[0], box.vectors[4], box.vectors[8]]
        let inv3 = len.map { 1 / $0 }
        if ortho && like {
            RadialDistribution.countLikePairs(positions: positions, atoms: a, lengths: len, rMax: rMax, bins: bins, into: &counts)
            for k in 0..<bins { sum[k] += counts[k] * scale; countSum[k] += counts[k] / pairsNorm }
            volumeSum += box.volume
            densitySum += Double(b.count - 1) / box.volume
            frames += 1
            return
        }
        for i in a {
            for j in b where j != i {
                var d = (positions[3 * j] - positions[3 * i], positions[3 * j + 1] - positions[3 * i + 1],
                         positions[3 * j + 2] - positions[3 * i + 2])
                if ortho {
                    if box.periodic[0] { d.0 -= len[0] * (d.0 * inv3[0]).rounded() }
                    if box.periodic[1] { d.1 -= len[1] * (d.1 * inv3[1]).rounded() }
                    if box.periodic[2] { d.2 -= len[2] * (d.2 * inv3[2]).rounded() }
                } else {
                    box.minimumImage(&d)
                }
                let r2 = d.0 * d.0 + d.1 * d.1 + d.2 * d.2
                if r2 < r2max {
                    let k = Int(r2.squareRoot() * inv)
                    if k < bins { counts[k] += 1 }
                }
            }
        }
        for k in 0..<bins { sum[k] += counts[k] * scale; countSum[k] += counts[k] / pairsNorm }
        volumeSum += box.volume
        densitySum += Double(like ? b.count - 1 : b.count) / box.volume  // N_B′/V: counts exact neighbours
        frames += 1
    }

    /// Adds to `counts` the ordered pairs (i, j), i ≠ j, of `atoms` in each bin, in a periodic
    /// orthorhombic box of edge `lengths`: each unordered pair once, counted twice.
    ///
    /// Coordinates are first wrapped into [0, L) (a copy; only distances matter), so each
    /// difference lies in (−L, L) and the minimum image is one conditional shift per axis. Each
    /// row i is done in two passes: squared distances of all j > i into a buffer (branch-free,
    /// vectorisable), then the bin index of each (distances ≥ rMax go to an overflow slot).
    ///
    /// - Complexity: O(n²/2) distance evaluations.
    static func countLikePairs(positions: [Double], atoms: [Int], lengths: [Double], rMax: Double, bins: Int,
                               into counts: inout [Double]) {
        let n = atoms.count
        let (lx, ly, lz) = (lengths[0], lengths[1], lengths[2])
        func wrap(_ v: Double, _ l: Double) -> Double {
            let w = v - l * (v / l).rounded(.down)
            return w < l ? w : w - l  // v just below a multiple of l can round up to l
        }
        let xs = atoms.map { wrap(positions[3 * $0], lx) }, ys = atoms.map { wrap(positions[3 * $0 + 1], ly) }
        let zs = atoms.map { wrap(positions[3 * $0 + 2], lz) }
        let (hx, hy, hz) = (0.5 * lx, 0.5 * ly, 0.5 * lz)
        let r2max = rMax * rMax, inv = Double(bins) / rMax
        var r2 = [Double](repeating: 0, count: n)
        var hist = [Int](repeating: 0, count: bins + 1)  // the last slot: r ≥ rMax
        xs.withUnsafeBufferPointer { x in
            ys.withUnsafeBufferPointer { y in
                zs.withUnsafeBufferPointer { z in
                    r2.withUnsafeMutableBufferPointer { d in
                        hist.withUnsafeMutableBufferPointer { h in
                            for i in 0..<n {
                                let (xi, yi, zi) = (x[i], y[i], z[i])
                                var j = i + 1
                                while j < n {
                                    var dx = x[j] - xi, dy = y[j] - yi, dz = z[j] - zi
                                    dx = dx > hx ? dx - lx : (dx < -hx ? dx + lx : dx)
                                    dy = dy > hy ? dy - ly : (dy < -hy ? dy + ly : dy)
                                    dz = dz > hz ? dz - lz : (dz < -hz ? dz + lz : dz)
                                    d[j] = dx * dx + dy * dy + dz * dz
                                    j &+= 1
                                }
                                j = i + 1
                                while j < n {
                                    let q = d[j]
                                    let k = q < r2max ? min(Int(q.squareRoot() * inv), bins) : bins
                                    h[k] &+= 1
                                    j &+= 1
                                }
                            }
                        }
                    }
                }
            }
        }
        for k in 0..<bins { counts[k] += 2 * Double(hist[k]) }
    }

    /// The first maximum of g(r): (r, g).
    public var firstPeak: (r: Double, g: Double) {
        let gs = g, rs = r
        guard var best = gs.indices.first else { return (0, 0) }
        for k in gs.indices where gs[k] > gs[best] { best = k }
        return (rs[best], gs[best])
    }
}

@inline(__always) private func pow3(_ x: Double) -> Double { x * x * x }

/// What can go wrong in an analysis.
public enum AnalysisError: Error, Equatable, CustomStringConvertible {
    /// r_max beyond half the shortest perpendicular width (minimum image no longer exact).
    case rMaxTooLarge(rMax: Double, halfWidth: Double)
    /// g(r) needs a box periodic in every direction (its volume sets the ideal-gas density).
    case notPeriodic(periodic: [Bool])
    /// A species named in a pair is not in the trajectory.
    case unknownSpecies(String, available: [String])
    /// A table (thermo CSV) that does not parse: file, 1-based line, what was expected and found.
    case badTable(file: String, line: Int, expected: String, found: String)
    /// An output path that is one of the command's inputs (it would be overwritten).
    case outputIsInput(output: String, input: String)

    /// One line saying what was expected and found.
    public var description: String {
        switch self {
        case .rMaxTooLarge(let r, let h):
            "rmax \(r) exceeds half the shortest perpendicular box width (\(h)); expected rmax ≤ \(h)"
        case .notPeriodic(let p):
            "g(r) needs a box periodic in all three directions; found periodicity \(p)"
        case .unknownSpecies(let s, let av):
            "species '\(s)' is not in the trajectory; expected one of \(av)"
        case .badTable(let f, let l, let e, let found):
            "\(f):\(l): expected \(e), found \(found)"
        case .outputIsInput(let o, let i):
            "the output \(o) is the input \(i): it would be overwritten; choose another --out"
        }
    }
}

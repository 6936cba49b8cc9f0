import CVecMath
import Foundation
import NNCore

/// An embedding net g(s) tabulated as piecewise quintic polynomials (DeePMD-kit's model
/// compression): on each interval the polynomial matches g, g′ and g″ of the exact net at both
/// ends, so values and first derivatives are continuous across intervals. Inputs beyond the table
/// are evaluated on the end polynomials (they are only reached by atoms closer than `minimumDistance`).
public struct EmbeddingTable: Sendable {
    /// Output width M.
    public let width: Int
    /// First tabulated input (normalised s).
    public let lower: Double
    /// Interval length (normalised s).
    public let stride: Double
    /// Number of intervals.
    public let intervals: Int
    /// Coefficients, [interval][output][6] (c0 + c1 t + … + c5 t⁵ with t = s − s_k).
    let coefficients: [Double]
    /// The coefficients rounded to float32, for mixed precision (the same layout).
    let coefficients32: [Float]

    /// Tabulates `net` (one scalar input) on [lower, upper] with intervals of `stride`.
    public init(net: MLP, lower: Double, upper: Double, stride: Double) {
        let m = net.layers.last!.outputs
        width = m
        self.lower = lower
        self.stride = stride
        intervals = max(1, Int(((upper - lower) / stride).rounded(.up)))
        let nodes = (0...intervals).map { lower + Double($0) * stride }
        let (y, d1, d2) = EmbeddingTable.derivatives(net, at: nodes)
        var c = [Double](repeating: 0, count: intervals * m * 6)
        let h = stride
        for k in 0..<intervals {
            for j in 0..<m {
                let y0 = y[k * m + j], y1 = y[(k + 1) * m + j]
                let p0 = d1[k * m + j], p1 = d1[(k + 1) * m + j]
                let q0 = d2[k * m + j], q1 = d2[(k + 1) * m + j]
                // Quintic Hermite: value, slope, curvature at t = 0 and t = h.
                let a0 = y0, a1 = p0, a2 = q0 / 2
                let dy = y1 - y0 - p0 * h - q0 * h * h / 2
                let dp = p1 - p0 - q0 * h
                let dq = q1 - q0
                let h3 = h * h * h, h4 = h3 * h, h5 = h4 * h
                let a3 = (20 * dy - 8 * dp * h + dq * h * h) / (2 * h3)
                let a4 = (-30 * dy + 14 * dp * h - 2 * dq * h * h) / (2 * h4)
                let a5 = (12 * dy - 6 * dp * h + dq * h * h) / (2 * h5)
                let o = (k * m + j) * 6
                c[o] = a0; c[o + 1] = a1; c[o + 2] = a2; c[o + 3] = a3; c[o + 4] = a4; c[o + 5] = a5
            }
        }
        // Laid out by power (interval k's coefficient p of column j at (6k + p)·m + j), so an
        // evaluation runs along contiguous columns and vectorises.
        var byPower = [Double](repeating: 0, count: c.count)
        for k in 0..<intervals {
            for j in 0..<m { for p in 0..<6 { byPower[(6 * k + p) * m + j] = c[(k * m + j) * 6 + p] } }
        }
        coefficients = byPower
        coefficients32 = byPower.map { Float($0) }
    }

    /// g(s) and dg/ds for `count` inputs: values into `g` (count × M), derivatives into `dg`.
    public func evaluate(_ s: UnsafePointer<Double>, count: Int, g: UnsafeMutablePointer<Double>,
                         dg: UnsafeMutablePointer<Double>) {
        let m = width
        coefficients.withUnsafeBufferPointer { cp in
            let c = cp.baseAddress!
            for r in 0..<count {
                let x = s[r]
                var k = Int(((x - lower) / stride).rounded(.down))
                k = Swift.min(Swift.max(k, 0), intervals - 1)
                let t = x - (lower + Double(k) * stride)
                let a0 = c + 6 * k * m, a1 = a0 + m, a2 = a1 + m, a3 = a2 + m, a4 = a3 + m, a5 = a4 + m
                let out = g + r * m, dout = dg + r * m
                for j in 0..<m {
                    out[j] = a0[j] + t * (a1[j] + t * (a2[j] + t * (a3[j] + t * (a4[j] + t * a5[j]))))
                    dout[j] = a1[j] + t * (2 * a2[j] + t * (3 * a3[j] + t * (4 * a4[j] + t * 5 * a5[j])))
                }
            }
        }
    }

    /// The same in float32 from `coefficients32`, by the C kernel (AVX-512 or AVX2+FMA chosen at
    /// run time; Swift's own loop compiles for baseline SSE).
    func evaluate(_ s: UnsafePointer<Float>, count: Int, g: UnsafeMutablePointer<Float>, dg: UnsafeMutablePointer<Float>) {
        coefficients32.withUnsafeBufferPointer { cp in
            symmd_quintic_f32(s, count, cp.baseAddress!, width, intervals, Float(lower), Float(stride), g, dg)
        }
    }

    /// g, g′ and g″ of a scalar-input tanh MLP at `points`, by forward-mode differentiation
    /// through its layers (each [points × M], row-major).
    public static func derivatives(_ net: MLP, at points: [Double]) -> ([Double], [Double], [Double]) {
        var h = points, h1 = [Double](repeating: 1, count: points.count), h2 = [Double](repeating: 0, count: points.count)
        var width = 1
        let n = points.count
        for (k, layer) in net.layers.enumerated() {
            let w = layer.weight.value.scalars, b = layer.bias.value.scalars
            let nin = layer.inputs, nout = layer.outputs
            let hidden = !(k == net.layers.count - 1 && net.linearOutput)
            let ts = net.timesteps[k]?.value.scalars
            var y = [Double](repeating: 0, count: n * nout), y1 = y, y2 = y
            for r in 0..<n {
                for j in 0..<nout {
                    var z = b[j], z1 = 0.0, z2 = 0.0
                    for i in 0..<nin {
                        let wij = w[i * nout + j]
                        z += h[r * width + i] * wij
                        z1 += h1[r * width + i] * wij
                        z2 += h2[r * width + i] * wij
                    }
                    var v = z, v1 = z1, v2 = z2
                    if hidden {
                        let t = Foundation.tanh(z)
                        v = t
                        v1 = (1 - t * t) * z1
                        v2 = -2 * t * (1 - t * t) * z1 * z1 + (1 - t * t) * z2
                    }
                    if let ts { v *= ts[j]; v1 *= ts[j]; v2 *= ts[j] }
                    y[r * nout + j] = v; y1[r * nout + j] = v1; y2[r * nout + j] = v2
                }
                if net.skip && hidden {
                    if nout == nin {
                        for j in 0..<nout {
                            y[r * nout + j] += h[r * width + j]; y1[r * nout + j] += h1[r * width + j]; y2[r * nout + j] += h2[r * width + j]
                        }
                    } else if nout == 2 * nin {
                        for j in 0..<nout {
                            let i = j % nin
                            y[r * nout + j] += h[r * width + i]; y1[r * nout + j] += h1[r * width + i]; y2[r * nout + j] += h2[r * width + i]
                        }
                    }
                }
            }
            h = y; h1 = y1; h2 = y2
            width = nout
        }
        return (h, h1, h2)
    }
}

/// A model's embedding nets tabulated for the fused path (`DeepPotentialModel.compress`).
public struct CompressedEmbedding: Sendable {
    /// One table per embedding net, in the model's embedding order.
    public let tables: [EmbeddingTable]
    /// Interval length (normalised s).
    public let stride: Double
    /// Shortest distance (Å) inside the tabulated range; closer atoms use the end polynomial.
    public let minimumDistance: Double
}

extension DeepPotentialModel {
    /// Tabulates every embedding net over the normalised inputs of distances ≥ `minimumDistance`
    /// (Å) with intervals of `stride` (DeePMD-kit's model compression); the fused path then uses
    /// the tables. Forces change at the 1e-7 relative level for stride 0.01 (see the tests).
    public func compress(stride: Double = 0.01, minimumDistance: Double = 0.5) {
        let nt = spec.typeCount
        let rcut = spec.descriptor.rcut
        let sMax = SmoothSwitch(inner: spec.descriptor.rcutSmooth, outer: rcut).value(minimumDistance).s
        var tables: [EmbeddingTable] = []
        for k in 0..<embeddings.count {
            // Centre types that use net k and their normalisations of s ∈ [0, s(r_min)].
            let pairs: [(Int, Int)] = spec.descriptor.typeOneSide ? (0..<nt).map { ($0, k) } : [(k / nt, k % nt)]
            var lo = Double.infinity, hi = -Double.infinity
            for (c, t) in pairs {
                let b = c * nt + t
                let a = (0 - statistics.mean[b]) / statistics.stdRadial[b]
                let z = (sMax - statistics.mean[b]) / statistics.stdRadial[b]
                lo = Swift.min(lo, a, z)
                hi = Swift.max(hi, a, z)
            }
            tables.append(EmbeddingTable(net: embeddings[k], lower: lo - stride, upper: hi + stride, stride: stride))
        }
        compression = CompressedEmbedding(tables: tables, stride: stride, minimumDistance: minimumDistance)
    }
}

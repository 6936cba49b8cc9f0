import Foundation

/// The one seeded generator of symmd: xoshiro256** (Blackman & Vigna 2018), its 256-bit state
/// filled from a 64-bit seed by SplitMix64. NNCore calls it `RandomGenerator`, Atomistics
/// `Xoshiro256StarStar`: the same type.
///
/// Our own code, so the stream never changes with the standard library or the platform: the same
/// seed gives the same weights, velocities and thermostat noise everywhere. Normal deviates use
/// the Box–Muller transform, both values of each pair (the spare is part of the state, so a saved
/// and restored generator continues the same stream).
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable, Codable, Equatable {
    /// The four 64-bit state words.
    public private(set) var s0, s1, s2, s3: UInt64
    /// The second Box–Muller value, waiting to be returned (nil when none).
    public private(set) var spareNormal: Double?

    /// A generator whose whole sequence is fixed by `seed` (SplitMix64 expands it to 256 bits).
    public init(seed: UInt64) {
        var z = seed
        func splitmix() -> UInt64 {
            z &+= 0x9E37_79B9_7F4A_7C15
            var x = z
            x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
            x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
            return x ^ (x >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
        spareNormal = nil
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = Self.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotl(s3, 45)
        return result
    }

    /// A uniform double on [0, 1) with 53 random bits (dimensionless).
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A standard normal deviate (mean 0, variance 1; Box–Muller).
    public mutating func nextNormal() -> Double {
        if let z = spareNormal {
            spareNormal = nil
            return z
        }
        var u1 = nextUniform()
        while u1 <= 0 { u1 = nextUniform() }
        let u2 = nextUniform()
        let r = (-2 * log(u1)).squareRoot()
        let theta = 2 * Double.pi * u2
        spareNormal = r * sin(theta)
        return r * cos(theta)
    }

    /// A Gamma(shape, 1) deviate, shape > 0 (Marsaglia & Tsang 2000; shape < 1 by boosting).
    public mutating func nextGamma(shape: Double) -> Double {
        precondition(shape > 0, "nextGamma: shape must be positive, got \(shape)")
        if shape < 1 {
            let u = nextUniform()
            return nextGamma(shape: shape + 1) * pow(max(u, .leastNormalMagnitude), 1 / shape)
        }
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x = 0.0, v = 0.0
            repeat {
                x = nextNormal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = nextUniform()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if u > 0, log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }

    /// The sum of `n` squared standard normal deviates (a χ²ₙ deviate), drawn as Bussi's
    /// `sumnoises`: 2·Gamma(n/2) for even n, plus one squared normal for odd n.
    public mutating func nextChiSquared(degrees n: Int) -> Double {
        precondition(n >= 0, "nextChiSquared: degrees must be ≥ 0, got \(n)")
        if n == 0 { return 0 }
        if n == 1 { let r = nextNormal(); return r * r }
        if n % 2 == 0 { return 2 * nextGamma(shape: Double(n / 2)) }
        let r = nextNormal()
        return 2 * nextGamma(shape: Double((n - 1) / 2)) + r * r
    }

    /// The full state: the four xoshiro words, then 1 and the cached normal's bits when one is
    /// cached. Restoring it with ``init(state:)`` continues the stream exactly.
    public var state: [UInt64] {
        [s0, s1, s2, s3] + (spareNormal.map { [1, $0.bitPattern] } ?? [])
    }

    /// A generator continuing from a saved ``state`` (nil when the words are not a valid state).
    public init?(state: [UInt64]) {
        guard state.count == 4 || (state.count == 6 && state[4] == 1), state[0..<4].contains(where: { $0 != 0 }) else { return nil }
        s0 = state[0]; s1 = state[1]; s2 = state[2]; s3 = state[3]
        spareNormal = state.count == 6 ? Double(bitPattern: state[5]) : nil
    }

    /// A uniform integer in 0..<bound (Lemire's multiply-and-reject; our own, so the stream
    /// does not change with the standard library).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:): bound must be positive, got \(bound)")
        let b = UInt64(bound)
        let threshold = (0 &- b) % b
        while true {
            let (hi, lo) = next().multipliedFullWidth(by: b)
            if lo >= threshold { return Int(hi) }
        }
    }

    /// A random permutation of 0..<n (Fisher–Yates with ``nextInt(below:)``).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        var i = n - 1
        while i > 0 {
            p.swapAt(i, nextInt(below: i + 1))
            i -= 1
        }
        return p
    }
}

import RealModule

/// The seeded pseudo-random generator used everywhere in symmd: xoshiro256** (Blackman &
/// Vigna 2018), its state filled from the seed by SplitMix64.
///
/// The same seed gives the same sequence on every run and platform. Normal samples use the
/// Box–Muller transform (both values of each pair are used).
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)
    private var spareNormal: Double?

    /// A generator whose whole sequence is fixed by `seed`.
    /// The full state: the four xoshiro words, then 1 and the cached normal's bits when one is
    /// cached. Restoring it with ``init(state:)`` continues the stream exactly.
    public var state: [UInt64] {
        [s.0, s.1, s.2, s.3] + (spareNormal.map { [1, $0.bitPattern] } ?? [])
    }

    /// A generator continuing from a saved ``state`` (nil when the words are not a valid state).
    public init?(state: [UInt64]) {
        guard state.count == 4 || (state.count == 6 && state[4] == 1), state[0..<4].contains(where: { $0 != 0 }) else { return nil }
        s = (state[0], state[1], state[2], state[3])
        spareNormal = state.count == 6 ? Double(bitPattern: state[5]) : nil
    }

    public init(seed: UInt64) {
        var z = seed
        func splitmix() -> UInt64 {
            z &+= 0x9E37_79B9_7F4A_7C15
            var x = z
            x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
            x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
            return x ^ (x >> 31)
        }
        s = (splitmix(), splitmix(), splitmix(), splitmix())
        spareNormal = nil
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = Self.rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = Self.rotl(s.3, 45)
        return result
    }

    /// A uniform double on [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A standard normal sample.
    public mutating func nextNormal() -> Double {
        if let z = spareNormal {
            spareNormal = nil
            return z
        }
        var u1 = nextUniform()
        while u1 <= 0 { u1 = nextUniform() }
        let u2 = nextUniform()
        let r = (-2 * Double.log(u1)).squareRoot()
        let theta = 2 * Double.pi * u2
        spareNormal = r * Double.sin(theta)
        return r * Double.cos(theta)
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

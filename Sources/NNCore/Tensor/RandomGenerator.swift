@_exported import SymmdBase

/// NNCore's name for symmd's one seeded generator (xoshiro256**, SplitMix64 seeding): the same
/// type as Atomistics' `Xoshiro256StarStar`, defined once in SymmdBase.
public typealias RandomGenerator = Xoshiro256StarStar

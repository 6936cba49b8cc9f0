// Atomistics' users get the shared base with it: the seeded generator (`Xoshiro256StarStar`),
// `ConcurrentBlocks` and `UncheckedSendable`.
@_exported import SymmdBase

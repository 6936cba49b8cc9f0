import Atomistics

/// `kind = "lj"`: `epsilon` (ε), `sigma` (σ), `cutoff`, optional `shift`/`smooth`, and optional
/// per type-pair `pairs = [{ types = [1, 2], epsilon = …, sigma = …, cutoff = … }]`.
enum LennardJonesKind: PotentialKind {
    static let name = "lj"

    static func make(_ pot: DeckTable, units: UnitStyle, context: DeckContext) throws -> (any Potential, [String]?) {
        let e = units.names.energy, l = units.names.length
        let eps = try pot.positive("epsilon", "well depth ε (\(e))", allowZero: true) ?? 1
        let sigma = try pot.positive("sigma", "σ (\(l))") ?? 1
        guard let rc = try pot.positive("cutoff", "cutoff (\(l))") else {
            throw pot.error(.missingKey, "cutoff", expected: "cutoff = length (\(l))", found: "nothing")
        }
        let tr = try PairTruncation.read(pot)
        guard let pairs = try pot.tables("pairs") else {
            return (try LennardJones(epsilon: eps, sigma: sigma, cutoff: rc, truncation: tr), nil)
        }
        var specs = [(Int, Int, Double, Double, Double)]()
        var ntypes = 1
        for p in pairs {
            guard let ij = try p.ints("types", count: 2, "1-based type pair", minimum: 1) else {
                throw p.error(.missingKey, "types", expected: "types = [i, j]", found: "nothing")
            }
            let pe = try p.positive("epsilon", "ε (\(e))", allowZero: true) ?? eps
            let ps = try p.positive("sigma", "σ (\(l))") ?? sigma
            let pc = try p.positive("cutoff", "cutoff (\(l))") ?? rc
            try p.finish()
            ntypes = max(ntypes, ij[0], ij[1])
            specs.append((ij[0] - 1, ij[1] - 1, pe, ps, pc))
        }
        var E = [Double](repeating: eps, count: ntypes * ntypes)
        var S = [Double](repeating: sigma, count: ntypes * ntypes)
        var C = [Double](repeating: rc, count: ntypes * ntypes)
        for (i, j, pe, ps, pc) in specs {
            E[i * ntypes + j] = pe; E[j * ntypes + i] = pe
            S[i * ntypes + j] = ps; S[j * ntypes + i] = ps
            C[i * ntypes + j] = pc; C[j * ntypes + i] = pc
        }
        return (try LennardJones(typeCount: ntypes, epsilon: E, sigma: S, cutoffs: C, truncation: tr), nil)
    }
}

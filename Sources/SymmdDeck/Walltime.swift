/// Wall-time limits written as LAMMPS's `timer timeout` and batch queues write them.
public enum Walltime {
    /// Seconds of `"HH:MM:SS"` (also `"MM:SS"` or plain seconds), or nil when it is not one;
    /// minutes and seconds below 60, the total positive.
    public static func seconds(_ text: String) -> Double? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Double($0) }
        guard (1...3).contains(parts.count), parts.allSatisfy({ $0 != nil && $0! >= 0 && $0!.isFinite }) else { return nil }
        let values = parts.map { $0! }
        if values.count > 1, values.dropFirst().contains(where: { $0 >= 60 }) { return nil }
        let total = values.reduce(0) { $0 * 60 + $1 }
        return total > 0 ? total : nil
    }
}

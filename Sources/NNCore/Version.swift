/// The symmd release this code is.
public enum SymmdVersion {
    /// Semantic version string.
    public static let string = "0.1.0"
}

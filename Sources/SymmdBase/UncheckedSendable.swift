/// A value handed across threads where the caller guarantees the access is race-free (each
/// thread touching disjoint elements of a buffer, say).
public struct UncheckedSendable<T>: @unchecked Sendable {
    /// The value.
    public let value: T
    /// Wraps `value`.
    @inlinable public init(_ value: T) { self.value = value }
}

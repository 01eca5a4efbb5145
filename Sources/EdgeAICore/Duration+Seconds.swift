extension Duration {
    /// The duration in seconds, as a floating-point number.
    package var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// The duration in milliseconds, as a floating-point number.
    package var milliseconds: Double { seconds * 1e3 }

    /// The duration in whole nanoseconds, truncated; saturates at `Int64`'s range.
    package var nanoseconds: Int64 {
        let parts = components
        let (wholeSeconds, overflow) = parts.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return parts.seconds < 0 ? .min : .max }
        let (sum, overflowAdding) = wholeSeconds.addingReportingOverflow(parts.attoseconds / 1_000_000_000)
        guard !overflowAdding else { return parts.seconds < 0 ? .min : .max }
        return sum
    }
}

/// Hears how far a long file scan has got: `report(scanned, total)` is called each time another
/// `interval` bytes have been read, with the bytes this scan has read and the bytes it will read
/// in all (for an incremental scan, only the new bytes). A scan shorter than `interval` never
/// reports. Called synchronously on the scanning thread: keep it cheap.
public struct ScanProgress {
    public let interval: Int
    public let report: (_ scanned: Int, _ total: Int) -> Void

    /// - Parameter interval: bytes between reports (at least 1; default 64 MiB).
    public init(every interval: Int = 64 << 20, _ report: @escaping (_ scanned: Int, _ total: Int) -> Void) {
        self.interval = max(interval, 1)
        self.report = report
    }

    /// Whole percent of `total` that `scanned` is (100 for an empty total).
    public static func percent(_ scanned: Int, of total: Int) -> Int {
        total > 0 ? scanned * 100 / total : 100
    }
}

import Foundation

extension Time {
    /// This time moved by `duration`, rounded down to whole seconds (as Kubernetes writes times).
    public func advanced(by duration: Duration) -> Time {
        let (seconds, attoseconds) = duration.components
        let interval = Double(seconds) + Double(attoseconds) / 1e18
        return Time(Date(timeIntervalSince1970: (date.timeIntervalSince1970 + interval).rounded(.down)))
    }
}

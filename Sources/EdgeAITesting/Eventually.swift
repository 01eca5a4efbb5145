import Foundation

/// The condition did not hold before the deadline.
package struct TimedOut: Error, CustomStringConvertible {
    package var what: String
    package init(what: String) { self.what = what }
    package var description: String { "timed out waiting for \(what)" }
}

/// Polls `condition` until it is true, yielding between attempts; throws ``TimedOut`` after
/// `timeout`. The way tests wait for asynchronous effects, instead of sleeping.
package func eventually(
    _ what: String = "condition", timeout: Duration = .seconds(30),
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    var spins = 0
    while clock.now < deadline {
        if try await condition() { return }
        spins += 1
        // Back off from a hot spin to a short suspension once the first attempts failed.
        if spins < 100 {
            await Task.yield()
        } else {
            try await clock.sleep(for: .milliseconds(5))
        }
    }
    if try await condition() { return }
    throw TimedOut(what: what)
}

/// Polls until `value` returns non-nil, and returns it; throws ``TimedOut`` after `timeout`.
package func eventuallyValue<T>(_ what: String = "a value", timeout: Duration = .seconds(30), _ value: () async throws -> T?) async throws -> T {
    var result: T?
    try await eventually(what, timeout: timeout) {
        result = try await value()
        return result != nil
    }
    guard let result else { throw TimedOut(what: what) }
    return result
}

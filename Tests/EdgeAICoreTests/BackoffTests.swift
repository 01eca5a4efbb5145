import EdgeAICore
import Testing

@Suite(.timeLimit(.minutes(3)))
struct BackoffTests {
    @Test func growsExponentiallyWithEqualJitterAndCap() {
        let backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(2))
        #expect(backoff.ceiling(attempt: 0) == .milliseconds(100))
        #expect(backoff.ceiling(attempt: 3) == .milliseconds(800))
        #expect(backoff.ceiling(attempt: 10) == .seconds(2))
        #expect(backoff.ceiling(attempt: 1_000) == .seconds(2), "no overflow for huge attempt counts")
        var random = SplitMix64(seed: 7)
        for attempt in 0..<12 {
            let ceiling = backoff.ceiling(attempt: attempt)
            for delay in [backoff.delay(attempt: attempt, using: &random), backoff.delay(attempt: attempt)] {
                #expect(delay <= ceiling && delay >= ceiling * 0.5, "attempt \(attempt): \(delay)")
            }
        }
    }

    @Test func withoutJitterTheDelayIsTheCeiling() {
        var random = SplitMix64(seed: 1)
        #expect(Backoff(jitter: 0).delay(attempt: 3, using: &random) == .seconds(4))
        #expect(Backoff(initial: .seconds(1), multiplier: 3, jitter: 0).delay(attempt: 2, using: &random) == .seconds(9))
    }

    @Test func seededGeneratorsSpreadAFleetAndReproduce() {
        let backoff = Backoff()
        var a = SplitMix64(seed: 1), b = SplitMix64(seed: 2), a2 = SplitMix64(seed: 1)
        let da = (0..<8).map { backoff.delay(attempt: $0, using: &a) }
        #expect(da != (0..<8).map { backoff.delay(attempt: $0, using: &b) })
        #expect(da == (0..<8).map { backoff.delay(attempt: $0, using: &a2) })
    }
}

@Suite(.timeLimit(.minutes(3)))
struct TokenBucketTests {
    let t0 = ContinuousClock.now

    @Test func reserveAllowsBurstThenPacesAtTheRate() {
        var bucket = TokenBucket<ContinuousClock.Instant>(ratePerSecond: 10, burst: 3)
        #expect((0..<3).map { _ in bucket.reserve(now: t0) } == [.zero, .zero, .zero])
        #expect(bucket.reserve(now: t0) == .milliseconds(100))
        #expect(bucket.reserve(now: t0) == .milliseconds(200))
        // After 1 s the bucket is full again (capped at burst), not 10 tokens.
        var refilled = TokenBucket<ContinuousClock.Instant>(ratePerSecond: 10, burst: 3)
        for _ in 0..<3 { _ = refilled.reserve(now: t0) }
        #expect((0..<3).map { _ in refilled.reserve(now: t0 + .seconds(1)) } == [.zero, .zero, .zero])
        #expect(refilled.reserve(now: t0 + .seconds(1)) == .milliseconds(100))
        var partial = TokenBucket<ContinuousClock.Instant>(ratePerSecond: 10, burst: 1)
        _ = partial.reserve(now: t0)
        #expect(partial.reserve(now: t0 + .milliseconds(50)) == .milliseconds(50))
    }

    @Test func tryTakeRefusesWhenEmptyAndSaysWhenTheNextTokenComes() {
        var bucket = TokenBucket<ContinuousClock.Instant>(ratePerSecond: 4, burst: 2)
        let taken = [t0, t0, t0].map { bucket.tryTake(now: $0) }
        #expect(taken == [true, true, false])
        #expect(bucket.nextToken(now: t0) == t0 + .milliseconds(250))
        let later = [t0 + .milliseconds(200), t0 + .milliseconds(250)].map { bucket.tryTake(now: $0) }
        #expect(later == [false, true])
        // A reservation is debt that tryTake then has to wait out.
        var mixed = TokenBucket<ContinuousClock.Instant>(ratePerSecond: 1, burst: 1)
        let waits = [mixed.reserve(now: t0), mixed.reserve(now: t0)]
        #expect(waits == [.zero, .seconds(1)])
        let afterDebt = [t0 + .seconds(1), t0 + .seconds(2)].map { mixed.tryTake(now: $0) }
        #expect(afterDebt == [false, true])
    }

    @Test func aNonPositiveRateIsUnlimited() {
        var bucket = TokenBucket<ContinuousClock.Instant>(ratePerSecond: 0, burst: 1)
        let taken = (0..<100).filter { _ in bucket.tryTake(now: t0) }.count
        #expect(taken == 100)
        #expect(bucket.reserve(now: t0) == .zero && bucket.nextToken(now: t0) == t0)
    }

    @Test func durationHelpers() {
        #expect(Duration.milliseconds(1500).seconds == 1.5)
        #expect(Duration.microseconds(2500).milliseconds == 2.5)
        #expect(Duration.seconds(3).nanoseconds == 3_000_000_000)
        #expect(Duration.seconds(Int64.max).nanoseconds == .max)
    }
}

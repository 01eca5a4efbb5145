/// One-time login codes: each is random, bound to one bearer token, redeemable once, within
/// `lifetime`. At most `capacity` are outstanding; minting into a full table fails (rather than
/// dropping a code someone was given). Pure; the clock is passed in.
struct LoginCodes<Instant: InstantProtocol> where Instant.Duration == Duration {
    let capacity: Int
    let lifetime: Duration
    private var codes: [String: (token: String, expires: Instant)] = [:]

    init(capacity: Int, lifetime: Duration) {
        self.capacity = max(1, capacity)
        self.lifetime = lifetime
    }

    var count: Int { codes.count }

    /// A new code for `token`, or `nil` when `capacity` codes are still outstanding.
    mutating func mint(token: String, now: Instant) -> String? {
        purge(now: now)
        guard codes.count < capacity else { return nil }
        var code = SecretID.make()
        while codes[code] != nil { code = SecretID.make() }
        codes[code] = (token, now.advanced(by: lifetime))
        return code
    }

    /// The token bound to `code`, once: the code is gone afterwards, used or expired.
    mutating func redeem(_ code: String, now: Instant) -> String? {
        guard SecretID.isWellFormed(code), let entry = codes.removeValue(forKey: code) else { return nil }
        return now < entry.expires ? entry.token : nil
    }

    private mutating func purge(now: Instant) {
        codes = codes.filter { now < $0.value.expires }
    }
}

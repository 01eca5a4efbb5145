public import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A point in time as Kubernetes writes it (metav1.Time): RFC 3339 in UTC with whole seconds,
/// e.g. `2026-11-30T00:25:16Z`. Decoding also accepts fractional seconds and numeric offsets
/// (metav1.MicroTime, other clients), so any server's timestamps read back.
public struct Time: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var date: Date

    public init(_ date: Date) { self.date = date }

    /// Now, truncated to whole seconds as the API stores it.
    public static func now() -> Time { Time(Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))) }

    public static func < (lhs: Time, rhs: Time) -> Bool { lhs.date < rhs.date }

    public var description: String { rfc3339 }

    public var rfc3339: String { Self.format(date, fractionalDigits: 0) }

    /// RFC 3339 with microseconds (metav1.MicroTime), for events and leases.
    public var rfc3339Micro: String { Self.format(date, fractionalDigits: 6) }

    public init?(rfc3339 text: String) {
        guard let date = Self.parse(text) else { return nil }
        self.date = date
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = Self.parse(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 date-time: \"\(text)\"")
        }
        self.date = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rfc3339)
    }

    static func format(_ date: Date, fractionalDigits: Int) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var text: [UInt8] = []
        text.reserveCapacity(32)
        func pad(_ value: Int32, _ width: Int) {
            var digits: [UInt8] = []
            var v = max(0, value)
            repeat {
                digits.append(UInt8(48 + v % 10))
                v /= 10
            } while v > 0
            if digits.count < width { text.append(contentsOf: repeatElement(48, count: width - digits.count)) }
            text.append(contentsOf: digits.reversed())
        }
        pad(parts.tm_year + 1900, 4)
        text.append(UInt8(ascii: "-"))
        pad(parts.tm_mon + 1, 2)
        text.append(UInt8(ascii: "-"))
        pad(parts.tm_mday, 2)
        text.append(UInt8(ascii: "T"))
        pad(parts.tm_hour, 2)
        text.append(UInt8(ascii: ":"))
        pad(parts.tm_min, 2)
        text.append(UInt8(ascii: ":"))
        pad(parts.tm_sec, 2)
        if fractionalDigits > 0 {
            let fraction = interval - interval.rounded(.down)
            let scaled = Int32((fraction * 1_000_000).rounded(.down))
            text.append(UInt8(ascii: "."))
            pad(scaled, fractionalDigits)
        }
        text.append(UInt8(ascii: "Z"))
        return String(decoding: text, as: UTF8.self)
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
    static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int32? {
            guard start + count <= b.count else { return nil }
            var value: Int32 = 0
            for byte in b[start..<(start + count)] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int32(byte - 48)
            }
            return value
        }
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
            let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < b.count, b[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < b.count, (48...57).contains(b[index]) {
                fraction += Double(b[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offsetSeconds = 0
        guard index < b.count else { return nil }
        switch b[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard let oh = number(index + 1, 2), index + 3 < b.count, b[index + 3] == UInt8(ascii: ":"),
                let om = number(index + 4, 2)
            else { return nil }
            offsetSeconds = Int(oh) * 3600 + Int(om) * 60
            if b[index] == UInt8(ascii: "-") { offsetSeconds = -offsetSeconds }
            index += 6
        default:
            return nil
        }
        guard index == b.count else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        let epoch = timegm(&parts)
        return Date(timeIntervalSince1970: Double(epoch) - Double(offsetSeconds) + fraction)
    }
}

#if arch(x86_64) && canImport(_Builtin_intrinsics.intel)
import _Builtin_intrinsics.intel
#endif

/// 64 input bytes, classified into 64-bit masks: bit `i` of `mask(of: b)` is set when
/// byte `i` equals `b`.
///
/// On x86-64 this uses SSE2 (part of the x86-64 baseline, so no runtime dispatch is needed):
/// four 16-byte compares and `pmovmskb`. Elsewhere it falls back to exact SWAR word tricks.
/// - Precondition: 64 readable bytes at `pointer`.
struct ByteBlock {
    #if arch(x86_64) && canImport(_Builtin_intrinsics.intel)
    let v0: __m128i
    let v1: __m128i
    let v2: __m128i
    let v3: __m128i

    @inline(__always)
    init(_ pointer: UnsafeRawPointer) {
        v0 = _mm_loadu_si128(pointer.assumingMemoryBound(to: __m128i.self))
        v1 = _mm_loadu_si128((pointer + 16).assumingMemoryBound(to: __m128i.self))
        v2 = _mm_loadu_si128((pointer + 32).assumingMemoryBound(to: __m128i.self))
        v3 = _mm_loadu_si128((pointer + 48).assumingMemoryBound(to: __m128i.self))
    }

    @inline(__always)
    func mask(of byte: UInt8) -> UInt64 {
        let pattern = _mm_set1_epi8(CChar(bitPattern: byte))
        let m0 = UInt64(UInt16(truncatingIfNeeded: _mm_movemask_epi8(_mm_cmpeq_epi8(v0, pattern))))
        let m1 = UInt64(UInt16(truncatingIfNeeded: _mm_movemask_epi8(_mm_cmpeq_epi8(v1, pattern))))
        let m2 = UInt64(UInt16(truncatingIfNeeded: _mm_movemask_epi8(_mm_cmpeq_epi8(v2, pattern))))
        let m3 = UInt64(UInt16(truncatingIfNeeded: _mm_movemask_epi8(_mm_cmpeq_epi8(v3, pattern))))
        return m0 | (m1 << 16) | (m2 << 32) | (m3 << 48)
    }
    #else
    let words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    @inline(__always)
    init(_ pointer: UnsafeRawPointer) {
        func w(_ i: Int) -> UInt64 {
            UInt64(littleEndian: pointer.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
        }
        words = (w(0), w(1), w(2), w(3), w(4), w(5), w(6), w(7))
    }

    /// Bit i of the result (i < 8) is set when byte i of `word` equals `byte`. Exact (no
    /// false positives from borrows).
    @inline(__always)
    static func byteMask(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let x = word ^ (0x0101_0101_0101_0101 &* UInt64(byte))
        let low7 = UInt64(0x7F7F_7F7F_7F7F_7F7F)
        let nonZero = ((x & low7) &+ low7) | x
        let zeroHigh = ~nonZero & 0x8080_8080_8080_8080
        return ((zeroHigh >> 7) &* 0x0102_0408_1020_4080) >> 56
    }

    @inline(__always)
    func mask(of byte: UInt8) -> UInt64 {
        let m = Self.byteMask
        return m(words.0, byte) | (m(words.1, byte) << 8) | (m(words.2, byte) << 16)
            | (m(words.3, byte) << 24) | (m(words.4, byte) << 32) | (m(words.5, byte) << 40)
            | (m(words.6, byte) << 48) | (m(words.7, byte) << 56)
    }
    #endif
}
/// Bit i of the result is the XOR of bits 0...i of `x` (inclusive prefix parity).
@inline(__always)
func prefixXor(_ x: UInt64) -> UInt64 {
    var x = x
    x ^= x << 1
    x ^= x << 2
    x ^= x << 4
    x ^= x << 8
    x ^= x << 16
    x ^= x << 32
    return x
}

/// Line-end counting with carried state, shared by the line and CSV counters.
///
/// `ends` marks record terminators, `transparent` bytes that do not make a record non-blank
/// (they neither start nor end content); every other byte is content. Returns the number of
/// terminators whose record holds content. `carry` (0 or 1) says on entry whether the record
/// open before this block already holds content, and on exit whether the one open after it does.
///
/// This is a carry chain: content generates, transparent bytes propagate, so one 64-bit
/// addition computes, for every position, "the nearest non-transparent byte before me is
/// content".
@inline(__always)
func countContentfulEnds(ends: UInt64, transparent: UInt64, carry: inout UInt64) -> Int {
    let content = ~(ends | transparent)
    let (partial, overflow1) = (~ends).addingReportingOverflow(content)
    let (sum, overflow2) = partial.addingReportingOverflow(carry)
    carry = (overflow1 || overflow2) ? 1 : 0
    return (ends & sum).nonzeroBitCount
}

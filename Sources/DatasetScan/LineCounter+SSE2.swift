#if arch(x86_64) && canImport(_Builtin_intrinsics.intel)
import _Builtin_intrinsics.intel

extension LineCounter {
    /// The x86-64 block loop: counts `\n` with vector byte accumulators (no popcount, which
    /// the x86-64 baseline lacks) whenever a block cannot hold a blank line, and falls back to
    /// the exact carry chain (``countContentfulEnds``) for blocks that might.
    ///
    /// A block takes the fast path when no `\n` in it is immediately preceded by `\n` or a
    /// transparent byte (so every `\n` ends a line with content) and its last byte is `\n` or
    /// content (so the carry out is known). CRLF text therefore takes the exact path.
    /// - Precondition: `start >= 1` (the byte before each block is readable) and
    ///   `carry` describes the line open before `base + start`.
    /// - Returns: the offset where whole 64-byte blocks end.
    @inline(__always)
    static func sse2Blocks(
        _ base: UnsafeRawPointer, start: Int, count: Int, jsonWhitespace: Bool,
        samples: inout Int, carry: inout UInt64
    ) -> Int {
        let newline = _mm_set1_epi8(0x0A), cr = _mm_set1_epi8(0x0D)
        let space = _mm_set1_epi8(0x20), tab = _mm_set1_epi8(0x09)
        let zero = _mm_setzero_si128()
        var accumulator = zero
        var pendingBlocks = 0
        var offset = start
        @inline(__always) func load(_ p: UnsafeRawPointer) -> __m128i {
            _mm_loadu_si128(p.assumingMemoryBound(to: __m128i.self))
        }
        @inline(__always) func flush() {
            let sums = _mm_sad_epu8(accumulator, zero)
            samples &+= Int(_mm_cvtsi128_si64(sums)) &+ Int(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)))
            accumulator = zero
            pendingBlocks = 0
        }
        while count - offset >= 64 {
            let p = base + offset
            let n0 = _mm_cmpeq_epi8(load(p), newline), n1 = _mm_cmpeq_epi8(load(p + 16), newline)
            let n2 = _mm_cmpeq_epi8(load(p + 32), newline), n3 = _mm_cmpeq_epi8(load(p + 48), newline)
            @inline(__always) func blankBefore(_ q: UnsafeRawPointer) -> __m128i {
                let v = load(q)
                var b = _mm_or_si128(_mm_cmpeq_epi8(v, newline), _mm_cmpeq_epi8(v, cr))
                if jsonWhitespace { b = _mm_or_si128(b, _mm_or_si128(_mm_cmpeq_epi8(v, space), _mm_cmpeq_epi8(v, tab))) }
                return b
            }
            let suspicious = _mm_or_si128(
                _mm_or_si128(_mm_and_si128(n0, blankBefore(p - 1)), _mm_and_si128(n1, blankBefore(p + 15))),
                _mm_or_si128(_mm_and_si128(n2, blankBefore(p + 31)), _mm_and_si128(n3, blankBefore(p + 47))))
            let last = p.load(fromByteOffset: 63, as: UInt8.self)
            let lastIsTransparent = last == 0x0D || (jsonWhitespace && (last == 0x20 || last == 0x09))
            if _mm_movemask_epi8(suspicious) == 0 && !lastIsTransparent {
                // _mm_cmpeq gives -1 per match: subtracting counts matches per byte lane.
                accumulator = _mm_sub_epi8(accumulator, _mm_add_epi8(_mm_add_epi8(n0, n1), _mm_add_epi8(n2, n3)))
                carry = last == 0x0A ? 0 : 1
                pendingBlocks += 1
                if pendingBlocks == 63 { flush() }  // lanes grow by at most 4 per block
            } else {
                let block = ByteBlock(p)
                var transparent = block.mask(of: 0x0D)
                if jsonWhitespace { transparent |= block.mask(of: 0x20) | block.mask(of: 0x09) }
                samples &+= countContentfulEnds(ends: block.mask(of: 0x0A), transparent: transparent, carry: &carry)
            }
            offset += 64
        }
        flush()
        return offset
    }
}
#endif

/// CRC-32C (Castagnoli), the checksum TFRecord frames use, in portable slice-by-8 form.
///
/// Used for 8-byte TFRecord lengths and for the small head/tail windows that identify a
/// previously scanned file, so a table-driven software version is plenty.
public enum CRC32C {
    private static let tables: [[UInt32]] = {
        var tables = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 8)
        for n in 0..<256 {
            var crc = UInt32(n)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            tables[0][n] = crc
        }
        for n in 0..<256 {
            for k in 1..<8 {
                let previous = tables[k - 1][n]
                tables[k][n] = (previous >> 8) ^ tables[0][Int(previous & 0xFF)]
            }
        }
        return tables
    }()

    /// The CRC-32C of `bytes`, continuing from `crc` (0 to start).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        var crc = ~crc
        let t = tables
        var index = 0
        let count = bytes.count
        while count - index >= 8 {
            let low = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt32.self)) ^ crc
            let high = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index + 4, as: UInt32.self))
            crc = t[7][Int(low & 0xFF)] ^ t[6][Int((low >> 8) & 0xFF)]
                ^ t[5][Int((low >> 16) & 0xFF)] ^ t[4][Int(low >> 24)]
                ^ t[3][Int(high & 0xFF)] ^ t[2][Int((high >> 8) & 0xFF)]
                ^ t[1][Int((high >> 16) & 0xFF)] ^ t[0][Int(high >> 24)]
            index += 8
        }
        while index < count {
            crc = (crc >> 8) ^ t[0][Int((crc ^ UInt32(bytes[index])) & 0xFF)]
            index += 1
        }
        return ~crc
    }

    /// The checksum of a byte array (convenience).
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// TFRecord's masked CRC: rotate right by 15 and add a constant.
    public static func masked(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}

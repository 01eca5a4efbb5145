/// The on-disk layouts whose samples `DatasetScan` counts.
///
/// The exact meaning of each format (what is and is not a sample) is documented in
/// `docs/formats.md`; the counters implement exactly that text.
public enum DatasetFormat: String, Sendable, Codable, CaseIterable {
    /// One sample per line; empty lines and lines of only `\r` are not samples.
    case txt
    /// RFC 4180 records after a header record; blank records are not samples.
    case csv
    /// One sample per line that holds something other than JSON whitespace.
    case jsonl
    /// TensorFlow `TFRecord` framing: one sample per record.
    case tfrecord
    /// The regular files under a directory, recursively, not following symlinks.
    case dir
}

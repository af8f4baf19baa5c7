// Package tabular streams records out of tabular files: CSV, TSV, JSON Lines
// and Parquet, each optionally gzip-compressed (detected by magic bytes).
//
// A Reader yields one Record at a time in bounded memory, whatever the size
// of the file. Problems that concern one record (a wrong number of fields,
// bad quoting, invalid JSON, a NUL byte, a record longer than
// Options.MaxRecordBytes) do not stop the reader: Next returns a Record whose
// Err is set (a *RecordError) and whose Raw holds the offending bytes, so the
// caller can write a reject row, and reading continues with the next record.
// Every physical line of a text file ends up in exactly one good record, one
// error record, or is an empty line that is skipped. Only I/O problems
// (including a truncated gzip stream) are fatal errors from Next.
//
// The CSV reader is a byte-level scanner over a large buffer, not
// encoding/csv: it jumps to the next quote with bytes.IndexByte and builds one
// string per record, the fields being substrings of it. It reads the
// Kaggle-shaped 1.7 GB job postings CSV several times faster than
// encoding/csv (see BenchmarkCSV and BenchmarkEncodingCSV).
//
// The concrete readers have two optional methods beyond the Reader
// interface, reachable through the UTF8Counter and Progresser interfaces:
// InvalidUTF8 (how many fields had invalid UTF-8 replaced by U+FFFD) and
// InputOffset (bytes consumed from the underlying file, for progress bars).
package tabular

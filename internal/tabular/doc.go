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
// The CSV reader is a byte-level scanner over a 256 KiB buffer (grown only
// for a record that does not fit, up to MaxRecordBytes) rather than
// encoding/csv, so that it can resynchronise after a bad quote and hand back
// each record's line number and raw bytes. It jumps to the next quote with
// bytes.IndexByte and builds one string per record, the fields being
// substrings of it; fields with "" escapes are decoded in the same pass. On
// Kaggle-shaped data it reads well over 1 GB/s on one core, somewhat faster
// than encoding/csv while also checking UTF-8, NUL bytes and line numbers
// (see BenchmarkCSV, BenchmarkEncodingCSV and BenchmarkCSVStream).
//
// Formats:
//   - CSV: RFC 4180 plus real-world leniency. A UTF-8 byte-order mark is
//     dropped; lines end in "\n" or "\r\n"; quoted fields may hold
//     delimiters, "" escapes and line breaks. The first non-empty record is
//     the header (required; duplicate names are an error); empty lines are
//     skipped everywhere, even in a one-column file. A quote inside an
//     unquoted field, or text after a closing quote, is kept as it stands
//     when the record still has the right number of fields. A quoted field
//     that never closes (before the end of the input or within
//     MaxRecordBytes) turns the first line of its record into an error
//     record, and reading resumes at the next line, so one stray quote
//     cannot swallow the rest of the file.
//   - TSV: one record a line, fields split on tabs, no quoting (a '"' is an
//     ordinary character), as in O*NET's .txt files.
//   - JSON Lines: one object a line, blank lines skipped. The header is the
//     keys in order of first appearance. Strings are taken as they are,
//     numbers and booleans as their JSON text, null as "", arrays of scalars
//     joined with "; " (nulls left out), other arrays and objects as compact
//     JSON.
//   - Parquet: one field per leaf column, named after its top-level field
//     (or the dotted path when a field has several leaves). Values become
//     strings: integers and floats in decimal, booleans as true/false, byte
//     arrays as UTF-8 text, dates as 2006-01-02, timestamps in RFC 3339
//     (UTC), decimals scaled, UUIDs in their usual form; the values of a
//     repeated or list column are joined with "; ". Row groups are read in
//     batches of rows, never the whole file at once.
//
// Invalid UTF-8 in any value is replaced with U+FFFD (as strings.ToValidUTF8
// does) and counted.
//
// The concrete readers have two optional methods beyond the Reader
// interface, reachable through the UTF8Counter and Progresser interfaces:
// InvalidUTF8 (how many fields had invalid UTF-8 replaced by U+FFFD) and
// InputOffset (bytes consumed from the underlying file, for progress bars).
package tabular

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
//   - TSV: fields split on tabs, read by the CSV scanner. A field that
//     starts with '"' is quoted as in CSV (as pandas and Excel write TSV):
//     it runs to the closing quote, "" is a quote, and it may hold tabs and
//     line breaks. Where that quoting does not work out (the quote never
//     closes, text follows the closing quote, or a quoted record spanning
//     lines has the wrong number of fields), the record's first line is
//     read as it stands, quotes included, as in O*NET's .txt files, where
//     '"' is an ordinary character; reading resumes at the next line.
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
// Text encoding (Options.Encoding): CSV and TSV fields are read as UTF-8
// when they are valid UTF-8 and otherwise, by default, as Windows-1252 when
// they decode cleanly as Windows-1252 (the usual legacy encoding of files
// saved by Excel on Windows: "we\x92ve" is "we’ve"); an encoding can also
// be forced (UTF-8, Windows-1252, Latin-1). Bytes that are not valid in the
// encoding are replaced with U+FFFD (as strings.ToValidUTF8 does). Both are
// counted, with the position of the first, in the reader's TextReport.
//
// Binary files are refused before the header is read: a file (after gzip
// decompression) that starts with a known signature (PNG, JPEG, GIF, TIFF,
// PDF, ZIP and the Office and OpenDocument formats built on it, the
// pre-2007 Office format, bzip2, xz, Zstandard, 7-Zip, RAR, SQLite, ELF,
// UTF-16 text) or whose first KiB is more than 5% control bytes gives a
// *NotTextError ("data.csv is not a text table (looks like a PNG image)"),
// which wraps ErrNotText.
//
// The concrete readers have three optional methods beyond the Reader
// interface, reachable through the UTF8Counter, TextReporter and Progresser
// interfaces: InvalidUTF8 (how many fields had bytes replaced by U+FFFD),
// TextReport (how the text was decoded, and where the first decoded and
// replaced fields are) and InputOffset (bytes consumed from the underlying
// file, for progress bars).
package tabular

package tabular

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/gzip"
)

// Gzip input is decompressed readAheadChunks chunks of readAheadChunk bytes
// ahead of the parser.
const (
	readAheadChunk  = 256 << 10
	readAheadChunks = 4
)

// sniffSize is how much of the (decompressed) input is examined to detect
// the format and the CSV delimiter.
const sniffSize = 64 << 10

var (
	gzipMagic    = []byte{0x1f, 0x8b}
	parquetMagic = []byte("PAR1")
	utf8BOM      = []byte{0xEF, 0xBB, 0xBF}
)

// Open opens the tabular file at path. Gzip compression is detected by its
// magic bytes, whatever the file is called. Parquet files (by format, magic
// bytes or extension) are read with random access; they cannot be
// gzip-compressed. Binary files that are not tables give a *NotTextError.
func Open(path string, opts Options) (Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	var magic [4]byte
	n, err := io.ReadFull(f, magic[:])
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		f.Close()
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	isGzip := bytes.HasPrefix(magic[:n], gzipMagic)
	isParquet := bytes.Equal(magic[:n], parquetMagic)
	format := opts.Format
	if format == FormatAuto {
		format, _ = formatFromName(path)
		if isParquet {
			format = FormatParquet
		}
	}
	if format == FormatParquet {
		if isGzip {
			f.Close()
			return nil, fmt.Errorf("read %s: a gzip-compressed Parquet file cannot be read; decompress it first (Parquet compresses its pages itself)", path)
		}
		if !isParquet {
			if err := checkFileText(f, path); err != nil {
				f.Close()
				return nil, err
			}
		}
		r, err := newParquet(f, path)
		if err != nil {
			f.Close()
			return nil, err
		}
		return r, nil
	}
	r, err := newReader(f, path, opts, f.Close)
	if err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

// checkFileText returns a *NotTextError when the file f (at its start)
// holds a known binary format, and rewinds it.
func checkFileText(f *os.File, path string) error {
	head := make([]byte, textSniffSize)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if looks, hint := sniffBinary(path, head[:n]); looks != "" {
		return &NotTextError{File: path, Looks: looks, Hint: hint}
	}
	return nil
}

// NewReader reads a CSV, TSV or JSON Lines stream from r, gzip-compressed or
// not (detected by magic bytes). name is used in error messages and for
// detecting the format from its extension. Parquet needs random access: use
// Open. Gzip input is decompressed in a goroutine a few chunks ahead of the
// parser, so that the two run on separate cores. Closing the Reader does not
// close r.
func NewReader(r io.Reader, name string, opts Options) (Reader, error) {
	return newReader(r, name, opts, nil)
}

func newReader(r io.Reader, name string, opts Options, closeFile func() error) (_ Reader, err error) {
	if opts.MaxRecordBytes < 0 {
		return nil, fmt.Errorf("read %s: MaxRecordBytes is %d; want 0 (default) or more", name, opts.MaxRecordBytes)
	}
	maxRec := opts.MaxRecordBytes
	if maxRec == 0 {
		maxRec = DefaultMaxRecordBytes
	}
	if opts.Tee != nil {
		r = io.TeeReader(r, opts.Tee)
	}
	counter := &countingReader{r: r}
	var head [2]byte
	n, err := io.ReadFull(counter, head[:])
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	prefix := head[:n]

	var in *input
	closer := closeFile
	if bytes.Equal(prefix, gzipMagic) {
		gz, gzErr := gzip.NewReader(io.MultiReader(bytes.NewReader(prefix), counter))
		if gzErr != nil {
			return nil, fmt.Errorf("read %s: not a valid gzip stream: %w", name, gzErr)
		}
		// Decompress in a goroutine, a few chunks ahead of the parser.
		ra := newReadAhead(gz, readAheadChunk, readAheadChunks)
		defer func() {
			if err != nil { // stop the goroutine; Open closes the file
				ra.stop()
				ra.wait()
			}
		}()
		closer = func() error {
			ra.stop()
			var err error
			if closeFile != nil {
				err = closeFile() // also ends a Read blocked on a pipe
			}
			ra.wait()
			return errors.Join(gz.Close(), err)
		}
		in = newInput(ra, name, opts.bufSize, maxRec)
	} else if opts.Tee != nil {
		// Read (and tee) in a goroutine, a few chunks ahead of the parser.
		ra := newReadAhead(io.MultiReader(bytes.NewReader(prefix), counter), readAheadChunk, readAheadChunks)
		defer func() {
			if err != nil {
				ra.stop()
				ra.wait()
			}
		}()
		closer = func() error {
			ra.stop()
			var err error
			if closeFile != nil {
				err = closeFile()
			}
			ra.wait()
			return err
		}
		in = newInput(ra, name, opts.bufSize, maxRec)
	} else {
		in = newInput(counter, name, opts.bufSize, maxRec)
		in.end = copy(in.buf, prefix)
		if n < len(head) {
			in.eof = true
		}
	}

	sample := in.sniff(sniffSize)
	if len(sample) == 0 && in.err != nil {
		return nil, in.fatal()
	}
	if bytes.HasPrefix(sample, utf8BOM) {
		in.pos += len(utf8BOM)
		sample = sample[len(utf8BOM):]
	}

	format := opts.Format
	if format == FormatAuto {
		var txt bool
		format, txt = formatFromName(name)
		if txt {
			first := sample
			if nl := bytes.IndexByte(sample, '\n'); nl >= 0 {
				first = sample[:nl]
			}
			format = FormatCSV
			if bytes.IndexByte(first, '\t') >= 0 {
				format = FormatTSV
			}
		}
	}
	if format == FormatAuto {
		format = sniffFormat(sample)
	}
	if format != FormatParquet {
		if bytes.HasPrefix(sample, parquetMagic) {
			return nil, &NotTextError{File: name, Looks: "a Parquet file", Hint: "read it with the format set to parquet"}
		}
		if err := checkText(name, sample); err != nil {
			return nil, err
		}
	}

	var rd Reader
	switch format {
	case FormatCSV:
		d, err := checkDelimiter(name, opts.Delimiter)
		if err != nil {
			return nil, err
		}
		if d == 0 {
			d = detectDelimiter(sample, in.done())
		}
		rd, err = newCSV(in, counter, closer, name, FormatCSV, d, maxRec, opts)
		if err != nil {
			return nil, err
		}
	case FormatTSV:
		d, err := checkDelimiter(name, opts.Delimiter)
		if err != nil {
			return nil, err
		}
		if d == 0 {
			d = '\t'
		}
		rd, err = newCSV(in, counter, closer, name, FormatTSV, d, maxRec, opts)
		if err != nil {
			return nil, err
		}
	case FormatJSONL:
		var err error
		rd, err = newJSONL(in, counter, closer, name, maxRec)
		if err != nil {
			return nil, err
		}
	case FormatParquet:
		return nil, fmt.Errorf("read %s: Parquet needs random access; use tabular.Open on a file", name)
	default:
		return nil, fmt.Errorf("read %s: unknown format %v", name, format)
	}
	return rd, nil
}

// checkDelimiter validates Options.Delimiter.
func checkDelimiter(name string, d rune) (byte, error) {
	if d == 0 {
		return 0, nil
	}
	if d >= 0x80 || d == '"' || d == '\r' || d == '\n' {
		return 0, fmt.Errorf("read %s: delimiter %q is not allowed; use an ASCII character other than a quote or a line break", name, d)
	}
	return byte(d), nil
}

// formatFromName returns the format given by the extension of name (after
// stripping ".gz"); txt reports a ".txt" file, which is TSV if it has tabs.
func formatFromName(name string) (f Format, txt bool) {
	base := strings.ToLower(filepath.Base(name))
	base = strings.TrimSuffix(base, ".gz")
	switch filepath.Ext(base) {
	case ".csv":
		return FormatCSV, false
	case ".tsv", ".tab":
		return FormatTSV, false
	case ".txt":
		return FormatAuto, true
	case ".jsonl", ".ndjson":
		return FormatJSONL, false
	case ".parquet", ".pq":
		return FormatParquet, false
	}
	return FormatAuto, false
}

// sniffFormat guesses the format from the start of the content.
func sniffFormat(sample []byte) Format {
	if bytes.HasPrefix(sample, parquetMagic) {
		return FormatParquet
	}
	if t := bytes.TrimLeft(sample, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		return FormatJSONL
	}
	return FormatCSV
}

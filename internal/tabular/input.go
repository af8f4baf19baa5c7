package tabular

import (
	"bytes"
	"fmt"
	"io"
	"sync/atomic"
)

const defaultBufSize = 256 << 10

// input is a sliding window over a stream: buf[pos:end] holds bytes read but
// not yet consumed, and line is the 1-based line number of buf[pos]. The
// window grows (up to maxBuf) only when one record does not fit in it.
type input struct {
	r      io.Reader
	name   string
	buf    []byte
	pos    int
	end    int
	eof    bool  // r is exhausted: buf[pos:end] is all that is left
	err    error // a read error other than io.EOF, fatal once the window is used up
	line   int64
	maxBuf int
}

func newInput(r io.Reader, name string, bufSize, maxRec int) *input {
	if bufSize <= 0 {
		bufSize = defaultBufSize
	}
	bufSize = max(bufSize, 4) // room for the magic numbers sniffed at the start
	maxBuf := maxRec + 2      // a record of maxRec bytes plus "\r\n"
	if maxBuf < bufSize {
		maxBuf = bufSize
	}
	return &input{r: r, name: name, buf: make([]byte, bufSize), line: 1, maxBuf: maxBuf}
}

// window returns the unconsumed bytes.
func (in *input) window() []byte { return in.buf[in.pos:in.end] }

// done reports whether no more data can arrive.
func (in *input) done() bool { return in.eof || in.err != nil }

// more moves the window to the front of the buffer, grows the buffer if the
// window fills it, and reads until the buffer is full or the stream ends. It
// returns false if no more data can come (end of stream, a read error, or the
// window already at maxBuf).
func (in *input) more() bool {
	if in.done() {
		return false
	}
	if in.pos > 0 {
		n := copy(in.buf, in.buf[in.pos:in.end])
		in.pos, in.end = 0, n
	}
	if in.end == len(in.buf) {
		if len(in.buf) >= in.maxBuf {
			return false
		}
		size := 2 * len(in.buf)
		if size > in.maxBuf {
			size = in.maxBuf
		}
		nb := make([]byte, size)
		copy(nb, in.buf[:in.end])
		in.buf = nb
	}
	start := in.end
	for empty := 0; in.end < len(in.buf); {
		n, err := in.r.Read(in.buf[in.end:])
		in.end += n
		if err == io.EOF {
			in.eof = true
			break
		}
		if err != nil {
			in.err = err
			break
		}
		if n == 0 {
			if empty++; empty >= 100 {
				in.err = io.ErrNoProgress
				break
			}
		}
	}
	return in.end > start || in.done()
}

// fatal returns the read error wrapped with the file name.
func (in *input) fatal() error {
	if in.err == io.ErrUnexpectedEOF {
		return fmt.Errorf("read %s: file is truncated (unexpected end of data after line %d): %w", in.name, in.line, in.err)
	}
	return fmt.Errorf("read %s: %w", in.name, in.err)
}

// sniff fills the window with n bytes (but no more than the buffer holds,
// and at least 4 bytes for magic numbers), or as many as the stream has, and
// returns it.
func (in *input) sniff(n int) []byte {
	n = max(min(n, len(in.buf)), 4)
	for in.end-in.pos < n && in.more() {
	}
	return in.window()
}

// lineResult is what nextLine found.
type lineResult int

const (
	lineOK      lineResult = iota // a line within the limit
	lineTooLong                   // a line longer than maxRec: its first maxRec bytes
	lineEOF                       // end of input
	lineFatal                     // read error: see in.fatal()
)

// nextLine consumes the next physical line and returns it without its
// terminator ("\n", "\r\n", or a final "\r" at the end of the input) and its
// line number. A line longer than maxRec is consumed entirely but only its
// first maxRec bytes are returned, copied into *scratch.
func (in *input) nextLine(maxRec int, scratch *[]byte) ([]byte, int64, lineResult) {
	for {
		data := in.window()
		nl := bytes.IndexByte(data, '\n')
		if nl >= 0 {
			line := trimCR(data[:nl])
			no := in.line
			in.pos += nl + 1
			in.line++
			if len(line) > maxRec {
				*scratch = append((*scratch)[:0], line[:maxRec]...)
				return *scratch, no, lineTooLong
			}
			return line, no, lineOK
		}
		if len(data) > maxRec+1 {
			return in.skipLongLine(maxRec, scratch)
		}
		if in.done() {
			if in.err != nil {
				return nil, 0, lineFatal
			}
			if len(data) == 0 {
				return nil, 0, lineEOF
			}
			line := trimCR(data)
			no := in.line
			in.pos = in.end
			in.line++
			if len(line) > maxRec {
				*scratch = append((*scratch)[:0], line[:maxRec]...)
				return *scratch, no, lineTooLong
			}
			return line, no, lineOK
		}
		in.more()
	}
}

// skipLongLine consumes the line at the start of the window, which is known
// to be longer than maxRec, and returns a copy of its first maxRec bytes.
func (in *input) skipLongLine(maxRec int, scratch *[]byte) ([]byte, int64, lineResult) {
	*scratch = append((*scratch)[:0], in.window()[:maxRec]...)
	no := in.line
	for {
		data := in.window()
		if nl := bytes.IndexByte(data, '\n'); nl >= 0 {
			in.pos += nl + 1
			in.line++
			return *scratch, no, lineTooLong
		}
		in.pos = in.end
		if !in.more() {
			if in.err != nil {
				return nil, 0, lineFatal
			}
			in.line++
			return *scratch, no, lineTooLong
		}
	}
}

func trimCR(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return b[:n-1]
	}
	return b
}

// countingReader counts the bytes read through it. The count is atomic:
// with gzip input the reads happen in the read-ahead goroutine.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

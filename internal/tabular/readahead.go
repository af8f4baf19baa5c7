package tabular

import (
	"errors"
	"io"
)

var errClosed = errors.New("reader is closed")

// readAhead reads from r in its own goroutine, a few chunks ahead of the
// consumer, so that gzip decompression runs on one core while records are
// parsed on another.
type readAhead struct {
	chunks chan chunk
	free   chan []byte
	done   chan struct{} // closed by stop
	exited chan struct{} // closed when the goroutine has returned
	buf    []byte        // the chunk being consumed (full capacity)
	cur    []byte        // its unread part
	err    error
}

type chunk struct {
	b   []byte
	err error
}

func newReadAhead(r io.Reader, size, n int) *readAhead {
	ra := &readAhead{
		chunks: make(chan chunk, n),
		free:   make(chan []byte, n+1),
		done:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	for i := 0; i < n+1; i++ {
		ra.free <- make([]byte, size)
	}
	go ra.run(r)
	return ra
}

func (ra *readAhead) run(r io.Reader) {
	defer close(ra.exited)
	for {
		var buf []byte
		select {
		case buf = <-ra.free:
		case <-ra.done:
			return
		}
		// Fill the chunk; keep r's own error (io.ErrUnexpectedEOF from a
		// truncated gzip stream must not look like a short final chunk).
		n := 0
		var err error
		for n < len(buf) && err == nil {
			var m int
			m, err = r.Read(buf[n:])
			n += m
		}
		select {
		case ra.chunks <- chunk{buf[:n], err}:
		case <-ra.done:
			return
		}
		if err != nil {
			return
		}
	}
}

// Read copies out the chunks in order; after the last one it returns the
// error that ended the stream (io.EOF at a normal end).
func (ra *readAhead) Read(p []byte) (int, error) {
	for len(ra.cur) == 0 {
		if ra.err != nil {
			return 0, ra.err
		}
		if ra.buf != nil {
			ra.free <- ra.buf[:cap(ra.buf)]
			ra.buf = nil
		}
		select {
		case c := <-ra.chunks:
			ra.buf, ra.cur, ra.err = c.b, c.b, c.err
		case <-ra.done:
			return 0, errClosed
		}
	}
	n := copy(p, ra.cur)
	ra.cur = ra.cur[n:]
	return n, nil
}

// stop tells the goroutine to finish.
func (ra *readAhead) stop() {
	select {
	case <-ra.done:
	default:
		close(ra.done)
	}
}

// wait returns when the goroutine has returned (after its pending Read).
func (ra *readAhead) wait() { <-ra.exited }

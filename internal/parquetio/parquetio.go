package parquetio

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/parquet-go/parquet-go"

	"github.com/skillx/skillx/internal/atomicfile"
)

// RowsPerGroup bounds a row group, and with it the memory a writer holds.
const RowsPerGroup = 50_000

// Writer writes rows of type T to a Parquet file that appears only when Commit succeeds.
type Writer[T any] struct {
	f    *atomicfile.File
	w    *parquet.GenericWriter[T]
	rows int64
}

// Create starts a Parquet file at path. Call Commit to finish it, and defer Abort.
func Create[T any](path string) (*Writer[T], error) {
	f, err := atomicfile.Create(path)
	if err != nil {
		return nil, err
	}
	w := parquet.NewGenericWriter[T](f,
		parquet.Compression(&parquet.Snappy),
		parquet.MaxRowsPerRowGroup(RowsPerGroup),
		parquet.CreatedBy("skillx", "", ""),
	)
	return &Writer[T]{f: f, w: w}, nil
}

// Write appends rows.
func (w *Writer[T]) Write(rows ...T) error {
	if _, err := w.w.Write(rows); err != nil {
		return fmt.Errorf("write parquet %s: %w", w.f.Path(), err)
	}
	w.rows += int64(len(rows))
	return nil
}

// Rows returns the number of rows written so far.
func (w *Writer[T]) Rows() int64 { return w.rows }

// SetMetadata sets a key/value pair in the file's footer.
func (w *Writer[T]) SetMetadata(key, value string) { w.w.SetKeyValueMetadata(key, value) }

// Commit finishes the file and puts it in place.
func (w *Writer[T]) Commit() error {
	if err := w.Prepare(); err != nil {
		return err
	}
	return w.Publish()
}

// Prepare finishes and syncs the file without putting it in place (see atomicfile.PublishAll).
func (w *Writer[T]) Prepare() error {
	if err := w.w.Close(); err != nil {
		w.f.Abort()
		return fmt.Errorf("finish parquet %s: %w", w.f.Path(), err)
	}
	return w.f.Prepare()
}

// Publish puts a prepared file in place.
func (w *Writer[T]) Publish() error { return w.f.Publish() }

// Abort discards the file; it does nothing after Commit.
func (w *Writer[T]) Abort() { w.f.Abort() }

// WriteAll writes rows to path atomically.
func WriteAll[T any](path string, rows []T) error {
	w, err := Create[T](path)
	if err != nil {
		return err
	}
	defer w.Abort()
	for start := 0; start < len(rows); start += 4096 {
		if err := w.Write(rows[start:min(start+4096, len(rows))]...); err != nil {
			return err
		}
	}
	return w.Commit()
}

// Scan reads path in batches of at most batch rows and calls fn with each; the slice is reused
// between calls. It stops at the first error fn returns.
func Scan[T any](path string, batch int, fn func(rows []T) error) error {
	f, pf, err := open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := parquet.NewGenericReader[T](pf)
	defer r.Close()
	if batch <= 0 {
		batch = 4096
	}
	buf := make([]T, batch)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if ferr := fn(buf[:n]); ferr != nil {
				return ferr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read parquet %s: %w", path, err)
		}
	}
}

// ReadAll reads every row of path. Use it only for files known to be small (roles, reports).
func ReadAll[T any](path string) ([]T, error) {
	var out []T
	err := Scan(path, 4096, func(rows []T) error {
		out = append(out, rows...)
		return nil
	})
	return out, err
}

// NumRows returns the row count recorded in the footer of path.
func NumRows(path string) (int64, error) {
	f, pf, err := open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return pf.NumRows(), nil
}

// open opens a Parquet file; the caller closes f.
func open(path string) (*os.File, *parquet.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read parquet %s: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("read parquet %s: %w", path, err)
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("read parquet %s: %w", path, err)
	}
	return f, pf, nil
}

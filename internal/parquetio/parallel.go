package parquetio

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go"
)

// chunk is a run of decoded rows of one row group; last marks the group's end.
type chunk[T any] struct {
	rows []T
	last bool
	err  error
}

// ScanOrdered is Scan with the decoding spread over workers goroutines (each decodes every
// workers-th row group) while fn runs on the caller's goroutine with the rows in file order.
// Memory stays bounded: each worker holds at most a few batches ahead. fn must not keep the
// slice it is given.
func ScanOrdered[T any](ctx context.Context, path string, workers, batch int, fn func(rows []T) error) error {
	f, pf, err := open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	groups := pf.RowGroups()
	if workers < 1 {
		workers = 1
	}
	if batch <= 0 {
		batch = 4096
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chans := make([]chan chunk[T], workers)
	for w := range chans {
		chans[w] = make(chan chunk[T], 2)
		go func(w int, out chan<- chunk[T]) {
			defer close(out)
			for g := w; g < len(groups); g += workers {
				r := parquet.NewGenericRowGroupReader[T](groups[g])
				for {
					buf := make([]T, batch)
					n, err := r.Read(buf)
					end := errors.Is(err, io.EOF)
					if err != nil && !end {
						r.Close()
						select {
						case out <- chunk[T]{err: fmt.Errorf("read parquet %s row group %d: %w", path, g, err)}:
						case <-ctx.Done():
						}
						return
					}
					select {
					case out <- chunk[T]{rows: buf[:n], last: end}:
					case <-ctx.Done():
						r.Close()
						return
					}
					if end {
						break
					}
				}
				r.Close()
			}
		}(w, chans[w])
	}
	for g := range groups {
		ch := chans[g%workers]
		for {
			c, ok := <-ch
			if !ok {
				return fmt.Errorf("read parquet %s: row group %d ended early", path, g)
			}
			if c.err != nil {
				return c.err
			}
			if len(c.rows) > 0 {
				if err := fn(c.rows); err != nil {
					return err
				}
			}
			if c.last {
				break
			}
		}
	}
	return nil
}

package parquetio

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

type row struct {
	Name  string   `parquet:"name"`
	N     int64    `parquet:"n"`
	Items []string `parquet:"items,list"`
}

func TestRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.parquet")
	var want []row
	for i := 0; i < 10_000; i++ {
		want = append(want, row{Name: "r", N: int64(i), Items: []string{"a", "b"}[:i%3%2+1]})
	}
	if err := WriteAll(p, want); err != nil {
		t.Fatal(err)
	}
	n, err := NumRows(p)
	if err != nil || n != int64(len(want)) {
		t.Fatalf("NumRows = %d, %v; want %d", n, err, len(want))
	}
	got, err := ReadAll[row](p)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ReadAll differs from what was written (got %d rows, want %d)", len(got), len(want))
	}
}

func TestAbortLeavesNoFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.parquet")
	w, err := Create[row](p)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(row{Name: "a"})
	w.Abort()
	if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Stat after Abort = %v; want not exist", err)
	}
}

func TestScanOrdered(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.parquet")
	w, err := Create[row](p)
	if err != nil {
		t.Fatal(err)
	}
	const n = RowsPerGroup*3 + 123 // four row groups
	for i := 0; i < n; i++ {
		if err := w.Write(row{Name: "r", N: int64(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 2, 3} {
		next := int64(0)
		err := ScanOrdered(context.Background(), p, workers, 1000, func(rows []row) error {
			for _, r := range rows {
				if r.N != next {
					return fmt.Errorf("row %d came where %d was due", r.N, next)
				}
				next++
			}
			return nil
		})
		if err != nil || next != n {
			t.Errorf("ScanOrdered with %d workers: %d rows, %v; want %d rows in order", workers, next, err, n)
		}
	}
	stop := errors.New("stop")
	if err := ScanOrdered(context.Background(), p, 2, 10, func([]row) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("ScanOrdered returned %v; want fn's error", err)
	}
}

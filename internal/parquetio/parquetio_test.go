package parquetio

import (
	"errors"
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

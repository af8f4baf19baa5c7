package embstore

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteScanLoad(t *testing.T) {
	p := filepath.Join(t.TempDir(), "emb.arrow")
	w, err := Create(p, "enc-1", 3)
	if err != nil {
		t.Fatal(err)
	}
	const n = BatchRows + 10 // crosses a batch boundary
	for i := 0; i < n; i++ {
		text := string(rune('a'+i%26)) + string(rune(i))
		if err := w.Write(Row{Encoder: "enc-1", Hash: HashText(text), Text: text, Vector: []float32{float32(i), 1, -1}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Write(Row{Encoder: "other", Vector: []float32{1, 2, 3}}); err == nil {
		t.Errorf("Write of another encoder's vector succeeded; want an error")
	}
	if err := w.Write(Row{Encoder: "enc-1", Vector: []float32{1}}); err == nil {
		t.Errorf("Write of a short vector succeeded; want an error")
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	var seen int
	info, err := Scan(p, func(info Info, rows []Row) error {
		for _, r := range rows {
			if r.Vector[0] != float32(seen) || r.Encoder != "enc-1" || r.Hash != HashText(r.Text) {
				t.Fatalf("row %d = %+v; want vector[0] %d and a matching hash", seen, r, seen)
			}
			seen++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != n || info.Rows != n || info.Dim != 3 || info.Encoder != "enc-1" {
		t.Errorf("Scan saw %d rows, info %+v; want %d rows of enc-1, dim 3", seen, info, n)
	}
	first := string(rune('a')) + string(rune(0))
	vecs, _, err := Load(p, map[Hash]bool{HashText(first): true})
	if err != nil || len(vecs) != 1 || vecs[HashText(first)][1] != 1 {
		t.Errorf("Load one = %v, %v; want the one vector", vecs, err)
	}
}

func TestScanErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Scan(filepath.Join(dir, "missing.arrow"), nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Scan of a missing file = %v; want not exist", err)
	}
	junk := filepath.Join(dir, "junk.arrow")
	os.WriteFile(junk, []byte("not an arrow file at all"), 0o644)
	if _, err := Scan(junk, nil); err == nil {
		t.Errorf("Scan of a junk file succeeded; want an error")
	}
}

func TestHashHex(t *testing.T) {
	h := HashText("abc")
	const want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if h.String() != want {
		t.Errorf("HashText(abc) = %s; want %s", h, want)
	}
	back, err := ParseHash(want)
	if err != nil || back != h {
		t.Errorf("ParseHash(%s) = %v, %v", want, back, err)
	}
	if _, err := ParseHash("xyz"); err == nil {
		t.Errorf("ParseHash(xyz) succeeded")
	}
}

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

// TestReuse: the rows of the wanted texts, each with its own vector; none from a missing file;
// an error and no row from a file of another encoder or width.
func TestReuse(t *testing.T) {
	p := filepath.Join(t.TempDir(), "e.arrow")
	if err := Reuse(p, "enc-1", 2, func(Hash) bool { return true }, func(Row) error { t.Error("a row from a missing file"); return nil }); err != nil {
		t.Fatalf("missing file: %v", err)
	}
	w, err := Create(p, "enc-1", 2)
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"sql", "python", "excel"}
	for i, text := range texts {
		if err := w.Write(Row{Encoder: "enc-1", Hash: HashText(text), Text: text, Vector: []float32{float32(i), 1}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	want := map[Hash]string{HashText("sql"): "sql", HashText("excel"): "excel", HashText("go"): "go"}
	got := map[string]float32{}
	err = Reuse(p, "enc-1", 2, func(h Hash) bool { _, ok := want[h]; return ok }, func(r Row) error {
		got[r.Text] = r.Vector[0]
		return nil
	})
	if err != nil || len(got) != 2 || got["sql"] != 0 || got["excel"] != 2 {
		t.Errorf("Reuse = %v, rows %v; want sql 0 and excel 2", err, got)
	}
	for _, other := range []struct {
		id  string
		dim int
	}{{"enc-2", 2}, {"enc-1", 3}} {
		err := Reuse(p, other.id, other.dim, func(Hash) bool { return true }, func(Row) error { t.Errorf("a row for %v", other); return nil })
		if !errors.Is(err, ErrOtherEncoder) {
			t.Errorf("Reuse for %v = %v; want ErrOtherEncoder", other, err)
		}
	}
}

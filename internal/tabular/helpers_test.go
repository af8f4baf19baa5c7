package tabular

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// rec is a Record flattened for comparison in tests. err is a substring the
// record's error must contain ("" for a good record).
type rec struct {
	row, line int64
	fields    []string
	raw       string
	err       string
}

func (r rec) String() string {
	return fmt.Sprintf("{row %d line %d fields %q raw %q err %q}", r.row, r.line, r.fields, r.raw, r.err)
}

// readAll reads every record of r, failing the test on a fatal error.
func readAll(t testing.TB, r Reader) []rec {
	t.Helper()
	var out []rec
	for {
		rc, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("Next() error = %v", err)
		}
		x := rec{row: rc.Row, line: rc.Line, raw: string(rc.Raw)}
		if rc.Err != nil {
			x.err = rc.Err.Error()
			var re *RecordError
			if !errors.As(rc.Err, &re) {
				t.Errorf("record %d: Err %T is not a *RecordError", rc.Row, rc.Err)
			}
		} else {
			x.fields = append([]string(nil), rc.Fields...)
		}
		out = append(out, x)
	}
}

// sameRecs reports whether got matches want, want's err being substrings.
func sameRecs(got, want []rec) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.row != w.row || g.line != w.line || g.raw != w.raw {
			return false
		}
		if (g.err == "") != (w.err == "") || !strings.Contains(g.err, w.err) {
			return false
		}
		if w.err == "" && strings.Join(g.fields, "\x00") != strings.Join(w.fields, "\x00") {
			return false
		}
		if w.err == "" && len(g.fields) != len(w.fields) {
			return false
		}
	}
	return true
}

// bufSizes are the read-buffer sizes every text test runs with: tiny ones
// make records straddle reads at every possible offset.
var bufSizes = []int{0, 4, 5, 7, 16, 64}

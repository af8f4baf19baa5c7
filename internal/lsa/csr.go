package lsa

import (
	"fmt"
	"math"
)

// CSR is a sparse matrix in compressed sparse row form (rows = documents,
// columns = terms). The stored values of row i are Values[Indptr[i]:Indptr[i+1]]
// and their columns Indices[Indptr[i]:Indptr[i+1]].
type CSR struct {
	Rows, Cols int
	Indptr     []int     // len Rows+1, Indptr[0] == 0, non-decreasing, Indptr[Rows] == len(Indices)
	Indices    []int32   // column of each stored value, strictly increasing within a row
	Values     []float32 // the stored values, finite
}

// Validate reports whether m is a well-formed CSR matrix: non-negative sizes,
// Indptr of length Rows+1 starting at 0, non-decreasing and ending at
// len(Indices) == len(Values), column indices in [0, Cols) and strictly
// increasing within each row, and finite values.
func (m *CSR) Validate() error {
	if m == nil {
		return fmt.Errorf("lsa: nil matrix")
	}
	if m.Rows < 0 || m.Cols < 0 {
		return fmt.Errorf("lsa: negative size %dx%d", m.Rows, m.Cols)
	}
	if uint64(m.Cols) > math.MaxInt32+1 {
		return fmt.Errorf("lsa: %d columns do not fit int32 indices", m.Cols)
	}
	if len(m.Indptr) != m.Rows+1 {
		return fmt.Errorf("lsa: len(Indptr) = %d, want Rows+1 = %d", len(m.Indptr), m.Rows+1)
	}
	if len(m.Indices) != len(m.Values) {
		return fmt.Errorf("lsa: len(Indices) = %d != len(Values) = %d", len(m.Indices), len(m.Values))
	}
	if m.Indptr[0] != 0 {
		return fmt.Errorf("lsa: Indptr[0] = %d, want 0", m.Indptr[0])
	}
	if m.Indptr[m.Rows] != len(m.Indices) {
		return fmt.Errorf("lsa: Indptr[%d] = %d, want len(Indices) = %d", m.Rows, m.Indptr[m.Rows], len(m.Indices))
	}
	for i := 0; i < m.Rows; i++ {
		lo, hi := m.Indptr[i], m.Indptr[i+1]
		if hi < lo || hi > len(m.Indices) {
			return fmt.Errorf("lsa: Indptr[%d:%d] = [%d, %d] is not a valid range", i, i+2, lo, hi)
		}
		prev := int32(-1)
		for p := lo; p < hi; p++ {
			c := m.Indices[p]
			if c < 0 || int(c) >= m.Cols {
				return fmt.Errorf("lsa: row %d: column %d out of range [0, %d)", i, c, m.Cols)
			}
			if c <= prev {
				return fmt.Errorf("lsa: row %d: columns not strictly increasing (%d after %d)", i, c, prev)
			}
			prev = c
			if v := m.Values[p]; math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("lsa: row %d, column %d: non-finite value %v", i, c, v)
			}
		}
	}
	return nil
}

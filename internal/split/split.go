package split

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
)

// Fractions are the shares of groups (or rows) that go to the test and validation sides; the
// rest is training data. Validation is taken from what is not test.
type Fractions struct {
	// Test is the share held out for evaluation, in [0, 1).
	Test float64
	// Validation is the share of the non-test data used for early stopping, in [0, 1).
	Validation float64
}

// Validate checks the fractions.
func (f Fractions) Validate() error {
	if f.Test < 0 || f.Test >= 1 || f.Validation < 0 || f.Validation >= 1 {
		return fmt.Errorf("split fractions test %.3g and validation %.3g: each must be in [0, 1)", f.Test, f.Validation)
	}
	return nil
}

// unit maps (seed, salt, key) to a uniform number in [0, 1) with FNV-1a and a PCG step.
func unit(seed uint64, salt string, key string) float64 {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], seed)
	h.Write(b[:])
	h.Write([]byte(salt))
	h.Write([]byte{0})
	h.Write([]byte(key))
	return rand.New(rand.NewPCG(h.Sum64(), 0x9e3779b97f4a7c15)).Float64()
}

// ByGroup returns the side of a group: every example of the group goes there.
func ByGroup(seed uint64, group string, f Fractions) Side {
	if unit(seed, "test", group) < f.Test {
		return Test
	}
	if unit(seed, "validation", group) < f.Validation {
		return Validation
	}
	return Train
}

// ByRow returns the side of one row (a source posting, duplicates counted one by one), as a
// row-level split of the prototype's kind would put it: identical texts land on both sides.
func ByRow(seed uint64, row string, f Fractions) Side {
	return ByGroup(seed^0x5bd1e995, "row:"+row, f)
}

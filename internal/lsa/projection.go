package lsa

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
)

// Project writes the K-dimensional projection of a sparse vector into dst,
// which must have length at least K (only dst[:K] is written). The vector is
// given as in a CSR row: column indices in [0, Cols), sorted and distinct,
// and their values. Component c is
//
//	dst[c] = Σ_i values[i] · Components[c*Cols + indices[i]]
//
// accumulated in float64 in the given order. It is not scaled by the singular
// values: for row i of the fitted matrix it is U[i,c]·Singular[c], the usual
// LSA document vector (the convention of scikit-learn's
// TruncatedSVD.transform); divide by Singular[c] for U[i,c]. An empty vector
// projects to zeros. Project panics if len(indices) != len(values), if
// len(dst) < K or if an index is out of range. It is safe for concurrent use.
func (p *Projection) Project(indices []int32, values []float32, dst []float32) {
	if len(indices) != len(values) {
		panic(fmt.Sprintf("lsa: Project: %d indices but %d values", len(indices), len(values)))
	}
	if len(dst) < p.K {
		panic(fmt.Sprintf("lsa: Project: len(dst) = %d < K = %d", len(dst), p.K))
	}
	for _, j := range indices {
		if j < 0 || int(j) >= p.Cols {
			panic(fmt.Sprintf("lsa: Project: index %d out of range [0, %d)", j, p.Cols))
		}
	}
	for c := range p.K {
		row := p.Components[c*p.Cols : (c+1)*p.Cols]
		var s float64
		for i, j := range indices {
			s += float64(values[i]) * float64(row[j])
		}
		dst[c] = float32(s)
	}
}

// Binary form, all little-endian:
//
//	magic    [4]byte "LSAP"
//	version  uint32  (1)
//	K        uint32
//	Cols     uint32
//	Singular K float32
//	Comp     K*Cols float32, row-major
//	crc      uint32  CRC-32 (IEEE) of all preceding bytes
const (
	binaryMagic   = "LSAP"
	binaryVersion = 1
	headerSize    = 16
)

// MarshalBinary encodes p in the binary form above (16-byte header:
// magic "LSAP", version, K, Cols; then the singular values and the
// components as little-endian float32; then a CRC-32 of everything before).
// It returns an error if the slice lengths do not match K and Cols.
func (p *Projection) MarshalBinary() ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	size := headerSize + 4*(p.K+p.K*p.Cols) + 4
	b := make([]byte, 0, size)
	b = append(b, binaryMagic...)
	b = binary.LittleEndian.AppendUint32(b, binaryVersion)
	b = binary.LittleEndian.AppendUint32(b, uint32(p.K))
	b = binary.LittleEndian.AppendUint32(b, uint32(p.Cols))
	for _, v := range p.Singular {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	for _, v := range p.Components {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	b = binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
	return b, nil
}

// UnmarshalBinary decodes the form written by MarshalBinary into p. It checks
// the magic, the version, that the length is exactly that implied by K and
// Cols (so truncated or padded data is rejected), the checksum, and that every
// value is finite with the singular values non-negative and descending. On
// error p is left unchanged.
func (p *Projection) UnmarshalBinary(data []byte) error {
	if len(data) < headerSize+4 {
		return fmt.Errorf("lsa: projection data too short (%d bytes)", len(data))
	}
	if string(data[:4]) != binaryMagic {
		return errors.New("lsa: not a projection (bad magic)")
	}
	if v := binary.LittleEndian.Uint32(data[4:]); v != binaryVersion {
		return fmt.Errorf("lsa: unsupported projection version %d", v)
	}
	k := uint64(binary.LittleEndian.Uint32(data[8:]))
	cols := uint64(binary.LittleEndian.Uint32(data[12:]))
	if k < 1 || cols < 1 || k > cols {
		return fmt.Errorf("lsa: bad projection shape K=%d Cols=%d", k, cols)
	}
	want := uint64(headerSize) + 4*(k+k*cols) + 4 // no overflow: k, cols < 2^32
	if uint64(len(data)) != want {
		return fmt.Errorf("lsa: projection data is %d bytes, want %d for K=%d Cols=%d (truncated or corrupt)",
			len(data), want, k, cols)
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return errors.New("lsa: projection checksum mismatch (corrupt data)")
	}
	vals := make([]float32, k+k*cols)
	for i := range vals {
		vals[i] = math.Float32frombits(binary.LittleEndian.Uint32(body[headerSize+4*i:]))
	}
	q := Projection{K: int(k), Cols: int(cols), Singular: vals[:k:k], Components: vals[k:]}
	if err := q.check(); err != nil {
		return err
	}
	*p = q
	return nil
}

// check verifies the shape of p and that its values are finite, with the
// singular values non-negative and descending.
func (p *Projection) check() error {
	if p.K < 1 || p.Cols < 1 || p.K > p.Cols || uint64(p.Cols) > math.MaxUint32 {
		return fmt.Errorf("lsa: bad projection shape K=%d Cols=%d", p.K, p.Cols)
	}
	if len(p.Singular) != p.K || len(p.Components) != p.K*p.Cols {
		return fmt.Errorf("lsa: projection has %d singular values and %d component values, want %d and %d",
			len(p.Singular), len(p.Components), p.K, p.K*p.Cols)
	}
	for i, s := range p.Singular {
		if !(s >= 0) || math.IsInf(float64(s), 0) || (i > 0 && s > p.Singular[i-1]) {
			return fmt.Errorf("lsa: singular value %d = %v is not finite, non-negative and descending", i, s)
		}
	}
	for i, v := range p.Components {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("lsa: component value %d is %v", i, v)
		}
	}
	return nil
}

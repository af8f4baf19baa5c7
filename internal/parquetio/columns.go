package parquetio

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go"
)

// ColumnKind says how ScanColumns hands over a column.
type ColumnKind int

const (
	// Indexed hands over a string column as a dictionary and one index into it per row: the
	// Parquet dictionary itself where the column is dictionary-encoded, so that a column that
	// repeats a few values is read without making a string per row. Values of plain-encoded
	// pages are added to the dictionary as they come; a value can then stand in the dictionary
	// more than once.
	Indexed ColumnKind = iota
	// Strings hands over a string column as bytes (Columns.Bytes, Columns.String).
	Strings
	// Int64s hands over an INT64 column (Columns.Int64s).
	Int64s
)

// ColumnSpec names a top-level column for ScanColumns and says how to hand it over.
type ColumnSpec struct {
	// Name is the column name.
	Name string
	// Kind is how the column is handed over.
	Kind ColumnKind
}

// Columns holds the requested columns of one row group, in the order they were requested.
// Null values of optional columns read as "" and 0.
type Columns struct {
	// Group is the index of the row group in the file.
	Group int
	// Rows is the number of rows in the row group.
	Rows int
	cols []columnData
}

type columnData struct {
	dict    []string // Indexed
	index   []int32
	data    []byte // Strings: row i is data[offsets[i]:offsets[i+1]]
	offsets []uint32
	ints    []int64 // Int64s
}

// Indexed returns column c (requested as Indexed): row i holds dict[index[i]].
func (g *Columns) Indexed(c int) (dict []string, index []int32) {
	return g.cols[c].dict, g.cols[c].index
}

// Bytes returns the value of column c (requested as Strings) in row i. The bytes belong to g.
func (g *Columns) Bytes(c, i int) []byte {
	d := &g.cols[c]
	return d.data[d.offsets[i]:d.offsets[i+1]]
}

// String returns the value of column c (requested as Strings) in row i.
func (g *Columns) String(c, i int) string { return string(g.Bytes(c, i)) }

// Int64s returns column c (requested as Int64s), one value per row.
func (g *Columns) Int64s(c int) []int64 { return g.cols[c].ints }

// ScanColumns reads the columns specs names from every row group of path and calls fn with
// each row group's columns, in file order, on the caller's goroutine. Row groups are decoded
// by workers goroutines (each takes every workers-th row group), at most two row groups ahead
// of fn each, so memory is bounded by a few row groups. Only the requested columns are read.
// fn must not keep g.
func ScanColumns(ctx context.Context, path string, specs []ColumnSpec, workers int, fn func(g *Columns) error) error {
	f, pf, err := open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	leaves, err := lookupColumns(pf, specs)
	if err != nil {
		return fmt.Errorf("read parquet %s: %w", path, err)
	}
	groups := pf.RowGroups()
	workers = max(workers, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		cols *Columns
		err  error
	}
	chans := make([]chan result, workers)
	for w := range chans {
		chans[w] = make(chan result, 1)
		go func(w int, out chan<- result) {
			defer close(out)
			for g := w; g < len(groups); g += workers {
				cols, err := readGroup(groups[g], g, specs, leaves)
				if err != nil {
					err = fmt.Errorf("read parquet %s row group %d: %w", path, g, err)
				}
				select {
				case out <- result{cols, err}:
				case <-ctx.Done():
					return
				}
				if err != nil {
					return
				}
			}
		}(w, chans[w])
	}
	for g := range groups {
		if err := ctx.Err(); err != nil {
			return err
		}
		r, ok := <-chans[g%workers]
		if !ok {
			if err := ctx.Err(); err != nil {
				return err
			}
			return fmt.Errorf("read parquet %s: row group %d ended early", path, g)
		}
		if r.err != nil {
			return r.err
		}
		if err := fn(r.cols); err != nil {
			return err
		}
	}
	return nil
}

// leafInfo is where a requested column is in the file's schema.
type leafInfo struct {
	index  int
	maxDef int
}

// lookupColumns finds each requested column and checks that its type suits its kind.
func lookupColumns(pf *parquet.File, specs []ColumnSpec) ([]leafInfo, error) {
	leaves := make([]leafInfo, len(specs))
	for i, s := range specs {
		leaf, ok := pf.Schema().Lookup(s.Name)
		if !ok {
			return nil, fmt.Errorf("no column %q", s.Name)
		}
		if leaf.MaxRepetitionLevel > 0 {
			return nil, fmt.Errorf("column %q is repeated; want one value per row", s.Name)
		}
		want := parquet.ByteArray
		if s.Kind == Int64s {
			want = parquet.Int64
		}
		if kind := leaf.Node.Type().Kind(); kind != want {
			return nil, fmt.Errorf("column %q holds %s; want %s", s.Name, kind, want)
		}
		leaves[i] = leafInfo{index: leaf.ColumnIndex, maxDef: leaf.MaxDefinitionLevel}
	}
	return leaves, nil
}

// readGroup decodes the requested columns of one row group.
func readGroup(rg parquet.RowGroup, group int, specs []ColumnSpec, leaves []leafInfo) (*Columns, error) {
	n := int(rg.NumRows())
	g := &Columns{Group: group, Rows: n, cols: make([]columnData, len(specs))}
	chunks := rg.ColumnChunks()
	for i, s := range specs {
		d := &g.cols[i]
		switch s.Kind {
		case Indexed:
			d.index = make([]int32, 0, n)
		case Strings:
			d.offsets = make([]uint32, 1, n+1)
		case Int64s:
			d.ints = make([]int64, 0, n)
		}
		if err := readChunk(chunks[leaves[i].index], s, leaves[i].maxDef, d); err != nil {
			return nil, fmt.Errorf("column %q: %w", s.Name, err)
		}
		if got := d.len(s.Kind); got != n {
			return nil, fmt.Errorf("column %q: %d values for %d rows", s.Name, got, n)
		}
	}
	return g, nil
}

func (d *columnData) len(kind ColumnKind) int {
	switch kind {
	case Indexed:
		return len(d.index)
	case Strings:
		return len(d.offsets) - 1
	}
	return len(d.ints)
}

// readChunk appends the values of every page of chunk to d.
func readChunk(chunk parquet.ColumnChunk, s ColumnSpec, maxDef int, d *columnData) error {
	pages := chunk.Pages()
	defer pages.Close()
	dec := chunkDecoder{d: d, maxDef: maxDef}
	for {
		p, err := pages.ReadPage()
		if p != nil {
			var perr error
			switch s.Kind {
			case Indexed:
				perr = dec.indexed(p)
			case Strings:
				perr = dec.strings(p)
			case Int64s:
				perr = dec.int64s(p)
			}
			parquet.Release(p)
			if perr != nil {
				return perr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// chunkDecoder turns the pages of one column chunk into a columnData.
type chunkDecoder struct {
	d      *columnData
	maxDef int
	// dict is the Parquet dictionary whose values start at dict index base in d.dict.
	dict   parquet.Dictionary
	base   int32
	intern map[string]int32
}

// present calls fn(row, k) for each row of page p, k being the index of the row's value among
// the page's values, or -1 where the value is null.
func (c *chunkDecoder) present(p parquet.Page, numValues int, fn func(k int)) {
	defs := p.DefinitionLevels()
	if c.maxDef == 0 || defs == nil {
		for k := 0; k < numValues; k++ {
			fn(k)
		}
		return
	}
	k := 0
	for _, def := range defs {
		if int(def) == c.maxDef {
			fn(k)
			k++
		} else {
			fn(-1)
		}
	}
}

// nonNull returns the number of non-null values of page p.
func nonNull(p parquet.Page) int { return int(p.NumValues() - p.NumNulls()) }

func (c *chunkDecoder) indexed(p parquet.Page) error {
	d := c.d
	if dict := p.Dictionary(); dict != nil {
		if dict != c.dict {
			c.dict, c.base = dict, int32(len(d.dict))
			data, offsets := pageBytes(dict.Page())
			for i := 0; i+1 < len(offsets); i++ {
				d.dict = append(d.dict, string(data[offsets[i]:offsets[i+1]]))
			}
		}
		idx := pageInt32s(p)
		var bad error
		c.present(p, len(idx), func(k int) {
			if k < 0 {
				d.index = append(d.index, c.internString(""))
				return
			}
			v := idx[k]
			if v < 0 || int(v) >= dict.Len() {
				bad = fmt.Errorf("dictionary index %d out of range (%d values)", v, dict.Len())
				v = 0
			}
			d.index = append(d.index, c.base+v)
		})
		return bad
	}
	data, offsets := pageBytes(p)
	c.present(p, len(offsets)-1, func(k int) {
		if k < 0 {
			d.index = append(d.index, c.internString(""))
			return
		}
		d.index = append(d.index, c.internBytes(data[offsets[k]:offsets[k+1]]))
	})
	return nil
}

// internBytes returns the dictionary index of v, adding it when it is new.
func (c *chunkDecoder) internBytes(v []byte) int32 {
	if i, ok := c.intern[string(v)]; ok {
		return i
	}
	return c.internString(string(v))
}

func (c *chunkDecoder) internString(v string) int32 {
	if i, ok := c.intern[v]; ok {
		return i
	}
	if c.intern == nil {
		c.intern = map[string]int32{}
	}
	i := int32(len(c.d.dict))
	c.d.dict = append(c.d.dict, v)
	c.intern[v] = i
	return i
}

func (c *chunkDecoder) strings(p parquet.Page) error {
	d := c.d
	add := func(v []byte) {
		d.data = append(d.data, v...)
		d.offsets = append(d.offsets, uint32(len(d.data)))
	}
	if dict := p.Dictionary(); dict != nil {
		vals, offs := pageBytes(dict.Page())
		idx := pageInt32s(p)
		var bad error
		c.present(p, len(idx), func(k int) {
			if k < 0 {
				add(nil)
				return
			}
			v := int(idx[k])
			if v < 0 || v+1 >= len(offs) {
				bad = fmt.Errorf("dictionary index %d out of range (%d values)", v, len(offs)-1)
				add(nil)
				return
			}
			add(vals[offs[v]:offs[v+1]])
		})
		return bad
	}
	vals, offs := pageBytes(p)
	if nonNull(p) == int(p.NumValues()) && len(offs) > 0 {
		// No nulls: the page's bytes are copied whole.
		base := uint32(len(d.data)) - offs[0]
		d.data = append(d.data, vals[offs[0]:offs[len(offs)-1]]...)
		for _, o := range offs[1:] {
			d.offsets = append(d.offsets, base+o)
		}
		return nil
	}
	c.present(p, len(offs)-1, func(k int) {
		if k < 0 {
			add(nil)
			return
		}
		add(vals[offs[k]:offs[k+1]])
	})
	return nil
}

func (c *chunkDecoder) int64s(p parquet.Page) error {
	d := c.d
	if dict := p.Dictionary(); dict != nil {
		vals := pageInt64s(dict.Page())
		idx := pageInt32s(p)
		var bad error
		c.present(p, len(idx), func(k int) {
			if k < 0 {
				d.ints = append(d.ints, 0)
				return
			}
			v := int(idx[k])
			if v < 0 || v >= len(vals) {
				bad = fmt.Errorf("dictionary index %d out of range (%d values)", v, len(vals))
				d.ints = append(d.ints, 0)
				return
			}
			d.ints = append(d.ints, vals[v])
		})
		return bad
	}
	vals := pageInt64s(p)
	if nonNull(p) == int(p.NumValues()) {
		d.ints = append(d.ints, vals...)
		return nil
	}
	c.present(p, len(vals), func(k int) {
		if k < 0 {
			d.ints = append(d.ints, 0)
			return
		}
		d.ints = append(d.ints, vals[k])
	})
	return nil
}

// pageBytes returns the values of a BYTE_ARRAY page: value i is data[offsets[i]:offsets[i+1]].
func pageBytes(p parquet.Page) (data []byte, offsets []uint32) {
	v := p.Data()
	return v.ByteArray()
}

// pageInt32s returns the values of an INT32 page, or the dictionary indexes of an indexed one.
func pageInt32s(p parquet.Page) []int32 {
	v := p.Data()
	return v.Int32()
}

// pageInt64s returns the values of an INT64 page.
func pageInt64s(p parquet.Page) []int64 {
	v := p.Data()
	return v.Int64()
}

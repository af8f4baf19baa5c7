package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/tabular"
)

// The O*NET database files the onet preset reads.
const (
	onetOccupationFile = "Occupation Data.txt"
	onetTechFile       = "Technology Skills.txt"
	onetTaskFile       = "Task Statements.txt"
)

// onetSource makes one posting per O*NET occupation: the O*NET title as the role, the
// Technology Skills examples as skills, the Task Statements as responsibilities and the
// occupation description; the O*NET-SOC code is the posting id.
type onetSource struct {
	dir string
	enc tabular.Encoding
}

func newONETSource(dir string, enc tabular.Encoding) (*onetSource, error) {
	return &onetSource{dir: dir, enc: enc}, nil
}

func (s *onetSource) files() []string {
	return []string{
		filepath.Join(s.dir, onetOccupationFile),
		filepath.Join(s.dir, onetTechFile),
		filepath.Join(s.dir, onetTaskFile),
	}
}

// extraColumns is the O*NET-SOC code, also kept under its own name.
func (s *onetSource) extraColumns() ([]string, error) { return []string{"onet_soc_code"}, nil }

func (s *onetSource) run(ctx context.Context, out *sink) error {
	occ, tech, task := s.files()[0], s.files()[1], s.files()[2]
	codes := map[string]bool{}
	type occupation struct {
		code, title, desc string
		row, line         int64
	}
	var occs []occupation
	ost := out.stats(occ)
	err := readTSV(ctx, occ, s.enc, ost, []string{"O*NET-SOC Code", "Title", "Description"}, func(rec *tabular.Record, f []string) {
		ost.Records++
		if rec.Err != nil {
			out.reject(ost, onetReject(occ, rec, "", errKind(rec.Err), rec.Err.Error()))
			return
		}
		code := strings.TrimSpace(f[0])
		switch {
		case code == "":
			out.reject(ost, onetReject(occ, rec, "O*NET-SOC Code", "empty id", "empty O*NET-SOC code"))
		case codes[code]:
			out.reject(ost, onetReject(occ, rec, "O*NET-SOC Code", "duplicate id", "duplicate O*NET-SOC code "+code))
		default:
			codes[code] = true
			occs = append(occs, occupation{code: code, title: strings.Clone(f[1]), desc: strings.Clone(f[2]), row: rec.Row, line: rec.Line})
		}
	})
	if err != nil {
		return err
	}
	skills, err := s.group(ctx, out, tech, "Example", codes)
	if err != nil {
		return err
	}
	tasks, err := s.group(ctx, out, task, "Task", codes)
	if err != nil {
		return err
	}
	base := filepath.Base(occ)
	for _, o := range occs {
		p := records.RawPosting{
			Source: "onet", SourceFile: base, SourceRow: o.row, SourceLine: o.line,
			PostingID: o.code, Role: o.title, Title: o.title, Description: o.desc,
			Skills:           strings.Join(skills[o.code], "; "),
			Responsibilities: strings.Join(tasks[o.code], " "),
			Extras:           []records.Extra{{Key: "onet_soc_code", Value: o.code}},
		}
		if err := out.posting(ost, p); err != nil {
			return err
		}
	}
	return nil
}

// group reads a per-occupation file and returns the distinct values of column per code, in
// file order. Rows of unknown occupations are rejected; the others count as joined.
func (s *onetSource) group(ctx context.Context, out *sink, path, column string, codes map[string]bool) (map[string][]string, error) {
	st := out.stats(path)
	g := map[string][]string{}
	seen := map[string]bool{}
	err := readTSV(ctx, path, s.enc, st, []string{"O*NET-SOC Code", column}, func(rec *tabular.Record, f []string) {
		st.Records++
		if rec.Err != nil {
			out.reject(st, onetReject(path, rec, "", errKind(rec.Err), rec.Err.Error()))
			return
		}
		code, v := strings.TrimSpace(f[0]), strings.TrimSpace(f[1])
		if !codes[code] {
			out.reject(st, onetReject(path, rec, "O*NET-SOC Code", "unknown occupation", fmt.Sprintf("O*NET-SOC code %q is not in %s", code, onetOccupationFile)))
			return
		}
		st.Joined++
		if v == "" || seen[code+"\x00"+v] {
			return
		}
		seen[strings.Clone(code+"\x00"+v)] = true
		g[code] = append(g[code], strings.Clone(v))
	})
	return g, err
}

func onetReject(path string, rec *tabular.Record, field, kind, reason string) records.Reject {
	return records.Reject{Stage: StageName, Source: "onet", SourceFile: filepath.Base(path),
		SourceRow: rec.Row, SourceLine: rec.Line, Field: field, Kind: kind, Reason: reason, Raw: string(rec.Raw)}
}

// readTSV reads an O*NET tab-separated file and calls fn with each record and the values of
// the named columns (nil for an error record); it records in st how the text was decoded.
func readTSV(ctx context.Context, path string, enc tabular.Encoding, st *FileStats, columns []string, fn func(rec *tabular.Record, fields []string)) error {
	r, err := tabular.Open(path, tabular.Options{Format: tabular.FormatTSV, Encoding: enc})
	if err != nil {
		return fmt.Errorf("onet: %w", err)
	}
	defer r.Close()
	idx := make([]int, len(columns))
	for i, c := range columns {
		idx[i] = tabular.FindColumn(r.Header(), c)
		if idx[i] < 0 {
			return fmt.Errorf("onet: %s: column %q not found; columns are: %s", path, c, quoteList(r.Header()))
		}
	}
	vals := make([]string, len(columns))
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			addTextReport(st, r)
			return nil
		}
		if err != nil {
			return fmt.Errorf("onet: %w", err)
		}
		if rec.Err != nil {
			fn(rec, nil)
			continue
		}
		for i, j := range idx {
			vals[i] = rec.Fields[j]
		}
		fn(rec, vals)
	}
}

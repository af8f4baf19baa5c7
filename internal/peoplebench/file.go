package peoplebench

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/skillx/skillx/internal/atomicfile"
	"github.com/skillx/skillx/internal/tabular"
)

// Columns are the benchmark file's columns, in order.
var Columns = []string{"user_id", "current_role", "skills", "title", "kaggle_roles", "onet_codes", "onet_titles", "ambiguous", "method", "job_link"}

// SkillSep joins a person's skills in the skills column (the users-file convention of the
// recommend stage); ListSep joins the values of the list columns.
const (
	SkillSep = "; "
	ListSep  = " | "
)

// Write writes people to path as CSV with Columns, atomically (internal/atomicfile). A value that
// would not read back the same (a skill with ';' or '|', a list value with '|', text with
// surrounding spaces) is an error naming the person.
func Write(path string, people []Person) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write(Columns); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		for i, p := range people {
			if err := check(p); err != nil {
				return fmt.Errorf("write %s: person %d (%s): %w", path, i+1, p.UserID, err)
			}
			row := []string{
				p.UserID, p.CurrentRole, strings.Join(p.Skills, SkillSep), p.Title,
				strings.Join(p.KaggleRoles, ListSep), strings.Join(p.ONETCodes, ListSep), strings.Join(p.ONETTitles, ListSep),
				strconv.FormatBool(p.Ambiguous), p.Method, p.JobLink,
			}
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("write %s: %w", path, err)
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		return nil
	})
}

// check reports a value of p that would not read back the same.
func check(p Person) error {
	for _, s := range p.Skills {
		if s == "" || strings.ContainsAny(s, ";|") || s != strings.TrimSpace(s) {
			return fmt.Errorf("skill %q: empty, surrounded by spaces, or with ';' or '|'", s)
		}
	}
	for _, list := range [][]string{p.KaggleRoles, p.ONETCodes, p.ONETTitles} {
		for _, s := range list {
			if s == "" || strings.Contains(s, "|") || s != strings.TrimSpace(s) {
				return fmt.Errorf("list value %q: empty, surrounded by spaces, or with '|'", s)
			}
		}
	}
	if len(p.ONETTitles) != len(p.ONETCodes) {
		return fmt.Errorf("%d O*NET codes but %d titles", len(p.ONETCodes), len(p.ONETTitles))
	}
	for _, s := range []string{p.UserID, p.CurrentRole, p.Title, p.Method, p.JobLink} {
		if s != strings.TrimSpace(s) {
			return fmt.Errorf("value %q is surrounded by spaces", s)
		}
	}
	return nil
}

// Read reads a benchmark file written by Write. Columns are found by name (extra columns are
// ignored); a missing column, an unreadable record or a bad value is an error naming the file
// and row.
func Read(path string) ([]Person, error) {
	r, err := tabular.Open(path, tabular.Options{Format: tabular.FormatCSV, Delimiter: ','})
	if err != nil {
		return nil, err
	}
	defer r.Close()
	col, err := columns(path, r.Header(), Columns...)
	if err != nil {
		return nil, err
	}
	var people []Person
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return people, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		if rec.Err != nil {
			return nil, fmt.Errorf("%s row %d: %w", path, rec.Row, rec.Err)
		}
		f := func(i int) string { return strings.TrimSpace(rec.Fields[col[i]]) }
		p := Person{
			UserID:      f(0),
			CurrentRole: f(1),
			Skills:      splitList(f(2), ";"),
			Title:       f(3),
			KaggleRoles: splitList(f(4), "|"),
			ONETCodes:   splitList(f(5), "|"),
			ONETTitles:  splitList(f(6), "|"),
			Method:      f(8),
			JobLink:     f(9),
		}
		if p.Ambiguous, err = strconv.ParseBool(f(7)); err != nil {
			return nil, fmt.Errorf("%s row %d: ambiguous %q: want true or false", path, rec.Row, f(7))
		}
		if p.UserID == "" {
			return nil, fmt.Errorf("%s row %d: empty user_id", path, rec.Row)
		}
		if len(p.ONETTitles) != len(p.ONETCodes) {
			return nil, fmt.Errorf("%s row %d: %d O*NET codes but %d titles", path, rec.Row, len(p.ONETCodes), len(p.ONETTitles))
		}
		people = append(people, p)
	}
}

// splitList splits s on sep, trims the parts and drops empty ones; nil when none is left.
func splitList(s, sep string) []string {
	var out []string
	for _, part := range strings.Split(s, sep) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

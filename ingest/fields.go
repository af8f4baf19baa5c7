package ingest

import (
	"fmt"
	"sort"
	"strings"

	"github.com/skillx/skillx/internal/tabular"
)

// Field is a field of the raw posting schema that a source column can be mapped to.
type Field string

// The fields a source column can be mapped to with --map field=column.
const (
	FieldID               Field = "id"
	FieldRole             Field = "role"
	FieldTitle            Field = "title"
	FieldSkills           Field = "skills"
	FieldDescription      Field = "description"
	FieldResponsibilities Field = "responsibilities"
)

// Fields lists every mappable field, required ones first.
var Fields = []Field{FieldRole, FieldSkills, FieldID, FieldTitle, FieldDescription, FieldResponsibilities}

// Required reports whether a mapping must name a column for f.
func (f Field) Required() bool { return f == FieldRole || f == FieldSkills }

// Mapping maps fields to source column names.
type Mapping map[Field]string

// ParseMapping parses "field=column" pairs (as given to --map; a pair may also hold several
// comma-separated pairs).
func ParseMapping(pairs []string) (Mapping, error) {
	m := Mapping{}
	for _, arg := range pairs {
		for _, pair := range strings.Split(arg, ",") {
			if strings.TrimSpace(pair) == "" {
				continue
			}
			k, v, ok := strings.Cut(pair, "=")
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			if !ok || k == "" || v == "" {
				return nil, fmt.Errorf("--map %q: want field=column", pair)
			}
			f := Field(strings.ToLower(k))
			if !f.known() {
				return nil, fmt.Errorf("--map %q: unknown field %q; fields are: %s", pair, k, fieldNames())
			}
			m[f] = v
		}
	}
	return m, nil
}

func (f Field) known() bool {
	for _, g := range Fields {
		if g == f {
			return true
		}
	}
	return false
}

func fieldNames() string {
	var s []string
	for _, f := range Fields {
		s = append(s, string(f))
	}
	return strings.Join(s, ", ")
}

// kaggleMapping is the column mapping of Kaggle's job_descriptions.csv.
var kaggleMapping = Mapping{
	FieldID:               "Job Id",
	FieldRole:             "Role",
	FieldTitle:            "Job Title",
	FieldSkills:           "skills",
	FieldDescription:      "Job Description",
	FieldResponsibilities: "Responsibilities",
}

// columns resolves a mapping against a header: for each field, the column index or -1.
// Column names match exactly, or else case-insensitively. A required field without a column,
// or a named column that is not in the header, is an error that lists the columns found.
func (m Mapping) columns(file string, header []string) (map[Field]int, error) {
	idx := map[Field]int{}
	for _, f := range Fields {
		col, ok := m[f]
		if !ok {
			if f.Required() {
				return nil, fmt.Errorf("%s: no column mapped to the required field %q; columns are: %s; pass --map %s=<column>",
					file, f, quoteList(header), f)
			}
			idx[f] = -1
			continue
		}
		i := tabular.FindColumn(header, col)
		if i < 0 {
			return nil, fmt.Errorf("%s: column %q (for field %q) not found; columns are: %s; pass --map %s=<column>",
				file, col, f, quoteList(header), f)
		}
		idx[f] = i
	}
	return idx, nil
}

// quoteList quotes column names for messages, at most 40 of them.
func quoteList(cols []string) string {
	const most = 40
	q := make([]string, 0, min(len(cols), most)+1)
	for i, c := range cols {
		if i == most {
			q = append(q, fmt.Sprintf("... and %d more", len(cols)-most))
			break
		}
		q = append(q, fmt.Sprintf("%.80q", c))
	}
	return strings.Join(q, ", ")
}

// String returns the mapping as sorted field=column pairs, for manifests.
func (m Mapping) String() string {
	var s []string
	for f, c := range m {
		s = append(s, string(f)+"="+c)
	}
	sort.Strings(s)
	return strings.Join(s, ",")
}

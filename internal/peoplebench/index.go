package peoplebench

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/skillx/skillx/internal/tabular"
)

// targets are the Kaggle roles and O*NET occupations one normalised title stands for.
type targets struct {
	kaggle map[string]bool // role names
	onet   map[string]bool // O*NET-SOC codes
}

// index maps normalised titles to their targets.
type index struct {
	keys        map[string]*targets
	kaggleRoles map[string]bool
	onetTitles  map[string]string // code -> occupation title
}

func newIndex() *index {
	return &index{keys: map[string]*targets{}, kaggleRoles: map[string]bool{}, onetTitles: map[string]string{}}
}

// entry returns the targets of the normalised title key, creating them.
func (ix *index) entry(key string) *targets {
	t := ix.keys[key]
	if t == nil {
		t = &targets{kaggle: map[string]bool{}, onet: map[string]bool{}}
		ix.keys[key] = t
	}
	return t
}

// addKaggle indexes the distinct Role values of the Kaggle file.
func (ix *index) addKaggle(path string) error {
	return eachRecord(path, tabular.Options{Format: tabular.FormatCSV, Delimiter: ','}, []string{"Role"}, func(f []string) error {
		role := strings.TrimSpace(f[0])
		if role == "" {
			return nil
		}
		ix.kaggleRoles[role] = true
		if k := NormalizeTitle(role); k != "" {
			ix.entry(k).kaggle[role] = true
		}
		return nil
	})
}

// addONET indexes O*NET's occupation titles, alternate titles (and their short titles) and
// reported titles. A parenthesised part that names the job on its own ("Registered Nurse (RN)",
// "CEO (Chief Executive Officer)": an acronym or at least two words) is indexed too.
func (ix *index) addONET(dir string) error {
	tsv := tabular.Options{Format: tabular.FormatTSV}
	add := func(code, title string) {
		if k := NormalizeTitle(title); k != "" {
			ix.entry(k).onet[code] = true
		}
		for _, p := range parenthesised(title) {
			p = strings.TrimSpace(p)
			if isAcronym(p) || len(strings.Fields(p)) >= 2 {
				if k := NormalizeTitle(p); k != "" {
					ix.entry(k).onet[code] = true
				}
			}
		}
	}
	occ := filepath.Join(dir, "Occupation Data.txt")
	err := eachRecord(occ, tsv, []string{"O*NET-SOC Code", "Title"}, func(f []string) error {
		code, title := strings.TrimSpace(f[0]), strings.TrimSpace(f[1])
		if code == "" || title == "" {
			return nil
		}
		ix.onetTitles[code] = title
		add(code, title)
		return nil
	})
	if err != nil {
		return err
	}
	known := func(code string) error {
		if _, ok := ix.onetTitles[code]; !ok {
			return fmt.Errorf("O*NET-SOC code %q is not in %s", code, occ)
		}
		return nil
	}
	alt := filepath.Join(dir, "Alternate Titles.txt")
	err = eachRecord(alt, tsv, []string{"O*NET-SOC Code", "Alternate Title", "Short Title"}, func(f []string) error {
		code := strings.TrimSpace(f[0])
		if err := known(code); err != nil {
			return err
		}
		add(code, f[1])
		if s := strings.TrimSpace(f[2]); s != "" && s != "n/a" {
			add(code, s)
		}
		return nil
	})
	if err != nil {
		return err
	}
	rep := filepath.Join(dir, "Sample of Reported Titles.txt")
	return eachRecord(rep, tsv, []string{"O*NET-SOC Code", "Reported Job Title"}, func(f []string) error {
		code := strings.TrimSpace(f[0])
		if err := known(code); err != nil {
			return err
		}
		add(code, f[1])
		return nil
	})
}

// eachRecord calls fn with the named columns of every record of a reference file (Kaggle,
// O*NET). An unreadable record is an error naming the file and row: these files are inputs of
// the benchmark's answers, not data to sample from.
func eachRecord(path string, opts tabular.Options, names []string, fn func(fields []string) error) error {
	r, err := tabular.Open(path, opts)
	if err != nil {
		return err
	}
	defer r.Close()
	col, err := columns(path, r.Header(), names...)
	if err != nil {
		return err
	}
	fields := make([]string, len(names))
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		if rec.Err != nil {
			return fmt.Errorf("%s row %d: %w", path, rec.Row, rec.Err)
		}
		for i, c := range col {
			fields[i] = rec.Fields[c]
		}
		if err := fn(fields); err != nil {
			return fmt.Errorf("%s row %d: %w", path, rec.Row, err)
		}
	}
}

// match returns the targets of a job title and the method that found them: the title's key
// (NormalizeTitle), else the key of its longest run of leading words whose key has at least two
// words (trailing words dropped, each run normalised afresh, so that "sales lead slpt" tries
// "sales lead"); nil when neither is a known title. Dropping leading words instead was tried and
// left out: it changes what the job is too often ("pediatric anesthesia physician" ->
// "anesthesia physician", matched to Nurse Anesthetists; "anode prep technician" -> "prep
// technician").
func (ix *index) match(title string) (*targets, string) {
	key := NormalizeTitle(title)
	if key == "" {
		return nil, ""
	}
	if t := ix.keys[key]; t != nil {
		return t, MethodExact
	}
	words := strings.Fields(title)
	for n := len(words) - 1; n >= 2; n-- {
		k := NormalizeTitle(strings.Join(words[:n], " "))
		if strings.Count(k, " ") < 1 || k == key {
			continue
		}
		if t := ix.keys[k]; t != nil {
			return t, MethodPrefix
		}
	}
	return nil, ""
}

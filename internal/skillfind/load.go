package skillfind

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/skillx/skillx/internal/manifest"
	"github.com/skillx/skillx/internal/parquetio"
	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/tabular"
)

// CatalogPath returns the role catalog of a workdir: data/clean/roles.parquet.
func CatalogPath(workdir string) string {
	return filepath.Join(workdir, "data", "clean", "roles.parquet")
}

// ReadCatalog reads the role catalog of workdir, checked against its manifest.
func ReadCatalog(workdir string) ([]records.Role, error) {
	path := CatalogPath(workdir)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("the skill vocabulary comes from the role catalog %s, which does not exist: run `skillx clean` first", path)
	}
	if err := manifest.Check(path, "clean"); err != nil {
		return nil, err
	}
	roles, err := parquetio.ReadAll[records.Role](path)
	if err != nil {
		return nil, fmt.Errorf("read the role catalog: %w", err)
	}
	return roles, nil
}

// ONETTechFile is the O*NET file ReadONET reads.
const ONETTechFile = "Technology Skills.txt"

// ONETOccupationFile is the O*NET file whose descriptions ReadONET reads (when present).
const ONETOccupationFile = "Occupation Data.txt"

// ReadONET reads an O*NET database folder: the technology skills (Technology Skills.txt:
// O*NET-SOC Code, Example, Hot Technology, In Demand) and, when the file is there, the
// occupations' descriptions (Occupation Data.txt).
func ReadONET(dir string) (*ONET, error) {
	skills, err := readONETSkills(dir)
	if err != nil {
		return nil, err
	}
	o := &ONET{Skills: skills}
	path := filepath.Join(dir, ONETOccupationFile)
	if _, err := os.Stat(path); err != nil {
		return o, nil
	}
	r, err := tabular.Open(path, tabular.Options{Format: tabular.FormatTSV})
	if err != nil {
		return nil, fmt.Errorf("O*NET occupations: %w", err)
	}
	defer r.Close()
	di := -1
	for i, h := range r.Header() {
		if strings.TrimSpace(h) == "Description" {
			di = i
		}
	}
	if di < 0 {
		return nil, fmt.Errorf("O*NET occupations %s: column \"Description\" not found; columns are: %s", path, strings.Join(r.Header(), ", "))
	}
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("O*NET occupations %s: %w", path, err)
		}
		if rec.Err == nil {
			o.Descriptions = append(o.Descriptions, strings.Clone(rec.Fields[di]))
		}
	}
	return o, nil
}

func readONETSkills(dir string) ([]ONETSkill, error) {
	path := filepath.Join(dir, ONETTechFile)
	r, err := tabular.Open(path, tabular.Options{Format: tabular.FormatTSV})
	if err != nil {
		return nil, fmt.Errorf("O*NET technology skills: %w", err)
	}
	defer r.Close()
	col := map[string]int{}
	for i, h := range r.Header() {
		col[strings.TrimSpace(h)] = i
	}
	need := []string{"O*NET-SOC Code", "Example", "Hot Technology", "In Demand"}
	for _, c := range need {
		if _, ok := col[c]; !ok {
			return nil, fmt.Errorf("O*NET technology skills %s: column %q not found; columns are: %s", path, c, strings.Join(r.Header(), ", "))
		}
	}
	var out []ONETSkill
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("O*NET technology skills %s: %w", path, err)
		}
		if rec.Err != nil {
			return nil, fmt.Errorf("O*NET technology skills: %w", rec.Err)
		}
		f := rec.Fields
		ex := strings.TrimSpace(f[col["Example"]])
		if ex == "" {
			continue
		}
		out = append(out, ONETSkill{Code: strings.Clone(strings.TrimSpace(f[col["O*NET-SOC Code"]])), Example: strings.Clone(ex),
			Hot: strings.EqualFold(strings.TrimSpace(f[col["Hot Technology"]]), "Y"), InDemand: strings.EqualFold(strings.TrimSpace(f[col["In Demand"]]), "Y")})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("O*NET technology skills %s: no rows", path)
	}
	return out, nil
}

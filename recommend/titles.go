package recommend

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/tabular"
	"github.com/skillx/skillx/internal/textnorm"
)

// The O*NET files of other names of the occupations (recommend --onet reads them when the folder
// has them).
const (
	// AlternateTitlesFile lists the alternate titles of each occupation ("Software Engineer"
	// for Software Developers).
	AlternateTitlesFile = "Alternate Titles.txt"
	// ReportedTitlesFile lists job titles workers of each occupation reported.
	ReportedTitlesFile = "Sample of Reported Titles.txt"
)

// titleFile is one O*NET file of titles: its name, the column of the titles and what the
// report says a title of it is.
type titleFile struct {
	name, column, kind string
}

// titleFiles are the files of titles in the order their titles are taken: an alternate title
// is said to be one before a reported title.
var titleFiles = []titleFile{
	{AlternateTitlesFile, "Alternate Title", "one of its alternate titles"},
	{ReportedTitlesFile, "Reported Job Title", "one of its reported job titles"},
}

// maxResolved bounds the cache of resolved current roles (a long serve session sees many).
const maxResolved = 1 << 16

// roleTitles resolves a person's current role to a role of the catalog: by its role key when
// the catalog has the role, else by an O*NET title that names exactly one catalog role.
type roleTitles struct {
	// roles are the catalog's role names by role key.
	roles map[string]string
	// byTitle is the catalog role key and the kind of each title's role key that maps to
	// exactly one catalog role.
	byTitle map[string]titleRole
	// Counts of the titles' rows, for the log and the tests.
	rows, ambiguous, unknown int
	// key is the hex sha256 of the sha256 of each titles file read (its name and sum).
	key string

	mu       sync.Mutex
	resolved map[string]resolution // by current role as typed
}

// titleRole is the catalog role of a title and the kind of title it is.
type titleRole struct {
	key, kind string
}

// resolution is a current role resolved to a catalog role: its name ("" when none) and how
// (the title's kind; "" for an exact role name).
type resolution struct {
	role, kind string
}

// loadRoleTitles reads the files of titles that dir has (none: nil) and maps each title to the
// catalog roles of its O*NET-SOC codes.
func loadRoleTitles(dir string, catalog []records.Role) (*roleTitles, error) {
	rt := &roleTitles{roles: map[string]string{}, byTitle: map[string]titleRole{}, resolved: map[string]resolution{}}
	byCode := map[string][]string{} // catalog role keys by O*NET-SOC code
	for _, r := range catalog {
		key := catalogKey(r)
		if _, ok := rt.roles[key]; !ok {
			rt.roles[key] = r.Role
		}
		for _, id := range r.PostingIDs {
			if id = strings.TrimSpace(id); socCode.MatchString(id) && !slices.Contains(byCode[id], key) {
				byCode[id] = append(byCode[id], key)
			}
		}
	}
	candidates := map[string][]titleRole{} // by title key, in file order
	h := sha256.New()
	read := 0
	for _, f := range titleFiles {
		path := filepath.Join(dir, f.name)
		data, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("--onet %s: the O*NET titles: %w", dir, err)
		}
		read++
		sum := sha256.Sum256(data)
		h.Write([]byte(f.name + "\x00" + hex.EncodeToString(sum[:]) + "\x00"))
		if err := rt.readTitles(path, f, byCode, candidates); err != nil {
			return nil, fmt.Errorf("--onet %s: %w", dir, err)
		}
	}
	if read == 0 {
		return nil, nil
	}
	rt.key = hex.EncodeToString(h.Sum(nil))
	for title, roles := range candidates {
		if distinctRoles(roles) == 1 {
			rt.byTitle[title] = roles[0]
		} else {
			rt.ambiguous++
		}
	}
	return rt, nil
}

// readTitles adds the titles of the file at path to candidates, each with the catalog roles of
// its code. A row whose code no catalog role has counts as unknown; a bad row is an error that
// names the file, the line and the field.
func (rt *roleTitles) readTitles(path string, f titleFile, byCode map[string][]string, candidates map[string][]titleRole) error {
	r, err := tabular.Open(path, tabular.Options{Format: tabular.FormatTSV})
	if err != nil {
		return fmt.Errorf("titles: %w", err)
	}
	defer r.Close()
	ci, ti := -1, -1
	for i, h := range r.Header() {
		switch strings.TrimSpace(h) {
		case "O*NET-SOC Code":
			ci = i
		case f.column:
			ti = i
		}
	}
	if ci < 0 || ti < 0 {
		return fmt.Errorf("titles %s: columns \"O*NET-SOC Code\" and %q needed; columns are: %s", path, f.column, strings.Join(r.Header(), ", "))
	}
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("titles %s: %w", path, err)
		}
		if rec.Err != nil {
			return fmt.Errorf("titles %s: %w", path, rec.Err)
		}
		code := strings.TrimSpace(rec.Fields[ci])
		if !socCode.MatchString(code) {
			return fmt.Errorf("titles %s line %d: O*NET-SOC Code %q: want a code such as 15-1252.00", path, rec.Line, rec.Fields[ci])
		}
		title := strings.Clone(textnorm.RoleKey(rec.Fields[ti]))
		if title == "" {
			return fmt.Errorf("titles %s line %d: %s is empty", path, rec.Line, f.column)
		}
		rt.rows++
		keys := byCode[code]
		if len(keys) == 0 {
			rt.unknown++
			continue
		}
		for _, k := range keys {
			candidates[title] = append(candidates[title], titleRole{key: k, kind: f.kind})
		}
	}
}

// resolve returns the catalog role a current role names and how: the role itself when the
// catalog has its role key (kind ""), else the one catalog role an O*NET title with its key
// maps to (kind says which title), else no role. A nil *roleTitles (no titles files) resolves
// nothing.
func (rt *roleTitles) resolve(current string) resolution {
	if rt == nil {
		return resolution{}
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if res, ok := rt.resolved[current]; ok {
		return res
	}
	var res resolution
	key := textnorm.RoleKey(current)
	if name, ok := rt.roles[key]; ok {
		res = resolution{role: name}
	} else if t, ok := rt.byTitle[key]; ok {
		res = resolution{role: rt.roles[t.key], kind: t.kind}
	}
	if len(rt.resolved) < maxResolved {
		rt.resolved[current] = res
	}
	return res
}

// catalogKey returns the role key of a catalog role.
func catalogKey(r records.Role) string {
	if r.RoleKey != "" {
		return r.RoleKey
	}
	return textnorm.RoleKey(r.Role)
}

// distinctRoles returns how many catalog roles the candidates of a title name.
func distinctRoles(roles []titleRole) int {
	seen := map[string]bool{}
	for _, r := range roles {
		seen[r.key] = true
	}
	return len(seen)
}

// currentRole returns the catalog role the current role is read as: the resolved role when the
// titles resolve it by a title, else the current role as typed (zones nil: as typed).
func (rz *roleZones) currentRole(current string) string {
	if rz == nil {
		return current
	}
	if res := rz.titles.resolve(current); res.kind != "" {
		return res.role
	}
	return current
}

// currentRoleNote returns the note a report gives when its current role is read as an O*NET
// occupation by one of its titles, or "".
func (rz *roleZones) currentRoleNote(current string) string {
	if rz == nil {
		return ""
	}
	res := rz.titles.resolve(current)
	if res.kind == "" {
		return ""
	}
	return fmt.Sprintf("the current role %q is read as the O*NET occupation %q (%s)", current, res.role, res.kind)
}

package recommend

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/skillx/skillx/internal/joblevel"
	"github.com/skillx/skillx/internal/parquetio"
	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/textnorm"
)

// The bases of a job level move (RoleMove.Basis).
const (
	// BasisJobZone: both roles are O*NET occupations with a Job Zone, and the move compares
	// the zones (joblevel.CompareZones).
	BasisJobZone = "job_zone"
	// BasisTitle: the move compares the levels the titles' words state (joblevel.Compare).
	BasisTitle = "title"
)

// socCode matches an O*NET-SOC code ("15-2051.00"): the posting id the O*NET preset of ingest
// gives each occupation's posting, which the role catalog keeps in posting_ids.
var socCode = regexp.MustCompile(`^\d{2}-\d{4}\.\d{2}$`)

// roleZones are the O*NET Job Zones of the role catalog's roles, by role key
// (textnorm.RoleKey), built once per run (recommend --onet). A nil *roleZones knows no zone:
// every move is then read from title words.
type roleZones struct {
	// byKey is the zone of each role that has one.
	byKey map[string]int
	// key is the hex sha256 of Job Zones.txt and of byKey: part of every report's key, so
	// that a report written without the zones (or with other zones or another catalog) is
	// written again.
	key string
	// titles resolve a current role that is not a catalog role by the O*NET alternate and
	// reported titles (nil when the folder has neither file).
	titles *roleTitles
}

// loadRoleZones reads dir/Job Zones.txt (joblevel.ReadJobZones) and maps the catalog's roles
// to their zones (zonesOfRoles), and reads the O*NET titles files dir has (loadRoleTitles);
// catalog nil reads rolesPath. dir "" returns nil: no zones.
func loadRoleZones(dir string, catalog []records.Role, rolesPath string) (*roleZones, error) {
	if dir == "" {
		return nil, nil
	}
	data, zones, err := readZones(dir)
	if err != nil {
		return nil, err
	}
	if catalog == nil {
		if catalog, err = parquetio.ReadAll[records.Role](rolesPath); err != nil {
			return nil, fmt.Errorf("--onet: the Job Zones are looked up by the role catalog's O*NET-SOC codes: %w (run `skillx clean` first)", err)
		}
	}
	rz := newRoleZones(data, zones, catalog)
	if rz.titles, err = loadRoleTitles(dir, catalog); err != nil {
		return nil, err
	}
	return rz, nil
}

// newRoleZones returns the zones of the catalog's roles; data is Job Zones.txt as read.
func newRoleZones(data []byte, zones joblevel.JobZones, catalog []records.Role) *roleZones {
	rz := &roleZones{byKey: zonesOfRoles(zones, catalog)}
	h := sha256.New()
	sum := sha256.Sum256(data)
	h.Write(sum[:])
	keys := make([]string, 0, len(rz.byKey))
	for k := range rz.byKey {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		h.Write([]byte(k + "\x00" + strconv.Itoa(rz.byKey[k]) + "\x00"))
	}
	rz.key = hex.EncodeToString(h.Sum(nil))
	return rz
}

// zonesOfRoles maps each catalog role whose posting ids include O*NET-SOC codes with a Job
// Zone to a zone (roleZone). Roles of other sources (Kaggle, LinkedIn: their ids are not SOC
// codes) and codes without a zone are left out.
func zonesOfRoles(zones joblevel.JobZones, catalog []records.Role) map[string]int {
	out := map[string]int{}
	for _, r := range catalog {
		key := r.RoleKey
		if key == "" {
			key = textnorm.RoleKey(r.Role)
		}
		if z, ok := roleZone(zones, r.PostingIDs); ok {
			out[key] = z
		}
	}
	return out
}

// roleZone returns the Job Zone of a role from its posting ids: the zone of its O*NET-SOC
// codes when they have one. A role of several occupations (two O*NET titles with one role key)
// takes the zone most of its codes have; when two zones are equally common the codes disagree
// on the preparation the role needs, and the role has no zone (ok false: its moves are read
// from title words).
func roleZone(zones joblevel.JobZones, ids []string) (zone int, ok bool) {
	var count [6]int
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if !socCode.MatchString(id) {
			continue
		}
		if z, ok := zones.Zone(id); ok {
			count[z]++
		}
	}
	best, tie := 0, false
	for z := 1; z <= 5; z++ {
		switch {
		case count[z] == 0:
		case best == 0 || count[z] > count[best]:
			best, tie = z, false
		case count[z] == count[best]:
			tie = true
		}
	}
	if best == 0 || tie {
		return 0, false
	}
	return best, true
}

// zone returns the Job Zone of a role name, by its role key: of the catalog role it is read as
// (currentRole) when it is not a catalog role.
func (rz *roleZones) zone(role string) (int, bool) {
	if rz == nil {
		return 0, false
	}
	z, ok := rz.byKey[textnorm.RoleKey(rz.currentRole(role))]
	return z, ok
}

// keyPart returns what the zones add to a report's key: "" without zones. The titles files'
// sums are part of it: they change which occupation a current role is read as.
func (rz *roleZones) keyPart() string {
	if rz == nil {
		return ""
	}
	if rz.titles != nil {
		return "job-zones:" + rz.key + ";titles:" + rz.titles.key
	}
	return "job-zones:" + rz.key
}

// zoneInputs returns the stage's inputs with those the zones were read from: Job Zones.txt of
// dir, the titles files dir has, and the role catalog when it is not there yet (dir "": inputs
// as they are).
func zoneInputs(dir string, inputs []string, rolesPath string) []string {
	if dir == "" {
		return inputs
	}
	if !slices.Contains(inputs, rolesPath) {
		inputs = append(inputs, rolesPath)
	}
	inputs = append(inputs, filepath.Join(dir, joblevel.JobZonesFile))
	for _, f := range titleFiles {
		if path := filepath.Join(dir, f.name); fileExists(path) {
			inputs = append(inputs, path)
		}
	}
	return inputs
}

// fileExists reports whether path is a regular file.
func fileExists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

// CheckONET checks that dir, an O*NET database folder given as Config.ONET, has a readable
// Job Zones.txt with valid rows, so that a command can refuse a wrong --onet before it loads
// anything. The error names the file (and the line of a bad row).
func CheckONET(dir string) error {
	_, _, err := readZones(dir)
	return err
}

// readZones returns Job Zones.txt of dir as read and its zones; the error names the file.
func readZones(dir string) ([]byte, joblevel.JobZones, error) {
	path := filepath.Join(dir, joblevel.JobZonesFile)
	data, err := os.ReadFile(path)
	if err != nil { // the error names the file
		return nil, nil, fmt.Errorf("--onet %s: the O*NET Job Zones: %w", dir, err)
	}
	zones, err := joblevel.ReadJobZones(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("--onet %s: %w", dir, err)
	}
	return data, zones, nil
}

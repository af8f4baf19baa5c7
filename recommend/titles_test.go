package recommend

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/classifier"
	"github.com/skillx/skillx/internal/joblevel"
	"github.com/skillx/skillx/internal/layout"
	ranking "github.com/skillx/skillx/internal/rank"
	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/report"
	"github.com/skillx/skillx/internal/testenv"
)

// writeTitles writes an O*NET titles file (tab-separated, CRLF) with its header and rows into
// dir.
func writeTitles(t *testing.T, dir, name, header string, rows ...string) {
	t.Helper()
	body := header + "\r\n"
	for _, r := range rows {
		body += r + "\r\n"
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

const (
	alternateHeader = "O*NET-SOC Code\tAlternate Title\tShort Title\tSource(s)"
	reportedHeader  = "O*NET-SOC Code\tReported Job Title\tShown in My Next Move"
)

// titlesCatalog is a small O*NET-shaped catalog: Software Developers (zone 4), Data Scientists
// (4), Cashiers (2), Counter and Rental Clerks (2).
var titlesCatalog = []records.Role{
	onetRole("Software Developers", "15-1252.00"),
	onetRole("Data Scientists", "15-2051.00"),
	onetRole("Cashiers", "41-2011.00"),
	onetRole("Counter and Rental Clerks", "41-2021.00"),
}

// titlesDir writes the Job Zones and the titles files of titlesCatalog: "Software Engineer"
// (an alternate title of Software Developers, and a reported one too), "Machine Learning
// Engineer" (a reported title of Data Scientists), "Cashier" (of two occupations), "Coder" (an
// alternate title of one and a reported title of another), "Data Scientists" (an alternate
// title of Software Developers: the catalog role of that name wins), and a title of a code
// the catalog does not have.
func titlesDir(t *testing.T) string {
	t.Helper()
	dir := writeJobZones(t, "15-1252.00\t4", "15-2051.00\t4", "41-2011.00\t2", "41-2021.00\t2")
	writeTitles(t, dir, AlternateTitlesFile, alternateHeader,
		"15-1252.00\tSoftware Engineer\tn/a\t08",
		"15-1252.00\tCoder\tn/a\t08",
		"15-1252.00\tData Scientists\tn/a\t08",
		"41-2011.00\tCashier\tn/a\t08",
		"41-2021.00\tCashier\tn/a\t08",
		"99-9999.00\tNobody's Title\tn/a\t08")
	writeTitles(t, dir, ReportedTitlesFile, reportedHeader,
		"15-1252.00\tsoftware  ENGINEER\tY",
		"15-2051.00\tMachine Learning Engineer\tY",
		"15-2051.00\tCoder\tN")
	return dir
}

// TestRoleTitlesResolve pins the resolutions of titlesDir: an alternate title, a reported
// title, an ambiguous title (none), an exact catalog name that is also another occupation's
// alternate title (the catalog role), a title of no catalog role (none); the zones and notes
// that follow; and the counts.
func TestRoleTitlesResolve(t *testing.T) {
	rz, err := loadRoleZones(titlesDir(t), titlesCatalog, "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		current, role, kind string
		zone                int
		note                string
	}{
		{"Software Engineer", "Software Developers", "one of its alternate titles", 4,
			`the current role "Software Engineer" is read as the O*NET occupation "Software Developers" (one of its alternate titles)`},
		{"machine learning engineer", "Data Scientists", "one of its reported job titles", 4,
			`the current role "machine learning engineer" is read as the O*NET occupation "Data Scientists" (one of its reported job titles)`},
		{"Data Scientists", "Data Scientists", "", 4, ""},
		{"cashiers", "Cashiers", "", 2, ""},
		{"Cashier", "", "", 0, ""},
		{"Coder", "", "", 0, ""},
		{"Nobody's Title", "", "", 0, ""},
	}
	for _, tt := range tests {
		for range 2 { // the second time from the cache
			if res := rz.titles.resolve(tt.current); res.role != tt.role || res.kind != tt.kind {
				t.Errorf("resolve(%q) = %+v; want %q, %q", tt.current, res, tt.role, tt.kind)
			}
		}
		wantRole := tt.current
		if tt.kind != "" {
			wantRole = tt.role
		}
		if got := rz.currentRole(tt.current); got != wantRole {
			t.Errorf("currentRole(%q) = %q; want %q", tt.current, got, wantRole)
		}
		if z, ok := rz.zone(tt.current); z != tt.zone || ok != (tt.zone > 0) {
			t.Errorf("zone(%q) = %d, %v; want %d", tt.current, z, ok, tt.zone)
		}
		if got := rz.currentRoleNote(tt.current); got != tt.note {
			t.Errorf("note(%q) = %q; want %q", tt.current, got, tt.note)
		}
	}
	if rz.titles.rows != 9 || rz.titles.unknown != 1 || rz.titles.ambiguous != 2 || len(rz.titles.byTitle) != 3 {
		t.Errorf("rows %d, unknown %d, ambiguous %d, resolved titles %d; want 9, 1, 2, 3",
			rz.titles.rows, rz.titles.unknown, rz.titles.ambiguous, len(rz.titles.byTitle))
	}
	var none *roleZones
	if none.currentRole("Software Engineer") != "Software Engineer" || none.currentRoleNote("Software Engineer") != "" {
		t.Error("nil zones resolve a current role")
	}
}

// TestRoleTitlesKey checks that the titles files are part of the zones' key part (a changed
// file changes it) and that without them the key part is the zones' alone.
func TestRoleTitlesKey(t *testing.T) {
	dir := titlesDir(t)
	with, err := loadRoleZones(dir, titlesCatalog, "")
	if err != nil {
		t.Fatal(err)
	}
	writeTitles(t, dir, ReportedTitlesFile, reportedHeader, "15-1252.00\tSoftware Engineer\tY")
	changed, err := loadRoleZones(dir, titlesCatalog, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range titleFiles {
		if err := os.Remove(filepath.Join(dir, f.name)); err != nil {
			t.Fatal(err)
		}
	}
	without, err := loadRoleZones(dir, titlesCatalog, "")
	if err != nil {
		t.Fatal(err)
	}
	if without.titles != nil || without.keyPart() != "job-zones:"+without.key {
		t.Errorf("no titles files: titles %v, key part %q", without.titles, without.keyPart())
	}
	if with.keyPart() == without.keyPart() || with.keyPart() == changed.keyPart() || !strings.HasPrefix(with.keyPart(), without.keyPart()+";titles:") {
		t.Errorf("key parts: with %q, changed %q, without %q; want three different", with.keyPart(), changed.keyPart(), without.keyPart())
	}
	if z, ok := without.zone("Software Engineer"); ok {
		t.Errorf("no titles files: zone(Software Engineer) = %d; want none", z)
	}
}

// TestRoleTitlesInputs checks that the stage's inputs name the titles files the folder has.
func TestRoleTitlesInputs(t *testing.T) {
	dir := titlesDir(t)
	got := zoneInputs(dir, []string{"roles.parquet"}, "roles.parquet")
	want := []string{"roles.parquet", filepath.Join(dir, joblevel.JobZonesFile), filepath.Join(dir, AlternateTitlesFile), filepath.Join(dir, ReportedTitlesFile)}
	if !slices.Equal(got, want) {
		t.Errorf("inputs %q; want %q", got, want)
	}
	if err := os.Remove(filepath.Join(dir, ReportedTitlesFile)); err != nil {
		t.Fatal(err)
	}
	if got := zoneInputs(dir, []string{"roles.parquet"}, "roles.parquet"); len(got) != 3 {
		t.Errorf("inputs without the reported titles %q; want 3", got)
	}
}

// TestRoleTitlesErrors checks that a bad titles file is an error naming the file, the line and
// the field.
func TestRoleTitlesErrors(t *testing.T) {
	tests := []struct {
		header string
		rows   []string
		want   string
	}{
		{alternateHeader, []string{"15-1252.00\tCoder\tn/a\t08", "15-1252\tCoder\tn/a\t08"}, "line 3: O*NET-SOC Code \"15-1252\""},
		{alternateHeader, []string{"15-1252.00\t  \tn/a\t08"}, "line 2: Alternate Title is empty"},
		{"O*NET-SOC Code\tTitle\tShort Title\tSource(s)", nil, `columns "O*NET-SOC Code" and "Alternate Title" needed`},
		{alternateHeader, []string{"15-1252.00\tCoder"}, "line 2"},
	}
	for _, tt := range tests {
		dir := writeJobZones(t, "15-1252.00\t4")
		writeTitles(t, dir, AlternateTitlesFile, tt.header, tt.rows...)
		_, err := loadRoleZones(dir, titlesCatalog, "")
		if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, AlternateTitlesFile)) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("rows %q: err = %v; want one naming the file and %q", tt.rows, err, tt.want)
		}
	}
}

// TestRoleTitlesReportNote checks that a report whose current role is an alternate title keeps
// the typed role, takes the occupation's Job Zone for its moves and says once how it read the
// role.
func TestRoleTitlesReportNote(t *testing.T) {
	rz, err := loadRoleZones(titlesDir(t), titlesCatalog, "")
	if err != nil {
		t.Fatal(err)
	}
	ur := &UserReport{CurrentRole: "Software Engineer", Notes: []string{"a note"}, zones: rz,
		Roles: []report.RoleReport{{Role: "Cashiers"}, {Role: "Data Scientists"}}}
	ur.setLevels()
	ur.setLevels()
	note := `the current role "Software Engineer" is read as the O*NET occupation "Software Developers" (one of its alternate titles)`
	if !slices.Equal(ur.Notes, []string{"a note", note}) {
		t.Errorf("notes %q; want the note once after %q", ur.Notes, "a note")
	}
	if ur.CurrentRole != "Software Engineer" || ur.Level.JobZone != 4 || ur.Moves[0].Move != "step down" || ur.Moves[0].Basis != BasisJobZone ||
		ur.Moves[1].Move != "lateral move" {
		t.Errorf("current role %q, level %+v, moves %+v; want zone 4, a step down to Cashiers, lateral to Data Scientists", ur.CurrentRole, ur.Level, ur.Moves)
	}
	plain := &UserReport{CurrentRole: "Software Engineer", Roles: ur.Roles}
	plain.setLevels()
	if len(plain.Notes) != 0 || plain.Level.JobZone != 0 {
		t.Errorf("without --onet: notes %q, level %+v; want none", plain.Notes, plain.Level)
	}
}

// TestRankUsersResolvedRole ranks the trained test model's roles for a person whose current
// role is an alternate title of one of them (the catalog gives each label a code): the ranking
// is the one of the exact role name (its similarity used, the role left out), and differs from
// the ranking without the titles, where the role is the best candidate.
func TestRankUsersResolvedRole(t *testing.T) {
	work := trained(t)
	labels := filepath.Join(work, "models", "classifier.json")
	set, err := ranking.Load("", labels, filepath.Join(work, "models", "roles.index"), layout.TFIDF(work), 0)
	if err != nil {
		t.Fatal(err)
	}
	info, err := classifier.Read(labels)
	if err != nil {
		t.Fatal(err)
	}
	skills := []string{"Python", "SQL", "Machine learning", "Statistics", "Data visualization"}
	rank := func(current string, zones *roleZones) []report.Candidate {
		t.Helper()
		cands, alts, err := rankUsers(set, info, []User{{ID: "u", CurrentRole: current, Skills: skills}}, map[string][]float32{}, 0, zones)
		if err != nil {
			t.Fatal(err)
		}
		return append(cands[0], alts[0]...)
	}
	plain := rank("Code Wrangler", nil)
	top := plain[0].Role // the role the title will name
	var catalog []records.Role
	dir := writeJobZones(t, "10-0000.00\t3")
	var rows []string
	for i, l := range info.Labels {
		code := fmt.Sprintf("10-%04d.00", i)
		catalog = append(catalog, onetRole(l, code))
		if l == top {
			rows = append(rows, code+"\tCode Wrangler\tn/a\t08")
		}
	}
	writeTitles(t, dir, AlternateTitlesFile, alternateHeader, rows...)
	rz, err := loadRoleZones(dir, catalog, "")
	if err != nil {
		t.Fatal(err)
	}
	resolved, exact := rank("Code Wrangler", rz), rank(top, nil)
	if !slices.Equal(resolved, exact) {
		t.Errorf("ranking of the alternate title %v; want that of %q %v", resolved, top, exact)
	}
	if slices.ContainsFunc(resolved, func(c report.Candidate) bool { return c.Role == top }) {
		t.Errorf("the resolved role %q is among the candidates %v", top, resolved)
	}
	if len(resolved) < 2 || slices.Equal(resolved, plain[1:len(resolved)+1]) {
		t.Errorf("ranking %v equals the one without the role's similarity %v", resolved, plain[1:])
	}
}

// TestRealAlternateTitles reads the shared O*NET 29.2 titles against its catalog: "Software
// Engineer" is read as Software Developers, "Cashier" (four occupations) as none, and the
// numbers of alternate and reported titles that resolve are pinned.
func TestRealAlternateTitles(t *testing.T) {
	dir := filepath.Dir(testenv.Shared(t, "datasets/onet-29.2/"+AlternateTitlesFile))
	_, rolesPath := realONETCatalog(t, dir)
	rz, err := loadRoleZones(dir, nil, rolesPath)
	if err != nil {
		t.Fatal(err)
	}
	if res := rz.titles.resolve("Software Engineer"); res.role != "Software Developers" || res.kind != titleFiles[0].kind {
		t.Errorf("Software Engineer resolves to %+v; want Software Developers by an alternate title", res)
	}
	if z, _ := rz.zone("Software Engineer"); z != 4 {
		t.Errorf("zone(Software Engineer) = %d; want 4 (Software Developers)", z)
	}
	if res := rz.titles.resolve("Cashier"); res.role != "" {
		t.Errorf("Cashier resolves to %+v; want none (several occupations)", res)
	}
	count := map[string]int{}
	for _, tr := range rz.titles.byTitle {
		count[tr.kind]++
	}
	alt, rep := count[titleFiles[0].kind], count[titleFiles[1].kind]
	t.Logf("%d title rows; %d alternate and %d reported title keys resolve to one occupation; %d are ambiguous; %d rows of codes without a catalog role",
		rz.titles.rows, alt, rep, rz.titles.ambiguous, rz.titles.unknown)
	if rz.titles.rows != 56560+7796 || alt != wantRealAlternate || rep != wantRealReported {
		t.Errorf("%d rows, %d alternate and %d reported titles resolve; want %d rows, %d and %d",
			rz.titles.rows, alt, rep, 56560+7796, wantRealAlternate, wantRealReported)
	}
}

// The numbers of title keys of O*NET 29.2 that resolve to one catalog occupation, by the file
// they are taken from (measured with TestRealAlternateTitles): every reported title of 29.2 is
// also an alternate title of its occupation, so none is taken from the reported titles.
const (
	wantRealAlternate = 36024
	wantRealReported  = 0
)

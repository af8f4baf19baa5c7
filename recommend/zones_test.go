package recommend

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/skillx/skillx/clean"
	"github.com/skillx/skillx/ingest"
	"github.com/skillx/skillx/internal/joblevel"
	"github.com/skillx/skillx/internal/parquetio"
	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/report"
	"github.com/skillx/skillx/internal/testenv"
	"github.com/skillx/skillx/internal/textnorm"
)

// writeJobZones writes a Job Zones.txt in O*NET's format (tab-separated, CRLF) into a new
// folder and returns the folder.
func writeJobZones(t *testing.T, rows ...string) string {
	t.Helper()
	dir := t.TempDir()
	body := "O*NET-SOC Code\tJob Zone\tDate\tDomain Source\r\n"
	for _, r := range rows {
		body += r + "\t08/2023\tAnalyst\r\n"
	}
	if err := os.WriteFile(filepath.Join(dir, joblevel.JobZonesFile), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// onetRole is a catalog role as the O*NET preset makes it: the occupation's title, its
// O*NET-SOC code as the posting id.
func onetRole(title string, codes ...string) records.Role {
	return records.Role{Role: title, RoleKey: textnorm.RoleKey(title), PostingIDs: codes}
}

// zonesFixture is a small O*NET-shaped catalog and its Job Zones: Bookkeeping Clerks 3,
// Accountants and Auditors 4, Financial Managers 4, Chief Executives 5, Cashiers 2; Data
// Analyst is a Kaggle role (no code), Merged Role has two codes of one zone and a third of
// another, Split Role two codes of different zones.
func zonesFixture(t *testing.T) *roleZones {
	t.Helper()
	dir := writeJobZones(t, "43-3031.00\t3", "13-2011.00\t4", "11-3031.00\t4", "11-1011.00\t5", "41-2011.00\t2", "99-0001.00\t1")
	catalog := []records.Role{
		onetRole("Bookkeeping Clerks", "43-3031.00"),
		onetRole("Accountants and Auditors", "13-2011.00"),
		onetRole("Financial Managers", "11-3031.00"),
		onetRole("Chief Executives", "11-1011.00"),
		onetRole("Cashiers", "41-2011.00"),
		{Role: "Data Analyst", RoleKey: "data analyst", PostingIDs: []string{"1234567", "https://www.linkedin.com/jobs/view/data-analyst-1"}},
		onetRole("Merged Role", "13-2011.00", "11-3031.00", "41-2011.00"),
		onetRole("Split Role", "43-3031.00", "11-1011.00"),
		onetRole("Unknown Code", "99-9999.00"),
	}
	rz, err := loadRoleZones(dir, catalog, "")
	if err != nil {
		t.Fatal(err)
	}
	return rz
}

// TestRoleZones pins the zone of each fixture role: one code, a majority of codes, a tie
// (none), a role of another source (none), a code without a zone (none).
func TestRoleZones(t *testing.T) {
	rz := zonesFixture(t)
	want := map[string]int{"Bookkeeping Clerks": 3, "accountants and auditors": 4, "Financial Managers": 4,
		"Chief Executives": 5, "Cashiers": 2, "Merged Role": 4}
	for role, z := range want {
		if got, ok := rz.zone(role); !ok || got != z {
			t.Errorf("zone(%q) = %d, %v; want %d", role, got, ok, z)
		}
	}
	for _, role := range []string{"Data Analyst", "Split Role", "Unknown Code", "Nobody"} {
		if got, ok := rz.zone(role); ok {
			t.Errorf("zone(%q) = %d; want none", role, got)
		}
	}
	if len(rz.byKey) != len(want) {
		t.Errorf("%d roles with a zone; want %d: %v", len(rz.byKey), len(want), rz.byKey)
	}
	var none *roleZones
	if _, ok := none.zone("Cashiers"); ok || none.keyPart() != "" || rz.keyPart() == "" {
		t.Errorf("nil zones: zone ok %v, key %q; zones key %q", ok, none.keyPart(), rz.keyPart())
	}
}

// TestZoneMoves pins the moves: zone up, lateral and down between O*NET roles, and title
// words where the current role or the recommended role has no zone.
func TestZoneMoves(t *testing.T) {
	rz := zonesFixture(t)
	tests := []struct {
		current, role      string
		move, basis        string
		fromZone, roleZone int
		text               string
	}{
		{"Bookkeeping Clerks", "Accountants and Auditors", "step up", BasisJobZone, 3, 4, "Step up: O*NET Job Zone 3 -> 4 (the role's occupation needs more preparation than yours)."},
		{"Accountants and Auditors", "Financial Managers", "lateral move", BasisJobZone, 4, 4, "Lateral move: O*NET Job Zone 4 -> 4 (the same preparation as yours)."},
		{"Chief Executives", "Cashiers", "step down", BasisJobZone, 5, 2, "Step down: O*NET Job Zone 5 -> 2 (the role's occupation needs less preparation than yours)."},
		// Title words say lateral (Mid and Mid) where the zones say step down.
		{"Bookkeeping Clerks", "Cashiers", "step down", BasisJobZone, 3, 2, ""},
		// The recommended role has no code: title words (Mid -> Mid).
		{"Bookkeeping Clerks", "Data Analyst", "lateral move", BasisTitle, 3, 0, "Lateral move: the role's title is Mid level; yours is Mid (by title words: this role is not an O*NET occupation with a Job Zone)."},
		// The current role has no zone: title words (Senior -> Chief), the role's zone shown.
		{"Senior Accountant", "Chief Executives", "step up", BasisTitle, 0, 5, "Step up: the role's title is Chief level; yours is Senior (by title words: your current role is not an O*NET occupation with a Job Zone)."},
		// Codes that disagree: no zone, title words (Mid -> Mid).
		{"Cashiers", "Split Role", "lateral move", BasisTitle, 2, 0, ""},
	}
	for _, tt := range tests {
		lv, moves := levelsWith(tt.current, []string{tt.role}, rz)
		m := moves[0]
		if m.Move != tt.move || m.Basis != tt.basis || lv.JobZone != tt.fromZone || m.JobZone != tt.roleZone || !lv.JobZones {
			t.Errorf("levelsWith(%q, %q) = %+v, %+v; want %s by %s, zones %d -> %d", tt.current, tt.role, lv, m, tt.move, tt.basis, tt.fromZone, tt.roleZone)
		}
		if tt.text == "" {
			continue
		}
		r := &UserReport{Level: lv, Moves: moves}
		if got := moveOf(r, 0); got != tt.text {
			t.Errorf("moveOf(%q -> %q) = %q; want %q", tt.current, tt.role, got, tt.text)
		}
	}
	// Without zones: title words, as before, and the sentence without a basis note.
	lv, moves := levelsWith("Bookkeeping Clerks", []string{"Chief Executives"}, nil)
	r := &UserReport{Level: lv, Moves: moves}
	if moves[0].Move != "step up" || moves[0].Basis != BasisTitle || lv.JobZones || lv.JobZone != 0 || moves[0].JobZone != 0 ||
		moveOf(r, 0) != "Step up: the role's title is Chief level; yours is Mid." || levelNoteOf(r) != levelNote {
		t.Errorf("without zones: %+v %+v %q", lv, moves[0], moveOf(r, 0))
	}
}

// TestZoneReport checks that a report with zones carries the basis and the zones in its JSON,
// and that its readable forms say how the moves were compared.
func TestZoneReport(t *testing.T) {
	rz := zonesFixture(t)
	r := &UserReport{CurrentRole: "Bookkeeping Clerks", zones: rz,
		Roles: []report.RoleReport{{Role: "Accountants and Auditors"}, {Role: "Data Analyst"}}}
	r.setLevels()
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"level":{"name":"Mid","job_zones":true,"job_zone":3}`,
		`{"role":"Accountants and Auditors","level":"Mid","move":"step up","basis":"job_zone","job_zone":4}`,
		`{"role":"Data Analyst","level":"Mid","move":"lateral move","basis":"title"}`} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("JSON lacks %s:\n%s", want, data)
		}
	}
	// Read back without the run's zones (as Validate does on a report file), the report keeps
	// its moves.
	var back UserReport
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	back.setLevels()
	if !slices.Equal(back.Moves, r.Moves) || back.Level != r.Level {
		t.Errorf("read back: %+v %+v; want %+v %+v", back.Level, back.Moves, r.Level, r.Moves)
	}
	var text, mdText strings.Builder
	if err := writeText(&text, r); err != nil {
		t.Fatal(err)
	}
	if err := writeMarkdown(&mdText, r); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"text": flat(text.String()), "markdown": flat(strings.ReplaceAll(mdText.String(), `\`, ""))} {
		for _, want := range []string{"Mid (no level word in the title); O*NET Job Zone 3", "compares their O*NET Job Zones",
			"Step up: O*NET Job Zone 3 -> 4", "(by title words: this role is not an O*NET occupation with a Job Zone)"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s report lacks %q:\n%s", name, want, out)
			}
		}
	}
}

// TestZonesErrors checks that a missing or bad Job Zones.txt is an error naming the file.
func TestZonesErrors(t *testing.T) {
	empty := t.TempDir()
	for _, err := range []error{CheckONET(empty), func() error { _, err := loadRoleZones(empty, nil, ""); return err }()} {
		if err == nil || !strings.Contains(err.Error(), filepath.Join(empty, "Job Zones.txt")) || !strings.Contains(err.Error(), "no such file") {
			t.Errorf("missing Job Zones.txt: err = %v; want one naming the file", err)
		}
	}
	bad := writeJobZones(t, "15-2051.00\t3", "43-4051.00\tsix")
	if err := CheckONET(bad); err == nil || !strings.Contains(err.Error(), "Job Zones.txt line 3") {
		t.Errorf("bad zone: err = %v; want one naming the file and line 3", err)
	}
	if _, err := loadRoleZones(writeJobZones(t, "15-2051.00\t3"), nil, filepath.Join(empty, "roles.parquet")); err == nil ||
		!strings.Contains(err.Error(), "roles.parquet") || !strings.Contains(err.Error(), "skillx clean") {
		t.Errorf("no catalog: err = %v; want one naming roles.parquet", err)
	}
}

// TestRecommendZonesRewrite runs recommend without --onet, then with it: the reports are
// written again (the zones are in their key, and in the index's), say that Job Zones were
// read, and a third run finds them up to date. The sample catalog has no O*NET codes, so every
// move is by title words.
func TestRecommendZonesRewrite(t *testing.T) {
	logs := &logBuffer{}
	cfg := testConfig(t, nil, logs)
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("%v\n%s", err, logs)
	}
	cfg.ONET = writeJobZones(t, "15-2051.00\t4")
	res2, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("%v\n%s", err, logs)
	}
	if res2.Written != res.Written || res2.Written == 0 || res2.Unchanged != 0 {
		t.Errorf("with --onet: %d written, %d unchanged; want all %d written again", res2.Written, res2.Unchanged, res.Written)
	}
	for _, o := range res2.Outcomes {
		if o.Status != StatusWritten {
			continue
		}
		ur := readReport(t, o.JSON)
		if !ur.Level.JobZones || len(ur.Moves) != len(ur.Roles) || ur.Moves[0].Basis != BasisTitle {
			t.Errorf("%s: level %+v moves %+v; want job zones read, moves by title", o.UserID, ur.Level, ur.Moves)
		}
		txt, _ := os.ReadFile(o.Text)
		if !strings.Contains(flat(string(txt)), "compares their O*NET Job Zones") {
			t.Errorf("%s: the text report does not explain the Job Zones", o.UserID)
		}
	}
	res3, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("%v\n%s", err, logs)
	}
	if res3.Unchanged != res2.Written || res3.Written != 0 {
		t.Errorf("rerun with --onet: %d written, %d unchanged; want %d unchanged", res3.Written, res3.Unchanged, res2.Written)
	}
}

// TestRealJobZonesMapCatalog builds the role catalog of the shared O*NET 29.2 folder (ingest
// --preset onet, clean) and checks that its Job Zones.txt gives every role a zone.
func TestRealJobZonesMapCatalog(t *testing.T) {
	dir := filepath.Dir(testenv.Shared(t, "datasets/onet-29.2/"+joblevel.JobZonesFile))
	catalog, rolesPath := realONETCatalog(t, dir)
	rz, err := loadRoleZones(dir, nil, rolesPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(catalog) != 923 || len(rz.byKey) != len(catalog) {
		t.Errorf("%d of %d O*NET catalog roles have a Job Zone; want all 923", len(rz.byKey), len(catalog))
	}
	for _, r := range catalog {
		if _, ok := rz.zone(r.Role); !ok {
			t.Errorf("role %q (codes %q) has no Job Zone", r.Role, r.PostingIDs)
		}
	}
	// Data Scientists (15-2051.00) are zone 4 in O*NET 29.2, Cashiers (41-2011.00) zone 2.
	for role, want := range map[string]int{"Data Scientists": 4, "Cashiers": 2} {
		if z, _ := rz.zone(role); z != want {
			t.Errorf("zone(%q) = %d; want %d", role, z, want)
		}
	}
	if _, moves := levelsWith("Cashiers", []string{"Data Scientists"}, rz); moves[0].Basis != BasisJobZone || moves[0].Move != "step up" {
		t.Errorf("Cashiers -> Data Scientists = %+v; want a step up by job zone", moves[0])
	}
}

// realONETCatalog builds the role catalog of the O*NET folder dir (ingest --preset onet, clean)
// in a new workdir and returns it and its path.
func realONETCatalog(t *testing.T, dir string) ([]records.Role, string) {
	t.Helper()
	work := t.TempDir()
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	if _, err := ingest.Run(ctx, ingest.Config{Workdir: work, Inputs: []string{dir}, Preset: "onet", Version: "test", Logger: quiet}); err != nil {
		t.Fatal(err)
	}
	if _, err := clean.Run(ctx, clean.Config{Workdir: work, Version: "test", Logger: quiet}); err != nil {
		t.Fatal(err)
	}
	rolesPath := filepath.Join(work, "data", "clean", "roles.parquet")
	catalog, err := parquetio.ReadAll[records.Role](rolesPath)
	if err != nil {
		t.Fatal(err)
	}
	return catalog, rolesPath
}

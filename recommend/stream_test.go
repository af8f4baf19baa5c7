package recommend

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/skillx/skillx/internal/manifest"
)

// smallChunks makes runs take people n at a time for the rest of the test.
func smallChunks(t *testing.T, n int) {
	old := chunkSize
	chunkSize = n
	t.Cleanup(func() { chunkSize = old })
}

// indexHits returns the manifest's count of people found up to date by the index.
func indexHits(t *testing.T, res *Result) int {
	t.Helper()
	m, err := manifest.Read(res.Summary)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := m.Notes["unchanged_by_index"].(float64)
	if int(n) != res.Indexed {
		t.Errorf("manifest says %v unchanged by the index; Result says %d", m.Notes["unchanged_by_index"], res.Indexed)
	}
	return res.Indexed
}

// TestRecommendIndex: a rerun finds the reports of the last run up to date through the index,
// with the figures of the first run in summary.csv; a report touched since, a missing file, a
// changed person, a damaged index and --force fall back to the checks by key or rewrite.
func TestRecommendIndex(t *testing.T) {
	smallChunks(t, 5)
	logs := &logBuffer{}
	cfg := testConfig(t, nil, logs)
	first, err := Run(context.Background(), cfg)
	if err != nil || first.Written != 16 || first.Indexed != 0 {
		t.Fatalf("first run: %d written, %d indexed, %v; want 16, 0", first.Written, first.Indexed, err)
	}
	firstRows := summaryRows(t, first.Summary)
	run := func(name string, c Config, written, unchanged, indexed int) *Result {
		t.Helper()
		res, err := Run(context.Background(), c)
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, logs)
		}
		if res.Written != written || res.Unchanged != unchanged || indexHits(t, res) != indexed {
			t.Errorf("%s: %d written, %d unchanged, %d by the index; want %d, %d, %d", name, res.Written, res.Unchanged, res.Indexed, written, unchanged, indexed)
		}
		checkAccounting(t, res, 16)
		return res
	}
	second := run("rerun", cfg, 0, 16, 16)
	rows := summaryRows(t, second.Summary)
	for i, r := range rows {
		want := firstRows[i]
		want["status"] = StatusUnchanged
		if !equalMaps(r, want) {
			t.Errorf("rerun's summary row %d = %v; want the first run's figures %v", i+1, r, want)
		}
	}

	// A report rewritten since (its JSON file changed) is checked by its key.
	touched := second.Outcomes[3].JSON
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(touched, later, later); err != nil {
		t.Fatal(err)
	}
	run("rerun after a report changed", cfg, 0, 16, 15)
	run("rerun after that", cfg, 0, 16, 16)

	// A missing file makes the report be written again.
	os.Remove(second.Outcomes[5].Markdown)
	run("rerun after a file was removed", cfg, 1, 15, 15)

	// A changed person is written again.
	data, _ := os.ReadFile(sampleUsers)
	changed := filepath.Join(t.TempDir(), "users.csv")
	os.WriteFile(changed, []byte(strings.Replace(string(data), "SQL; Excel; Tableau; Python; Statistics", "SQL; Excel; Tableau", 1)), 0o644)
	c := cfg
	c.Users = changed
	run("rerun with a changed person", c, 1, 15, 15)

	// A damaged index is not trusted: every report is checked by its key.
	index := filepath.Join(first.Dir, IndexName)
	os.WriteFile(index, []byte(indexMagic+"not an index line\n"), 0o644)
	run("rerun with a damaged index", c, 0, 16, 0)
	if !strings.Contains(logs.String(), "cannot read the index") {
		t.Errorf("the log does not say the index was not used:\n%s", logs)
	}
	run("rerun after the index was written again", c, 0, 16, 16)
	c.Force = true
	run("rerun with force", c, 16, 0, 0)
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestRecommendChunks runs people a few at a time, many of them sharing their inputs: every
// person gets a report of their own, in input order, and people with the same inputs get the
// same roles.
func TestRecommendChunks(t *testing.T) {
	smallChunks(t, 4)
	inputs := []string{"Data Analyst,SQL;Excel;Tableau", "Registered Nurse,Patient care;BLS;Epic", "Barista,Latte art;Cash handling"}
	var b strings.Builder
	b.WriteString("user_id,current_role,skills\n")
	const people = 23
	for i := range people {
		fmt.Fprintf(&b, "p%02d,%s\n", i, inputs[i%len(inputs)])
	}
	users := filepath.Join(t.TempDir(), "users.csv")
	os.WriteFile(users, []byte(b.String()), 0o644)
	cfg := testConfig(t, nil, &logBuffer{})
	cfg.Users = users
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, res, people)
	for i, o := range res.Outcomes {
		if want := fmt.Sprintf("p%02d", i); o.UserID != want || o.Status != StatusWritten {
			t.Errorf("outcome %d = %s %s; want %s written", i, o.UserID, o.Status, want)
			continue
		}
		if same := res.Outcomes[i%len(inputs)]; !slices.Equal(o.Roles, same.Roles) {
			t.Errorf("%s has roles %q; %s, with the same inputs, %q", o.UserID, o.Roles, same.UserID, same.Roles)
		}
		if ur := readReport(t, o.JSON); ur.UserID != o.UserID {
			t.Errorf("%s holds the report of %q", o.JSON, ur.UserID)
		}
	}
}

// TestRecommendRenameFails: a report that cannot be put in place (a folder stands at its
// JSON file's path) is a failure of stage write; the others are written, and the run is
// incomplete.
func TestRecommendRenameFails(t *testing.T) {
	smallChunks(t, 5)
	cfg := testConfig(t, nil, &logBuffer{})
	blocker := filepath.Join(cfg.OutDir, "grace.o.json")
	if err := os.MkdirAll(filepath.Join(blocker, "keep"), 0o755); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), cfg)
	checkIncomplete(t, res, err, 1)
	fails := failureLines(t, res.Failures)
	if len(fails) != 1 || fails[0].UserID != "grace.o" || fails[0].Stage != StageWrite || !strings.Contains(fails[0].Reason, "rename into place") {
		t.Errorf("failures = %+v; want grace.o at stage write, with the rename's error", fails)
	}
	if res.Written != 15 {
		t.Errorf("%d written; want the 15 others", res.Written)
	}
	for _, dir := range []string{cfg.OutDir, StagingDir(cfg.OutDir)} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".skillx-tmp-") {
				t.Errorf("temporary file %s left behind in %s", e.Name(), dir)
			}
		}
	}
}

// TestUsersFileNames: the report names of the second pass are fileNames' for the people of the
// whole file.
func TestUsersFileNames(t *testing.T) {
	content := "user_id,current_role,skills\n" +
		"Bob,Nurse,BLS\nbob,Nurse,BLS\nana/../maria,Nurse,BLS\nana_maria,Nurse,BLS\nCarl,Nurse,\ncarl,Nurse,BLS\n" +
		"dup,Nurse,BLS\ndup,Nurse,BLS\n,Nurse,BLS\nrow-9,Nurse,BLS\n"
	path := filepath.Join(t.TempDir(), "u.csv")
	os.WriteFile(path, []byte(content), 0o644)
	f, err := scanUsers(path, Shard{})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := f.people()
	if err != nil {
		t.Fatal(err)
	}
	defer ps.Close()
	var ids []string
	got := map[string]string{}
	for {
		p, err := ps.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if p.fail == nil {
			ids = append(ids, p.user.ID)
			got[p.user.ID] = p.name
		}
	}
	want := fileNames(ids)
	if len(ids) != 8 || !equalMaps(got, want) {
		t.Errorf("report names %v (%d people); want fileNames' %v for 8 people", got, len(ids), want)
	}
	if got["carl"] != "carl" || got["Bob"] == "Bob" || got["row-9-2"] != "row-9-2" {
		t.Errorf("names %v: want carl kept (Carl fails), Bob suffixed (bob clashes), row-9-2 for the record without an id", got)
	}
}

// TestUsersFileChangedBetweenPasses: a users file that changes after the first pass is an
// error at the end of the second, not a run on two different files.
func TestUsersFileChangedBetweenPasses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "u.csv")
	os.WriteFile(path, []byte("user_id,current_role,skills\na,Nurse,BLS\n"), 0o644)
	f, err := scanUsers(path, Shard{})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, []byte("user_id,current_role,skills\na,Nurse,BLS\na,Nurse,Epic\n"), 0o644)
	ps, err := f.people()
	if err != nil {
		t.Fatal(err)
	}
	defer ps.Close()
	for {
		_, err = ps.next()
		if err != nil {
			break
		}
	}
	if err == nil || errors.Is(err, io.EOF) || !strings.Contains(err.Error(), "changed while it was read") {
		t.Errorf("reading a users file changed between the passes: %v; want an error saying so", err)
	}
}

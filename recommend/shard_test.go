package recommend

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/manifest"
)

func TestParseShard(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == JobIndexEnv {
				return v
			}
			return ""
		}
	}
	tests := []struct {
		in, env string
		want    Shard
		err     string
	}{
		{"0/4", "", Shard{0, 4}, ""},
		{"3/4", "", Shard{3, 4}, ""},
		{" 1 / 2 ", "", Shard{1, 2}, ""},
		{"0/1", "", Shard{0, 1}, ""},
		{"auto/8", "5", Shard{5, 8}, ""},
		{"4/4", "", Shard{}, `index "4" is not a whole number from 0 to 3`},
		{"-1/4", "", Shard{}, "from 0 to 3"},
		{"1/0", "", Shard{}, "1 or more"},
		{"1", "", Shard{}, "want I/N"},
		{"a/b", "", Shard{}, "not a whole number of 1 or more"},
		{"auto/8", "", Shard{}, "$JOB_COMPLETION_INDEX, which is not set"},
		{"auto/8", "8", Shard{}, `index "8" ($JOB_COMPLETION_INDEX) is not a whole number from 0 to 7`},
	}
	for _, tt := range tests {
		got, err := ParseShard(tt.in, env(tt.env))
		switch {
		case tt.err == "" && (err != nil || got != tt.want):
			t.Errorf("ParseShard(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("ParseShard(%q) error = %v; want one containing %q", tt.in, err, tt.err)
		}
	}
	if s := (Shard{2, 5}).String(); s != "2/5" {
		t.Errorf("Shard{2, 5}.String() = %q; want 2/5", s)
	}
	for _, name := range []string{"shard-2-of-5", "shard-02-of-5", "shard-5-of-5", "shard-2-of-5x", "users"} {
		s, ok := parseShardDir(name)
		if want := name == "shard-2-of-5"; ok != want || ok && s != (Shard{2, 5}) {
			t.Errorf("parseShardDir(%q) = %v, %v; want %v", name, s, ok, want)
		}
	}
}

// TestShardOf pins the documented definition (values computed with Python's hashlib) and
// checks that the shards share the people evenly.
func TestShardOf(t *testing.T) {
	tests := []struct {
		id   string
		n    int
		want int
	}{
		{"priya.s", 3, 1}, {"priya.s", 4, 0}, {"priya.s", 1000, 376},
		{"tom_baker", 3, 2}, {"u0000001", 4, 3}, {"u0000001", 1000, 675}, {"row-7", 4, 1},
	}
	for _, tt := range tests {
		if got := ShardOf(tt.id, tt.n); got != tt.want {
			t.Errorf("ShardOf(%q, %d) = %d; want %d", tt.id, tt.n, got, tt.want)
		}
	}
	counts := make([]int, 4)
	for i := range 4000 {
		counts[ShardOf(fmt.Sprintf("u%07d", i), 4)]++
	}
	for i, c := range counts {
		if c < 900 || c > 1100 {
			t.Errorf("shard %d/4 holds %d of 4,000 people; want about 1,000 (counts %v)", i, c, counts)
		}
	}
}

// shardUsers writes a users file with people of the sample, two records that cannot be
// processed (no skills, a duplicate id) and one without an id.
func shardUsers(t *testing.T) (path string, people int) {
	t.Helper()
	data, err := os.ReadFile(sampleUsers)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data) + "noskills,Nurse,\npriya.s,Data Analyst,SQL;Excel\n,Registered Nurse,Patient care;BLS\n"
	path = filepath.Join(t.TempDir(), "users.csv")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, strings.Count(text, "\n") - 1
}

// withoutVolatile returns summary rows without the columns that may differ between runs of
// the same people (status, latency) and with the file column's folder dropped.
func withoutVolatile(rows []map[string]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, strings.Join([]string{r["user_id"], r["row"], r["analyst"], filepath.Base(r["file"]), r["final_roles"],
			r["prompt_tokens"], r["output_tokens"], r["cached"], r["failure_stage"]}, ","))
	}
	return out
}

// TestRecommendShardsMerge runs the users file whole and in three shards, merges the shards and
// checks that the merged files list every person once, as the whole run does; each shard's
// exit error says whether some of its people failed, and so does the merge's.
func TestRecommendShardsMerge(t *testing.T) {
	users, people := shardUsers(t)
	cfg := testConfig(t, nil, &logBuffer{})
	cfg.Users = users
	whole, err := Run(context.Background(), cfg)
	checkIncomplete(t, whole, err, 2)
	out := filepath.Join(t.TempDir(), "out")
	total := 0
	for i := range 3 {
		c := cfg
		c.OutDir, c.Shard = out, Shard{Index: i, Count: 3}
		res, err := Run(context.Background(), c)
		if res == nil {
			t.Fatalf("shard %d: %v", i, err)
		}
		if want := ShardDir(out, c.Shard); res.Dir != want {
			t.Errorf("shard %d wrote to %s; want %s", i, res.Dir, want)
		}
		var ie *IncompleteError
		switch {
		case res.Failed > 0 && !errors.As(err, &ie):
			t.Errorf("shard %d: %d failed, error %v; want an IncompleteError", i, res.Failed, err)
		case res.Failed == 0 && err != nil:
			t.Errorf("shard %d: %v", i, err)
		}
		for _, o := range res.Outcomes {
			if ShardOf(o.UserID, 3) != i {
				t.Errorf("shard %d holds %q, of shard %d", i, o.UserID, ShardOf(o.UserID, 3))
			}
		}
		total += res.Users
	}
	if total != people {
		t.Errorf("the shards hold %d people; want %d", total, people)
	}
	mres, err := Merge(context.Background(), MergeConfig{Users: users, Dir: out, Version: "test"})
	var ie *IncompleteError
	if !errors.As(err, &ie) || ie.Failed != 2 || ie.Users != people || ie.ExitCode() != ExitIncomplete {
		t.Fatalf("Merge error = %v; want an IncompleteError with 2 of %d failed", err, people)
	}
	if mres.Count != 3 || mres.Users != people || mres.Written != whole.Written || mres.Failed != 2 {
		t.Errorf("Merge = %d shards, %d users, %d written, %d failed; want 3, %d, %d, 2", mres.Count, mres.Users, mres.Written, mres.Failed, people, whole.Written)
	}
	merged, wholeRows := summaryRows(t, mres.Summary), summaryRows(t, whole.Summary)
	if got, want := withoutVolatile(merged), withoutVolatile(wholeRows); !slices.Equal(got, want) {
		t.Errorf("merged summary.csv:\n%s\nwant (the whole run's):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, r := range merged {
		if r["file"] == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(out, r["file"], "..", strings.TrimSuffix(filepath.Base(r["file"]), ".json")+".txt")); err != nil {
			t.Errorf("merged summary's file %q does not lead to the report: %v", r["file"], err)
		}
		if !strings.HasPrefix(r["file"], "shard-") {
			t.Errorf("merged summary's file %q is not relative to the merge folder", r["file"])
		}
	}
	fails, wholeFails := failureLines(t, mres.Failures), failureLines(t, whole.Failures)
	if !slices.Equal(fails, wholeFails) {
		t.Errorf("merged failures.jsonl = %+v; want the whole run's %+v", fails, wholeFails)
	}
	if _, err := manifest.Read(mres.Summary); err != nil {
		t.Errorf("merged summary.csv has no manifest: %v", err)
	}

	// A missing shard, and a shard given twice, are refused before anything is written.
	_, err = Merge(context.Background(), MergeConfig{Users: users, Dir: out,
		Shards: []string{ShardDir(out, Shard{0, 3}), ShardDir(out, Shard{2, 3})}})
	if err == nil || !strings.Contains(err.Error(), "shard 1/3 missing") {
		t.Errorf("Merge without shard 1/3: %v; want it named missing", err)
	}
	_, err = Merge(context.Background(), MergeConfig{Users: users, Dir: out,
		Shards: []string{ShardDir(out, Shard{0, 3}), ShardDir(out, Shard{1, 3}), ShardDir(out, Shard{1, 3}), ShardDir(out, Shard{2, 3})}})
	if err == nil || !strings.Contains(err.Error(), "are both shard 1/3") {
		t.Errorf("Merge with shard 1/3 twice: %v; want a refusal", err)
	}
	// Another users file: the shards read a different one.
	other := filepath.Join(t.TempDir(), "users.csv")
	os.WriteFile(other, []byte("user_id,current_role,skills\na,Nurse,BLS\n"), 0o644)
	if _, err := Merge(context.Background(), MergeConfig{Users: other, Dir: out}); err == nil || !strings.Contains(err.Error(), "read another users file") {
		t.Errorf("Merge against another users file: %v; want a refusal", err)
	}
}

// rewriteSummary replaces the rows of a shard's summary.csv (keeping its manifest valid, as a
// bug in a shard would), through edit.
func rewriteSummary(t *testing.T, dir string, edit func(lines []string) []string) {
	t.Helper()
	path := filepath.Join(dir, "summary.csv")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	lines = append(lines[:1], edit(lines[1:len(lines)-1])...)
	if err := os.WriteFile(path, []byte(strings.Join(lines, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := manifest.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := manifest.Write(path, *m); err != nil {
		t.Fatal(err)
	}
}

// TestMergeNamesMissingAndDuplicated: shards that lose a person or hold one twice make Merge
// fail, naming them, and leave no merged file.
func TestMergeNamesMissingAndDuplicated(t *testing.T) {
	cfg := testConfig(t, nil, &logBuffer{})
	out := filepath.Join(t.TempDir(), "out")
	for i := range 2 {
		c := cfg
		c.OutDir, c.Shard = out, Shard{Index: i, Count: 2}
		if _, err := Run(context.Background(), c); err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
	}
	s0, s1 := ShardDir(out, Shard{0, 2}), ShardDir(out, Shard{1, 2})
	row := func(l string) int {
		var r int
		fmt.Sscanf(strings.Split(l, ",")[1], "%d", &r)
		return r
	}
	id := func(l string) string { return strings.Split(l, ",")[0] }
	var copied, lost string
	rewriteSummary(t, s0, func(lines []string) []string {
		copied = lines[0]
		return lines
	})
	rewriteSummary(t, s1, func(lines []string) []string { // shard 1 holds shard 0's first person too
		all := append([]string{copied}, lines...)
		slices.SortStableFunc(all, func(a, b string) int { return row(a) - row(b) })
		return all
	})
	_, err := Merge(context.Background(), MergeConfig{Users: sampleUsers, Dir: out})
	var me *MergeError
	if !errors.As(err, &me) {
		t.Fatalf("Merge = %v; want a MergeError", err)
	}
	want := fmt.Sprintf("%s (row %d): shard-0-of-2, shard-1-of-2", id(copied), row(copied))
	if me.DuplicatedCount != 1 || me.Duplicated[0] != want || me.MissingCount != 0 {
		t.Errorf("MergeError = %+v; want %q duplicated and none missing", me, want)
	}
	rewriteSummary(t, s1, func(lines []string) []string { // shard 1 loses one of its own people
		var kept []string
		for _, l := range lines {
			if lost == "" && l != copied {
				lost = l
				continue
			}
			kept = append(kept, l)
		}
		return kept
	})
	_, err = Merge(context.Background(), MergeConfig{Users: sampleUsers, Dir: out})
	want = fmt.Sprintf("%s (row %d)", id(lost), row(lost))
	if !errors.As(err, &me) || me.MissingCount != 1 || me.Missing[0] != want || !strings.Contains(err.Error(), "1 person of the users file is in no shard ("+want) {
		t.Errorf("Merge after shard 1 lost a person = %v; want %q named missing", err, want)
	}
	if _, err := os.Stat(filepath.Join(out, "summary.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed merge left %s (%v)", filepath.Join(out, "summary.csv"), err)
	}
}

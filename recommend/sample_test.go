package recommend

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/skillx/skillx/features"
	"github.com/skillx/skillx/internal/encoder"
	"github.com/skillx/skillx/train"
)

// sampleFields reads data/sample/README.md's two tables: the Roles of each field, and the
// field (or fields, "a or b") of each sample person. They were written before any ranking of
// these people was looked at.
func sampleFields(t *testing.T) (roles map[string][]string, people map[string][]string) {
	t.Helper()
	data, err := os.ReadFile("../data/sample/README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "### The field each person belongs to")
	if !ok {
		t.Fatal("data/sample/README.md lacks the section on each person's field")
	}
	section, _, _ = strings.Cut(section, "\n## ") // the section ends at the next heading
	roles, people = map[string][]string{}, map[string][]string{}
	table := ""
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(strings.Trim(line, "| "), "|")
		if len(cells) != 2 {
			continue
		}
		a, b := strings.TrimSpace(cells[0]), strings.TrimSpace(cells[1])
		switch {
		case a == "field" || a == "user_id":
			table = a
		case strings.HasPrefix(a, "---"):
		case table == "field":
			for _, r := range strings.Split(b, ",") {
				roles[a] = append(roles[a], strings.TrimSpace(r))
			}
		default:
			field, _, _ := strings.Cut(b, " (")
			people[a] = strings.Split(field, " or ")
		}
	}
	if len(roles) < 10 || len(people) != 16 {
		t.Fatalf("read %d fields and %d people from data/sample/README.md; want 11 and 16", len(roles), len(people))
	}
	return roles, people
}

// TestSampleUsersGetTheirField checks the served ranking of every sample person, with the
// model trained on each model-free encoder: hashing (the shared test workdir) and corpus (the
// default without MiniLM, on a copy of it).
func TestSampleUsersGetTheirField(t *testing.T) {
	t.Run("hashing", func(t *testing.T) { checkSampleFields(t, testConfig(t, nil, &logBuffer{})) })
	t.Run("corpus", func(t *testing.T) {
		cfg := testConfig(t, nil, &logBuffer{})
		work := t.TempDir()
		if err := os.CopyFS(work, os.DirFS(cfg.Workdir)); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if _, err := features.Run(ctx, features.Config{Workdir: work, Encoder: encoder.Options{Kind: encoder.KindCorpus}, Samples: 4, Seed: 1, Logger: cfg.Logger}); err != nil {
			t.Fatal(err)
		}
		tc := train.DefaultConfig()
		tc.Workdir, tc.Epochs, tc.Split.Test, tc.Logger = work, 40, 0, cfg.Logger
		if _, err := train.Run(ctx, tc); err != nil {
			t.Fatal(err)
		}
		cfg.Workdir = work
		checkSampleFields(t, cfg)
	})
}

func checkSampleFields(t *testing.T, cfg Config) {
	fields, people := sampleFields(t)
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("encoder %s, analyst %s", res.Encoder, res.Analyst.Model)
	for _, o := range res.Outcomes {
		want, ok := people[o.UserID]
		if !ok {
			t.Errorf("%s has no field in data/sample/README.md", o.UserID)
			continue
		}
		var allowed []string
		for _, f := range want {
			if fields[f] == nil {
				t.Fatalf("%s: unknown field %q", o.UserID, f)
			}
			allowed = append(allowed, fields[f]...)
		}
		hit := false
		for _, r := range o.Roles {
			hit = hit || slices.Contains(allowed, r)
		}
		if !hit {
			t.Errorf("%s (%s): roles %v; want at least one of %v", o.UserID, strings.Join(want, " or "), o.Roles, allowed)
		}
	}
}

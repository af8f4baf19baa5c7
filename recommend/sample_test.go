package recommend

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
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

func TestSampleUsersGetTheirField(t *testing.T) {
	fields, people := sampleFields(t)
	cfg := testConfig(t, nil, &logBuffer{})
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
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

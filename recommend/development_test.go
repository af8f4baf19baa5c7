package recommend

import (
	"slices"
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/report"
)

// TestDevelopmentText: a recommendation to learn a skill that the person's résumé already
// shows says so, in every readable form; others, and reports without a résumé, are as given.
func TestDevelopmentText(t *testing.T) {
	dev := []string{`Learn "Stakeholder communication" (2 of 3 postings).`, `Learn "Data modeling" (2 of 3 postings).`, "Learn Rust."}
	r := &UserReport{Roles: []report.RoleReport{{Role: "BI Analyst", Development: dev}},
		Found: &Found{Skills: []FoundSkill{{Name: "SQL"}, {Name: "R"}, {Name: "Stakeholder communication"}}}}
	got := r.DevelopmentText(0)
	want := []string{`Learn "Stakeholder communication" (2 of 3 postings). Your résumé already mentions Stakeholder communication: build on it.`,
		dev[1], dev[2]}
	if !slices.Equal(got, want) {
		t.Errorf("DevelopmentText = %q\nwant %q", got, want)
	}
	if !slices.Equal(r.Roles[0].Development, dev) {
		t.Errorf("the report's own recommendations changed: %q", r.Roles[0].Development)
	}
	for name, render := range map[string]func(*strings.Builder, *UserReport) error{
		"text":     func(b *strings.Builder, r *UserReport) error { return writeText(b, r) },
		"markdown": func(b *strings.Builder, r *UserReport) error { return writeMarkdown(b, r) },
	} {
		var b strings.Builder
		if err := render(&b, r); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !strings.Contains(strings.Join(strings.Fields(b.String()), " "), "Your résumé already mentions Stakeholder communication: build on it.") {
			t.Errorf("the %s report does not say the résumé mentions the skill:\n%s", name, b.String())
		}
	}
	r.Found = nil
	if got := r.DevelopmentText(0); !slices.Equal(got, dev) {
		t.Errorf("without a résumé DevelopmentText = %q; want the recommendations as given", got)
	}
	if got := r.DevelopmentText(3); got != nil {
		t.Errorf("DevelopmentText(3) of 1 role = %q; want nil", got)
	}
}

package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// request is a valid request with two skills.
func request() Request {
	r := Request{UserID: "u1", CurrentRole: "Data Analyst", Skills: []string{"SQL", "Excel"}}
	for i := 0; i < NumRoles; i++ {
		r.Candidates = append(r.Candidates, Candidate{Role: fmt.Sprintf("Role %d", i+1), Probability: 0.1 * float64(i)})
	}
	return r
}

// keptAll is a report that keeps every candidate of r.
func keptAll(r Request) *Report {
	rep := &Report{}
	for _, c := range r.Candidates {
		rr := RoleReport{Role: c.Role, Provenance: Provenance{Source: SourceModel}, JobDescription: "d", MatchSummary: "m",
			SkillApplication: "a", Development: []string{"learn"}}
		for _, s := range r.Skills {
			rr.SkillMatches = append(rr.SkillMatches, SkillMatch{Skill: s, Match: "strong", Justification: "j"})
		}
		rep.Roles = append(rep.Roles, rr)
	}
	return rep
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParse(t *testing.T) {
	r := request()
	got, err := ParseAnalyst(r, mustJSON(t, keptAll(r)))
	if err != nil {
		t.Fatalf("ParseAnalyst: %v", err)
	}
	if p := got.Roles[3].Provenance.Probability; p != r.Candidates[3].Probability {
		t.Errorf("kept role 4 has probability %v; want the candidate's %v", p, r.Candidates[3].Probability)
	}
	if m := got.Roles[0].SkillMatches[0].Match; m != Strong {
		t.Errorf("match level %q; want %q (capitalised)", m, Strong)
	}

	rep := keptAll(r)
	rep.Roles[1] = RoleReport{Role: "Other", Provenance: Provenance{Source: SourceGemini, Replaces: "Role 2", Reason: "r"},
		JobDescription: "d", MatchSummary: "m", SkillApplication: "a", Development: []string{"x"}, SkillMatches: rep.Roles[0].SkillMatches}
	_, err = Parse(r, mustJSON(t, rep), SourceAnalyst)
	var ie *InvalidError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), `has source "gemini", want "model" or "analyst"`) {
		t.Errorf("Parse of a Gemini replacement as the analyst's = %v; want an *InvalidError naming the source", err)
	}
	if _, err := Parse(r, mustJSON(t, rep), SourceGemini); err != nil {
		t.Errorf("Parse of a Gemini replacement = %v; want it accepted", err)
	}
	bad := request()
	bad.CurrentRole = " "
	if _, err := Parse(bad, mustJSON(t, keptAll(r)), SourceGemini); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("Parse with an empty current role = %v; want ErrInvalidRequest", err)
	}
}

func TestProblemList(t *testing.T) {
	var ps []string
	for i := 0; i < 10; i++ {
		ps = append(ps, fmt.Sprintf("p%d", i))
	}
	got := ProblemList(ps)
	if !strings.HasPrefix(got, "p0; p1") || !strings.HasSuffix(got, "p7; and 2 more problems") {
		t.Errorf("ProblemList(10 problems) = %q; want 8 listed and 2 counted", got)
	}
}

func TestMatchLevelsIsACopy(t *testing.T) {
	l := MatchLevels()
	l[0] = "Excellent"
	if got := MatchLevels(); got[0] != string(Weak) || len(got) != 3 {
		t.Errorf("MatchLevels() = %q after a caller changed its copy; want Weak, Medium, Strong", got)
	}
}

// TestCloneIsDeep: checking and cleaning a clone leaves the original report as it was.
func TestCloneIsDeep(t *testing.T) {
	rep := &Report{Roles: []RoleReport{{Role: "Data\x1b Analyst", SkillMatches: []SkillMatch{{Skill: "SQL", Match: "strong", Justification: "x\x07"}},
		Development: []string{"Learn\x00 R"}}}}
	c := rep.Clone()
	if !c.MapTexts(func(s string) string { return s + "!" }) {
		t.Fatal("MapTexts changed nothing")
	}
	rr := rep.Roles[0]
	if rr.Role != "Data\x1b Analyst" || rr.SkillMatches[0].Skill != "SQL" || rr.SkillMatches[0].Justification != "x\x07" || rr.Development[0] != "Learn\x00 R" {
		t.Errorf("the original changed with its clone: %+v", rr)
	}
	if c.Roles[0].Role != "Data\x1b Analyst!" || c.Roles[0].Development[0] != "Learn\x00 R!" {
		t.Errorf("clone = %+v; want every text mapped", c.Roles[0])
	}
}

package gemini

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/report"
)

// baseReport is a valid report for testRequest.
func baseReport(r report.Request) *report.Report {
	d := promptData{CurrentRole: r.CurrentRole, Skills: r.Skills}
	for _, c := range r.Candidates {
		d.PredictedRoles = append(d.PredictedRoles, promptCandidate{Role: c.Role, Probability: c.Probability})
	}
	return goodReport(d)
}

func TestParseReport(t *testing.T) {
	r := testRequest("u1")
	tests := []struct {
		name  string
		spoil func(*report.Report)
		raw   func(string) string // edits the JSON text instead
		want  string              // a problem the error must name; "" for valid
	}{
		{name: "valid"},
		{name: "fenced json", raw: func(s string) string { return "```json\n" + s + "\n```" }},
		{name: "lower-case level and other spelling", spoil: func(rep *report.Report) {
			rep.Roles[0].SkillMatches[0].Match = "strong"
			rep.Roles[0].Role = "data  SCIENTIST"
			rep.Roles[0].SkillMatches[0].Skill = "sql"
		}},
		{name: "not json", raw: func(string) string { return "I think you should be a pilot." }, want: "not valid JSON"},
		{name: "trailing data", raw: func(s string) string { return s + " {}" }, want: "data after the JSON"},
		{name: "empty", raw: func(string) string { return "" }, want: "not valid JSON"},
		{name: "null", raw: func(string) string { return "null" }, want: "got 0 roles"},
		{name: "four roles", spoil: func(rep *report.Report) { rep.Roles = rep.Roles[:4] }, want: "got 4 roles, want 5"},
		{name: "six roles", spoil: func(rep *report.Report) { rep.Roles = append(rep.Roles, rep.Roles[4]) }, want: "got 6 roles"},
		{name: "duplicate role", spoil: func(rep *report.Report) { rep.Roles[4].Role = "Replacement Role 1" }, want: "duplicates role 4"},
		{name: "current role", spoil: func(rep *report.Report) {
			rep.Roles[3] = roleFor(promptData{Skills: r.Skills}, "Data Analyst", report.Provenance{Source: report.SourceModel})
		}, want: "is the person's current role"},
		{name: "bad enum", spoil: func(rep *report.Report) { rep.Roles[1].SkillMatches[2].Match = "Excellent" }, want: `as "Excellent", want Weak, Medium or Strong`},
		{name: "skill missing", spoil: func(rep *report.Report) { rep.Roles[2].SkillMatches = rep.Roles[2].SkillMatches[1:] }, want: `does not judge skill "SQL"`},
		{name: "skill twice", spoil: func(rep *report.Report) { rep.Roles[2].SkillMatches[1].Skill = "SQL" }, want: `judges skill "SQL" twice`},
		{name: "unknown skill", spoil: func(rep *report.Report) { rep.Roles[2].SkillMatches[1].Skill = "Cooking" }, want: `judges "Cooking", which is not one of the person's skills`},
		{name: "no justification", spoil: func(rep *report.Report) { rep.Roles[0].SkillMatches[0].Justification = " " }, want: `no justification for skill "SQL"`},
		{name: "model role invented", spoil: func(rep *report.Report) { rep.Roles[0].Role = "Astronaut" }, want: `has source "model" but is not one of the predicted roles`},
		{name: "gemini role is a candidate", spoil: func(rep *report.Report) { rep.Roles[3].Role = "Graphic Designer" }, want: `has source "gemini" but is one of the predicted roles`},
		{name: "replaces unknown", spoil: func(rep *report.Report) { rep.Roles[3].Provenance.Replaces = "Chef" }, want: `replaces "Chef", which is not one of the predicted roles`},
		{name: "replaces kept role", spoil: func(rep *report.Report) { rep.Roles[3].Provenance.Replaces = "Data Scientist" }, want: `replaces "Data Scientist", which is also kept`},
		{name: "same role replaced twice", spoil: func(rep *report.Report) { rep.Roles[4].Provenance.Replaces = "Data Analyst" }, want: `both replace "Data Analyst"`},
		{name: "replacement without reason", spoil: func(rep *report.Report) { rep.Roles[4].Provenance.Reason = "" }, want: "replacement without a reason"},
		{name: "unknown source", spoil: func(rep *report.Report) { rep.Roles[0].Provenance.Source = "oracle" }, want: `has source "oracle"`},
		{name: "empty job description", spoil: func(rep *report.Report) { rep.Roles[0].JobDescription = "" }, want: "empty job_description"},
		{name: "empty match summary", spoil: func(rep *report.Report) { rep.Roles[0].MatchSummary = "" }, want: "empty match_summary"},
		{name: "empty skill application", spoil: func(rep *report.Report) { rep.Roles[0].SkillApplication = "" }, want: "empty skill_application"},
		{name: "no development", spoil: func(rep *report.Report) { rep.Roles[0].Development = nil }, want: "no development recommendations"},
		{name: "empty development item", spoil: func(rep *report.Report) { rep.Roles[0].Development[1] = "" }, want: "empty development recommendation 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := baseReport(r)
			if tt.spoil != nil {
				tt.spoil(rep)
			}
			text := mustJSON(t, rep)
			if tt.raw != nil {
				text = tt.raw(text)
			}
			got, err := ParseReport(r, []byte(text))
			if tt.want == "" {
				if err != nil {
					t.Fatalf("ParseReport: %v", err)
				}
				checkNormalised(t, r, got)
				return
			}
			var re *ReplyError
			if !errors.As(err, &re) {
				t.Fatalf("ParseReport error = %v; want a *ReplyError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseReport error = %q; want it to mention %q", err, tt.want)
			}
		})
	}
}

// checkNormalised checks the spelling and probability rules of a parsed report.
func checkNormalised(t *testing.T, r report.Request, rep *report.Report) {
	t.Helper()
	if got, want := rep.Roles[0].Role, "Data Scientist"; got != want {
		t.Errorf("Roles[0].Role = %q; want the candidate's spelling %q", got, want)
	}
	if got := rep.Roles[0].Provenance.Probability; got != 0.41 {
		t.Errorf("Roles[0] probability = %v; want 0.41 from the request", got)
	}
	for _, rr := range rep.Roles {
		for i, m := range rr.SkillMatches {
			if m.Skill != r.Skills[i] {
				t.Errorf("%s skill %d = %q; want %q", rr.Role, i, m.Skill, r.Skills[i])
			}
			if m.Match != report.Weak && m.Match != report.Medium && m.Match != report.Strong {
				t.Errorf("%s skill %q match = %q; want a capitalised level", rr.Role, m.Skill, m.Match)
			}
		}
	}
}

func TestRequestValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*report.Request)
		want string
	}{
		{"valid", func(*report.Request) {}, ""},
		{"no role", func(r *report.Request) { r.CurrentRole = " " }, "current role is empty"},
		{"no skills", func(r *report.Request) { r.Skills = nil }, "no skills"},
		{"empty skill", func(r *report.Request) { r.Skills[2] = "" }, "skill 3 is empty"},
		{"duplicate skill", func(r *report.Request) { r.Skills[2] = "sql" }, `skill "sql" is listed twice`},
		{"three candidates", func(r *report.Request) { r.Candidates = r.Candidates[:3] }, "got 3 candidate roles, want 5"},
		{"duplicate candidate", func(r *report.Request) { r.Candidates[1].Role = "data scientist" }, "listed twice"},
		{"NaN probability", func(r *report.Request) { r.Candidates[0].Probability = math.NaN() }, "probability NaN"},
		{"probability above one", func(r *report.Request) { r.Candidates[0].Probability = 1.5 }, "probability 1.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testRequest("u1")
			tt.edit(&r)
			err := r.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("validate: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidRequest) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("validate = %v; want ErrInvalidRequest mentioning %q", err, tt.want)
			}
		})
	}
}

func TestPromptHash(t *testing.T) {
	base := testRequest("u1")
	h := PromptHash(base, DefaultModel)
	if len(h) != 64 {
		t.Fatalf("PromptHash = %q; want 64 hex digits", h)
	}
	same := []struct {
		name string
		r    report.Request
		m    string
	}{
		{"again", testRequest("u1"), DefaultModel},
		{"default model", testRequest("u1"), ""},
		{"other user id", testRequest("u2"), DefaultModel},
	}
	for _, tt := range same {
		if got := PromptHash(tt.r, tt.m); got != h {
			t.Errorf("PromptHash (%s) = %s; want %s", tt.name, got, h)
		}
	}
	edits := []struct {
		name string
		edit func(*report.Request)
		m    string
	}{
		{"model", func(*report.Request) {}, "gemini-2.5-pro"},
		{"role", func(r *report.Request) { r.CurrentRole = "Chemist" }, DefaultModel},
		{"skill order", func(r *report.Request) { r.Skills[0], r.Skills[1] = r.Skills[1], r.Skills[0] }, DefaultModel},
		{"probability", func(r *report.Request) { r.Candidates[0].Probability = 0.4 }, DefaultModel},
		{"candidate", func(r *report.Request) { r.Candidates[4].Role = "Chef" }, DefaultModel},
	}
	for _, tt := range edits {
		r := testRequest("u1")
		tt.edit(&r)
		if got := PromptHash(r, tt.m); got == h {
			t.Errorf("PromptHash unchanged after changing the %s", tt.name)
		}
	}
	r := testRequest("u1")
	r.Candidates[0].Probability = math.Inf(1)
	_ = PromptHash(r, DefaultModel) // must not panic
}

func TestResponseSchemaFollowsSkills(t *testing.T) {
	s := responseSchema(3)
	sm := s.Properties["roles"].Items.Properties["skill_matches"]
	if *sm.MinItems != 3 || *sm.MaxItems != 3 {
		t.Errorf("skill_matches items = [%d, %d]; want exactly 3", *sm.MinItems, *sm.MaxItems)
	}
	role := s.Properties["roles"].Items
	for _, name := range role.Required {
		if role.Properties[name] == nil {
			t.Errorf("required property %q is not defined", name)
		}
	}
	if len(role.Required) != len(role.Properties) {
		t.Errorf("role requires %d of %d properties; want all", len(role.Required), len(role.Properties))
	}
}

// TestParseAnalystReport checks that the offline analyst's source "analyst" is accepted only by
// ParseAnalystReport, that Gemini may still use only "model" and "gemini" (in ParseReport and in
// the response schema), and that an analyst replacement keeps its probability.
func TestParseAnalystReport(t *testing.T) {
	r := testRequest("u1")
	analyst := baseReport(r)
	for i := 3; i < report.NumRoles; i++ {
		analyst.Roles[i].Provenance.Source = report.SourceAnalyst
		analyst.Roles[i].Provenance.Probability = 0.01
	}
	text := mustJSON(t, analyst)
	got, err := report.ParseAnalyst(r, []byte(text))
	if err != nil {
		t.Fatalf("ParseAnalystReport: %v", err)
	}
	if p := got.Roles[3].Provenance; p.Source != report.SourceAnalyst || p.Probability != 0.01 || p.Replaces != "Data Analyst" {
		t.Errorf("analyst replacement provenance = %+v; want source analyst, probability 0.01, replacing Data Analyst", p)
	}
	if _, err := ParseReport(r, []byte(text)); err == nil || !strings.Contains(err.Error(), `has source "analyst", want "model" or "gemini"`) {
		t.Errorf("ParseReport of an analyst report = %v; want the source rejected", err)
	}
	if _, err := report.ParseAnalyst(r, []byte(mustJSON(t, baseReport(r)))); err == nil || !strings.Contains(err.Error(), `has source "gemini", want "model" or "analyst"`) {
		t.Errorf("ParseAnalystReport of a Gemini report = %v; want the source rejected", err)
	}
	analyst.Roles[4].Provenance.Probability = 1.5
	if _, err := report.ParseAnalyst(r, []byte(mustJSON(t, analyst))); err == nil || !strings.Contains(err.Error(), "probability 1.5") {
		t.Errorf("ParseAnalystReport with probability 1.5 = %v; want it rejected", err)
	}
	analyst.Roles[4].Provenance.Probability = 0
	analyst.Roles[4].Role = "Graphic Designer"
	if _, err := report.ParseAnalyst(r, []byte(mustJSON(t, analyst))); err == nil || !strings.Contains(err.Error(), `has source "analyst" but is one of the predicted roles`) {
		t.Errorf("ParseAnalystReport with a candidate as replacement = %v; want it rejected", err)
	}
	enum := responseSchema(5).Properties["roles"].Items.Properties["provenance"].Properties["source"].Enum
	if strings.Join(enum, ",") != "model,gemini" {
		t.Errorf("response schema source enum = %q; want model and gemini only", enum)
	}
}

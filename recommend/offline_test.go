package recommend

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/encoder"
	"github.com/skillx/skillx/internal/gemini"
	"github.com/skillx/skillx/internal/records"
)

// testAnalyst builds an offline analyst with the hashing encoder over a small catalog.
func testAnalyst(t *testing.T, skills ...string) *offlineAnalyst {
	t.Helper()
	roles := []records.Role{
		{Role: "Data Analyst", RoleKey: "data analyst", Postings: 5, Description: "Data Analysts answer questions with data.",
			Skills: []records.PhraseCount{{Phrase: "SQL queries", Count: 4}, {Phrase: "Data analysis", Count: 3}, {Phrase: "Information architecture", Count: 2}, {Phrase: "Excel", Count: 2}, {Phrase: "Presenting findings", Count: 1}}},
		{Role: "UX Designer", RoleKey: "ux designer", Postings: 3,
			Skills: []records.PhraseCount{{Phrase: "Wireframing", Count: 3}, {Phrase: "User research", Count: 2}}},
	}
	enc := encoder.Hashing(0)
	texts := append([]string(nil), skills...)
	for _, r := range roles {
		for _, p := range r.Skills {
			texts = append(texts, p.Phrase)
		}
	}
	vs, err := enc.Encode(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	vecs := map[string][]float32{}
	for i, s := range texts {
		vecs[s] = vs[i]
	}
	return newOfflineAnalyst(enc.ID(), roles, vecs)
}

func TestOfflineJudge(t *testing.T) {
	tests := []struct {
		skill  string
		want   gemini.MatchLevel
		phrase string
	}{
		{"SQL", gemini.Strong, "SQL queries"},             // the role's phrase contains the skill
		{"sql queries", gemini.Strong, "SQL queries"},     // equal words
		{"Excel macros", gemini.Strong, "Excel"},          // the skill contains the role's phrase
		{"Data modeling", gemini.Medium, "Data analysis"}, // one shared word of two
		{"Statistics", gemini.Weak, ""},                   // no shared word: a collision must not count
		{"Cooking", gemini.Weak, ""},
	}
	skills := []string{}
	for _, tt := range tests {
		skills = append(skills, tt.skill)
	}
	a := testAnalyst(t, skills...)
	cr := a.roles["data analyst"]
	for _, tt := range tests {
		m := a.judge(tt.skill, cr)
		if m.level != tt.want || (tt.phrase != "" && (m.phrase == nil || m.phrase.text != tt.phrase)) {
			got := ""
			if m.phrase != nil {
				got = m.phrase.text
			}
			t.Errorf("judge(%q) = %s via %q (similarity %.2f); want %s via %q", tt.skill, m.level, got, m.sim, tt.want, tt.phrase)
		}
	}
}

func TestOfflineReport(t *testing.T) {
	skills := []string{"SQL", "Excel macros", "Cooking"}
	a := testAnalyst(t, skills...)
	req := gemini.Request{UserID: "u", CurrentRole: "Barista", Skills: skills, Candidates: []gemini.Candidate{
		{Role: "Data Analyst", Probability: 0.5}, {Role: "UX Designer", Probability: 0.2}, {Role: "Chef", Probability: 0.1},
		{Role: "Nurse", Probability: 0.1}, {Role: "Pilot", Probability: 0.05}}}
	rep := a.analyse(req)
	data, _ := json.Marshal(rep)
	if _, err := gemini.ParseReport(req, data); err != nil {
		t.Fatalf("the offline report does not pass gemini.ParseReport: %v", err)
	}
	da := rep.Roles[0]
	if da.JobDescription != "Data Analysts answer questions with data." {
		t.Errorf("job description %q; want the catalog's", da.JobDescription)
	}
	// Development: the role's most frequent phrases no skill covers, most frequent first.
	want := []string{`Learn "Data analysis" (3 of 5 postings).`, `Learn "Information architecture" (2 of 5 postings).`, `Learn "Presenting findings" (1 of 5 postings).`}
	if strings.Join(da.Development, "|") != strings.Join(want, "|") {
		t.Errorf("development = %q; want %q", da.Development, want)
	}
	if !strings.Contains(da.MatchSummary, "Strong: SQL and Excel macros") || !strings.Contains(da.MatchSummary, "Weak: Cooking") || !strings.Contains(da.MatchSummary, "50.0%") {
		t.Errorf("match summary %q", da.MatchSummary)
	}
	if ux := rep.Roles[1]; !strings.Contains(ux.JobDescription, "no description") || !strings.Contains(ux.JobDescription, `"Wireframing"`) {
		t.Errorf("UX Designer without a description: %q", ux.JobDescription)
	}
	if chef := rep.Roles[2]; !strings.Contains(chef.JobDescription, "not in the role catalog") || chef.SkillMatches[0].Match != gemini.Weak {
		t.Errorf("a role outside the catalog: %+v", chef)
	}
	for _, rr := range rep.Roles {
		if rr.Provenance.Source != gemini.SourceModel {
			t.Errorf("%s: provenance %+v; the offline analyst keeps every prediction", rr.Role, rr.Provenance)
		}
	}
}

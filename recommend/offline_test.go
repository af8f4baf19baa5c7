package recommend

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/skillx/skillx/internal/encoder"
	"github.com/skillx/skillx/internal/gemini"
	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/report"
	"github.com/skillx/skillx/internal/textnorm"
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
	return catalogAnalyst(t, roles, skills...)
}

// catalogAnalyst builds an offline analyst with the hashing encoder over roles, with the
// vectors of their phrases and of skills.
func catalogAnalyst(t *testing.T, roles []records.Role, skills ...string) *offlineAnalyst {
	t.Helper()
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
		want   report.MatchLevel
		phrase string
	}{
		{"SQL", report.Strong, "SQL queries"},             // the role's phrase contains the skill
		{"sql queries", report.Strong, "SQL queries"},     // equal words
		{"Excel macros", report.Strong, "Excel"},          // the skill contains the role's phrase
		{"Data modeling", report.Medium, "Data analysis"}, // one shared word of two
		{"Statistics", report.Weak, ""},                   // no shared word: a collision must not count
		{"Cooking", report.Weak, ""},
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
	req := report.Request{UserID: "u", CurrentRole: "Barista", Skills: skills, Candidates: []report.Candidate{
		{Role: "Data Analyst", Probability: 0.5}, {Role: "UX Designer", Probability: 0.2}, {Role: "Chef", Probability: 0.1},
		{Role: "Nurse", Probability: 0.1}, {Role: "Pilot", Probability: 0.05}}}
	rep := a.analyse(req, nil)
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
	if chef := rep.Roles[2]; !strings.Contains(chef.JobDescription, "not in the role catalog") || chef.SkillMatches[0].Match != report.Weak {
		t.Errorf("a role outside the catalog: %+v", chef)
	}
	for _, rr := range rep.Roles {
		if rr.Provenance.Source != report.SourceModel {
			t.Errorf("%s: provenance %+v; without alternatives the offline analyst keeps every prediction", rr.Role, rr.Provenance)
		}
	}
}

// testRole returns a catalog row: its phrases in order, the first the most frequent.
func testRole(name string, phrases ...string) records.Role {
	r := records.Role{Role: name, RoleKey: textnorm.RoleKey(name), Postings: int64(len(phrases) + 1)}
	for i, p := range phrases {
		r.Skills = append(r.Skills, records.PhraseCount{Phrase: p, Count: int64(len(phrases) - i)})
	}
	return r
}

// skillsOf returns the skills of a report's role by match level.
func skillsOf(rr report.RoleReport, level report.MatchLevel) []string {
	var out []string
	for _, m := range rr.SkillMatches {
		if m.Match == level {
			out = append(out, m.Skill)
		}
	}
	return out
}

// flat collapses white space, for checks on wrapped text.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// replacementCase is a person whose first prediction, Brand Designer, none of the skills
// matches, and the catalog of the roles around them.
func replacementCase(t *testing.T) (*offlineAnalyst, report.Request, []report.Candidate) {
	t.Helper()
	skills := []string{"SQL", "Python", "Excel", "Bookkeeping"}
	a := catalogAnalyst(t, []records.Role{
		testRole("Brand Designer", "Brand identity design", "Adobe Illustrator", "Typography"),
		testRole("Data Analyst", "SQL queries", "Dashboards"),
		testRole("Financial Analyst", "Excel modeling", "Forecasting"),
		testRole("Bookkeeper", "Bookkeeping", "Accounts payable"),
		testRole("Auditor", "Internal audits", "Excel"),
		testRole("Accountant", "Bookkeeping", "Excel", "SQL"),
		testRole("Senior Data Analyst", "SQL", "Python", "Excel"),
		testRole("Data Engineer", "SQL", "Python programming", "ETL pipelines", "Advanced Excel"),
		testRole("Pastry Chef", "Baking", "Pastry decoration"),
	}, skills...)
	req := report.Request{UserID: "u", CurrentRole: "Accountant", Skills: skills, Candidates: []report.Candidate{
		{Role: "Brand Designer", Probability: 0.3}, {Role: "Data Analyst", Probability: 0.2}, {Role: "Financial Analyst", Probability: 0.1},
		{Role: "Bookkeeper", Probability: 0.1}, {Role: "Auditor", Probability: 0.05}}}
	alts := []report.Candidate{
		{Role: "Accountant", Probability: 0.04},          // the current role
		{Role: "Data Analyst", Probability: 0.03},        // already in the list
		{Role: "Pastry Chef", Probability: 0.02},         // no evidence
		{Role: "Senior Data Analyst", Probability: 0.02}, // a near-duplicate of Data Analyst
		{Role: "Data Engineer", Probability: 0.01},       // the one
	}
	return a, req, alts
}

func TestOfflineReplacesRoleWithoutEvidence(t *testing.T) {
	a, req, alts := replacementCase(t)
	rep := a.analyse(req, alts)
	data, _ := json.Marshal(rep)
	if _, err := report.ParseAnalyst(req, data); err != nil {
		t.Fatalf("the offline report does not pass report.ParseAnalyst: %v", err)
	}
	if _, err := gemini.ParseReport(req, data); err == nil || !strings.Contains(err.Error(), `source "analyst"`) {
		t.Errorf("gemini.ParseReport accepts the analyst's replacement (err %v); Gemini may not use that source", err)
	}
	first := rep.Roles[0]
	want := report.Provenance{Source: report.SourceAnalyst, Probability: 0.01, Replaces: "Brand Designer",
		Reason: "none of your skills appears in Brand Designer postings; Data Engineer postings ask for 3 of your skills (SQL, Python and Excel)"}
	if first.Role != "Data Engineer" || first.Provenance != want {
		t.Errorf("role 1 = %q %+v; want Data Engineer %+v", first.Role, first.Provenance, want)
	}
	for i, name := range []string{"Data Analyst", "Financial Analyst", "Bookkeeper", "Auditor"} {
		if rr := rep.Roles[i+1]; rr.Role != name || rr.Provenance.Source != report.SourceModel || !strings.Contains(rr.Provenance.Reason, "postings ask for") {
			t.Errorf("role %d = %q %+v; want the prediction %s kept, with its evidence", i+2, rr.Role, rr.Provenance, name)
		}
	}

	// The readable reports say who chose the role and why.
	ur := &UserReport{Format: ReportFormat, Key: "k", UserID: "u", CurrentRole: req.CurrentRole, Skills: req.Skills,
		Analyst: a.info(), Classifier: ClassifierInfo{Encoder: a.encoder, Labels: 9}, Candidates: req.Candidates, Roles: rep.Roles}
	if err := ur.Validate(); err != nil {
		t.Fatalf("UserReport.Validate: %v", err)
	}
	var txt, md strings.Builder
	if err := writeText(&txt, ur); err != nil {
		t.Fatal(err)
	}
	if err := writeMarkdown(&md, ur); err != nil {
		t.Fatal(err)
	}
	wantText := "Chosen by the offline analyst in place of the prediction Brand Designer (probability 30.0%), because none of your skills appears in Brand Designer postings; Data Engineer postings ask for 3 of your skills (SQL, Python and Excel). The classifier gives it a probability of 1.0%."
	for name, out := range map[string]string{"text": txt.String(), "markdown": md.String()} {
		if !strings.Contains(flat(out), wantText) {
			t.Errorf("the %s report does not say %q:\n%s", name, wantText, out)
		}
	}

	// Without an alternative that has evidence, the prediction stays and the report says so.
	rep = a.analyse(req, alts[:4])
	if rr := rep.Roles[0]; rr.Role != "Brand Designer" || rr.Provenance.Source != report.SourceModel ||
		rr.Provenance.Reason != "None of your skills appears in Brand Designer postings, and none of the next 4 roles the classifier ranks does better, so the prediction stays: the evidence for it is weak." {
		t.Errorf("without a better alternative, role 1 = %q %+v; want Brand Designer kept with a plain note on its weak evidence", rr.Role, rr.Provenance)
	}
}

func TestOfflineGenericWords(t *testing.T) {
	roles := []records.Role{
		testRole("DevOps Engineer", "Kubernetes administration", "Linux administration", "Terraform", "Scripting (e.g., Bash, Python)"),
		testRole("System Administrator", "Network administration", "System administration", "Programming languages (Java, Python)"),
		testRole("HR Generalist", "Benefits administration", "Payroll"),
		testRole("Registered Nurse", "Medication administration", "Wound care", "Patient care"),
		testRole("Pediatric Nurse", "Pediatric care", "Elderly care", "Vaccinations"),
		testRole("Data Analyst", "Data analysis", "Data modeling", "Python scripting"),
	}
	generic, found := genericWords(roles)
	for w, want := range map[string]bool{"administration": true, "care": true, "data": false, "python": false, "bash": false, "skills": true} {
		if generic[w] != want {
			t.Errorf("genericWords: %q generic = %v; want %v", w, generic[w], want)
		}
	}
	if found != 2 {
		t.Errorf("genericWords found %d generic words in the catalog; want 2 (administration, care)", found)
	}

	tests := []struct {
		skill, role string
		want        report.MatchLevel
		why         string // part of the justification
	}{
		{"Medication administration", "DevOps Engineer", report.Weak, `only the general word "administration" with the role's skill "Kubernetes administration"`},
		{"Wound care", "Pediatric Nurse", report.Weak, `only the general word "care"`},
		{"Administration", "DevOps Engineer", report.Weak, `only the general word "administration"`}, // a generic run inside a specific phrase
		{"Kubernetes", "DevOps Engineer", report.Strong, "Kubernetes administration"},
		{"Data visualisation", "Data Analyst", report.Medium, "Data analysis"},                  // "data" is not generic
		{"Network monitoring", "System Administrator", report.Medium, "Network administration"}, // a specific word in common
	}
	var skills []string
	for _, tt := range tests {
		skills = append(skills, tt.skill)
	}
	a := catalogAnalyst(t, roles, skills...)
	for _, tt := range tests {
		cr := a.roles[textnorm.RoleKey(tt.role)]
		m := a.judge(tt.skill, cr)
		rep := a.analyse(report.Request{CurrentRole: "Chef", Skills: []string{tt.skill}, Candidates: []report.Candidate{{Role: tt.role}}}, nil)
		just := rep.Roles[0].SkillMatches[0].Justification
		if m.level != tt.want || !strings.Contains(just, tt.why) {
			t.Errorf("%q against %s = %s (%q); want %s mentioning %q", tt.skill, tt.role, m.level, just, tt.want, tt.why)
		}
	}

	// With a sentence encoder the cosine of two phrases that share only a generic word does
	// not make them Medium either; without a common word it does.
	vecs := map[string][]float32{
		"Medication administration": {1, 0}, "Kubernetes administration": {0.6, 0.8},
		"Patient safety": {1, 0}, "Wound care": {0.6, 0.8},
	}
	st := newOfflineAnalyst("minilm:test", []records.Role{testRole("DevOps Engineer", "Kubernetes administration"), testRole("Registered Nurse", "Wound care")}, vecs)
	if m := st.judge("Medication administration", st.roles["devops engineer"]); m.level != report.Weak {
		t.Errorf("sentence encoder: Medication administration against Kubernetes administration (cosine 0.6) = %s; want Weak", m.level)
	}
	if m := st.judge("Patient safety", st.roles["registered nurse"]); m.level != report.Medium {
		t.Errorf("sentence encoder: Patient safety against Wound care (cosine 0.6) = %s; want Medium", m.level)
	}
}

func TestOfflineVersionedNames(t *testing.T) {
	for in, want := range map[string]string{
		"CSS3": "css", "HTML5": "html", "Python 3": "python", "Python 3.11": "python", "Angular 2+": "angular",
		".NET Core": "net core", "S3": "s3", "3D modeling": "3d modeling", "log4j": "log4j", "Python": "python",
	} {
		if got := strings.Join(versionless(words(in)), " "); got != want {
			t.Errorf("versionless(%q) = %q; want %q", in, got, want)
		}
	}

	skills := []string{"CSS3", "HTML5", "Python 3", "Angular 2+", ".NET Core", "ES6"}
	a := catalogAnalyst(t, []records.Role{testRole("Web Developer", "CSS", "HTML and JavaScript", "JavaScript", "Python programming",
		"Frontend frameworks (e.g., React, Angular)", ".NET", "3D modeling")}, skills...)
	cr := a.roles["web developer"]
	for skill, phrase := range map[string]string{"CSS3": "CSS", "HTML5": "HTML and JavaScript", "Python 3": "Python programming",
		"Angular 2+": "Frontend frameworks (e.g., React, Angular)", ".NET Core": ".NET"} {
		if m := a.judge(skill, cr); m.level != report.Strong || m.phrase == nil || m.phrase.text != phrase {
			got := ""
			if m.phrase != nil {
				got = m.phrase.text
			}
			t.Errorf("judge(%q) = %s via %q; want Strong via %q", skill, m.level, got, phrase)
		}
	}
	if m := a.judge("ES6", cr); m.level != report.Weak {
		t.Errorf("judge(ES6) = %s; want Weak (ES6 and JavaScript are not matched)", m.level)
	}
	rep := a.analyse(report.Request{CurrentRole: "Chef", Skills: skills, Candidates: []report.Candidate{{Role: "Web Developer"}}}, nil)
	rr := rep.Roles[0]
	if !strings.Contains(rr.SkillMatches[0].Justification, `"CSS"`) || !strings.Contains(rr.SkillMatches[0].Justification, "without the version number") {
		t.Errorf("CSS3 justification %q; want it to name CSS and the version", rr.SkillMatches[0].Justification)
	}
	dev := strings.Join(rr.Development, "|")
	for _, owned := range []string{`"CSS"`, `"HTML and JavaScript"`, `"Python programming"`, `"Frontend frameworks`, `".NET"`} {
		if strings.Contains(dev, owned) {
			t.Errorf("development %q suggests %s, which the person has", rr.Development, owned)
		}
	}
	if !strings.Contains(dev, `Learn "JavaScript"`) {
		t.Errorf("development %q; want JavaScript, which no skill covers", rr.Development)
	}
}

func TestOfflineNoSuggestionOfOwnedSkill(t *testing.T) {
	skills := []string{"Management", "Excel macros", "CSS3", "SQL", "Python programming"}
	a := catalogAnalyst(t, []records.Role{testRole("Office Manager",
		"Nursing management", // contains the skill "Management" (Weak: a generic word in a specific field)
		"Excel",              // inside the skill "Excel macros"
		"CSS",                // CSS3 without its version
		"SQL queries",        // contains SQL
		"Python",             // inside "Python programming"
		"Python scripting",   // Medium against "Python programming"
		"Scheduling", "Budgeting")}, skills...)
	rep := a.analyse(report.Request{CurrentRole: "Chef", Skills: skills, Candidates: []report.Candidate{{Role: "Office Manager"}}}, nil)
	rr := rep.Roles[0]
	want := []string{`Learn "Scheduling" (2 of 9 postings).`, `Learn "Budgeting" (1 of 9 postings).`}
	if strings.Join(rr.Development, "|") != strings.Join(want, "|") {
		t.Errorf("development = %q; want only what no skill covers: %q", rr.Development, want)
	}
	if got := skillsOf(rr, report.Weak); strings.Join(got, ",") != "Management" {
		t.Errorf("Weak skills %q; want Management only (a generic word in another field's phrase)", got)
	}
}

func TestOfflineNearDuplicates(t *testing.T) {
	a := catalogAnalyst(t, []records.Role{
		testRole("Frontend Developer", "HTML", "CSS", "JavaScript", "Responsive design"),
		testRole("Frontend Web Developer", "HTML", "CSS", "JavaScript", "Responsive design", "Web accessibility"),
		testRole("Web Designer", "HTML", "Wireframes", "Visual design"),
		testRole("Web Graphic Designer", "Typography", "Print production", "Adobe Illustrator"),
	})
	tests := []struct {
		x, y string
		want bool
	}{
		{"UX/UI Designer", "UI/UX Designer", true},
		{"Wealth Advisor", "Wealth Management Advisor", true},
		{"Front-End Developer", "Frontend Developer", true},
		{"System Administrator", "Systems Administrator", true},
		{"Data Analyst", "Senior Data Analyst", true},
		{"Frontend Developer", "Frontend Web Developer", true}, // one word apart, the same phrases
		{"Data Analyst", "Data Engineer", false},
		{"Web Designer", "Web Graphic Designer", false},            // one word apart, other phrases
		{"Nurse Practitioner", "Family Nurse Practitioner", false}, // one word apart, not in the catalog
		{"Data Analyst", "Business Data Analyst Lead", false},
	}
	for _, tt := range tests {
		if got := a.nearDuplicate(tt.x, tt.y); got != tt.want {
			t.Errorf("nearDuplicate(%q, %q) = %v; want %v", tt.x, tt.y, got, tt.want)
		}
		if got := a.nearDuplicate(tt.y, tt.x); got != tt.want {
			t.Errorf("nearDuplicate(%q, %q) = %v; want %v", tt.y, tt.x, got, tt.want)
		}
	}
}

func TestOfflineMergesNearDuplicates(t *testing.T) {
	skills := []string{"Financial planning", "Portfolio management", "Figma"}
	a := catalogAnalyst(t, []records.Role{
		testRole("Wealth Advisor", "Financial planning", "Client relationships"),
		testRole("Wealth Management Advisor", "Portfolio management", "Estate planning"),
		testRole("UX/UI Designer", "Figma", "Wireframes"),
		testRole("UI/UX Designer", "Figma", "Prototyping"),
		testRole("Financial Planner", "Financial planning", "Retirement planning"),
		testRole("Senior Wealth Advisor", "Financial planning"),
		testRole("Portfolio Manager", "Portfolio management", "Risk analysis"),
		testRole("Product Designer", "Figma", "User research"),
	}, skills...)
	req := report.Request{UserID: "u", CurrentRole: "Bank Teller", Skills: skills, Candidates: []report.Candidate{
		{Role: "Wealth Advisor", Probability: 0.4}, {Role: "UX/UI Designer", Probability: 0.2}, {Role: "Wealth Management Advisor", Probability: 0.12},
		{Role: "UI/UX Designer", Probability: 0.1}, {Role: "Financial Planner", Probability: 0.08}}}
	alts := []report.Candidate{
		{Role: "Senior Wealth Advisor", Probability: 0.03}, // a near-duplicate of Wealth Advisor
		{Role: "Portfolio Manager", Probability: 0.02},
		{Role: "Product Designer", Probability: 0.01},
	}
	rep := a.analyse(req, alts)
	data, _ := json.Marshal(rep)
	if _, err := report.ParseAnalyst(req, data); err != nil {
		t.Fatalf("the offline report does not pass report.ParseAnalyst: %v", err)
	}
	var got []string
	for _, rr := range rep.Roles {
		got = append(got, rr.Role)
	}
	if want := "Wealth Advisor|UX/UI Designer|Portfolio Manager|Product Designer|Financial Planner"; strings.Join(got, "|") != want {
		t.Fatalf("roles %q; want %q", got, want)
	}
	if p := rep.Roles[0].Provenance; p.Source != report.SourceModel || !strings.Contains(p.Reason, "It also stands for Wealth Management Advisor (the classifier's prediction 3, probability 12.0%)") {
		t.Errorf("Wealth Advisor provenance %+v; want it kept, standing for Wealth Management Advisor", p)
	}
	if p := rep.Roles[1].Provenance; !strings.Contains(p.Reason, "It also stands for UI/UX Designer") {
		t.Errorf("UX/UI Designer provenance %+v; want it to stand for UI/UX Designer", p)
	}
	if p := rep.Roles[2].Provenance; p.Source != report.SourceAnalyst || p.Replaces != "Wealth Management Advisor" ||
		p.Reason != "Wealth Management Advisor is another name for Wealth Advisor (role 1), which stands for both; Portfolio Manager postings ask for 1 of your skills (Portfolio management)" {
		t.Errorf("role 3 provenance %+v; want Portfolio Manager in place of Wealth Management Advisor, with the reason", p)
	}
	if p := rep.Roles[3].Provenance; p.Source != report.SourceAnalyst || p.Replaces != "UI/UX Designer" {
		t.Errorf("role 4 provenance %+v; want Product Designer in place of UI/UX Designer", p)
	}
}

func TestOfflineNearDuplicateOfCurrentRole(t *testing.T) {
	skills := []string{"HTML", "CSS"}
	a := catalogAnalyst(t, []records.Role{testRole("Web Developer", "HTML", "CSS"), testRole("Frontend Developer", "HTML")}, skills...)
	req := report.Request{UserID: "u", CurrentRole: "Front-End Developer", Skills: skills, Candidates: []report.Candidate{
		{Role: "Frontend Developer", Probability: 0.5}, {Role: "A", Probability: 0.1}, {Role: "B", Probability: 0.1}, {Role: "C", Probability: 0.1}, {Role: "D", Probability: 0.1}}}
	rep := a.analyse(req, []report.Candidate{{Role: "Web Developer", Probability: 0.05}})
	if rr := rep.Roles[0]; rr.Role != "Web Developer" || rr.Provenance.Replaces != "Frontend Developer" ||
		!strings.HasPrefix(rr.Provenance.Reason, "Frontend Developer is another name for your current role, Front-End Developer;") {
		t.Errorf("role 1 = %q %+v; want Web Developer in place of Frontend Developer, another name of the current role", rr.Role, rr.Provenance)
	}
}

func TestOfflineSummaryUsesTableWords(t *testing.T) {
	skills := []string{"SQL", "Data modeling", "Cooking"}
	a := testAnalyst(t, skills...)
	rep := a.analyse(report.Request{CurrentRole: "Chef", Skills: skills, Candidates: []report.Candidate{{Role: "Data Analyst", Probability: 0.5}}}, nil)
	rr := rep.Roles[0]
	if strings.Contains(rr.MatchSummary, "Partial") {
		t.Errorf("match summary %q says Partial; the table says Strong, Medium or Weak", rr.MatchSummary)
	}
	for _, level := range []report.MatchLevel{report.Strong, report.Medium, report.Weak} {
		want := fmt.Sprintf("%s: %s.", level, listAnd(skillsOf(rr, level)))
		if !strings.Contains(rr.MatchSummary, want) {
			t.Errorf("match summary %q; want %q, as in the table", rr.MatchSummary, want)
		}
	}
	if got := skillsOf(rr, report.Medium); len(got) != 1 || got[0] != "Data modeling" {
		t.Errorf("Medium skills %q; want Data modeling", got)
	}
}

func TestReportPlainAnalystNote(t *testing.T) {
	a, req, alts := replacementCase(t)
	ur := &UserReport{Format: ReportFormat, Key: "k", UserID: "u", CurrentRole: req.CurrentRole, Skills: req.Skills,
		Analyst: a.info(), Classifier: ClassifierInfo{Encoder: a.encoder, Labels: 9}, Candidates: req.Candidates, Roles: a.analyse(req, alts).Roles}
	var txt, md strings.Builder
	if err := writeText(&txt, ur); err != nil {
		t.Fatal(err)
	}
	if err := writeMarkdown(&md, ur); err != nil {
		t.Fatal(err)
	}
	text := flat(txt.String())
	note := text[strings.Index(text, "Analysis by:"):strings.Index(text, "Classifier:")]
	mdNote := md.String()[strings.Index(md.String(), "| Analysis by |"):]
	mdNote = mdNote[:strings.Index(mdNote, "\n")]
	for name, n := range map[string]string{"text": note, "markdown": mdNote} {
		if !strings.Contains(n, "produced on this computer from job postings data, without Gemini") {
			t.Errorf("%s analyst note %q; want it to say plainly how the report was made", name, n)
		}
		for _, jargon := range []string{"cosine", "similarity", "threshold", "0.60", "0.28", "hashing", OfflineVersion, "vectors"} {
			if strings.Contains(n, jargon) {
				t.Errorf("%s analyst note %q has %q; keep technical detail in the JSON report", name, n, jargon)
			}
		}
	}
	for _, detail := range []string{OfflineVersion, "0.60", "0.28", "hashing-v1-384", "cosine"} {
		if !strings.Contains(ur.Analyst.Method, detail) {
			t.Errorf("analyst method %q lacks %q", ur.Analyst.Method, detail)
		}
	}
}

func TestReportFallbackLine(t *testing.T) {
	a, req, alts := replacementCase(t)
	roles := a.analyse(req, alts).Roles
	for _, tt := range []struct {
		kind, encoder string
		want          int
	}{
		{AnalystOffline, "hashing-v1-384", 1},
		{AnalystOffline, "corpus-tfidf-v1-384", 1},
		{AnalystGemini, "hashing-v1-384", 1},
		{AnalystOffline, "minilm:0123456789ab", 0},
		{AnalystGemini, "minilm:0123456789ab", 0},
	} {
		ur := &UserReport{Format: ReportFormat, Key: "k", UserID: "u", CurrentRole: req.CurrentRole, Skills: req.Skills,
			Analyst: AnalystInfo{Kind: tt.kind, Model: "m"}, Classifier: ClassifierInfo{Encoder: tt.encoder, Labels: 9},
			Candidates: req.Candidates, Roles: roles}
		var txt, md strings.Builder
		if err := writeText(&txt, ur); err != nil {
			t.Fatal(err)
		}
		if err := writeMarkdown(&md, ur); err != nil {
			t.Fatal(err)
		}
		for name, out := range map[string]string{"text": txt.String(), "markdown": md.String()} {
			lines := strings.Split(out, "\n")
			if n := len(slices.DeleteFunc(lines, func(l string) bool { return l != fallbackNote })); n != tt.want {
				t.Errorf("%s report of %s with %s has the fallback line %d times; want %d", name, tt.kind, tt.encoder, n, tt.want)
			}
			if tt.want == 0 && strings.Contains(out, "MiniLM") {
				t.Errorf("%s report with %s mentions MiniLM", name, tt.encoder)
			}
		}
	}
}

func TestOfflineConcurrent(t *testing.T) {
	a, req, alts := replacementCase(t)
	want, _ := json.Marshal(a.analyse(req, alts))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				got, _ := json.Marshal(a.analyse(req, alts))
				if string(got) != string(want) {
					t.Errorf("analyse gave another report in a concurrent call:\n%s\nwant\n%s", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

package skillfind

import (
	"sort"
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/records"
)

// testVocabulary is a small catalog and O*NET list that exercise every rule of NewVocabulary.
func testVocabulary() *Vocabulary {
	pc := func(p string, n int64) records.PhraseCount { return records.PhraseCount{Phrase: p, Count: n} }
	roles := []records.Role{
		{Role: "Data Analyst", Description: "Data analysts pass the accounting results to managers by email; a scheme of work.",
			Skills: []records.PhraseCount{
				pc("Data visualization (e.g., Tableau, Power BI)", 3), pc("SQL queries", 2), pc("Python programming", 2),
				pc("Advanced Excel formulas", 2), pc("Anti-money laundering (AML)", 1), pc("Communication skills", 2),
				pc("Semantic markup and styling (HTML, CSS)", 1), pc("Statistics (e.g., R, C)", 1),
			}},
		{Role: "Backend Developer", Description: "Backend developers build services.",
			Skills: []records.PhraseCount{
				pc("Programming (e.g., Go, Python)", 1), pc("Full-stack development", 1), pc("Node.js backend development", 1),
				pc("Cross-platform frameworks (e.g., Flutter)", 1), pc("Stakeholder communication", 1), pc("Customer communication", 1),
				pc("Kubernetes operations", 1), pc("Container orchestration (e.g., Kubernetes)", 1),
			}},
		{Role: "Support Agent", Description: "Agents answer customers.",
			Skills: []records.PhraseCount{pc("Customer communication", 2), pc("Patient communication", 1)}},
	}
	onet := &ONET{
		Skills: []ONETSkill{
			{Code: "15-1", Example: "Structured query language SQL", Hot: true},
			{Code: "15-1", Example: "Microsoft Excel", Hot: true, InDemand: true},
			{Code: "15-2", Example: "Microsoft Excel", Hot: true},
			{Code: "15-1", Example: "Microsoft Word", Hot: true},
			{Code: "15-1", Example: "Salesforce software", Hot: true},
			{Code: "15-1", Example: "Accounting software"},
			{Code: "15-1", Example: "Amazon Web Services AWS software", Hot: true},
			{Code: "15-1", Example: "Oracle Java", Hot: true},
			{Code: "15-1", Example: "PASS"},
			{Code: "15-1", Example: "Scheme"},
			{Code: "15-1", Example: "IntelliTrack Warehouse Management System (WMS)"},
			{Code: "15-1", Example: "Warehouse management system WMS"},
		},
		Descriptions: []string{"Managers plan the warehouse and the schedule."},
	}
	return NewVocabulary(roles, onet)
}

func TestVocabularyRules(t *testing.T) {
	f := New(testVocabulary(), Options{NoParaphrase: true})
	tests := []struct {
		text string
		want string // the skills found, sorted, joined with "; "
	}{
		{"Tableau and Power BI dashboards", "Power BI; Tableau"},
		{"Wrote SQL every day", "SQL"},
		{"Structured query language", "SQL"},
		{"Python programming and SQL queries", "Python; SQL"},
		{"Advanced Excel formulas", "Excel"},
		{"MS Excel and Excel", "Excel"},
		{"I excel at teamwork", ""},
		{"AML checks", "Anti-money laundering"},
		{"Anti-money laundering", "Anti-money laundering"},
		{"Communication", "Communication"},
		{"Communication skills", "Communication"},
		{"Go and Python", "Go; Python"},
		{"go live in March", ""},
		{"HTML5 and CSS3", "CSS; HTML"},
		{"fullstack development", "Full-stack development"},
		{"NodeJS backend development", "Node.js backend development"},
		{"cross-platform apps in Flutter", "Flutter"},
		{"Salesforce", "Salesforce"},
		{"Accounting", ""},
		{"AWS and Amazon Web Services", "AWS"},
		{"Oracle Java, then Java", "Java"},
		{"Microsoft Word", "Microsoft Word"},
		{"Word and Project", ""},
		{"PASS rate", "PASS"},
		{"pass rate", ""},
		{"Scheme", "Scheme"},
		{"a scheme of work", ""},
		{"Statistics in R.", "R; Statistics"},
		{"R&D budget, C-suite", ""},
		{"Kubernetes", "Kubernetes"},
		{"warehouse management system", "WMS"},
	}
	for _, tt := range tests {
		res, err := f.Find(tt.text)
		if err != nil {
			t.Fatalf("Find(%q): %v", tt.text, err)
		}
		var names []string
		for _, s := range res.Skills {
			names = append(names, s.Name)
		}
		sort.Strings(names)
		if got := strings.Join(names, "; "); got != tt.want {
			t.Errorf("Find(%q) = %q; want %q", tt.text, got, tt.want)
		}
	}
}

func TestVocabularyGroups(t *testing.T) {
	v := testVocabulary()
	by := map[string]Group{}
	for i := 0; i < v.Groups(); i++ {
		by[v.Group(i).Name] = v.Group(i)
	}
	sql := by["SQL"]
	if !sql.Hot || sql.Postings != 2 || sql.Roles != 2 {
		t.Errorf("SQL = %+v; want hot, 2 postings (SQL queries), 2 roles (the analyst and an O*NET occupation)", sql)
	}
	if !strings.Contains(strings.Join(sql.Phrases, "|"), "SQL queries") {
		t.Errorf("SQL phrases = %q; want SQL queries among them", sql.Phrases)
	}
	if ex := by["Excel"]; !ex.Hot || !ex.InDemand || ex.Roles != 3 {
		t.Errorf("Excel = %+v; want hot, in demand, 3 roles", ex)
	}
	// "communication" is in 3 of the 3 roles' phrases, "Kubernetes" in 1: less specific.
	if c, k := by["Communication"], by["Kubernetes"]; !(c.Specificity < k.Specificity) || k.Specificity > 1 || c.Specificity < 0.5 {
		t.Errorf("specificity: Communication %.3f, Kubernetes %.3f; want 0.5 <= Communication < Kubernetes <= 1", c.Specificity, k.Specificity)
	}
	if _, ok := by["Cross"]; ok {
		t.Error(`"Cross-platform frameworks" made a skill "Cross"`)
	}
	if _, ok := by["Accounting"]; ok {
		t.Error(`"Accounting software" made a skill "Accounting" although "accounting" is a common word`)
	}
}

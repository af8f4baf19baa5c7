package joblevel

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/testenv"
)

func TestFromTitle(t *testing.T) {
	tests := []struct {
		title string
		want  Level
		words string
	}{
		{"Marketing Intern", Intern, "intern"},
		{"Summer Internship - Finance", Intern, "internship"},
		{"Apprentice Electrician", Intern, "apprentice"},
		{"Working Student Data", Intern, "working student"},
		{"Junior Data Analyst", Junior, "junior"},
		{"Jr. Developer", Junior, "jr"},
		{"Entry-Level Accountant", Junior, "entry-level"},
		{"Graduate Engineer", Junior, "graduate"},
		{"Associate Software Engineer", Junior, "associate"},
		{"Retail Sales Associate", Junior, "associate"},
		{"Data Analyst", Mid, ""},
		{"Registered Nurse", Mid, ""},
		{"Staff Accountant", Mid, ""},
		{"Staff Nurse", Mid, ""},
		{"Product Manager", Mid, ""},
		{"Social Media Manager", Mid, ""},
		{"Customer Success Manager", Mid, ""},
		{"Product Owner", Mid, ""},
		{"Software Engineer II", Mid, "ii"},
		{"Analyst I", Junior, "i"},
		{"Senior Data Analyst", Senior, "senior"},
		{"Sr. Frontend Developer", Senior, "sr"},
		{"Senior Product Manager", Senior, "senior"},
		{"Software Engineer III", Senior, "iii"},
		{"Team Lead, Platform", Lead, "team lead"},
		{"Lead Designer", Lead, "lead"},
		{"Warehouse Supervisor", Lead, "supervisor"},
		{"Charge Nurse", Lead, "charge nurse"},
		{"Assistant Manager", Lead, "assistant manager"},
		{"Staff Software Engineer", Principal, "staff"},
		{"Principal Engineer", Principal, "principal"},
		{"Distinguished Engineer", Principal, "distinguished"},
		{"Operations Manager", Manager, "manager"},
		{"Engineering Mgr", Manager, "mgr"},
		{"Associate Director of Finance", Manager, "associate director"},
		{"Head of Team Payments", Manager, "head of team"},
		{"Director of Nursing", Director, "director"},
		{"Head of Engineering", Director, "head"},
		{"Senior Manager, Analytics", Director, "senior manager"},
		{"General Manager", Director, "general manager"},
		{"School Principal", Director, "principal"},
		{"VP of Sales", VP, "vp"},
		{"Vice President, Marketing", VP, "vice president"},
		{"SVP Engineering", VP, "svp"},
		{"Chief Technology Officer", Chief, "chief"},
		{"CEO & Co-Founder", Chief, "ceo"},
		{"President", Chief, "president"},
		{"Managing Director", Chief, "managing director"},
		{"Business Owner", Chief, "owner"},
		{"Développeur Backend Senior", Senior, "senior"},
		{"", Mid, ""},
	}
	for _, tt := range tests {
		d := Detect(tt.title)
		if d.Level != tt.want || d.Words != tt.words || d.Stated != (tt.words != "") {
			t.Errorf("Detect(%q) = %v %q stated=%v; want %v %q", tt.title, d.Level, d.Words, d.Stated, tt.want, tt.words)
		}
		if got := FromTitle(tt.title); got != tt.want {
			t.Errorf("FromTitle(%q) = %v; want %v", tt.title, got, tt.want)
		}
	}
}

func TestOrderAndCompare(t *testing.T) {
	order := []Level{Intern, Junior, Mid, Senior, Lead, Principal, Manager, Director, VP, Chief}
	for i := 1; i < len(order); i++ {
		if order[i] <= order[i-1] {
			t.Fatalf("%v <= %v", order[i], order[i-1])
		}
		if order[i] != Manager && order[i].Rank() != order[i-1].Rank()+1 {
			t.Errorf("%v.Rank() = %d; want %d", order[i], order[i].Rank(), order[i-1].Rank()+1)
		}
	}
	tests := []struct {
		from, to string
		want     Move
		text     string
	}{
		{"Junior Analyst", "Data Analyst", StepUp, "step up"},
		{"Data Analyst", "Senior Data Analyst", StepUp, "step up"},
		{"Data Analyst", "Business Intelligence Analyst", Lateral, "lateral move"},
		{"Senior Engineer", "Senior Data Scientist", Lateral, "lateral move"},
		{"Principal Engineer", "Engineering Manager", Lateral, "lateral move"},
		{"Engineering Manager", "Director of Engineering", StepUp, "step up"},
		{"Director of Sales", "Sales Manager", StepDown, "step down"},
		{"VP Marketing", "Chief Marketing Officer", StepUp, "step up"},
		{"Team Lead", "Senior Developer", StepDown, "step down"},
		{"Marketing Intern", "Marketing Coordinator", StepUp, "step up"},
	}
	for _, tt := range tests {
		got := Compare(FromTitle(tt.from), FromTitle(tt.to))
		if got != tt.want || got.String() != tt.text {
			t.Errorf("Compare(%q, %q) = %v (%q); want %v (%q)", tt.from, tt.to, got, got.String(), tt.want, tt.text)
		}
	}
	if !Manager.Management() || Principal.Management() {
		t.Errorf("Management: Manager %v, Principal %v; want true, false", Manager.Management(), Principal.Management())
	}
	if Chief.String() != "Chief" || Level(42).String() != "Level(42)" {
		t.Errorf("String: %q, %q", Chief.String(), Level(42).String())
	}
}

func TestParseHistory(t *testing.T) {
	ps := ParseHistory("Data Analyst 2019-2022; Junior Analyst 2017-2019")
	if len(ps) != 2 {
		t.Fatalf("ParseHistory: %d positions; want 2: %+v", len(ps), ps)
	}
	want := []Position{
		{Title: "Data Analyst", From: 2019, To: 2022, Level: Detection{Level: Mid}},
		{Title: "Junior Analyst", From: 2017, To: 2019, Level: Detection{Level: Junior, Words: "junior", Stated: true}},
	}
	for i := range want {
		if ps[i] != want[i] {
			t.Errorf("position %d = %+v; want %+v", i, ps[i], want[i])
		}
	}
	cur, ok := Current(ps)
	if !ok || cur.Title != "Data Analyst" {
		t.Errorf("Current = %+v, %v; want Data Analyst", cur, ok)
	}
	if m := Compare(ps[1].Level.Level, ps[0].Level.Level); m != StepUp {
		t.Errorf("Junior Analyst -> Data Analyst = %v; want step up", m)
	}

	ps = ParseHistory("Senior Nurse (2020 – present)\nStaff Nurse at St Mary's, 2015 to 2020 | Team Lead since 2021 | ; Analyst, Acme Ltd, 2014")
	got := map[string]Position{}
	for _, p := range ps {
		got[p.Title] = p
	}
	if len(ps) != 4 {
		t.Fatalf("ParseHistory: %d positions; want 4: %+v", len(ps), ps)
	}
	if p := got["Senior Nurse"]; p.From != 2020 || !p.Current || p.Level.Level != Senior {
		t.Errorf("Senior Nurse = %+v", p)
	}
	if p := got["Staff Nurse"]; p.From != 2015 || p.To != 2020 || p.Current {
		t.Errorf("Staff Nurse = %+v", p)
	}
	if p := got["Team Lead"]; p.From != 2021 || !p.Current || p.Level.Level != Lead {
		t.Errorf("Team Lead = %+v", p)
	}
	if p := got["Analyst"]; p.From != 2014 || p.To != 2014 {
		t.Errorf("Analyst = %+v", p)
	}
	// Two current positions: the later start wins.
	if cur, _ := Current(ps); cur.Title != "Team Lead" {
		t.Errorf("Current = %q; want Team Lead", cur.Title)
	}
	// No years: the first listed.
	if cur, _ := Current(ParseHistory("Senior Analyst; Analyst")); cur.Title != "Senior Analyst" {
		t.Errorf("Current without years = %q; want Senior Analyst", cur.Title)
	}
	if _, ok := Current(ParseHistory(" ; | ")); ok {
		t.Error("Current of an empty history: ok = true")
	}
}

func TestJobZones(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) {
		if err := os.WriteFile(filepath.Join(dir, JobZonesFile), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("O*NET-SOC Code\tJob Zone\tDate\tDomain Source\r\n15-2051.00\t5\t08/2023\tAnalyst\r\n43-4051.00\t2\t08/2023\tAnalyst\r\n")
	z, err := ReadJobZones(dir)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := z.Zone("15-2051.00"); !ok || v != 5 {
		t.Errorf("Zone(15-2051.00) = %d, %v; want 5", v, ok)
	}
	if m, ok := z.CompareCodes("43-4051.00", "15-2051.00"); !ok || m != StepUp {
		t.Errorf("CompareCodes = %v, %v; want step up", m, ok)
	}
	if m, ok := z.CompareCodes("15-2051.00", "43-4051.00"); !ok || m != StepDown {
		t.Errorf("CompareCodes = %v, %v; want step down", m, ok)
	}
	if _, ok := z.CompareCodes("15-2051.00", "99-9999.00"); ok {
		t.Error("CompareCodes with an unknown code: ok = true")
	}
	if CompareZones(3, 3) != Lateral {
		t.Error("CompareZones(3, 3) is not lateral")
	}
	write("O*NET-SOC Code\tJob Zone\n15-2051.00\t7\n")
	if _, err := ReadJobZones(dir); err == nil || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "want 1 to 5") {
		t.Errorf("zone 7: err = %v; want one naming line 2", err)
	}
	write("Code\tZone\n15-2051.00\t3\n")
	if _, err := ReadJobZones(dir); err == nil || !strings.Contains(err.Error(), "columns are") {
		t.Errorf("wrong columns: err = %v", err)
	}
}

// TestRealJobZones reads O*NET 29.2's Job Zones when ../shared is there.
func TestRealJobZones(t *testing.T) {
	dir := filepath.Dir(testenv.Shared(t, "datasets/onet-29.2/"+JobZonesFile))
	z, err := ReadJobZones(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(z) != 923 {
		t.Errorf("%d occupations with a job zone; want 923", len(z))
	}
	// Chief Executives (11-1011.00) need extensive preparation (zone 5).
	if v, _ := z.Zone("11-1011.00"); v != 5 {
		t.Errorf("Zone(11-1011.00) = %d; want 5", v)
	}
}

package textnorm

import (
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/testenv"
)

func TestNormalizeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Data Analyst", "Data Analyst"},
		{"  Data   Analyst  ", "Data Analyst"},
		{"Data\tAnalyst\n", "Data Analyst"},
		{"Data\r\n\r\nAnalyst", "Data Analyst"},
		{"Data\u00a0Analyst", "Data Analyst"},          // no-break space
		{"Data\u2003\u202fAnalyst", "Data Analyst"},    // em space, narrow no-break space
		{"\u3000Data Analyst\u0085", "Data Analyst"},   // ideographic space, next line
		{"Cafe\u0301 Manager", "Caf\u00e9 Manager"},    // NFD to NFC
		{"Caf\u00e9  Manager", "Caf\u00e9 Manager"},    // already NFC
		{"\u212b ngstr\u00f6m", "\u00c5 ngstr\u00f6m"}, // ANGSTROM SIGN composes to Å
		{"ﬁ ligature", "ﬁ ligature"},                   // NFC, not NFKC
		{" \t\n ", ""},
	}
	for _, tt := range tests {
		if got := NormalizeText(tt.in); got != tt.want {
			t.Errorf("NormalizeText(%q) = %q; want %q", tt.in, got, tt.want)
		}
		if got := NormalizeText(tt.want); got != tt.want {
			t.Errorf("NormalizeText(%q) = %q; want it unchanged", tt.want, got)
		}
	}
}

func TestNormalizeRole(t *testing.T) {
	tests := []struct{ in, want string }{
		// Kaggle role names are kept.
		{"UX/UI Designer", "UX/UI Designer"},
		{"UI/UX Front-End Developer", "UI/UX Front-End Developer"},
		{"Front-End Developer", "Front-End Developer"},
		{"Full-Stack Developer", "Full-Stack Developer"},
		{"QA Analyst", "QA Analyst"},
		{"IT Manager", "IT Manager"},
		{"E-commerce Web Designer", "E-commerce Web Designer"},
		{"e-Commerce Specialist", "e-Commerce Specialist"},
		{"Research and Development (R&D) Engineer", "Research and Development (R&D) Engineer"},
		{"Security Operations Center (SOC) Analyst", "Security Operations Center (SOC) Analyst"},
		{"Mergers and Acquisitions Advisor", "Mergers and Acquisitions Advisor"},
		{"HVAC Systems Designer", "HVAC Systems Designer"},
		{"NoSQL Database Engineer", "NoSQL Database Engineer"},
		{"B2B Sales Consultant", "B2B Sales Consultant"},
		{"In-House Counsel", "In-House Counsel"},

		// White space and Unicode.
		{"  Data   Analyst ", "Data Analyst"},
		{"Data\u00a0Analyst", "Data Analyst"},
		{"Cafe\u0301 Manager", "Caf\u00e9 Manager"},
		{"", ""},

		// All lower-case words are capitalised, small words are not.
		{"data analyst", "Data Analyst"},
		{"head of sales and marketing", "Head of Sales and Marketing"},
		{"the analyst", "The Analyst"},
		{"a/b tester", "A/B Tester"},
		{"front-end developer", "Front-End Developer"},
		{"editor-in-chief", "Editor-in-Chief"},
		{"e-commerce specialist", "E-Commerce Specialist"},
		{"ux/ui designer", "UX/UI Designer"},
		{"it manager", "IT Manager"},
		{"qa analyst", "QA Analyst"},
		{"research and development (r&d) engineer", "Research and Development (R&D) Engineer"},
		{"zz/yy designer", "Zz/Yy Designer"},
		{"élan coordinator", "Élan Coordinator"},

		// All-caps words of four or more letters are title-cased; short
		// ones are kept unless the whole name is in capitals.
		{"RESTAURANT SUPERVISOR", "Restaurant Supervisor"},
		{"DATA ANALYST", "Data Analyst"},
		{"Senior DATA Analyst", "Senior Data Analyst"},
		{"ABC Coordinator", "ABC Coordinator"},
		{"ABC COORDINATOR", "Abc Coordinator"},
		{"IT MANAGER", "IT Manager"},
		{"UX/UI DESIGNER", "UX/UI Designer"},
		{"ZZ/YY DESIGNER", "Zz/Yy Designer"},
		{"VP OF SALES", "VP of Sales"},
		{"HEAD OF IT", "Head of IT"},
		{"SOUS CHEF", "Sous Chef"},
		{"RN CASE MANAGER", "RN Case Manager"},
		{"LPN", "LPN"},
		{"DOG", "Dog"},
		{"HVAC TECHNICIAN", "HVAC Technician"},
		{"Hvac Technician", "Hvac Technician"},
		{"Sales AND Marketing", "Sales and Marketing"},
		{"FRONT-END DEVELOPER", "Front-End Developer"},
		{"SEO & SEM SPECIALIST", "SEO & SEM Specialist"},
		{"A&R COORDINATOR", "A&R Coordinator"},
		{"food&beverage manager", "Food&Beverage Manager"},
		{"0a& AA", "0A& Aa"}, // capitalising makes it all-caps
		{"a/b QA", "A/B QA"},
		{"ÉCOLE DIRECTOR", "École Director"},

		// Mixed-case words are kept as they are.
		{"iOS developer", "iOS Developer"},
		{"McDonald crew member", "McDonald Crew Member"},
		{"eCommerce manager", "eCommerce Manager"},
		{"JavaScript developer", "JavaScript Developer"},
		{"UX/ui designer", "UX/ui Designer"},
	}
	for _, tt := range tests {
		got := NormalizeRole(tt.in)
		if got != tt.want {
			t.Errorf("NormalizeRole(%q) = %q; want %q", tt.in, got, tt.want)
		}
		if again := NormalizeRole(got); again != got {
			t.Errorf("NormalizeRole(%q) = %q; want it unchanged (idempotent)", got, again)
		}
	}
}

func TestRoleKey(t *testing.T) {
	tests := []struct {
		variants []string
		want     string
	}{
		{[]string{"DATA ANALYST", "data analyst", "Data  Analyst", " Data\u00a0Analyst\n"}, "data analyst"},
		{[]string{"UX/UI Designer", "ux/ui designer", "UX/UI DESIGNER"}, "ux/ui designer"},
		{[]string{"Straße Planner", "STRASSE PLANNER", "strasse planner"}, "strasse planner"},
		{[]string{"Cafe\u0301 Manager", "CAF\u00c9 MANAGER"}, "caf\u00e9 manager"},
	}
	for _, tt := range tests {
		for _, v := range tt.variants {
			if got := RoleKey(v); got != tt.want {
				t.Errorf("RoleKey(%q) = %q; want %q", v, got, tt.want)
			}
		}
	}
	if a, b := RoleKey("Data Analyst"), RoleKey("Data Scientist"); a == b {
		t.Errorf("RoleKey(%q) = RoleKey(%q) = %q; want different keys", "Data Analyst", "Data Scientist", a)
	}
}

func BenchmarkNormalizeRole(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		NormalizeRole("Senior  UX/UI front-end DEVELOPER")
	}
}

// FuzzNormalizeRole checks that NormalizeRole is idempotent, returns
// normalised text, and changes nothing but case and white space.
func FuzzNormalizeRole(f *testing.F) {
	for _, s := range []string{"UX/UI Designer", "ux/ui designer", "RESTAURANT SUPERVISOR", "e-Commerce Specialist", "VP OF SALES", "a&r", "Cafe\u0301", "ǆ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := NormalizeRole(s)
		if again := NormalizeRole(got); again != got {
			t.Errorf("NormalizeRole(%q) = %q; NormalizeRole of that = %q; want it unchanged", s, got, again)
		}
		if NormalizeText(got) != got {
			t.Errorf("NormalizeRole(%q) = %q; want normalised text", s, got)
		}
		if a, b := RoleKey(got), RoleKey(s); a != b {
			t.Errorf("RoleKey(%q) = %q; RoleKey(%q) = %q; want equal", s, b, got, a)
		}
	})
}

// TestNormalizeRoleKaggle checks that NormalizeRole keeps every Kaggle
// role name (apart from white space), is idempotent on them, and gives
// the 376 roles 376 distinct keys.
func TestNormalizeRoleKaggle(t *testing.T) {
	keys := map[string]string{}
	for _, role := range kaggleRoles(t) {
		got := NormalizeRole(role)
		if want := strings.Join(strings.Fields(role), " "); got != want {
			t.Errorf("NormalizeRole(%q) = %q; want %q (only white space changed)", role, got, want)
		}
		if again := NormalizeRole(got); again != got {
			t.Errorf("NormalizeRole(%q) = %q; want it unchanged (idempotent)", got, again)
		}
		key := RoleKey(role)
		if other, ok := keys[key]; ok {
			t.Errorf("RoleKey(%q) = RoleKey(%q) = %q; want distinct keys", role, other, key)
		}
		keys[key] = role
		if up := RoleKey(strings.ToUpper(role)); up != key {
			t.Errorf("RoleKey(%q) = %q; want %q, the key of %q", strings.ToUpper(role), up, key, role)
		}
	}
}

// kaggleRoles returns the distinct Role values of the shared Kaggle sample (skipped, or failed
// under SKILLX_REQUIRE_SHARED, without ../shared).
func kaggleRoles(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	var out []string
	for _, rec := range testenv.SharedCSV(t, "kaggle-job-descriptions/job_descriptions_sample.csv", "Role") {
		if !seen[rec[0]] {
			seen[rec[0]] = true
			out = append(out, rec[0])
		}
	}
	return out
}
